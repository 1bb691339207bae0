/**
 * A cache of initdb'd data directories, so a run's server start copies a finished cluster instead
 * of running initdb (most of a start's cost). One entry per set of binaries (real path, size,
 * mtime), initdb arguments, server OS user and LAYOUT_VERSION:
 *   <cache>/initdb/<key>/data   the cluster as initdb left it (cleanly shut down, never started)
 *   <cache>/initdb/<key>/ok     written last: an entry without it (or without PG_VERSION) is partial
 * An entry holds no secret: clusters are initdb'd with trust for the Unix socket only (a run's
 * socket lives in its private 0700 dir) and scram-sha-256 over TCP with no password set; each run
 * sets its own random password after start.
 *
 * Entries are published atomically: a copy goes to a temp dir beside them and is renamed into
 * place; a concurrent run that loses the rename uses the winner's. The cache is kept on purpose
 * (it is what makes the next start fast; entries unused for UNUSED_DAYS are pruned when another
 * is stored); every failure here is logged at debug level and the
 * caller falls back to a plain initdb: the cache never fails a run.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { RunAs } from './reach.js';
import type { ClusterBinaries } from './types.js';

/** Bump when what goes into an entry changes (initdb arguments are part of the key already). */
export const LAYOUT_VERSION = 1;

/** What the start did with the cache: copied an entry, made one, or went without. */
export type InitdbCacheUse = 'hit' | 'miss' | 'off';

/**
 * The cache's root for this environment: ROLLBACK_VERIFY_CACHE_DIR when set, else the runner's
 * tool cache (GitHub runners), else the user's cache dir. Entries go to `<root>/initdb/<key>`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ROLLBACK_VERIFY_CACHE_DIR) return env.ROLLBACK_VERIFY_CACHE_DIR;
  if (env.RUNNER_TOOL_CACHE) return join(env.RUNNER_TOOL_CACHE, 'rollback-verify');
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir() || tmpdir(), '.cache');
  return join(base, 'rollback-verify');
}

/** The entry's name: changes whenever the binaries, the initdb arguments or the server user do. */
export function cacheKey(binaries: ClusterBinaries, initdbArgs: string[], ids: RunAs): string {
  const fingerprint = [binaries.initdb, binaries.postgres].map((bin) => {
    const real = realpathSync(bin);
    const st = statSync(real);
    return { real, size: st.size, mtime: st.mtimeMs };
  });
  const hash = createHash('sha256')
    .update(JSON.stringify({ layout: LAYOUT_VERSION, fingerprint, initdbArgs, uid: ids.uid ?? null }))
    .digest('hex');
  return hash.slice(0, 24);
}

/** A finished entry's data dir, or undefined when the entry is missing or partial. */
export function entryData(entry: string): string | undefined {
  const data = join(entry, 'data');
  const ok = ['ok', 'data/PG_VERSION', 'data/global/pg_control', 'data/base'].every((p) => existsSync(join(entry, p)));
  return ok ? data : undefined;
}

/**
 * Copies a data dir, keeping modes and (as root) owners: `cp -a` (out of process, reflinks where
 * the file system has them), else Node's cpSync with the owner set afterwards. Creating its ~1,000
 * files is most of a warm start, so the databases under base/ are copied by processes of their own,
 * side by side (measured under load: median 4.9 s against 8.2 s for one `cp`).
 */
export async function copyDataDir(from: string, to: string, ids: RunAs): Promise<void> {
  try {
    await copyInParallel(from, to);
    return;
  } catch {
    rmSync(to, { recursive: true, force: true });
  }
  if (await cp([from, to])) return;
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
  if (ids.uid !== undefined) chownTree(to, ids);
}

/** `to` and `to/base` made like their sources; base/<db> each in its own `cp -a`, the rest in one. */
async function copyInParallel(from: string, to: string): Promise<void> {
  const made = (src: string, dst: string) => {
    const st = statSync(src);
    mkdirSync(dst);
    chmodSync(dst, st.mode & 0o7777);
    if (st.uid !== process.getuid?.() || st.gid !== process.getgid?.()) chownSync(dst, st.uid, st.gid);
  };
  made(from, to);
  made(join(from, 'base'), join(to, 'base'));
  const top = readdirSync(from).filter((n) => n !== 'base').map((n) => join(from, n));
  const dbs = readdirSync(join(from, 'base')).map((n) => join(from, 'base', n));
  const done = await Promise.all([cp([...top, to + '/']), ...dbs.map((db) => cp([db, join(to, 'base') + '/']))]);
  if (done.includes(false)) throw new Error(`cp -a ${from} ${to} failed`);
}

/** `cp -a` with reflinks where GNU cp and the file system allow; false when it fails. */
function cp(args: string[]): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const child = spawn('cp', process.platform === 'linux' ? ['-a', '--reflink=auto', ...args] : ['-a', ...args], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

function chownTree(path: string, ids: RunAs): void {
  chownSync(path, ids.uid!, ids.gid!);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), ids);
}

/** Entries of other binaries not used for this long are removed when a new entry is stored. */
export const UNUSED_DAYS = 30;

/** Temp dirs of runs that died mid-publish (SIGKILL) are swept once they are this old. */
const STALE_MS = 10 * 60_000;

/**
 * The cache for one kind of cluster: `lookup` says where a finished entry is (a copy source),
 * `publish` stores a freshly initdb'd, never started data dir as the entry.
 */
export class InitdbCache {
  readonly entry: string;
  private readonly dir: string;

  constructor(root: string, key: string, private readonly logger?: Logger) {
    this.dir = join(root, 'initdb');
    this.entry = join(this.dir, key);
  }

  /** The entry's data dir when it is finished; a partial entry is moved aside (and rebuilt by the caller). */
  lookup(): string | undefined {
    const data = entryData(this.entry);
    if (data) {
      // Marks the entry as in use, so pruning (below) keeps it.
      try {
        const now = new Date();
        utimesSync(join(this.entry, 'ok'), now, now);
      } catch {
        // A read-only cache still serves copies.
      }
      return data;
    }
    if (existsSync(this.entry)) {
      this.logger?.debug(`initdb cache: ${this.entry} is partial, rebuilding it`);
      this.discard();
    }
    return undefined;
  }

  /**
   * Stores a copy of `dataDir` as the entry: copy into a temp dir beside it, mark it finished,
   * rename. Losing the rename to a concurrent run is fine (its entry is as good as ours).
   */
  async publish(dataDir: string, ids: RunAs, onTemp: (dir: string | undefined) => void): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.sweep();
    this.prune();
    const tmp = mkdtempSync(join(this.dir, `.tmp-${randomBytes(3).toString('hex')}-`));
    onTemp(tmp);
    try {
      await copyDataDir(dataDir, join(tmp, 'data'), ids);
      writeFileSync(join(tmp, 'ok'), `layout ${LAYOUT_VERSION}\n`);
      try {
        renameSync(tmp, this.entry);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'EEXIST' && code !== 'ENOTEMPTY') || !entryData(this.entry)) throw err;
        this.logger?.debug(`initdb cache: a concurrent run stored ${this.entry} first; keeping its entry`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      onTemp(undefined);
    }
  }

  /** Removes a bad entry: moved out of the way first (atomic), so no run copies from it meanwhile. */
  discard(): void {
    const aside = join(this.dir, `.stale-${randomBytes(6).toString('hex')}`);
    try {
      renameSync(this.entry, aside);
    } catch {
      return; // a concurrent run moved it already
    }
    rmSync(aside, { recursive: true, force: true });
  }

  /**
   * Removes other entries unused for UNUSED_DAYS (binaries that were upgraded or removed), so the
   * cache does not grow with every PostgreSQL build a machine ever had. Runs only when storing a
   * new entry, which is when an upgrade shows.
   */
  private prune(): void {
    for (const name of readdirSync(this.dir)) {
      const entry = join(this.dir, name);
      if (name.startsWith('.') || entry === this.entry) continue;
      try {
        const used = existsSync(join(entry, 'ok')) ? statSync(join(entry, 'ok')).mtimeMs : statSync(entry).mtimeMs;
        if (Date.now() - used > UNUSED_DAYS * 86_400_000) new InitdbCache(join(this.dir, '..'), name, this.logger).discard();
      } catch {
        // Gone already.
      }
    }
  }

  /** Removes temp and stale dirs left by runs that were killed while publishing. */
  private sweep(): void {
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith('.tmp-') && !name.startsWith('.stale-')) continue;
      const path = join(this.dir, name);
      try {
        if (Date.now() - lstatSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
      } catch {
        // Gone already.
      }
    }
  }
}
