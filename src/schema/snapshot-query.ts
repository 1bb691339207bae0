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
import { COMMENTS, commentsFragment, EXTENSIONS, PUBLICATIONS, SCHEMAS } from './snapshot-sql-misc.js';
import { sqlLiteral, sqlTextArray } from './ddl.js';

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

/** The fragments with comments not mapped to units, or mapped only within a scope (see commentsFragment). */
const WITHOUT_UNITS = FRAGMENTS.map((f) => (f === COMMENTS ? commentsFragment(false) : f));
const SCOPED = FRAGMENTS.map((f) => (f === COMMENTS ? commentsFragment(true, true) : f));

/**
 * The `WITH ... objs AS (...)` prefix shared by the full snapshot, the fingerprint and scoped
 * reads. Without `units`, the unit columns of comments are NULL (cheaper; a plain snapshot is
 * never patched).
 */
function objectsQuery(options: SnapshotQueryOptions, scope?: { relations: string; units: string }, units = true): string {
  const excluded = options.excludeTables?.length ? sqlTextArray(options.excludeTables) : undefined;
  const fragments = scope ? SCOPED : units ? FRAGMENTS : WITHOUT_UNITS;
  return `WITH ${commonTableExpressions(excluded, scope?.relations, scope?.units)},
${ACL_SOURCE_CTE},
objs (kind, name, ddl, tbl, pos, uclass, uoid) AS (
${fragments.map((f) => f.trim()).join('\nUNION ALL\n')}
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

/**
 * The full snapshot: rows (kind, name, ddl, tbl, pos) in ROW_ORDER; with `units`, also `unit`, the
 * row's unit key `classOid/objectOid` (units.ts), for a snapshot that will be patched.
 */
export function snapshotQuery(options: SnapshotQueryOptions = {}, { units = false }: { units?: boolean } = {}): string {
  return withPinnedSettings(`${objectsQuery(options, undefined, units)}
SELECT kind, name, ddl, tbl, pos${units ? `, ${UNIT_COLUMN}` : ''} FROM objs ORDER BY ${ROW_ORDER}`);
}

const UNIT_COLUMN = `uclass::text || '/' || uoid::text AS unit`;

/**
 * The snapshot restricted to some units (units.ts), as one parameterised statement for a prepared,
 * generically planned execution (planning the whole query costs more than reading a few units):
 * $1 `oid[]` the relations among the units, $2 `oid[]` every unit's object OID, $3 `text[]` the
 * unit keys. It returns exactly the rows of the full query whose unit is listed, from the same
 * fragments: the relations CTE is restricted to $1, and the filter on the unit columns, which the
 * planner pushes into each UNION ALL branch (where the unit's catalog is a constant), to $2/$3.
 * Run it with the settings of `pinnedSettingsSql` in force.
 */
export function scopedSnapshotStatement(options: SnapshotQueryOptions = {}): string {
  return `${objectsQuery(options, { relations: '$1::pg_catalog.oid[]', units: '$2::pg_catalog.oid[]' })}
SELECT kind, name, ddl, tbl, pos, ${UNIT_COLUMN} FROM objs
WHERE uoid = ANY ($2::pg_catalog.oid[]) AND (uclass::text || '/' || uoid::text) = ANY ($3::pg_catalog.text[])
ORDER BY ${ROW_ORDER}`;
}

/**
 * Settings for prepared statements on top of the snapshot's: a generic plan, planned once per
 * connection; and no JIT, because a generic plan's cost estimates (arrays of unknown length) can
 * pass jit_above_cost, and compiling these queries took seconds (PostgreSQL 15 with LLVM: 11.7 s
 * for a 60 ms query).
 */
const PREPARED_SETTINGS: ReadonlyArray<[string, string]> = [...PINNED_SETTINGS, ['plan_cache_mode', 'force_generic_plan'], ['jit', 'off']];

/**
 * Session-level pinning for statements run outside `withPinnedSettings` (prepared statements
 * cannot share a multi-statement string): `read` returns the current values (one row, columns
 * s0..sN), `pin` sets PREPARED_SETTINGS, and `restore(values)` puts the read values back.
 */
export const pinnedSettingsSql = {
  read: `SELECT ${PREPARED_SETTINGS.map(([name], i) => `current_setting('${name}') AS s${i}`).join(', ')}`,
  pin: `SELECT ${PREPARED_SETTINGS.map(([name, value]) => `set_config('${name}', '${value}', false)`).join(', ')}`,
  restore(values: readonly string[]): string {
    return `SELECT ${PREPARED_SETTINGS.map(([name], i) => `set_config('${name}', ${sqlLiteral(values[i] ?? '')}, false)`).join(', ')}`;
  },
};

/**
 * The fingerprint only, computed server-side (one short row back instead of every definition):
 * the sum modulo 2^256 of every row's SHA-256, as hash.ts computes it (same serialisation as
 * `objectHashInput`). The sum is taken in eight 32-bit lanes and carried in numeric arithmetic.
 */
export function fingerprintQuery(options: SnapshotQueryOptions = {}): string {
  const lane = (i: number) => `sum(('x' || encode(substr(h, ${4 * i + 1}, 4), 'hex'))::bit(32)::bigint)`;
  const total = Array.from({ length: 8 }, (_, i) => `${lane(i)} * 2::numeric ^ ${32 * (7 - i)}`).join('\n    + ');
  return withPinnedSettings(`${objectsQuery(options, undefined, false)},
hashed AS (
  SELECT sha256(convert_to(concat(kind, E'\\x1f', name, E'\\x1f', ddl, E'\\x1f', tbl, E'\\x1f', pos), 'UTF8')) AS h FROM objs
),
summed AS (
  SELECT mod(coalesce(${total}, 0), 2::numeric ^ 256) AS total FROM hashed
)
SELECT (SELECT string_agg(lpad(to_hex(mod(div(total, 2::numeric ^ (32 * (7 - i))), 4294967296)::bigint), 8, '0'), '' ORDER BY i)
        FROM generate_series(0, 7) AS i) AS fingerprint
FROM summed`);
}
