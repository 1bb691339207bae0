/**
 * Builds the snapshot as ONE simple-protocol query string: a UNION ALL of set-based catalog
 * fragments, wrapped in statements that pin the session settings deparsing depends on.
 *
 * Why one string: a snapshot runs after every migration phase, so it must cost one round trip
 * regardless of schema size (issue 7). Why the settings: format_type, pg_get_expr and friends
 * qualify names relative to search_path and print constants under DateStyle, IntervalStyle,
 * TimeZone and extra_float_digits; pinning them (search_path = pg_catalog qualifies every user
 * object) makes the text identical for every caller. A multi-statement simple query runs as one
 * implicit transaction, so `set_config(..., true)` lasts exactly until its end; the previous values
 * are saved and restored as well, for a caller that is inside an explicit transaction.
 */
import { commonTableExpressions } from './snapshot-sql-common.js';
import { COLUMNS, CONSTRAINTS, INDEXES, SEQUENCES, STATISTICS, TABLES, VIEWS } from './snapshot-sql-relations.js';
import { EVENT_TRIGGERS, ROUTINES, RULES, TRIGGERS } from './snapshot-sql-routines.js';
import { COLLATIONS, TYPES } from './snapshot-sql-types.js';
import { ACL_SOURCE_CTE, DEFAULT_PRIVILEGES, POLICIES, PRIVILEGES } from './snapshot-sql-security.js';
import { COMMENTS, EXTENSIONS, PUBLICATIONS, SCHEMAS } from './snapshot-sql-misc.js';
import { sqlTextArray } from './ddl.js';

const FRAGMENTS = [
  SCHEMAS,
  EXTENSIONS,
  TABLES,
  COLUMNS,
  CONSTRAINTS,
  INDEXES,
  SEQUENCES,
  VIEWS,
  STATISTICS,
  ROUTINES,
  TRIGGERS,
  RULES,
  EVENT_TRIGGERS,
  TYPES,
  COLLATIONS,
  POLICIES,
  PRIVILEGES,
  DEFAULT_PRIVILEGES,
  COMMENTS,
  PUBLICATIONS,
];

/** Settings that change deparsed text, and the values the snapshot pins them to. */
const PINNED_SETTINGS: ReadonlyArray<[string, string]> = [
  ['search_path', 'pg_catalog'],
  ['DateStyle', 'ISO, YMD'],
  ['IntervalStyle', 'postgres'],
  ['TimeZone', 'UTC'],
  ['extra_float_digits', '1'],
  ['bytea_output', 'hex'],
  ['quote_all_identifiers', 'off'],
];

/** Order of rows (and of the fingerprint input): byte order, so it never depends on a locale. */
export const ROW_ORDER = 'kind COLLATE "C", name COLLATE "C"';

/** Options of a snapshot query. */
export interface SnapshotQueryOptions {
  /** Qualified (or bare) names of migration-tool bookkeeping tables to leave out. */
  excludeTables?: string[];
}

/** The `WITH ... objs AS (...)` prefix shared by the full snapshot and the fingerprint. */
function objectsQuery(options: SnapshotQueryOptions): string {
  const excluded = options.excludeTables?.length ? sqlTextArray(options.excludeTables) : undefined;
  return `WITH ${commonTableExpressions(excluded)},
${ACL_SOURCE_CTE},
objs (kind, name, ddl, tbl, pos) AS (
${FRAGMENTS.map((f) => f.trim()).join('\nUNION ALL\n')}
)`;
}

/** Wraps a SELECT in save, pin and restore statements; the SELECT's result is the third result set. */
function withPinnedSettings(select: string): string {
  const save = PINNED_SETTINGS.map(
    ([name], i) => `set_config('rollback_verify.saved_${i}', current_setting('${name}'), true)`,
  ).join(', ');
  const pin = PINNED_SETTINGS.map(([name, value]) => `set_config('${name}', '${value}', true)`).join(', ');
  const restore = PINNED_SETTINGS.map(
    ([name], i) => `set_config('${name}', current_setting('rollback_verify.saved_${i}'), true)`,
  ).join(', ');
  return `SELECT ${save};\nSELECT ${pin};\n${select};\nSELECT ${restore};`;
}

/** Index of the result set that holds the rows in a multi-statement result. */
export const RESULT_INDEX = 2;

/** The full snapshot: rows (kind, name, ddl, tbl, pos) in ROW_ORDER. */
export function snapshotQuery(options: SnapshotQueryOptions = {}): string {
  return withPinnedSettings(`${objectsQuery(options)}
SELECT kind, name, ddl, tbl, pos FROM objs ORDER BY ${ROW_ORDER}`);
}

/**
 * The fingerprint only: the same rows serialised and hashed server-side (one short row back
 * instead of every definition). Must serialise exactly like `fingerprintRows` in snapshot.ts.
 */
export function fingerprintQuery(options: SnapshotQueryOptions = {}): string {
  return withPinnedSettings(`${objectsQuery(options)}
SELECT encode(sha256(convert_to(coalesce(string_agg(
  concat(kind, E'\\x1f', name, E'\\x1f', ddl, E'\\x1f', tbl, E'\\x1f', pos), E'\\x1e' ORDER BY ${ROW_ORDER}), ''), 'UTF8')), 'hex') AS fingerprint
FROM objs`);
}
