/**
 * The lower bound every ratio is taken against: the migrations' own SQL sent through one
 * connection, no snapshots, no data checks, no bookkeeping.
 */
import pg from 'pg';

/** One step of a replay: the SQL text sent as one message. */
export type ReplayStep = string;

/** Sends each step as one simple-protocol message on one connection; returns elapsed ms (connect included). */
export async function rawReplay(url: string, steps: readonly ReplayStep[]): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of steps) await client.query(sql);
  } finally {
    await client.end();
  }
  return performance.now() - started;
}
