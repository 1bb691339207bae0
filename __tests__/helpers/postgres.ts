/**
 * One real PostgreSQL server per test file (embedded binaries by default; RV_TEST_POSTGRES=system
 * uses the system's), and a fresh scratch database per test. Never a mock.
 */
import pg from 'pg';
import { startServer } from '../../src/postgres/select.js';
import { findSystemBinaries } from '../../src/postgres/system.js';
import { createScratchDatabase } from '../../src/postgres/scratch.js';
import type { PostgresServer, ScratchDatabase } from '../../src/postgres/types.js';

export interface TestPostgres {
  server(): PostgresServer;
  /** A new scratch database; dropped in afterAll at the latest. */
  scratch(): Promise<ScratchDatabase>;
  /** Runs fn with a connected client on a new scratch database, then drops it. */
  withDatabase<T>(fn: (client: pg.Client, db: ScratchDatabase) => Promise<T>): Promise<T>;
}

export function usePostgres(): TestPostgres {
  let server: PostgresServer | undefined;
  const open: ScratchDatabase[] = [];
  beforeAll(async () => {
    const provider = (process.env.RV_TEST_POSTGRES as 'system' | 'embedded' | undefined) ?? 'embedded';
    // The system's own major (the system provider otherwise wants the default, 17).
    server = await startServer({ provider, ...(provider === 'system' ? { postgresMajor: findSystemBinaries()?.major } : {}) });
  });
  afterAll(async () => {
    for (const db of open.splice(0)) await db.drop();
    await server?.stop();
  });
  const api: TestPostgres = {
    server: () => {
      if (!server) throw new Error('server not started (usePostgres must be called at describe level)');
      return server;
    },
    scratch: async () => {
      const db = await createScratchDatabase(api.server());
      open.push(db);
      return db;
    },
    withDatabase: async (fn) => {
      const db = await api.scratch();
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return await fn(client, db);
      } finally {
        await client.end();
        await db.drop();
        open.splice(open.indexOf(db), 1);
      }
    },
  };
  return api;
}
