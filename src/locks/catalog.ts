/**
 * The tracer's reads of the catalogs, each one round trip; each costs what a phase touched, not
 * the size of the schema, except the one light read a phase starts with:
 * - `probeState('all')`: every user relation (oid, name, kind, relfilenode, owning table of an
 *   index or sequence), the relation locks the backend holds, its lock_timeout, the names of
 *   user functions. Once per phase, and after a statement sent alone.
 * - `probeState('touched')` + `mergeProbe`: after each statement, inside its transaction, only the
 *   relations it locked or whose pg_class row it wrote (it sees the uncommitted catalog changes:
 *   a new relfilenode, a new index; per-transaction scan counters), merged into the last state.
 * - `countRows`: exact row counts of the tables a statement can write (before it) or newly locked
 *   (after it), each once per phase, as they were when the phase began (the lock report shows them).
 * Everything is qualified with pg_catalog so a migration's search_path cannot redirect it.
 */
import type pg from 'pg';
import { TRACKING_SCHEMA } from '../schema/tracking-schema.js';
import type { StatementReach } from './classify.js';
import type { LockMode } from './types.js';

/**
 * The run's change tracking (src/schema/tracking.ts) writes its log from event triggers inside the
 * migration's own transaction: its locks and rows are the instrument's, never the migration's.
 */
const NOT_TRACKING = `n.nspname <> '${TRACKING_SCHEMA}'`;

export interface RelationState {
  oid: number;
  name: string;
  relkind: string;
  filenode: number;
  /** For an index: the table it belongs to; for a sequence: the table that owns it (serial, identity). */
  table?: number;
  /** Sequential scans of the table counted in the current transaction (pg_stat_get_xact_numscans). */
  scans: number;
}

export interface ProbeResult {
  relations: Map<number, RelationState>;
  /** `oid:mode` of every relation lock the backend holds. */
  locks: Set<string>;
  lockTimeoutMs: number;
  /** With a probe of all relations: the names of the functions outside pg_catalog. */
  userFunctions?: string[];
}

const OWN_LOCKS = `SELECT l.relation, l.mode FROM pg_catalog.pg_locks l
    WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())`;

/**
 * One round trip, one row per fact (k): `r` a relation, `l` a lock the backend holds, `t` the
 * lock_timeout, `f` (with `all`) the name of a function outside pg_catalog.
 * `all`: every user relation, without scan counters (the light read a phase starts with, and the
 * state after a statement sent alone). `touched`: only the relations the backend holds a lock on
 * and those whose pg_class row this transaction wrote, with their scans. A relation the
 * transaction has not locked cannot have been created, renamed, rewritten, dropped or scanned by
 * it, so the rest of the state carries over (mergeProbe). The owning table is looked up by index,
 * for indexes and sequences only. Plain rows, not one JSON document: building JSON was most of the
 * cost at thousands of relations.
 */
function probeSql(scope: 'all' | 'touched'): string {
  const scans = scope === 'all' ? 'NULL::bigint' : `CASE WHEN c.relkind IN ('r','p','m','t') THEN pg_catalog.pg_stat_get_xact_numscans(c.oid) END`;
  // txid_current_if_assigned (PG 10+; pg_current_xact_id_if_assigned is 13+) is epoch-extended,
  // pg_class.xmin the 32-bit xid; NULL (nothing written yet) matches nothing.
  const touched = scope === 'all' ? '' : `
   AND c.oid IN (SELECT o.relation FROM own o
     UNION SELECT x.oid FROM pg_catalog.pg_class x WHERE x.xmin = (pg_catalog.txid_current_if_assigned() % 4294967296)::pg_catalog.text::pg_catalog.xid)`;
  const functions = scope === 'touched' ? '' : `
UNION ALL
SELECT DISTINCT 'f', NULL::pg_catalog.oid, p.proname::pg_catalog.text, NULL::pg_catalog.text, NULL::pg_catalog.oid, NULL::pg_catalog.oid, NULL::bigint
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`;
  return `
WITH own AS MATERIALIZED (${OWN_LOCKS})
SELECT 'r' AS k, c.oid, n.nspname || '.' || c.relname AS name, c.relkind::pg_catalog.text AS relkind, c.relfilenode,
       CASE WHEN c.relkind IN ('i', 'I') THEN (SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid)
            WHEN c.relkind = 'S' THEN (SELECT d.refobjid FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
              AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') LIMIT 1) END AS owner,
       ${scans} AS scans
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${NOT_TRACKING}
   AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'${touched}
UNION ALL
SELECT 'l', o.relation, o.mode, NULL, NULL, NULL, NULL FROM own o
UNION ALL
SELECT 't', NULL, pg_catalog.current_setting('lock_timeout'), NULL, NULL, NULL, NULL${functions}`;
}

// The touched probe runs after every statement: a named (prepared) statement is planned once per connection.
const PROBE = {
  all: { text: probeSql('all') },
  touched: { name: 'rv_probe_touched', text: probeSql('touched') },
};

interface ProbeRow {
  k: 'r' | 'l' | 't' | 'f';
  oid: number | null;
  name: string;
  relkind: string | null;
  relfilenode: number | null;
  owner: number | null;
  scans: string | null;
}

/**
 * Reads relations (all of them, or only those this transaction touched), own locks and
 * lock_timeout in one round trip. A `touched` probe is merged into the previous state with mergeProbe.
 */
export async function probeState(client: pg.ClientBase, scope: 'all' | 'touched' = 'all'): Promise<ProbeResult> {
  const r = await client.query<ProbeRow>(PROBE[scope]);
  const relations = new Map<number, RelationState>();
  const locks = new Set<string>();
  const userFunctions: string[] = [];
  let lockTimeoutMs = 0;
  for (const { k, oid, name, relkind, relfilenode, owner, scans } of r.rows) {
    if (k === 'r') relations.set(Number(oid), { oid: Number(oid), name, relkind: relkind!, filenode: Number(relfilenode), ...(owner ? { table: Number(owner) } : {}), scans: Number(scans ?? 0) });
    else if (k === 'l') locks.add(`${oid}:${name}`);
    else if (k === 't') lockTimeoutMs = parseDuration(name);
    else userFunctions.push(name);
  }
  return { relations, locks, lockTimeoutMs, ...(scope === 'all' ? { userFunctions } : {}) };
}

/**
 * The state after a statement: the previous state with the touched relations read again. A
 * relation we hold a lock on that no longer resolves was dropped (a drop takes ACCESS EXCLUSIVE,
 * held until commit); every other relation is as it was, scans included.
 */
export function mergeProbe(previous: ProbeResult, touched: ProbeResult): ProbeResult {
  const relations = new Map(previous.relations);
  for (const key of touched.locks) {
    const oid = Number(key.slice(0, key.indexOf(':')));
    if (!touched.relations.has(oid)) relations.delete(oid);
  }
  for (const [oid, rel] of touched.relations) relations.set(oid, rel);
  return { relations, locks: touched.locks, lockTimeoutMs: touched.lockTimeoutMs, ...(previous.userFunctions ? { userFunctions: previous.userFunctions } : {}) };
}

/** Sequential scans per table counted in this backend's pending statistics (only those above 0). */
export async function readScans(client: pg.ClientBase): Promise<Map<number, number>> {
  const r = await client.query<{ scans: Array<[number, number]> | null }>(`
SELECT pg_catalog.json_agg(pg_catalog.json_build_array(s.oid, s.n)) AS scans
  FROM (SELECT c.oid, pg_catalog.pg_stat_get_xact_numscans(c.oid) AS n FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p', 'm', 't')) s
 WHERE s.n > 0`);
  return new Map((r.rows[0]?.scans ?? []).map(([oid, n]) => [Number(oid), Number(n)]));
}

/** The state with every relation's scan counter set from readScans. */
export function withScans(state: ProbeResult, scans: Map<number, number>): ProbeResult {
  const relations = new Map<number, RelationState>();
  for (const [oid, rel] of state.relations) relations.set(oid, { ...rel, scans: scans.get(oid) ?? 0 });
  return { ...state, relations };
}

/** The tables of a state that rows are reported for (regular and partitioned). */
export function countableTables(state: ProbeResult): number[] {
  return [...state.relations.values()].filter((r) => r.relkind === 'r' || r.relkind === 'p').map((r) => r.oid);
}

/**
 * Exact row counts of some of the `candidates` (tables that existed when the phase began and are
 * not counted yet), in one statement (query_to_xml runs a count per table server-side):
 * - without `reach`: all of them (tables a statement newly locked without writing them);
 * - with `reach`: those the statement can write rows of: the relations it names, their
 *   partitions and inheritance children, and the tables whose foreign keys reference them
 *   (cascades), transitively; all candidates when it is opaque, calls a user function, or writes
 *   through a name that has user triggers or rules, or is a view.
 * Tables over 100,000 pages (~800 MB) get the planner's estimate instead, so a big seed file does
 * not make a phase scan everything. `savepoint`: inside the migration's transaction the counts run
 * in a subtransaction that is rolled back, so their ACCESS SHARE locks are gone before the next
 * statement (a lock the tracer took must never show up as the migration's).
 */
export async function countRows(client: pg.ClientBase, candidates: number[], opts: { reach?: StatementReach; savepoint?: boolean } = {}): Promise<Map<number, number>> {
  if (candidates.length === 0) return new Map();
  // E'' reads the same whatever standard_conforming_strings the migration set.
  const lit = (v: unknown) => `E'${JSON.stringify(v).replace(/\\/g, '\\\\').replace(/'/g, "''")}'::pg_catalog.json`;
  const reach = opts.reach;
  const sql = `
WITH RECURSIVE
named AS (
  SELECT pg_catalog.to_regclass(CASE WHEN x->>0 IS NULL THEN pg_catalog.quote_ident(x->>1) ELSE pg_catalog.quote_ident(x->>0) || '.' || pg_catalog.quote_ident(x->>1) END) AS oid
    FROM pg_catalog.json_array_elements(${lit(reach?.names ?? [])}) x),
reach(oid) AS (
  SELECT oid FROM named WHERE oid IS NOT NULL
  UNION
  SELECT k.oid FROM reach r CROSS JOIN LATERAL (
    SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent = r.oid
    UNION ALL SELECT f.conrelid FROM pg_catalog.pg_constraint f WHERE f.confrelid = r.oid AND f.contype = 'f') k(oid)),
everything AS (
  SELECT ${reach && !reach.opaque ? 'false' : 'true'}
    OR EXISTS (SELECT 1 FROM pg_catalog.json_array_elements(${lit(reach?.funcs ?? [])}) x
                 JOIN pg_catalog.pg_proc p ON p.proname = x->>1 JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND (x->>0 IS NULL OR x->>0 = n.nspname))
    OR (${reach?.dml ? 'true' : 'false'} AND (
         EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid IN (SELECT oid FROM reach) AND NOT t.tgisinternal)
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite w WHERE w.ev_class IN (SELECT oid FROM reach) AND w.rulename <> '_RETURN')
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_class v WHERE v.oid IN (SELECT oid FROM reach) AND v.relkind IN ('v', 'f')))) AS yes)
SELECT pg_catalog.json_agg(pg_catalog.json_build_array(c.oid,
         CASE WHEN c.relpages > 100000 THEN GREATEST(c.reltuples, 0)::bigint
              ELSE ((pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(pg_catalog.format('SELECT pg_catalog.count(*) AS n FROM %s', c.oid::pg_catalog.regclass), false, true, '')))[1])::text::bigint END)) AS counts
  FROM pg_catalog.pg_class c
 WHERE c.oid = ANY ('{${candidates.map(Number).join(',')}}'::pg_catalog.oid[])
   AND ((SELECT yes FROM everything) OR c.oid IN (SELECT oid FROM reach))`;
  type Row = { counts?: Array<[number, number]> | null };
  let rows: Row[];
  if (opts.savepoint) {
    try {
      const results = (await client.query(`SAVEPOINT rv_count; ${sql}; ROLLBACK TO SAVEPOINT rv_count; RELEASE SAVEPOINT rv_count`)) as unknown as Array<{ rows: Row[] }>;
      rows = results[1]!.rows;
    } catch (err) {
      // A count that fails (a statement_timeout the migration set) must not abort its transaction.
      await client.query('ROLLBACK TO SAVEPOINT rv_count; RELEASE SAVEPOINT rv_count');
      throw err;
    }
  } else rows = (await client.query<Row>(sql)).rows;
  return new Map((rows[0]?.counts ?? []).map(([oid, n]) => [Number(oid), Number(n)]));
}

/** pg_locks spells modes `AccessExclusiveLock`; the report uses the SQL spelling. */
export function lockModeName(mode: string): LockMode {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase() as LockMode;
}

const KINDS: Record<string, string> = {
  r: 'table', p: 'partitioned table', i: 'index', I: 'partitioned index', S: 'sequence', v: 'view', m: 'materialized view', f: 'foreign table', c: 'type', t: 'toast table',
};

export function relkindName(relkind: string): string {
  return KINDS[relkind] ?? relkind;
}

/** lock_timeout as SHOW prints it (`0`, `5s`, `250ms`, `1min`) → milliseconds. */
export function parseDuration(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!m) return 0;
  const unit = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}
