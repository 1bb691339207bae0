/**
 * Finds what a phase changed: the units (units.ts) whose snapshot rows may differ from the last
 * time the schema was read, since a transaction horizon recorded then.
 *
 * Three sources, one query:
 * - **Catalog rows written since the horizon.** Every catalog row an INSERT or UPDATE writes carries
 *   its transaction's id in `xmin`; rows newer than the horizon are rows a phase wrote, from any
 *   session, in any number of transactions, committed (a rolled-back row is invisible). This covers
 *   everything that fires no event trigger: GRANT/REVOKE (whose event names no object), CLUSTER
 *   (indisclustered), a CREATE INDEX CONCURRENTLY that failed after its first transaction (it leaves
 *   an INVALID index), a change that recursed into partitions (only the children's pg_attribute rows
 *   say so), role renames (pg_authid, mapped to objects through pg_shdepend), event triggers.
 * - **The event-trigger log** (tracking.ts): what DDL dropped (rows that are gone) and changes that
 *   live only in pg_depend (OWNED BY NONE).
 * - **Event triggers**, always: they are few, and dropping one fires no event and leaves no row.
 *
 * What the query cannot map precisely (a log record lost, ALTER EXTENSION ... ADD/DROP, a renamed
 * pinned role or a tablespace change, tracking removed by a migration) is returned as a reason to
 * read the whole schema instead.
 *
 * `findDependents` then widens a set of renamed units to the units whose printed text names them
 * (pg_depend: a view over a renamed column, a foreign key to a renamed table, a function whose
 * argument type was renamed), and a renamed schema to everything in it.
 */
import type pg from 'pg';
import { sql } from './snapshot-sql-common.js';
import { CHANGE_LOG, EVENT_TRIGGERS, TRACKING_INTACT_SQL } from './tracking.js';
import { catalog, unitKey, unitOfSql, type UnitKey } from './units.js';

/** The reason given when a migration removed or disabled change tracking. */
const TRACKING_LOST = 'change tracking was removed or disabled';

/** A transaction horizon: `pg_snapshot_xmin` of a snapshot, as xid8 text. */
export type ChangeHorizon = string;

/** What `detectChanges` found. */
export interface DetectedChanges {
  /** The horizon for the next detection (taken in the same statement, so nothing falls between). */
  horizon: ChangeHorizon;
  /** Units whose rows may have changed. */
  units: UnitKey[];
  /** Units whose object was dropped: re-read (to drop their rows) only if a snapshot shows them. */
  gone: UnitKey[];
  /** Dropped indexes and statistics objects, by identity (schema-qualified name): their table is gone from the catalogs. */
  droppedByName: Array<{ kind: 'index' | 'statistics'; identity: string }>;
  /** Why the changes cannot be mapped precisely; non-empty means: read the whole schema. */
  fullReasons: string[];
  /** Tracking was removed or disabled (by a migration): install it again to go on incrementally. */
  trackingLost: boolean;
}

/**
 * Catalogs swept for rows newer than the horizon, with the object each row belongs to. pg_depend
 * is not swept (large; the log covers its changes); neither are catalogs whose changes always come
 * through DDL the log sees (operators, casts, text search, ...).
 */
const SWEPT: ReadonlyArray<[table: string, classExpr: string, oidColumn: string]> = [
  ['pg_namespace', catalog('pg_namespace'), 'oid'],
  ['pg_class', catalog('pg_class'), 'oid'],
  ['pg_attribute', catalog('pg_class'), 'attrelid'],
  ['pg_attrdef', catalog('pg_attrdef'), 'oid'],
  ['pg_constraint', catalog('pg_constraint'), 'oid'],
  ['pg_index', catalog('pg_class'), 'indexrelid'],
  ['pg_trigger', catalog('pg_trigger'), 'oid'],
  ['pg_rewrite', catalog('pg_rewrite'), 'oid'],
  ['pg_policy', catalog('pg_policy'), 'oid'],
  ['pg_statistic_ext', catalog('pg_statistic_ext'), 'oid'],
  ['pg_inherits', catalog('pg_class'), 'inhrelid'],
  ['pg_foreign_table', catalog('pg_class'), 'ftrelid'],
  ['pg_sequence', catalog('pg_class'), 'seqrelid'],
  ['pg_proc', catalog('pg_proc'), 'oid'],
  ['pg_aggregate', catalog('pg_proc'), 'aggfnoid'],
  ['pg_type', catalog('pg_type'), 'oid'],
  ['pg_enum', catalog('pg_type'), 'enumtypid'],
  ['pg_range', catalog('pg_type'), 'rngtypid'],
  ['pg_collation', catalog('pg_collation'), 'oid'],
  ['pg_description', 'classoid', 'objoid'],
  ['pg_default_acl', catalog('pg_default_acl'), 'oid'],
  ['pg_extension', catalog('pg_extension'), 'oid'],
  ['pg_event_trigger', catalog('pg_event_trigger'), 'oid'],
  ['pg_publication', catalog('pg_publication'), 'oid'],
  ['pg_publication_rel', catalog('pg_publication_rel'), 'oid'],
  ['pg_publication_namespace', catalog('pg_publication_namespace'), 'oid'],
  ['pg_language', catalog('pg_language'), 'oid'],
  ['pg_foreign_server', catalog('pg_foreign_server'), 'oid'],
  ['pg_foreign_data_wrapper', catalog('pg_foreign_data_wrapper'), 'oid'],
];

/** The detection query: one statement, parameter $1 the horizon (xid8 text). */
export function detectChangesSql(): string {
  const h = '$1::pg_catalog.xid8';
  // age() compares 32-bit xids modulo 2^31 against the same reference as the horizon's age: a row
  // is newer than the horizon when it is younger. Frozen and bootstrap xids have the largest age.
  const newer = (alias: string) => `age(${alias}.xmin) <= (SELECT a FROM h)`;
  const swept = SWEPT.map(
    ([table, cls, oid]) => `SELECT ${cls.includes('::') ? cls : `s.${cls}`} AS c, s.${oid} AS o FROM pg_catalog.${table} s WHERE ${newer('s')}`,
  ).join('\n  UNION ALL ');
  return sql`
WITH h AS MATERIALIZED (SELECT age(xid(${h})) AS a),
changed_role AS MATERIALIZED (SELECT r.oid FROM pg_catalog.pg_authid r WHERE ${newer('r')}),
ids AS (
  ${swept}
  UNION ALL
  -- Objects that print a changed role's name: owners, grantees, policy roles.
  SELECT sd.classid, sd.objid FROM pg_catalog.pg_shdepend sd JOIN changed_role cr ON sd.refobjid = cr.oid
  WHERE sd.refclassid = ${catalog('pg_authid')}
    AND sd.dbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database())
),
distinct_ids AS (SELECT DISTINCT c, o FROM ids),
swept_unit AS (
  SELECT DISTINCT u.uclass, u.uoid FROM distinct_ids, ${unitOfSql('distinct_ids.c', 'distinct_ids.o', 'u')}
)
SELECT 'horizon' AS what, NULL::oid AS uclass, NULL::oid AS uoid, pg_snapshot_xmin(pg_current_snapshot())::text AS detail, NULL::text AS identity
UNION ALL
SELECT 'unit', su.uclass, su.uoid, NULL, NULL FROM swept_unit su
WHERE NOT EXISTS (
  -- TOAST tables, temporary relations and system namespaces never carry snapshot rows.
  SELECT 1 FROM pg_catalog.pg_class c
  WHERE su.uclass = ${catalog('pg_class')} AND c.oid = su.uoid AND (c.relkind = 't' OR c.relpersistence = 't'))
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n
                  WHERE su.uclass = ${catalog('pg_namespace')} AND n.oid = su.uoid AND n.nspname ~ '^pg_')
UNION ALL
SELECT 'unit', ${catalog('pg_event_trigger')}, et.oid, NULL, NULL FROM pg_catalog.pg_event_trigger et
WHERE et.evtname NOT IN ('${EVENT_TRIGGERS.end}', '${EVENT_TRIGGERS.drop}')
UNION ALL
SELECT CASE WHEN l.gone THEN 'gone' ELSE 'unit' END, l.uclass, l.uoid, NULL, NULL
FROM ${CHANGE_LOG} l WHERE l.xid >= ${h} AND l.uclass IS NOT NULL
UNION ALL
SELECT 'log', NULL, NULL, l.event || ' ' || l.tag || ' ' || coalesce(l.object_type, ''), l.identity
FROM ${CHANGE_LOG} l
WHERE l.xid >= ${h}
  AND (l.event = 'lost' OR l.tag = 'ALTER EXTENSION'
    OR (l.event = 'drop' AND l.object_type IN ('index', 'statistics object')))
UNION ALL
SELECT 'full', NULL, NULL, 'role ' || quote_ident(pg_catalog.pg_get_userbyid(cr.oid)) || ' was changed, and objects it owns record no dependency on it', NULL
FROM changed_role cr WHERE cr.oid < 16384
UNION ALL
SELECT 'full', NULL, NULL, 'tablespace ' || quote_ident(ts.spcname) || ' was created or changed (tablespace names record no dependencies)', NULL
FROM pg_catalog.pg_tablespace ts WHERE ${newer('ts')}
UNION ALL
SELECT 'full', NULL, NULL, '${TRACKING_LOST}', NULL WHERE NOT ${TRACKING_INTACT_SQL}`;
}

interface DetectionRow {
  what: 'horizon' | 'unit' | 'gone' | 'log' | 'full';
  uclass: number | null;
  uoid: number | null;
  detail: string | null;
  identity: string | null;
}

/** The horizon for changes from now on (`pg_snapshot_xmin` of the current snapshot). */
export const HORIZON_SQL = 'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon';

const DETECT = { name: 'rollback_verify_detect_changes', text: detectChangesSql() };

/**
 * What changed since `since`: units to re-read, dropped indexes and statistics to map by name,
 * and reasons to fall back to a full read. Never throws for a broken tracker: that is a reason.
 */
export async function detectChanges(client: pg.ClientBase, since: ChangeHorizon): Promise<DetectedChanges> {
  if (!/^\d+$/.test(since)) throw new Error(`not a transaction horizon: ${since}`);
  let rows: DetectionRow[];
  try {
    rows = (await client.query<DetectionRow>({ ...DETECT, values: [since] })).rows;
  } catch (err) {
    // 42P01: the log table is gone (a migration dropped our schema). Anything else is a real error.
    if ((err as { code?: string }).code !== '42P01') throw err;
    const { rows: h } = await client.query<{ horizon: string }>(HORIZON_SQL);
    return { horizon: h[0]!.horizon, units: [], gone: [], droppedByName: [], fullReasons: [TRACKING_LOST], trackingLost: true };
  }
  const units = new Set<UnitKey>();
  const gone = new Set<UnitKey>();
  const droppedByName: DetectedChanges['droppedByName'] = [];
  const fullReasons: string[] = [];
  let horizon = '';
  for (const row of rows) {
    if (row.what === 'horizon') horizon = row.detail!;
    else if (row.what === 'unit') units.add(unitKey(row.uclass!, row.uoid!));
    else if (row.what === 'gone') gone.add(unitKey(row.uclass!, row.uoid!));
    else if (row.what === 'full') fullReasons.push(row.detail!);
    else {
      const [event, ...rest] = row.detail!.split(' ');
      const detail = rest.join(' ');
      if (event === 'lost') fullReasons.push(`a DDL command (${detail.trim()}) could not be logged`);
      else if (detail.startsWith('ALTER EXTENSION')) fullReasons.push('ALTER EXTENSION may have added or removed extension members');
      else if (row.identity) droppedByName.push({ kind: detail.endsWith('statistics object') ? 'statistics' : 'index', identity: row.identity });
    }
  }
  return {
    horizon,
    units: [...units],
    gone: [...gone].filter((u) => !units.has(u)),
    droppedByName,
    fullReasons: [...new Set(fullReasons)],
    trackingLost: fullReasons.includes(TRACKING_LOST),
  };
}

/**
 * The dependents query: units whose printed text names something in the renamed units ($1 their
 * catalog OIDs, $2 their object OIDs), and everything in the renamed schemas ($3), whose qualified
 * names all changed.
 */
export function dependentsSql(): string {
  const schemas = '$3::pg_catalog.oid[]';
  // A constant-per-execution condition: without renamed schemas the catalog scans never run.
  const anySchema = `cardinality(${schemas}) > 0`;
  const c = (name: string) => catalog(name);
  return sql`
WITH r (c, o) AS (SELECT * FROM unnest($1::pg_catalog.oid[], $2::pg_catalog.oid[])),
named (c, o) AS (
  -- What a unit consists of that others can name: the unit's object, a table's row type and its
  -- array, its indexes; a type's array, multirange (and its array) and composite relation.
  SELECT r.c, r.o FROM r
  UNION ALL SELECT ${c('pg_type')}, rc.reltype FROM r JOIN pg_catalog.pg_class rc ON r.c = ${c('pg_class')} AND rc.oid = r.o WHERE rc.reltype <> 0
  UNION ALL SELECT ${c('pg_type')}, rt.typarray FROM r JOIN pg_catalog.pg_class rc ON r.c = ${c('pg_class')} AND rc.oid = r.o
    JOIN pg_catalog.pg_type rt ON rt.oid = rc.reltype WHERE rt.typarray <> 0
  UNION ALL SELECT ${c('pg_class')}, x.indexrelid FROM r JOIN pg_catalog.pg_index x ON r.c = ${c('pg_class')} AND x.indrelid = r.o
  UNION ALL SELECT ${c('pg_type')}, t.typarray FROM r JOIN pg_catalog.pg_type t ON r.c = ${c('pg_type')} AND t.oid = r.o WHERE t.typarray <> 0
  UNION ALL SELECT ${c('pg_class')}, t.typrelid FROM r JOIN pg_catalog.pg_type t ON r.c = ${c('pg_type')} AND t.oid = r.o WHERE t.typrelid <> 0
  UNION ALL SELECT ${c('pg_type')}, rg.rngmultitypid FROM r JOIN pg_catalog.pg_range rg ON r.c = ${c('pg_type')} AND rg.rngtypid = r.o
  UNION ALL SELECT ${c('pg_type')}, mt.typarray FROM r JOIN pg_catalog.pg_range rg ON r.c = ${c('pg_type')} AND rg.rngtypid = r.o
    JOIN pg_catalog.pg_type mt ON mt.oid = rg.rngmultitypid WHERE mt.typarray <> 0
),
member (c, o) AS (
  -- Everything in a renamed schema. Most objects record a dependency on their schema; the
  -- catalogs are read as well for those that do not.
  SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.refclassid = ${c('pg_namespace')} AND d.refobjid = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_class')}, x.oid FROM pg_catalog.pg_class x WHERE x.relnamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_type')}, x.oid FROM pg_catalog.pg_type x WHERE x.typnamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_proc')}, x.oid FROM pg_catalog.pg_proc x WHERE x.pronamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_collation')}, x.oid FROM pg_catalog.pg_collation x WHERE x.collnamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_statistic_ext')}, x.oid FROM pg_catalog.pg_statistic_ext x WHERE x.stxnamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_constraint')}, x.oid FROM pg_catalog.pg_constraint x WHERE x.connamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_default_acl')}, x.oid FROM pg_catalog.pg_default_acl x WHERE x.defaclnamespace = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_publication_namespace')}, x.oid FROM pg_catalog.pg_publication_namespace x WHERE x.pnnspid = ANY (${schemas}) AND ${anySchema}
  UNION ALL SELECT ${c('pg_extension')}, x.oid FROM pg_catalog.pg_extension x WHERE x.extnamespace = ANY (${schemas}) AND ${anySchema}
),
dependent (c, o) AS (
  SELECT DISTINCT d.classid, d.objid FROM named JOIN pg_catalog.pg_depend d ON d.refclassid = named.c AND d.refobjid = named.o
  UNION
  SELECT member.c, member.o FROM member
)
SELECT DISTINCT u.uclass, u.uoid FROM dependent, ${unitOfSql('dependent.c', 'dependent.o', 'u')}`;
}

/** Units that name a renamed unit (or live in a renamed schema). */
export async function findDependents(
  client: pg.ClientBase,
  renamed: readonly UnitKey[],
  renamedSchemas: readonly number[],
): Promise<UnitKey[]> {
  if (renamed.length === 0 && renamedSchemas.length === 0) return [];
  const pairs = renamed.map((k) => k.split('/').map(Number) as [number, number]);
  const values = [pairs.map(([cls]) => cls), pairs.map(([, o]) => o), [...renamedSchemas]];
  const { rows } = await client.query<{ uclass: number; uoid: number }>({ ...DEPENDENTS, values });
  return rows.map((r) => unitKey(r.uclass, r.uoid));
}

const DEPENDENTS = { name: 'rollback_verify_dependents', text: dependentsSql() };
