ALTER TABLE orders ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- The body is dollar-quoted: its semicolons belong to the function, not to the migration.
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER orders_touch_updated_at
    BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
