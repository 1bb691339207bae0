/**
 * The tracer's reads of the catalogs, each one round trip returning one JSON document:
 * - `probeState`: every user relation (oid, name, kind, relfilenode, owning table of an index,
 *   scans counted in this transaction) plus the relation locks the backend itself holds and its
 *   lock_timeout. Run inside the migration's transaction after each statement, it sees the
 *   statement's uncommitted catalog changes (a new relfilenode, a new index) and its locks.
 * - `countRows`: exact row counts per table at the start of a phase.
 * Everything is qualified with pg_catalog so a migration's search_path cannot redirect it.
 */
import type pg from 'pg';
import type { LockMode } from './types.js';

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
}

const PROBE_SQL = `
SELECT
  (SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_array(c.oid, n.nspname || '.' || c.relname, c.relkind, c.relfilenode, COALESCE(i.indrelid, d.refobjid),
          CASE WHEN c.relkind IN ('r','p','m','t') THEN pg_catalog.pg_stat_get_xact_numscans(c.oid) END)), '[]')
     FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
       AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%') AS relations,
  (SELECT COALESCE(pg_catalog.json_agg(pg_catalog.json_build_array(l.relation, l.mode)), '[]')
     FROM pg_catalog.pg_locks l
    WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())) AS locks,
  pg_catalog.current_setting('lock_timeout') AS lock_timeout`;

/** Reads relations, own locks and lock_timeout in one round trip. */
export async function probeState(client: pg.ClientBase): Promise<ProbeResult> {
  const r = await client.query<{ relations: Array<[number, string, string, number, number | null, number | null]>; locks: Array<[number, string]>; lock_timeout: string }>(PROBE_SQL);
  const row = r.rows[0]!;
  const relations = new Map<number, RelationState>();
  for (const [oid, name, relkind, filenode, table, scans] of row.relations) {
    relations.set(Number(oid), { oid: Number(oid), name, relkind, filenode: Number(filenode), ...(table ? { table: Number(table) } : {}), scans: Number(scans ?? 0) });
  }
  return { relations, locks: new Set(row.locks.map(([oid, mode]) => `${oid}:${mode}`)), lockTimeoutMs: parseDuration(row.lock_timeout) };
}

/**
 * Exact row counts of the user's tables, in one statement (query_to_xml runs a count per table
 * server-side). Tables over 100,000 pages (~800 MB) get the planner's estimate instead, so a big
 * seed file does not make every phase scan everything. Run outside any transaction block, so the
 * ACCESS SHARE locks of the counts are gone before the migration starts.
 */
export async function countRows(client: pg.ClientBase): Promise<Map<number, number>> {
  const r = await client.query<{ counts: Array<[number, number]> | null }>(`
SELECT pg_catalog.json_agg(pg_catalog.json_build_array(c.oid,
         CASE WHEN c.relpages > 100000 THEN GREATEST(c.reltuples, 0)::bigint
              ELSE ((pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(pg_catalog.format('SELECT pg_catalog.count(*) AS n FROM %s', c.oid::pg_catalog.regclass), false, true, '')))[1])::text::bigint END)) AS counts
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`);
  return new Map((r.rows[0]?.counts ?? []).map(([oid, n]) => [Number(oid), Number(n)]));
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
