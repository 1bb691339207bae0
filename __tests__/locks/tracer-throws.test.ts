/**
 * A step whose tool cannot run at all throws (EnvironmentError) out of the tracer: the lock sampler
 * and the monitor connection it opened must end with it, or their timer keeps the process alive
 * after the one-line error.
 */
import { EnvironmentError } from '../../src/errors.js';
import type { CommandScript } from '../../src/formats/types.js';
import { traceScript } from '../../src/locks/tracer.js';
import { usePostgres } from '../helpers/postgres.js';

const postgres = usePostgres();

test('the sampler and the monitor are closed when the step throws', async () => {
  await postgres.withDatabase(async (client, db) => {
    const script: CommandScript = { kind: 'command', file: 'db/migrate/1_a.rb', argv: ['bin/rails', 'db:migrate:up', 'VERSION=1'], cwd: '/' };
    const others = async () =>
      (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows[0]!.n;
    let during = -1;
    const traced = traceScript(script, {
      url: db.url,
      statementTimeoutMs: 10_000,
      runCommand: async () => {
        during = await others();
        throw new EnvironmentError("'ruby' was not found on PATH");
      },
    });
    await expect(traced).rejects.toThrow("'ruby' was not found on PATH");
    // The tracer was watching from its own connections while the step ran.
    expect(during).toBeGreaterThanOrEqual(1);
    const deadline = Date.now() + 10_000;
    let left = await others();
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await others();
    }
    expect(left).toBe(0);
  });
});
