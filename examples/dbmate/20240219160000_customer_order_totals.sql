-- migrate:up
CREATE INDEX orders_status_idx ON orders (status);

CREATE VIEW customer_order_totals AS
SELECT c.id AS customer_id,
       c.email,
       count(o.id) AS order_count,
       coalesce(sum(o.total_cents), 0) AS total_cents
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
GROUP BY c.id, c.email;

-- migrate:down
DROP VIEW customer_order_totals;
DROP INDEX orders_status_idx;
