/**
 * Seeding must never leave the caller's connection in a failed transaction, and one table that
 * cannot be filled must not undo the others. So the work runs in a transaction (the caller's, if
 * one is open, else our own) and every statement that may fail runs under a savepoint.
 */
import type pg from 'pg';

/** SQLSTATE of "SAVEPOINT can only be used in transaction blocks". */
const NO_ACTIVE_TRANSACTION = '25P01';

/**
 * Runs `work` inside a transaction: nested under a savepoint when the client is already in one,
 * else in a transaction of its own that commits on success and rolls back on a throw.
 */
export async function withinTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  let own = false;
  try {
    await client.query('SAVEPOINT rv_scope');
  } catch (err) {
    if ((err as { code?: string }).code !== NO_ACTIVE_TRANSACTION) throw err;
    own = true;
    await client.query('BEGIN');
  }
  try {
    const result = await work();
    await client.query(own ? 'COMMIT' : 'RELEASE SAVEPOINT rv_scope');
    return result;
  } catch (err) {
    await client.query(own ? 'ROLLBACK' : 'ROLLBACK TO SAVEPOINT rv_scope; RELEASE SAVEPOINT rv_scope');
    throw err;
  }
}

export type Attempt = { ok: true; rowCount: number } | { ok: false; error: pg.DatabaseError | Error };

/**
 * Runs one statement under a savepoint (one round trip when it succeeds); on failure the
 * transaction is rolled back to before it and stays usable.
 */
export async function attempt(client: pg.ClientBase, sql: string): Promise<Attempt> {
  try {
    const results = (await client.query(`SAVEPOINT rv_try; ${sql}; RELEASE SAVEPOINT rv_try`)) as unknown as pg.QueryResult[];
    return { ok: true, rowCount: results[1]?.rowCount ?? 0 };
  } catch (err) {
    await client.query('ROLLBACK TO SAVEPOINT rv_try; RELEASE SAVEPOINT rv_try');
    return { ok: false, error: err as Error };
  }
}
