/**
 * The system provider: initdb/postgres from /usr/lib/postgresql/<major>/bin (what Debian, Ubuntu
 * and GitHub's ubuntu runners install, not started) or from PATH (asked for their version).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { ClusterBinaries } from './local-cluster.js';

export interface SystemBinaries extends ClusterBinaries {
  major: number | undefined;
}

/** Major of a `postgres` binary from `postgres --version` (`postgres (PostgreSQL) 16.4 …`). */
export function binaryMajor(postgres: string): number | undefined {
  try {
    const out = execFileSync(postgres, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Every set of server binaries on this machine, newest major first; PATH's are asked their major. */
export function allSystemBinaries(path = process.env.PATH ?? ''): SystemBinaries[] {
  const dirs: { dir: string; major: number | undefined }[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const name of readdirSync(root)) {
      const m = Number(name);
      if (Number.isInteger(m)) dirs.push({ dir: join(root, name, 'bin'), major: m });
    }
    dirs.sort((a, b) => (b.major ?? 0) - (a.major ?? 0));
  }
  for (const dir of path.split(delimiter)) if (dir) dirs.push({ dir, major: undefined });
  const found: SystemBinaries[] = [];
  for (const c of dirs) {
    const initdb = join(c.dir, 'initdb');
    const postgres = join(c.dir, 'postgres');
    if (!existsSync(initdb) || !existsSync(postgres) || found.some((f) => f.postgres === postgres)) continue;
    found.push({ initdb, postgres, major: c.major ?? binaryMajor(postgres) });
  }
  return found;
}

/** The system's binaries of exactly `major`, or (no major asked) the newest. */
export function findSystemBinaries(major?: number): SystemBinaries | undefined {
  const all = allSystemBinaries();
  return major === undefined ? all[0] : all.find((b) => b.major === major);
}
