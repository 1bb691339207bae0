/** Scratch databases: uniquely named, created for one run, dropped at its end (also on signals). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { EnvironmentError } from '../errors.js';
import { registerCleanup } from '../cleanup.js';
import type { PostgresServer, ScratchDatabase } from './types.js';

export const SCRATCH_PREFIX = 'rollback_verify_';

export async function createScratchDatabase(server: PostgresServer): Promise<ScratchDatabase> {
  const name = `${SCRATCH_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  try {
    await admin.connect();
    // template0: nothing a previous user put into template1 leaks into the baseline.
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  } catch (err) {
    throw new EnvironmentError(`cannot create a scratch database on ${server.description}: ${(err as Error).message}`);
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  const drop = registerCleanup(() => dropDatabase(server.adminUrl, name));
  return { name, url: url.toString(), drop };
}

/**
 * Drops the scratch database and creates it again, empty, under the same name: the same URL and
 * the same cleanup registration, so a run that restores a state (src/verify/restore.ts) leaves
 * nothing behind either. Sessions still connected are ended (WITH (FORCE)).
 */
export async function recreateScratchDatabase(server: PostgresServer, db: ScratchDatabase): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${db.name}" TEMPLATE template0 ENCODING 'UTF8'`);
  } catch (err) {
    throw new EnvironmentError(`cannot recreate the scratch database on ${server.description}: ${(err as Error).message}`);
  } finally {
    await admin.end().catch(() => {});
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a migration may have left behind.
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch {
    // The server may already be gone (a migration that stopped it); nothing left to drop then.
  } finally {
    await admin.end().catch(() => {});
  }
}
