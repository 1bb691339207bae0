/**
 * Shared pieces of the snapshot query: the common table expressions every fragment joins against
 * (user schemas, extension members, user relations) and small SQL expression builders.
 *
 * Every fragment is a set-based SELECT returning `(kind, name, ddl, tbl, pos)`; snapshot-query.ts
 * glues them into one UNION ALL so a snapshot is one round trip whatever the schema size.
 * The query runs with `search_path = pg_catalog` (see snapshot-query.ts), which makes
 * format_type, pg_get_expr, pg_get_*def and reg* casts print every user object schema-qualified,
 * so the text never depends on the caller's search_path.
 */

import { TRACKING_SCHEMA } from './tracking-schema.js';

/** String.raw, so SQL can carry backslash escapes (E'\n') without double escaping. */
export const sql = String.raw;

/**
 * The CTEs. `excludedTables` is an SQL text[] expression (already escaped) of bookkeeping tables
 * to leave out, with the sequences they own and everything attached to them; undefined when there
 * are none, which spares a scan of pg_class.
 */
export function commonTableExpressions(excludedTables: string | undefined, relationScope?: string, unitScope?: string): string {
  const excludedTable = excludedTables
    ? sql`
  SELECT c.oid
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f')
    AND (ns.q || '.' || quote_ident(c.relname) = ANY (${excludedTables})
      OR ns.nspname || '.' || c.relname = ANY (${excludedTables})
      OR c.relname = ANY (${excludedTables}))`
    : sql`SELECT NULL::oid AS oid WHERE false`;
  // A scoped re-read (incremental.ts) names the relation units to read; their identity sequences
  // come along, because their privileges belong to the table's unit (units.ts).
  const inScope = relationScope
    ? sql`
    AND c.oid IN (SELECT unnest(${relationScope})
                  UNION ALL
                  SELECT d.objid FROM pg_catalog.pg_depend d
                  WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = ANY (${relationScope})
                    AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'i')`
    : '';
  // A scoped read also names every unit's object OID; what may be part of those units (what
  // depends on them, twice removed: an index, a constraint, an array of a row type) bounds the
  // comments worth mapping to units (snapshot-sql-misc.ts).
  const scopeMember = unitScope
    ? sql`
scope_member AS MATERIALIZED (
  SELECT unnest(${unitScope}) AS oid
  UNION
  SELECT d.objid FROM pg_catalog.pg_depend d
  WHERE d.refclassid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_type'::regclass, 'pg_catalog.pg_publication'::regclass)
    AND d.refobjid = ANY (${unitScope})
  UNION
  SELECT d2.objid FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_depend d2 ON d2.refclassid = d.classid AND d2.refobjid = d.objid
  WHERE d.refclassid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_type'::regclass)
    AND d.refobjid = ANY (${unitScope})
),`
    : '';
  return sql`${scopeMember}
ext_member AS MATERIALIZED (
  -- Objects created by CREATE EXTENSION belong to the extension, not to the migrations. Read from
  -- the extensions' side, which pg_depend indexes (its deptype is not).
  SELECT d.classid, d.objid
  FROM pg_catalog.pg_extension x
  JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = x.oid
  WHERE d.deptype = 'e'
),
ns AS MATERIALIZED (
  -- User schemas: pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N (all 'pg_'-prefixed, a prefix
  -- CREATE SCHEMA refuses) and information_schema are system schemas; the run's change tracking
  -- (tracking-schema.ts) is not the user's.
  SELECT n.oid, n.nspname, quote_ident(n.nspname) AS q, n.nspowner, n.nspacl
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND n.nspname <> '${TRACKING_SCHEMA}'
),
excluded_table AS MATERIALIZED (${excludedTable}),
excluded_rel AS MATERIALIZED (
  -- A bookkeeping table's serial/identity sequence goes with it.
  SELECT oid FROM excluded_table
  UNION
  SELECT d.objid FROM pg_catalog.pg_depend d JOIN excluded_table x ON x.oid = d.refobjid
  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
    AND d.deptype IN ('a', 'i')
),
rel AS MATERIALIZED (
  -- User relations that carry schema of their own (indexes and composite types are read elsewhere).
  SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.relowner, c.relacl, c.reloptions,
         c.relispartition, c.relpartbound, c.relam, c.reltablespace, c.relrowsecurity,
         c.relforcerowsecurity, c.relreplident, ns.q AS nsq, ns.q || '.' || quote_ident(c.relname) AS q
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
    AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid)
    AND NOT EXISTS (SELECT 1 FROM excluded_rel x WHERE x.oid = c.oid)${inScope}
)`;
}

/** `OWNER TO role` line for an owner OID expression. */
export function ownerLine(ownerExpr: string): string {
  return sql`'OWNER TO ' || quote_ident(pg_catalog.pg_get_userbyid(${ownerExpr}))`;
}

/** A role OID as a grantee name: 0 is PUBLIC. */
export function roleName(roleExpr: string): string {
  return sql`CASE WHEN ${roleExpr} = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(${roleExpr})) END`;
}

/**
 * Sorted, comma-separated options of a text[] (reloptions, attoptions, ...), or NULL. The CASE
 * keeps the sub-select from running for the (usual) NULL array: per column, that adds up.
 */
export function sortedOptions(arrayExpr: string): string {
  return sql`(CASE WHEN ${arrayExpr} IS NOT NULL THEN (SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(${arrayExpr}) AS o) END)`;
}

/**
 * A collation OID as its name: regcollation prints pg_catalog collations bare ("C") and user
 * collations qualified, because the query runs with search_path = pg_catalog.
 */
export function collationName(collOidExpr: string): string {
  return sql`${collOidExpr}::pg_catalog.regcollation::text`;
}

/** Sequence parameters from a pg_sequence row alias, as CREATE SEQUENCE prints them. */
export function sequenceParameters(alias: string): string {
  return sql`'AS ' || pg_catalog.format_type(${alias}.seqtypid, NULL)
    || ' INCREMENT BY ' || ${alias}.seqincrement
    || ' MINVALUE ' || ${alias}.seqmin
    || ' MAXVALUE ' || ${alias}.seqmax
    || ' START WITH ' || ${alias}.seqstart
    || ' CACHE ' || ${alias}.seqcache
    || CASE WHEN ${alias}.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END`;
}
