/**
 * PostgreSQL refuses to run as root, so as root a local cluster runs as the `postgres` OS user.
 * That user must be able to reach the server binaries and the data directory: on self-hosted
 * runners installed under /root and in container jobs, RUNNER_TOOL_CACHE, RUNNER_TEMP or TMPDIR
 * often sit below a 0700 directory it cannot enter. Here, before anything starts:
 * - the data directory's parent falls back to a world-reachable temp dir (/tmp, /var/tmp, /dev/shm);
 * - embedded binaries (a self-contained bin/lib/share tree) are mirrored into the cluster's own
 *   dir, with hard links where the file system allows (no copy, nothing left after the run);
 * - otherwise the error names the directory that blocks it and what to change.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ClusterBinaries } from './types.js';

/** The OS user the server runs as; empty when it runs as ourselves. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

/** Directories tried for the data dir when the temp dir is out of reach. */
export const REACHABLE_TEMP_DIRS = ['/tmp', '/var/tmp', '/dev/shm'];

/** `path` and every directory above it, from the root down. */
function pathChain(path: string): string[] {
  const abs = resolve(path);
  const parts = abs.slice(parse(abs).root.length).split(sep).filter(Boolean);
  const chain = [parse(abs).root];
  for (const p of parts) chain.push(join(chain[chain.length - 1]!, p));
  return chain;
}

/**
 * The first entry of `path`'s chain the user cannot search (a directory) or execute (the last
 * entry, when it is a file), asked of the kernel as that user; undefined when all are fine.
 */
export function firstBlocked(path: string, ids: RunAs): string | undefined {
  if (ids.uid === undefined) return undefined;
  // The common case without a process (each costs tens of ms on a busy machine): every entry is
  // searchable by others, or is the user's own and searchable by it. Anything else (groups,
  // ACLs, a missing entry) is asked of the kernel below.
  if (plainlyReachable(path, ids.uid)) return undefined;
  const r = spawnSync('sh', ['-c', 'for d do [ -x "$d" ] || { printf %s "$d"; exit 1; }; done', 'sh', ...pathChain(path)], {
    uid: ids.uid,
    gid: ids.gid,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // Without sh we cannot tell; the start itself will say what is wrong.
  if (r.error) return undefined;
  return r.status === 0 ? undefined : r.stdout || path;
}

function plainlyReachable(path: string, uid: number): boolean {
  try {
    return pathChain(path).every((p) => {
      const st = statSync(p);
      return (st.mode & 0o001) !== 0 || (st.uid === uid && (st.mode & 0o100) !== 0);
    });
  } catch {
    return false;
  }
}

/** `/root (mode 0700, owner uid 0)`: what a reader needs to fix it. */
function describeDir(dir: string): string {
  try {
    const st = statSync(dir);
    return `${dir} (mode 0${(st.mode & 0o777).toString(8)}, owner uid ${st.uid})`;
  } catch {
    return dir;
  }
}

/** The parent for the cluster's temp dir: `wanted` when the server user can reach it, else a fallback. */
export function reachableParent(wanted: string, ids: RunAs, logger?: Logger, fallbacks = REACHABLE_TEMP_DIRS): string {
  // Not a directory (missing, a file): the temp dir's creation says so, in its own words.
  try {
    if (!statSync(wanted).isDirectory()) return wanted;
  } catch {
    return wanted;
  }
  const blocked = firstBlocked(wanted, ids);
  if (!blocked) return wanted;
  for (const dir of fallbacks) {
    if (resolve(dir) === resolve(wanted)) continue;
    try {
      if (!statSync(dir).isDirectory() || firstBlocked(dir, ids)) continue;
    } catch {
      continue;
    }
    logger?.info(`PostgreSQL runs as the postgres OS user, who cannot enter ${describeDir(blocked)}: its data directory goes to ${dir} instead of ${wanted}`);
    return dir;
  }
  throw new EnvironmentError(
    `PostgreSQL refuses to run as root, so it runs as the postgres OS user, who cannot enter ${describeDir(blocked)} on the way to the temp dir ${wanted}; set TMPDIR to a directory that user can reach, or let it in (chmod o+x ${blocked})`,
  );
}

/**
 * Binaries the server user can execute: `binaries` when it can reach them, else a mirror of their
 * self-contained tree (bin, lib, share: the embedded packages' layout) inside `root`.
 */
export function reachableBinaries(binaries: ClusterBinaries, root: string, ids: RunAs, logger?: Logger): ClusterBinaries {
  const blocked = firstBlocked(binaries.initdb, ids) ?? firstBlocked(binaries.postgres, ids);
  if (!blocked) return binaries;
  const tree = dirname(dirname(binaries.initdb));
  const selfContained = ['bin', 'lib', 'share'].every((d) => {
    try {
      return statSync(join(tree, d)).isDirectory();
    } catch {
      return false;
    }
  });
  if (!selfContained || dirname(binaries.postgres) !== dirname(binaries.initdb)) {
    throw new EnvironmentError(
      `PostgreSQL refuses to run as root, so it runs as the postgres OS user, who cannot enter ${describeDir(blocked)} on the way to ${binaries.initdb}; let it in (chmod o+x ${blocked}) or install PostgreSQL where it can reach it`,
    );
  }
  const mirror = join(root, 'pg');
  try {
    mirrorTree(tree, mirror);
  } catch (err) {
    throw new EnvironmentError(
      `cannot place the PostgreSQL binaries where the postgres OS user can reach them (${mirror}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ${describeDir(blocked)} blocks ${binaries.initdb}: let that user in (chmod o+x ${blocked}) or set TMPDIR to a roomier directory`,
    );
  }
  logger?.info(`PostgreSQL runs as the postgres OS user, who cannot enter ${describeDir(blocked)}: its binaries are linked into ${mirror} for this run`);
  return { initdb: join(mirror, 'bin', 'initdb'), postgres: join(mirror, 'bin', 'postgres') };
}

/**
 * Recreates `src` at `dst`: directories 0755, symlinks as they are (the packages' are relative),
 * files hard-linked when others may already read (and run) them, else copied with those rights.
 */
function mirrorTree(src: string, dst: string): void {
  mkdirSync(dst);
  chmodSync(dst, 0o755);
  for (const name of readdirSync(src)) {
    const from = join(src, name);
    const to = join(dst, name);
    const st = lstatSync(from);
    if (st.isDirectory()) {
      mirrorTree(from, to);
    } else if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(from), to);
    } else if (st.isFile()) {
      const exec = (st.mode & 0o100) !== 0;
      const wanted = 0o044 | (exec ? 0o011 : 0);
      if ((st.mode & wanted) === wanted) {
        try {
          linkSync(from, to);
          continue;
        } catch {
          // Another file system, or links not allowed: copy.
        }
      }
      copyFileSync(from, to);
      chmodSync(to, (st.mode & 0o777) | wanted);
    }
  }
}
