/**
 * Change probes: a cheap proof that a table's rows are byte-for-byte what they were when it was
 * last fingerprinted, so the fingerprint can be reused instead of hashing every value again. A
 * step-wise run fingerprints every table before each up and after each down, while a migration
 * usually touches one or two of them: without probes the data checks cost more than the
 * migrations (issue 7's profile: 45-75 ms per look at a 60-migration history with seeded rows).
 *
 * A probe is the table's storage file, its row count, the sum of its rows' xmin, and the columns
 * (number, name, type, typmod, generation) and primary key. Why that proves "unchanged": every
 * INSERT and UPDATE writes row versions whose xmin is a transaction id newer than any row that
 * was visible at the previous probe (the protocol runs one thing at a time, so nothing commits
 * concurrently), so with an equal count any replaced row raises the sum; TRUNCATE, VACUUM FULL,
 * CLUSTER and every rewriting ALTER TABLE change the storage file; adding, dropping or retyping a
 * column in place changes the column list. What a probe cannot see is a value whose text changes
 * without its bytes changing (an enum label renamed, a regclass whose table was renamed, a
 * virtual generated column's expression), so only tables whose columns are all of built-in,
 * non-reg* types and not virtual are probed; the others are always fingerprinted.
 */
import type pg from 'pg';
import type { TableInfo } from './catalog.js';

/** Built-in types at or above this oid do not exist: user types (enums, domains, composites) start here. */
const FIRST_USER_OID = 16384;
/** reg* types print names looked up in the catalogs, so equal bytes can print differently. */
const REG_TYPES = new Set([24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191, 1008, 2207, 2208, 2209, 2210, 2211, 3735, 3770, 4090, 4097, 4192]);

/** True when a probe can stand for this table's fingerprint (see the module comment). */
export function isProbeable(table: TableInfo): boolean {
  return (
    !table.partitioned &&
    table.columns.every((c) => c.type < FIRST_USER_OID && !REG_TYPES.has(c.type) && c.generated !== 'v')
  );
}

/** The part of a probe that comes from the catalog: what the columns and key are. */
function shape(table: TableInfo): string {
  const columns = table.columns.map((c) => `${c.num}:${c.name}:${c.type}:${c.typmod}:${c.generated}`).join(',');
  const key = table.constraints.filter((c) => c.type === 'p').map((c) => (c.cols ?? []).join(',')).join(';');
  return `${columns}|${key}`;
}

/** Probes every probeable table in one round trip; returns `display` → probe. */
export async function probeTables(client: pg.ClientBase, tables: readonly TableInfo[]): Promise<Map<string, string>> {
  const probed = tables.filter(isProbeable);
  const out = new Map<string, string>();
  if (probed.length === 0) return out;
  const sql = probed
    .map(
      (t) =>
        `SELECT ${t.oid}::int8 AS oid, pg_relation_filenode(${t.oid}::oid::regclass)::text AS file, count(*)::text AS n, ` +
        `coalesce(sum(t.xmin::text::int8), 0)::text AS x FROM ${t.qualified} AS t`,
    )
    .join('\nUNION ALL\n');
  // JIT costs more than this scan, as for fingerprints; SET LOCAL keeps it to this message.
  const results = (await client.query(`SET LOCAL jit = off; ${sql}`)) as unknown as pg.QueryResult[];
  const rows = results[1]!.rows as Array<{ oid: string; file: string | null; n: string; x: string }>;
  const byOid = new Map(rows.map((r) => [Number(r.oid), r]));
  for (const t of probed) {
    const r = byOid.get(t.oid);
    if (r) out.set(t.display, `${r.file}/${r.n}/${r.x}/${shape(t)}`);
  }
  return out;
}
