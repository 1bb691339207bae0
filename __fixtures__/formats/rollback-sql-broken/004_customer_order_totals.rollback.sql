DROP VIEW customer_order_totals;
-- forgot: DROP INDEX orders_status_idx;
