/** Snapshot fragments for schemas, extensions, comments and publications. */
import { ownerLine, sql } from './snapshot-sql-common.js';
import { catalog, unitOfSql } from './units.js';

/** User schemas with their owner (a schema created by an extension belongs to it). */
export const SCHEMAS = sql`
SELECT 'schema'::text, ns.q, 'CREATE SCHEMA ' || ns.q || E'\n' || ${ownerLine('ns.nspowner')}, NULL::text, NULL::int,
  ${catalog('pg_namespace')}, ns.oid
FROM ns
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_namespace'::regclass AND e.objid = ns.oid)`;

/** Installed extensions: schema and version (their member objects are left out everywhere). */
export const EXTENSIONS = sql`
SELECT 'extension'::text, quote_ident(x.extname),
  'CREATE EXTENSION ' || quote_ident(x.extname) || ' WITH SCHEMA ' || quote_ident(xn.nspname)
    || ' VERSION ' || quote_literal(x.extversion),
  NULL::text, NULL::int,
  ${catalog('pg_extension')}, x.oid
FROM pg_extension x JOIN pg_namespace xn ON xn.oid = x.extnamespace`;

/**
 * Comments on every kind of object, named through pg_identify_object (always schema-qualified,
 * OID-free). Objects created by initdb (OID below FirstNormalObjectId, 16384), extension members,
 * objects in system schemas, extensions' own comments, and anything hanging off an excluded or
 * extension-owned table are left out. The type `table column` (and `view column`, ...) is shortened to `column`.
 *
 * `withUnits` false leaves the unit columns NULL: a plain snapshot is never patched, and mapping
 * each comment to its unit costs a few microseconds per comment (schemas that comment every column
 * have many). A `scoped` read maps only comments on objects of the `scope_member` CTE
 * (snapshot-sql-common.ts), a superset of its units' objects.
 */
export function commentsFragment(withUnits: boolean, scoped = false): string {
  const unit = withUnits ? unitOfSql('d.classoid', 'd.objoid', 'cu') : 'LATERAL (SELECT NULL::oid AS uclass, NULL::oid AS uoid) cu';
  return sql`
SELECT 'comment'::text, c.objtype || ' ' || c.identity,
  'COMMENT ON ' || upper(c.objtype) || ' ' || c.identity || ' IS ' || quote_literal(c.description),
  NULL::text, NULL::int,
  c.uclass, c.uoid
FROM (
  SELECT regexp_replace(io.type, '^.* column$', 'column') AS objtype, io.identity, io.schema, d.description, cu.uclass, cu.uoid
  FROM pg_description d, LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) io,
    ${unit}
  WHERE d.objoid >= 16384${scoped ? '\n    AND d.objoid IN (SELECT sm.oid FROM scope_member sm)' : ''}
    -- An extension's comment comes from its control file, with the extension.
    AND d.classoid <> 'pg_extension'::regclass
    AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = d.classoid AND e.objid = d.objoid)
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend dd
      WHERE dd.classid = d.classoid AND dd.objid = d.objoid AND dd.refclassid = 'pg_class'::regclass
        AND (dd.refobjid IN (SELECT oid FROM excluded_rel)
          OR dd.refobjid IN (SELECT objid FROM ext_member WHERE classid = 'pg_class'::regclass)))
    AND NOT (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM excluded_rel))
) c
WHERE c.schema IS NULL OR c.schema IN (SELECT nspname FROM ns)`;
}

/** Comments with their units (see commentsFragment). */
export const COMMENTS = commentsFragment(true);

/** Publications: which tables (with column lists and row filters) or schemas, and what they publish. */
export const PUBLICATIONS = sql`
SELECT 'publication'::text, quote_ident(p.pubname),
  concat_ws(E'\n',
    'CREATE PUBLICATION ' || quote_ident(p.pubname) || CASE WHEN p.puballtables THEN ' FOR ALL TABLES' ELSE '' END,
    (SELECT string_agg(line, E'\n' ORDER BY line)
     FROM (SELECT '  TABLE ' || pns.q || '.' || quote_ident(pc.relname)
                  || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                                        FROM pg_attribute a WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs)) || ')', '')
                  || coalesce(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', '') AS line
           FROM pg_publication_rel pr JOIN pg_class pc ON pc.oid = pr.prrelid JOIN ns pns ON pns.oid = pc.relnamespace
           WHERE pr.prpubid = p.oid) t),
    (SELECT string_agg('  TABLES IN SCHEMA ' || quote_ident(pn.nspname), E'\n' ORDER BY pn.nspname)
     FROM pg_publication_namespace pp JOIN pg_namespace pn ON pn.oid = pp.pnnspid WHERE pp.pnpubid = p.oid),
    '  WITH (publish = ' || quote_literal(concat_ws(', ',
        CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
        CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END))
      || ', publish_via_partition_root = ' || p.pubviaroot || ')',
    ${ownerLine('p.pubowner')}),
  NULL::text, NULL::int,
  ${catalog('pg_publication')}, p.oid
FROM pg_publication p`;
