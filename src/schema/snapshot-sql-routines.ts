/**
 * Snapshot fragments for code: functions, procedures, aggregates, triggers, rules and event
 * triggers. Function references print as regprocedure (name and argument types), never regproc:
 * regproc prints a bare OID when the name is overloaded.
 */
import { ownerLine, sql } from './snapshot-sql-common.js';
import { TRACKING_SCHEMA } from './tracking-schema.js';
import { catalog } from './units.js';

/** A routine's snapshot name: `schema.name(input arg types)`, its identity within the schema. */
const ROUTINE_NAME = sql`pn.q || '.' || quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')'`;

/** CREATE AGGREGATE text rebuilt from pg_aggregate (pg_get_functiondef refuses aggregates). */
const AGGREGATE_DEF = sql`
  'CREATE AGGREGATE ' || pn.q || '.' || quote_ident(p.proname) || '(' || pg_get_function_arguments(p.oid) || ') ('
  || concat_ws(', ',
    'SFUNC = ' || ag.aggtransfn::regprocedure,
    'STYPE = ' || format_type(ag.aggtranstype, NULL),
    CASE WHEN ag.aggtransspace <> 0 THEN 'SSPACE = ' || ag.aggtransspace END,
    CASE WHEN ag.aggfinalfn <> 0 THEN 'FINALFUNC = ' || ag.aggfinalfn::regprocedure END,
    CASE WHEN ag.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
    'FINALFUNC_MODIFY = ' || ag.aggfinalmodify::text,
    CASE WHEN ag.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || ag.aggcombinefn::regprocedure END,
    CASE WHEN ag.aggserialfn <> 0 THEN 'SERIALFUNC = ' || ag.aggserialfn::regprocedure END,
    CASE WHEN ag.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || ag.aggdeserialfn::regprocedure END,
    CASE WHEN ag.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(ag.agginitval) END,
    CASE WHEN ag.aggmtransfn <> 0 THEN 'MSFUNC = ' || ag.aggmtransfn::regprocedure END,
    CASE WHEN ag.aggminvtransfn <> 0 THEN 'MINVFUNC = ' || ag.aggminvtransfn::regprocedure END,
    CASE WHEN ag.aggmtranstype <> 0 THEN 'MSTYPE = ' || format_type(ag.aggmtranstype, NULL) END,
    CASE WHEN ag.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || ag.aggmfinalfn::regprocedure END,
    CASE WHEN ag.aggminitval IS NOT NULL THEN 'MINITCOND = ' || quote_literal(ag.aggminitval) END,
    CASE WHEN ag.aggsortop <> 0 THEN 'SORTOP = ' || ag.aggsortop::regoperator END,
    CASE WHEN ag.aggkind = 'h' THEN 'HYPOTHETICAL' END,
    'PARALLEL = ' || CASE p.proparallel WHEN 's' THEN 'SAFE' WHEN 'r' THEN 'RESTRICTED' ELSE 'UNSAFE' END)
  || ')'`;

/** Functions, procedures and aggregates, with their full definition and owner. */
export const ROUTINES = sql`
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
  ${ROUTINE_NAME},
  concat_ws(E'\n',
    CASE WHEN p.prokind = 'a' THEN ${AGGREGATE_DEF} ELSE rtrim(pg_get_functiondef(p.oid), E'\n') END,
    ${ownerLine('p.proowner')}),
  NULL::text, NULL::int,
  ${catalog('pg_proc')}, p.oid
FROM pg_proc p
JOIN ns pn ON pn.oid = p.pronamespace
LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
  -- Functions a type creates for itself (range and multirange constructors) come with the type.
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')`;

/** User triggers (not the internal ones behind foreign keys), with their enabled state. */
export const TRIGGERS = sql`
SELECT 'trigger'::text, r.q || '.' || quote_ident(tg.tgname),
  pg_get_triggerdef(tg.oid)
    || CASE tg.tgenabled WHEN 'D' THEN E'\nDISABLE' WHEN 'R' THEN E'\nENABLE REPLICA' WHEN 'A' THEN E'\nENABLE ALWAYS' ELSE '' END,
  r.q, NULL::int,
  ${catalog('pg_class')}, r.oid
FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid
WHERE NOT tg.tgisinternal`;

/** Rewrite rules, except the _RETURN rule that is a view's definition. */
export const RULES = sql`
SELECT 'rule'::text, r.q || '.' || quote_ident(rw.rulename),
  pg_get_ruledef(rw.oid)
    || CASE rw.ev_enabled WHEN 'D' THEN E'\nDISABLE' WHEN 'R' THEN E'\nENABLE REPLICA' WHEN 'A' THEN E'\nENABLE ALWAYS' ELSE '' END,
  r.q, NULL::int,
  ${catalog('pg_class')}, r.oid
FROM pg_rewrite rw JOIN rel r ON r.oid = rw.ev_class
WHERE rw.rulename <> '_RETURN'`;

/** Event triggers (database-wide). */
export const EVENT_TRIGGERS = sql`
SELECT 'event trigger'::text, quote_ident(et.evtname),
  concat_ws(E'\n',
    'CREATE EVENT TRIGGER ' || quote_ident(et.evtname) || ' ON ' || et.evtevent,
    '  WHEN TAG IN (' || (SELECT string_agg(quote_literal(tag), ', ' ORDER BY tag) FROM unnest(et.evttags) AS tag) || ')',
    '  EXECUTE FUNCTION ' || et.evtfoid::regprocedure,
    CASE et.evtenabled WHEN 'D' THEN 'DISABLE' WHEN 'R' THEN 'ENABLE REPLICA' WHEN 'A' THEN 'ENABLE ALWAYS' END,
    ${ownerLine('et.evtowner')}),
  NULL::text, NULL::int,
  ${catalog('pg_event_trigger')}, et.oid
FROM pg_event_trigger et
WHERE NOT EXISTS (SELECT 1 FROM ext_member e WHERE e.classid = 'pg_event_trigger'::regclass AND e.objid = et.oid)
  -- The run's own change tracking (tracking.ts) is not part of the schema.
  AND NOT EXISTS (SELECT 1 FROM pg_proc tp JOIN pg_namespace tn ON tn.oid = tp.pronamespace
                  WHERE tp.oid = et.evtfoid AND tn.nspname = '${TRACKING_SCHEMA}')`;
