/**
 * Scratch databases: created for one run, dropped at its end (also on SIGINT/SIGTERM). A run
 * killed with SIGKILL (a lost runner, `kill -9`, the OOM killer) cannot drop its own, so each one
 * says who made it — the name carries the creation time and pid, `COMMENT ON DATABASE` the host,
 * pid, the pid's start time and the creation time — and every later run on the same server drops
 * those whose run is gone: same host and that process no longer alive (or the pid reused by
 * another process), or older than a day wherever they came from. A live run's is never touched.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { EnvironmentError } from '../errors.js';
import { registerCleanup } from '../cleanup.js';
import type { Logger } from '../logger.js';
import { processIdentity, processIsAlive, processStart, type ProcessIdentity } from './owner.js';
import type { PostgresServer, ScratchDatabase } from './types.js';

export const SCRATCH_PREFIX = 'rollback_verify_';
/** A scratch database older than this is dropped whoever made it: no run lasts a day. */
export const SCRATCH_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** What a scratch database's comment records about the run that made it. */
export interface ScratchOwner extends ProcessIdentity {
  /** ISO time the database was created. */
  created: string;
}

/** The comment's JSON marker, so a database someone else named alike is never read as ours. */
const MARK = 'rollback-verify scratch database';

export function scratchComment(owner: ScratchOwner): string {
  return JSON.stringify({ what: MARK, ...owner });
}

/** The owner recorded in a comment, or undefined when it is not one of ours. */
export function parseScratchComment(comment: string | null | undefined): ScratchOwner | undefined {
  if (!comment) return undefined;
  try {
    const v = JSON.parse(comment) as Partial<ScratchOwner> & { what?: string };
    if (v.what !== MARK || typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.created !== 'string') return undefined;
    return { host: v.host, scope: String(v.scope ?? ''), pid: v.pid, started: String(v.started ?? ''), created: v.created };
  } catch {
    return undefined;
  }
}

/** `rollback_verify_<created, base 36>_<pid>_<random>`: unique, and readable in `\l`. */
export function scratchName(now = Date.now(), pid = process.pid): string {
  return `${SCRATCH_PREFIX}${now.toString(36)}_${pid}_${randomBytes(4).toString('hex')}`;
}

/** The creation time a scratch name carries (this version's and the first version's names), in ms. */
export function createdFromName(name: string): number | undefined {
  const m = new RegExp(`^${SCRATCH_PREFIX}([0-9a-z]+)_`).exec(name);
  const t = m ? parseInt(m[1]!, 36) : NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

/** What the sweep needs to know about this machine; replaced in tests. */
export interface SweepProbes {
  self: ProcessIdentity;
  now: number;
  isAlive(pid: number): boolean;
  startOf(pid: number): string | undefined;
}

/**
 * Why a scratch database is left over (its run is gone), or undefined when it may belong to a live
 * run. Without an owner (a database mid-creation, or one from before owners were recorded) only
 * its age counts.
 */
export function staleReason(name: string, owner: ScratchOwner | undefined, probes: SweepProbes): string | undefined {
  const created = owner ? Date.parse(owner.created) : createdFromName(name);
  if (created !== undefined && Number.isFinite(created) && probes.now - created > SCRATCH_MAX_AGE_MS) {
    return `created ${Math.round((probes.now - created) / 3_600_000)} h ago`;
  }
  if (!owner || owner.host !== probes.self.host || owner.scope !== probes.self.scope) return undefined;
  if (owner.pid === probes.self.pid && owner.started === probes.self.started) return undefined; // ours, from this run
  if (!probes.isAlive(owner.pid)) return `its run (pid ${owner.pid} on ${owner.host}) is gone`;
  const started = probes.startOf(owner.pid);
  if (started !== undefined && owner.started !== '' && started !== owner.started) {
    return `its run (pid ${owner.pid} on ${owner.host}) is gone; the pid now belongs to another process`;
  }
  return undefined;
}

const liveProbes = (): SweepProbes => ({ self: processIdentity(), now: Date.now(), isAlive: processIsAlive, startOf: processStart });

/**
 * Drops the scratch databases on the server whose runs are gone; returns their names. Never
 * throws: a database it may not drop (another role's) stays, with a debug line.
 */
export async function sweepScratchDatabases(admin: pg.Client, logger: Logger, probes: SweepProbes = liveProbes()): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
    [SCRATCH_PREFIX],
  );
  const dropped: string[] = [];
  for (const row of rows) {
    const why = staleReason(row.datname, parseScratchComment(row.comment), probes);
    if (!why) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(row.datname)} WITH (FORCE)`);
      dropped.push(row.datname);
      logger.info(`Dropped the scratch database ${row.datname} left behind on this server: ${why}`);
    } catch (err) {
      logger.debug(`could not drop the left-over scratch database ${row.datname}: ${(err as Error).message}`);
    }
  }
  return dropped;
}

export interface ScratchOptions {
  logger?: Logger;
  /** Drop other runs' left-overs first (servers that outlive runs: database-url). */
  sweep?: boolean;
}

export async function createScratchDatabase(server: PostgresServer, opts: ScratchOptions = {}): Promise<ScratchDatabase> {
  const name = scratchName();
  const owner: ScratchOwner = { ...processIdentity(), created: new Date().toISOString() };
  const admin = new pg.Client({ connectionString: server.adminUrl });
  let created = false;
  try {
    await admin.connect();
    if (opts.sweep) {
      await sweepScratchDatabases(admin, opts.logger ?? { info() {}, warning() {}, debug() {} }).catch((err: unknown) =>
        opts.logger?.debug(`looking for left-over scratch databases failed: ${(err as Error).message}`),
      );
    }
    // template0: nothing a previous user put into template1 leaks into the baseline.
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'`);
    created = true;
    await admin.query(`COMMENT ON DATABASE ${pg.escapeIdentifier(name)} IS ${admin.escapeLiteral(scratchComment(owner))}`);
  } catch (err) {
    if (created) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`).catch(() => {});
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
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } catch {
    // The server may already be gone (a migration that stopped it); nothing left to drop then.
  } finally {
    await admin.end().catch(() => {});
  }
}
