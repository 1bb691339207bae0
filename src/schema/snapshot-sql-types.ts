/**
 * Snapshot fragments for types: enums (labels in sort order), composite types, range types,
 * domains (with their constraints), user base types, and collations.
 */
import { collationName, ownerLine, sql } from './snapshot-sql-common.js';
import { catalog } from './units.js';

const TYPE_NAME = sql`tn.q || '.' || quote_ident(t.typname)`;

const ENUM_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' AS ENUM ('
  || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
               FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')'`;

const COMPOSITE_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' AS ('
  || coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                 || CASE WHEN a.attcollation <> at.typcollation THEN ' COLLATE ' || ${collationName('a.attcollation')} ELSE '' END,
                 ', ' ORDER BY a.attnum)
               FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
               WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'`;

const RANGE_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' AS RANGE ('
  || concat_ws(', ',
    'SUBTYPE = ' || format_type(rg.rngsubtype, NULL),
    (SELECT 'SUBTYPE_OPCLASS = ' || CASE WHEN opc.opcnamespace = 'pg_catalog'::regnamespace THEN '' ELSE quote_ident(on_.nspname) || '.' END
       || quote_ident(opc.opcname)
     FROM pg_opclass opc JOIN pg_namespace on_ ON on_.oid = opc.opcnamespace WHERE opc.oid = rg.rngsubopc),
    CASE WHEN rg.rngcollation <> 0 THEN 'COLLATION = ' || ${collationName('rg.rngcollation')} END,
    CASE WHEN rg.rngcanonical <> 0 THEN 'CANONICAL = ' || rg.rngcanonical::regprocedure END,
    CASE WHEN rg.rngsubdiff <> 0 THEN 'SUBTYPE_DIFF = ' || rg.rngsubdiff::regprocedure END,
    'MULTIRANGE_TYPE_NAME = ' || format_type(rg.rngmultitypid, NULL))
  || ')'`;

/** Domain default via pg_get_expr: typdefault is text frozen under the creator's search_path. */
const DOMAIN_DEF = sql`concat_ws(E'\n',
    'CREATE DOMAIN ' || ${TYPE_NAME} || ' AS ' || format_type(t.typbasetype, t.typtypmod)
      || CASE WHEN t.typcollation <> bt.typcollation THEN ' COLLATE ' || ${collationName('t.typcollation')} ELSE '' END,
    '  DEFAULT ' || pg_get_expr(t.typdefaultbin, 0),
    CASE WHEN t.typnotnull THEN '  NOT NULL' END,
    (SELECT string_agg('  CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), E'\n' ORDER BY c.conname)
     FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n'))`;

const BASE_DEF = sql`'CREATE TYPE ' || ${TYPE_NAME} || ' ('
  || concat_ws(', ',
    'INPUT = ' || t.typinput::regprocedure,
    'OUTPUT = ' || t.typoutput::regprocedure,
    CASE WHEN t.typreceive <> 0 THEN 'RECEIVE = ' || t.typreceive::regprocedure END,
    CASE WHEN t.typsend <> 0 THEN 'SEND = ' || t.typsend::regprocedure END,
    CASE WHEN t.typmodin <> 0 THEN 'TYPMOD_IN = ' || t.typmodin::regprocedure END,
    CASE WHEN t.typmodout <> 0 THEN 'TYPMOD_OUT = ' || t.typmodout::regprocedure END,
    CASE WHEN t.typanalyze <> 0 THEN 'ANALYZE = ' || t.typanalyze::regprocedure END,
    'INTERNALLENGTH = ' || CASE WHEN t.typlen < 0 THEN 'VARIABLE' ELSE t.typlen::text END,
    CASE WHEN t.typbyval THEN 'PASSEDBYVALUE' END,
    'ALIGNMENT = ' || t.typalign::text,
    'STORAGE = ' || t.typstorage::text,
    'CATEGORY = ' || quote_literal(t.typcategory::text),
    CASE WHEN t.typispreferred THEN 'PREFERRED = true' END,
    'DELIMITER = ' || quote_literal(t.typdelim::text),
    CASE WHEN t.typcollation <> 0 THEN 'COLLATABLE = true' END)
  || ')'`;

/**
 * User types. Array types and table row types come with their table or element type; multirange
 * types with their range type. Shell types (typisdefined false) are placeholders.
 */
export const TYPES = sql`
SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, ${TYPE_NAME},
  concat_ws(E'\n',
    CASE t.typtype
      WHEN 'e' THEN ${ENUM_DEF}
      WHEN 'c' THEN ${COMPOSITE_DEF}
      WHEN 'r' THEN ${RANGE_DEF}
      WHEN 'd' THEN ${DOMAIN_DEF}
      ELSE ${BASE_DEF} END,
    ${ownerLine('t.typowner')}),
  NULL::text, NULL::int,
  ${catalog('pg_type')}, t.oid
FROM pg_type t
JOIN ns tn ON tn.oid = t.typnamespace
LEFT JOIN pg_class tc ON tc.oid = t.typrelid
LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
WHERE t.typtype IN ('e', 'c', 'r', 'd', 'b') AND t.typisdefined
  AND (t.typtype <> 'c' OR tc.relkind = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_type arr WHERE arr.typarray = t.oid)
  AND NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)`;

/**
 * User collations. The catalog columns differ across versions (colliculocale became colllocale in
 * PostgreSQL 17), so the row is read generically through to_jsonb; collversion is the library's
 * version, not the schema's.
 */
export const COLLATIONS = sql`
SELECT 'collation'::text, cn.q || '.' || quote_ident(co.collname),
  concat_ws(E'\n',
    'CREATE COLLATION ' || cn.q || '.' || quote_ident(co.collname) || ' ('
      || (SELECT string_agg(j.key || ' = ' || j.value, ', ' ORDER BY j.key)
          FROM jsonb_each_text(to_jsonb(co) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion') j
          WHERE j.value IS NOT NULL) || ')',
    ${ownerLine('co.collowner')}),
  NULL::text, NULL::int,
  ${catalog('pg_collation')}, co.oid
FROM pg_collation co JOIN ns cn ON cn.oid = co.collnamespace
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_collation'::regclass AND e.objid = co.oid)`;
