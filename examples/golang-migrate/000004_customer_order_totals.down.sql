DROP VIEW customer_order_totals;
DROP INDEX orders_status_idx;
