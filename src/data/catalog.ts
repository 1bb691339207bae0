/**
 * What seeding and fingerprinting need to know about the user's tables, read from the system
 * catalogs in one round trip (one JSON document), so the cost does not grow with the number of
 * tables.
 */
import type pg from 'pg';
import { TRACKING_SCHEMA } from '../schema/tracking-schema.js';

export interface ColumnInfo {
  name: string;
  num: number;
  type: number;
  typmod: number;
  /** `format_type(atttypid, atttypmod)`: the declared type, ready to cast to. */
  decl: string;
  notNull: boolean;
  /** `a` (always), `d` (by default) or `` for none. */
  identity: string;
  /** `s` (stored), `v` (virtual, PostgreSQL 18) or `` for none. */
  generated: string;
  default: string | null;
}

export interface ConstraintInfo {
  name: string;
  /** `p` primary key, `u` unique, `c` check, `f` foreign key, `x` exclusion, `n` not null (PG 18). */
  type: string;
  cols: number[] | null;
  refTable: number;
  refCols: number[] | null;
  def: string;
  deferrable: boolean;
}

export interface PartitionLeaf {
  oid: number;
  /** `pg_get_partition_constraintdef`: the condition a row must meet to land in this leaf. */
  constraint: string | null;
}

export interface TableInfo {
  oid: number;
  schema: string;
  name: string;
  /** `schema.name` with identifiers quoted where PostgreSQL needs it. */
  qualified: string;
  /** `schema.name` as written by people (no quotes), as reports show it. */
  display: string;
  partitioned: boolean;
  columns: ColumnInfo[];
  constraints: ConstraintInfo[];
  /** Leaf partitions (partitioned tables only). */
  leaves: PartitionLeaf[];
}

export interface TypeInfo {
  oid: number;
  name: string;
  /** `format_type(oid, NULL)`: the name to cast to. */
  sqlName: string;
  kind: string;
  category: string;
  elem: number;
  base: number;
  baseTypmod: number;
  notNull: boolean;
  labels: string[] | null;
  checks: string[] | null;
  attributes: Array<{ name: string; type: number; typmod: number }> | null;
  subtype: number | null;
}

export interface Catalog {
  tables: TableInfo[];
  types: Map<number, TypeInfo>;
}

/**
 * Ordinary and partitioned tables the user owns: not the system's, not an extension's (their
 * contents belong to the extension), not leaf partitions (rows reach them through the parent).
 */
const TABLES_SQL = `
SELECT coalesce(json_agg(t ORDER BY t.schema, t.name), '[]') FROM (
  SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,
    format('%I.%I', n.nspname, c.relname) AS qualified,
    n.nspname || '.' || c.relname AS display,
    c.relkind = 'p' AS partitioned,
    (SELECT coalesce(json_agg(json_build_object(
        'name', a.attname, 'num', a.attnum, 'type', a.atttypid::int8, 'typmod', a.atttypmod,
        'decl', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
        'identity', a.attidentity, 'generated', a.attgenerated,
        'default', pg_get_expr(d.adbin, d.adrelid)) ORDER BY a.attnum), '[]')
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
    (SELECT coalesce(json_agg(json_build_object(
        'name', k.conname, 'type', k.contype, 'cols', k.conkey, 'refTable', k.confrelid::int8,
        'refCols', k.confkey, 'def', pg_get_constraintdef(k.oid), 'deferrable', k.condeferrable) ORDER BY k.conname), '[]')
      FROM pg_constraint k WHERE k.conrelid = c.oid) AS constraints,
    (SELECT coalesce(json_agg(json_build_object(
        'oid', pt.relid::int8, 'constraint', pg_get_partition_constraintdef(pt.relid)) ORDER BY pt.relid), '[]')
      FROM pg_partition_tree(c.oid) pt WHERE c.relkind = 'p' AND pt.isleaf) AS leaves
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition /*filter*/
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${TRACKING_SCHEMA}') AND n.nspname NOT LIKE 'pg\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
) t`;

/** Every type except table row types: a few hundred small rows, cheaper than working out which. */
const TYPES_SQL = `
SELECT coalesce(json_agg(json_build_object(
    'oid', t.oid::int8, 'name', t.typname, 'sqlName', format_type(t.oid, NULL), 'kind', t.typtype,
    'category', t.typcategory, 'elem', t.typelem::int8, 'base', t.typbasetype::int8,
    'baseTypmod', t.typtypmod, 'notNull', t.typnotnull,
    'labels', CASE WHEN t.typtype = 'e' THEN
      (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) END,
    'checks', CASE WHEN t.typtype = 'd' THEN
      (SELECT json_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname) FROM pg_constraint k
       WHERE k.contypid = t.oid AND k.contype = 'c') END,
    'attributes', CASE WHEN t.typtype = 'c' THEN
      (SELECT json_agg(json_build_object('name', a.attname, 'type', a.atttypid::int8, 'typmod', a.atttypmod) ORDER BY a.attnum)
       FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END,
    'subtype', (SELECT r.rngsubtype::int8 FROM pg_range r WHERE r.rngtypid = t.oid))), '[]')
FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid
WHERE t.typisdefined AND t.typtype <> 'p' AND (t.typrelid = 0 OR r.relkind = 'c')`;

/** Reads tables and types in one round trip (two statements in one simple-query message). */
export async function readCatalog(client: pg.ClientBase): Promise<Catalog> {
  const results = (await client.query(`${TABLES_SQL};${TYPES_SQL}`)) as unknown as pg.QueryResult[];
  const tables = firstValue(results[0]) as TableInfo[];
  const types = firstValue(results[1]) as TypeInfo[];
  return { tables, types: new Map(types.map((t) => [t.oid, t])) };
}

/** Reads tables only: fingerprinting needs no type details. */
export async function readTables(client: pg.ClientBase): Promise<TableInfo[]> {
  return firstValue(await client.query(TABLES_SQL)) as TableInfo[];
}

/**
 * Reads the tables named in `only` (`schema.table`) and, when `orNotIn` is given, every table
 * not named there too (tables created since a list was taken): what a data check needs when it
 * knows which tables a migration can reach, at a cost that follows them, not the schema.
 */
export async function readTablesNamed(client: pg.ClientBase, only: readonly string[], orNotIn?: readonly string[]): Promise<TableInfo[]> {
  const sql = TABLES_SQL.replace(
    '/*filter*/',
    `AND (n.nspname || '.' || c.relname = ANY($1::text[]) OR ($2::text[] IS NOT NULL AND NOT (n.nspname || '.' || c.relname = ANY($2::text[]))))`,
  );
  return firstValue(await client.query(sql, [only, orNotIn ?? null])) as TableInfo[];
}

function firstValue(result: pg.QueryResult): unknown {
  const row = result.rows[0] as Record<string, unknown>;
  return Object.values(row)[0];
}

/** Quotes an identifier the way PostgreSQL's quote_ident does, always (never wrong, only verbose). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string as an SQL literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Matches a user-given table name (`schema.table`, `table` meaning public, quoted or not). */
export function isExcluded(table: TableInfo, exclude: readonly string[]): boolean {
  return exclude.some((name) => {
    const plain = name.replace(/"/g, '');
    return plain === table.display || (!plain.includes('.') && table.schema === 'public' && plain === table.name);
  });
}
