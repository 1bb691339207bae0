/**
 * The one query a team runs on production to give predictions their table sizes. It reads only
 * statistics the server already keeps (planner estimates and sizes in the catalogs): no row of
 * data leaves production, and it costs no scan. Its CSV output (`psql --csv`) is accepted as is
 * by `parseTableRows`.
 */

/**
 * Rows and bytes per user table: `pg_class.reltuples` (the planner's estimate, kept current by
 * autovacuum and ANALYZE), `pg_stat_user_tables.n_live_tup` for tables never analyzed (reltuples
 * -1 since PostgreSQL 14), a partitioned table as the sum of its partitions, and
 * `pg_table_size` (heap, TOAST and maps, no indexes) as bytes. PostgreSQL 12 or later.
 */
export const PRODUCTION_SIZES_QUERY = `-- rollback-verify: production table sizes (estimates from the catalogs; no data is read)
SELECT n.nspname AS schema,
       c.relname AS "table",
       CASE WHEN c.relkind = 'p' THEN
              (SELECT COALESCE(sum(GREATEST(l.reltuples, 0)), 0) FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
            WHEN c.reltuples >= 0 THEN c.reltuples
            ELSE COALESCE(s.n_live_tup, 0)
       END::bigint AS rows,
       CASE WHEN c.relkind = 'p' THEN
              (SELECT COALESCE(sum(pg_table_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t WHERE t.isleaf)
            ELSE pg_table_size(c.oid)
       END::bigint AS bytes
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
 WHERE c.relkind IN ('r', 'p')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname !~ '^pg_'
 ORDER BY 1, 2;
`;

/** How to run it, for the README and the error that asks for it. */
export const PRODUCTION_SIZES_COMMAND = 'psql "$PRODUCTION_DATABASE_URL" --csv -f table-rows.sql > table-rows.csv';
