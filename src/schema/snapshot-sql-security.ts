/**
 * Snapshot fragments for access control: row-level security policies, privileges and default
 * privileges.
 *
 * Privileges are normalised as the difference between an object's ACL and its built-in default
 * (acldefault for its owner): a NULL ACL, and an explicit ACL that restates the default (what a
 * GRANT followed by the matching REVOKE leaves), both yield nothing. What remains is one object
 * per (object, grantee) with GRANT lines for what was added and REVOKE lines for what was taken
 * away from the default. Grantors are ignored: who granted does not change who may do what.
 */
import { roleName, sql } from './snapshot-sql-common.js';
import { catalog, unitOfSql } from './units.js';

/** RLS policies. */
export const POLICIES = sql`
SELECT 'policy'::text, r.q || '.' || quote_ident(po.polname),
  concat_ws(E'\n',
    'CREATE POLICY ' || quote_ident(po.polname) || ' ON ' || r.q,
    '  AS ' || CASE WHEN po.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
    '  FOR ' || CASE po.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
    '  TO ' || (SELECT string_agg(role_name, ', ' ORDER BY role_name)
               FROM (SELECT ${roleName('ro')} AS role_name FROM unnest(po.polroles) AS ro) roles),
    '  USING (' || pg_get_expr(po.polqual, po.polrelid) || ')',
    '  WITH CHECK (' || pg_get_expr(po.polwithcheck, po.polrelid) || ')'),
  r.q, NULL::int,
  ${catalog('pg_class')}, r.oid
FROM pg_policy po JOIN rel r ON r.oid = po.polrelid`;

/** Every object that can carry an ACL, with its default ACL for comparison. */
const ACL_SOURCES = sql`
SELECT CASE r.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
         WHEN 'f' THEN 'foreign table' ELSE 'table' END AS objtype,
       r.q AS objname, CASE r.relkind WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || r.q AS target, '' AS cols,
       r.relacl AS acl, acldefault(CASE r.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", r.relowner) AS defacl,
       CASE WHEN r.relkind <> 'S' THEN r.q END AS tbl,
       -- An identity sequence's privileges belong to its table's unit (units.ts).
       ${catalog('pg_class')} AS uclass,
       CASE WHEN r.relkind = 'S' THEN coalesce(
         (SELECT d.refobjid FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid AND d.objsubid = 0
            AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'i'), r.oid) ELSE r.oid END AS uoid
FROM rel r WHERE r.relacl IS NOT NULL
UNION ALL
SELECT 'column', r.q || '.' || quote_ident(a.attname), 'TABLE ' || r.q, ' (' || quote_ident(a.attname) || ')',
       a.attacl, acldefault('c'::"char", r.relowner), r.q, ${catalog('pg_class')}, r.oid
FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'schema', ns.q, 'SCHEMA ' || ns.q, '', ns.nspacl, acldefault('n'::"char", ns.nspowner), NULL, ${catalog('pg_namespace')}, ns.oid
FROM ns WHERE ns.nspacl IS NOT NULL
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
       pn.q || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
       CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END
         || pn.q || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
       '', p.proacl, acldefault('f'::"char", p.proowner), NULL, pu.uclass, pu.uoid
FROM pg_proc p JOIN ns pn ON pn.oid = p.pronamespace, ${unitOfSql(catalog('pg_proc'), 'p.oid', 'pu')}
WHERE p.proacl IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, tn.q || '.' || quote_ident(t.typname),
       CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || tn.q || '.' || quote_ident(t.typname), '',
       t.typacl, acldefault('T'::"char", t.typowner), NULL, tu.uclass, tu.uoid
FROM pg_type t JOIN ns tn ON tn.oid = t.typnamespace, ${unitOfSql(catalog('pg_type'), 't.oid', 'tu')}
WHERE t.typacl IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pg_type arr WHERE arr.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)`;

/** Privileges: one object per (object, grantee); see the file comment for the normalisation. */
export const PRIVILEGES = sql`
SELECT 'privilege'::text, objtype || ' ' || objname || ' to ' || grantee_name,
  string_agg(line, E'\n' ORDER BY line), tbl, NULL::int, uclass, uoid
FROM (
  SELECT objtype, objname, tbl, uclass, uoid, grantee_name,
    op || ' ' || string_agg(privilege_type || cols, ', ' ORDER BY privilege_type) || ' ON ' || target
      || CASE op WHEN 'GRANT' THEN ' TO ' ELSE ' FROM ' END || grantee_name
      || CASE WHEN is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS line
  FROM (
    SELECT *, ${roleName('grantee')} AS grantee_name
    FROM (
      (SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, s.uclass, s.uoid, 'GRANT' AS op, e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.acl) e
       EXCEPT
       SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, s.uclass, s.uoid, 'GRANT', e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.defacl) e)
      UNION ALL
      (SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, s.uclass, s.uoid, 'REVOKE', e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.defacl) e
       EXCEPT
       SELECT s.objtype, s.objname, s.target, s.cols, s.tbl, s.uclass, s.uoid, 'REVOKE', e.grantee, e.privilege_type, e.is_grantable
       FROM acl_source s, aclexplode(s.acl) e)
    ) entries
  ) named
  GROUP BY objtype, objname, target, cols, tbl, uclass, uoid, grantee_name, op, is_grantable
) lines
GROUP BY objtype, objname, tbl, uclass, uoid, grantee_name`;

/** The CTE PRIVILEGES reads from. */
export const ACL_SOURCE_CTE = sql`acl_source AS MATERIALIZED (${ACL_SOURCES})`;

/** ALTER DEFAULT PRIVILEGES entries, per (role, schema, object type). */
export const DEFAULT_PRIVILEGES = sql`
SELECT 'default privileges'::text,
  'for role ' || quote_ident(pg_get_userbyid(da.defaclrole))
    || coalesce(' in schema ' || quote_ident(dn.nspname), '')
    || ' on ' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                   WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END,
  coalesce((SELECT string_agg(line, E'\n' ORDER BY line)
            FROM (SELECT 'GRANT ' || e.privilege_type || ' TO ' || ${roleName('e.grantee')}
                         || CASE WHEN e.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS line
                  FROM aclexplode(da.defaclacl) e) l), '(no privileges)'),
  NULL::text, NULL::int,
  ${catalog('pg_default_acl')}, da.oid
FROM pg_default_acl da LEFT JOIN pg_namespace dn ON dn.oid = da.defaclnamespace`;
