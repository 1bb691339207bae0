/**
 * Row fingerprints: per table the row count and, per column, an order-independent hash of its
 * values, computed by PostgreSQL in one pass per table and one round trip for all tables. No row
 * travels to Node; what comes back is a fixed-size sketch (BUCKETS partial sums per column).
 *
 * A value's hash is its type's own 64-bit hash for common built-in types, else the hash of its
 * text (see TYPE_HASHES). When the table has a primary key, each value's hash is
 * xor-ed with its row's key hash, so a value moved to another row counts as changed, and rows are
 * spread over buckets by key, which lets afterDown estimate how many values changed (a changed
 * value changes exactly one bucket) without the old rows, which the down has already replaced.
 * Sequences are not tables: their counters never take part.
 */
import type pg from 'pg';
import { quoteIdent } from './catalog.js';
import type { TableInfo } from './catalog.js';

/** Buckets per column: enough to count tens of changed values exactly and estimate the rest. */
export const BUCKETS = 128;
/** Partial sums are kept modulo 2^48: exact in JSON numbers and in a JavaScript double. */
const MODULUS = '281474976710656';
/** Stands for NULL (a value whose text hashes to this is as likely as any other collision). */
const NULL_HASH = '5124095576030431';

export interface FingerprintDetail {
  oid: number;
  /** Primary-key columns the hashes were keyed by (none: plain multisets of values). */
  key: string[];
  /** Rows per bucket. */
  bucketRows: number[];
  /** Column → partial hash per bucket. */
  buckets: Record<string, number[]>;
  /** Column → number of non-NULL values. */
  nonNull: Record<string, number>;
}

/** The fingerprint of one table; `detail` is what comparisons use beyond the totals. */
export interface TableFingerprint {
  table: string;
  rows: number;
  /** Column → order-independent hash of its values. */
  columns: Record<string, string>;
  detail?: FingerprintDetail;
  /**
   * The first row by primary key, each value as text cut to SAMPLE_CHARS (null: SQL NULL), so a
   * data-loss report can show one value before → after. Absent without a primary key.
   */
  sample?: Record<string, string | null>;
}

/** How much of a sampled value is kept: enough to recognise it, never a whole document. */
export const SAMPLE_CHARS = 100;

/** Fingerprints by table (`schema.table`). */
export type Fingerprints = Map<string, TableFingerprint>;

/** Which table to fingerprint, keyed how, over which columns. */
export interface FingerprintSpec {
  table: TableInfo;
  key: string[];
  columns: string[];
}

/** The natural spec: the table's primary key and all its columns. */
export function defaultSpec(table: TableInfo): FingerprintSpec {
  const pk = table.constraints.find((c) => c.type === 'p');
  const key = (pk?.cols ?? []).map((n) => table.columns.find((c) => c.num === n)?.name).filter((n): n is string => !!n);
  return { table, key, columns: table.columns.map((c) => c.name) };
}

/** Fingerprints every spec'd table in one round trip. */
export async function fingerprintTables(client: pg.ClientBase, specs: readonly FingerprintSpec[]): Promise<Fingerprints> {
  const out: Fingerprints = new Map();
  if (specs.length === 0) return out;
  const sql = specs.map(fingerprintSql).join('\nUNION ALL\n');
  // JIT compiling this wide query costs more than running it (20 s against 4 s for 2.6M rows);
  // SET LOCAL confines the setting to this message's implicit transaction (or the caller's).
  const results = (await client.query(`SET LOCAL jit = off; ${sql}`)) as unknown as pg.QueryResult[];
  const rows = results[1].rows as Array<{ oid: string; rows: string; buckets: Array<[number, number, number[]]>; nonnull: string[]; sample: Record<string, string | null> | null }>;
  const byOid = new Map(rows.map((r) => [Number(r.oid), r]));
  for (const spec of specs) {
    const row = byOid.get(spec.table.oid);
    const bucketRows = new Array<number>(BUCKETS).fill(0);
    const buckets: Record<string, number[]> = {};
    const nonNull: Record<string, number> = {};
    spec.columns.forEach((c, k) => {
      buckets[c] = new Array<number>(BUCKETS).fill(0);
      nonNull[c] = Number(row?.nonnull?.[k] ?? 0);
    });
    for (const [b, n, sums] of row?.buckets ?? []) {
      bucketRows[b] = Number(n);
      spec.columns.forEach((c, k) => (buckets[c][b] = Number(sums[k])));
    }
    const columns: Record<string, string> = {};
    for (const c of spec.columns) columns[c] = totalHash(buckets[c], nonNull[c]);
    out.set(spec.table.display, {
      table: spec.table.display,
      rows: Number(row?.rows ?? 0),
      columns,
      detail: { oid: spec.table.oid, key: spec.key, bucketRows, buckets, nonNull },
      ...(row?.sample ? { sample: row.sample } : {}),
    });
  }
  return out;
}

function totalHash(buckets: number[], nonNull: number): string {
  let sum = 0n;
  for (const v of buckets) sum += BigInt(v);
  return `${(sum % BigInt(MODULUS)).toString(16)}:${nonNull}`;
}

/**
 * Hash functions by built-in type oid (stable across versions): the type's own hash reads the
 * stored value, where a text cast would run its output function, the bulk of the cost
 * (timestamptz, numeric, jsonb). Integers hash as int8, so an int → bigint → int round trip
 * compares equal; other types hash their text form.
 */
const TYPE_HASHES: Record<number, (column: string) => string> = {
  16: (c) => `hashint8extended(${c}::int::int8, 0)`,
  20: (c) => `hashint8extended(${c}, 0)`,
  21: (c) => `hashint8extended(${c}::int8, 0)`,
  23: (c) => `hashint8extended(${c}::int8, 0)`,
  25: (c) => `hashtextextended(${c}, 0)`,
  1043: (c) => `hashtextextended(${c}::text, 0)`,
  1700: (c) => `hash_numeric_extended(${c}, 0)`,
  1114: (c) => `timestamp_hash_extended(${c}, 0)`,
  // A fixed zone: the session's TimeZone must not change the hash between two connections.
  1184: (c) => `timestamp_hash_extended(${c} AT TIME ZONE 'UTC', 0)`,
  2950: (c) => `uuid_hash_extended(${c}, 0)`,
  3802: (c) => `jsonb_hash_extended(${c}, 0)`,
};

function valueHash(column: string, type: number | undefined): string {
  const typed = type !== undefined ? TYPE_HASHES[type] : undefined;
  return typed ? typed(column) : `hashtextextended(${column}::text, 0)`;
}

function fingerprintSql(spec: FingerprintSpec): string {
  const t = spec.table;
  const key = spec.key.length
    ? `hashtextextended(ROW(${spec.key.map((k) => `t.${quoteIdent(k)}`).join(', ')})::text, 0)`
    : '0::int8';
  const types = new Map(t.columns.map((c) => [c.name, c.type]));
  const hashes = spec.columns.map((c, k) => `${valueHash(`t.${quoteIdent(c)}`, types.get(c))} AS h${k}`);
  const sums = spec.columns.map((_, k) => `mod(mod(sum(k # coalesce(h${k}, ${NULL_HASH})), ${MODULUS}) + ${MODULUS}, ${MODULUS})::int8`);
  const counts = spec.columns.map((_, k) => `count(h${k}) AS n${k}`);
  const totals = spec.columns.map((_, k) => `coalesce(sum(n${k}), 0)::int8`);
  // One row by key order (an index scan for a primary key): what data-loss shows as an example.
  const sample = spec.key.length && spec.columns.length
    ? `(SELECT row_to_json(sample_row) FROM (SELECT ${spec.columns.map((c) => `left(t.${quoteIdent(c)}::text, ${SAMPLE_CHARS}) AS ${quoteIdent(c)}`).join(', ')}` +
      ` FROM ${t.qualified} AS t ORDER BY ${spec.key.map((k) => `t.${quoteIdent(k)}`).join(', ')} LIMIT 1) AS sample_row)`
    : 'NULL::json';
  const arr = (items: string[]) => (items.length ? `ARRAY[${items.join(', ')}]` : 'ARRAY[]::int8[]');
  return (
    `SELECT ${t.oid}::int8 AS oid, coalesce(sum(n), 0)::int8 AS rows,` +
    ` coalesce(json_agg(json_build_array(b, n, s)), '[]'::json) AS buckets, ${arr(totals)} AS nonnull, ${sample} AS sample FROM (` +
    `SELECT (k & ${BUCKETS - 1}) AS b, count(*) AS n, ${arr(sums)} AS s${counts.map((c) => `, ${c}`).join('')}` +
    // OFFSET 0 keeps the per-row hashes in their own subquery: flattened, the planner would
    // recompute the key hash (a row-to-text cast) once per column, and it cannot tell that
    // \`k & BUCKETS-1\` has few groups, so it sorted every row (to disk at 100k rows) instead of
    // hashing 128 buckets; together 2-3x the time of the whole read.
    ` FROM (SELECT ${[`${key} AS k`, ...hashes].join(', ')} FROM ${t.qualified} AS t OFFSET 0) AS x GROUP BY 1) AS y`
  );
}
