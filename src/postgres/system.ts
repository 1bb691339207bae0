/**
 * The system provider: initdb/postgres from PATH or /usr/lib/postgresql/<major>/bin (what Debian,
 * Ubuntu and GitHub's ubuntu runners install, not started). The newest major wins unless one is asked for.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { ClusterBinaries } from './local-cluster.js';

export interface SystemBinaries extends ClusterBinaries {
  major: number | undefined;
}

export function findSystemBinaries(major?: number): SystemBinaries | undefined {
  const candidates: { dir: string; major: number | undefined }[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const name of readdirSync(root)) {
      const m = Number(name);
      if (Number.isInteger(m)) candidates.push({ dir: join(root, name, 'bin'), major: m });
    }
    candidates.sort((a, b) => (b.major ?? 0) - (a.major ?? 0));
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push({ dir, major: undefined });
  for (const c of candidates) {
    if (major !== undefined && c.major !== undefined && c.major !== major) continue;
    const initdb = join(c.dir, 'initdb');
    const postgres = join(c.dir, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres, major: c.major };
  }
  return undefined;
}

export function requireSystemBinaries(major?: number): SystemBinaries {
  const found = findSystemBinaries(major);
  if (!found) {
    const what = major ? `PostgreSQL ${major} ` : 'PostgreSQL ';
    throw new EnvironmentError(
      `no ${what}server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin; install them or use --postgres embedded / --database-url`,
    );
  }
  return found;
}
