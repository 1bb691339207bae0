/**
 * The initdb cache of local clusters (src/postgres/initdb-cache.ts), with real servers: a second
 * start copies the stored cluster instead of running initdb; concurrent first starts both work and
 * leave one entry; a partial entry is rebuilt; a cache dir that cannot be written falls back to a
 * plain initdb; the stored cluster holds no password and each run's password is its own; a run's
 * copy is gone once it stops.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { requireEmbeddedBinaries } from '../../src/postgres/embedded.js';
import { copyDataDir, defaultCacheDir } from '../../src/postgres/initdb-cache.js';
import { startLocalCluster, type LocalCluster } from '../../src/postgres/local-cluster.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';

function cluster(tempRoot: string, cacheDir: string, debug: string[] = []): Promise<LocalCluster> {
  const logger = { info() {}, warning() {}, debug: (m: string) => debug.push(m) };
  return startLocalCluster({ provider: 'embedded', binaries: requireEmbeddedBinaries(), description: 'embedded PostgreSQL (test)', tempRoot, cacheDir, logger });
}

/** The cache's entries (temp dirs of a publish in progress start with a dot). */
function entries(cacheDir: string): string[] {
  return readdirSync(join(cacheDir, 'initdb')).sort();
}

async function selectOne(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await c.end();
  }
}

/** The connection error's SQLSTATE (28P01: password authentication failed). */
async function loginError(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.end();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}

/** The run's own dir: the Unix socket's directory (socketUrl's host). */
function runDir(server: LocalCluster): string {
  return decodeURIComponent(new URL(server.socketUrl!).hostname);
}

test('the first start stores the cluster, the second copies it instead of running initdb', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  const first = await cluster(tmp, cacheDir);
  expect(first.initdbCache).toBe('miss');
  expect(await selectOne(first.adminUrl)).toBe(1);
  await first.stop();
  const [entry] = entries(cacheDir);
  expect(entries(cacheDir)).toEqual([entry]);
  const stored = join(cacheDir, 'initdb', entry!, 'data', 'PG_VERSION');
  const before = statSync(stored);

  const debug: string[] = [];
  const second = await cluster(tmp, cacheDir, debug);
  expect(second.initdbCache).toBe('hit');
  expect(debug).toContainEqual(expect.stringMatching(/^initdb cache: hit, copied .*data$/));
  expect(second.version).toMatch(/^\d+\.\d+/);
  expect(await selectOne(second.adminUrl)).toBe(1);
  // The same entry, untouched: nothing ran initdb into the cache again.
  expect(entries(cacheDir)).toEqual([entry]);
  expect(statSync(stored).ino).toBe(before.ino);
  expect(statSync(stored).mtimeMs).toBe(before.mtimeMs);
  await second.stop();
  await expectNoLeftovers({ tempDir: tmp });
});

test('two concurrent first starts both work and leave one entry', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  const [a, b] = await Promise.all([cluster(tmp, cacheDir), cluster(tmp, cacheDir)]);
  try {
    expect(await selectOne(a.adminUrl)).toBe(1);
    expect(await selectOne(b.adminUrl)).toBe(1);
    // Both initdb (neither found an entry); the one that loses the rename uses the winner's.
    expect([a.initdbCache, b.initdbCache]).toContain('miss');
    expect([a.initdbCache, b.initdbCache]).not.toContain('off');
    const list = entries(cacheDir);
    expect(list).toHaveLength(1);
    expect(existsSync(join(cacheDir, 'initdb', list[0]!, 'ok'))).toBe(true);
  } finally {
    await a.stop();
    await b.stop();
  }
  const third = await cluster(tmp, cacheDir);
  expect(third.initdbCache).toBe('hit');
  await third.stop();
  await expectNoLeftovers({ tempDir: tmp });
});

test('a partial entry (no PG_VERSION, or never finished) is rebuilt', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  await (await cluster(tmp, cacheDir)).stop();
  const [entry] = entries(cacheDir);
  const dir = join(cacheDir, 'initdb', entry!);

  rmSync(join(dir, 'data', 'PG_VERSION'));
  const debug: string[] = [];
  const rebuilt = await cluster(tmp, cacheDir, debug);
  expect(rebuilt.initdbCache).toBe('miss');
  expect(debug).toContainEqual(expect.stringContaining('is partial, rebuilding it'));
  expect(await selectOne(rebuilt.adminUrl)).toBe(1);
  await rebuilt.stop();
  expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);
  expect(entries(cacheDir)).toEqual([entry]);

  // A copy that never got its `ok` (a run killed while storing it).
  rmSync(join(dir, 'ok'));
  const again = await cluster(tmp, cacheDir);
  expect(again.initdbCache).toBe('miss');
  await again.stop();
  expect(existsSync(join(dir, 'ok'))).toBe(true);
  expect((await cluster(tmp, cacheDir).then(async (s) => (await s.stop(), s))).initdbCache).toBe('hit');
  await expectNoLeftovers({ tempDir: tmp });
});

test('a stored cluster that does not start (damaged after it was stored) is rebuilt, the run goes on', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  await (await cluster(tmp, cacheDir)).stop();
  const [entry] = entries(cacheDir);
  const control = join(cacheDir, 'initdb', entry!, 'data', 'global', 'pg_control');
  // Present (the entry looks finished) but empty: postgres cannot read its control file.
  truncateSync(control, 0);
  const debug: string[] = [];
  const server = await cluster(tmp, cacheDir, debug);
  expect(server.initdbCache).toBe('miss');
  expect(debug).toContainEqual(expect.stringMatching(/^initdb cache: a copy of .* did not start .*; rebuilding it$/));
  expect(await selectOne(server.adminUrl)).toBe(1);
  await server.stop();
  expect(statSync(control).size).toBeGreaterThan(0);
  expect(entries(cacheDir)).toEqual([entry]);
  await expectNoLeftovers({ tempDir: tmp });
});

test('storing an entry prunes entries of other binaries unused for 30 days; a hit marks its entry used', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  const dir = join(cacheDir, 'initdb');
  const old = Date.now() / 1000 - 40 * 86_400;
  const recent = Date.now() / 1000 - 3 * 86_400;
  for (const [name, time] of [['old-build', old], ['recent-build', recent]] as const) {
    mkdirSync(join(dir, name, 'data'), { recursive: true });
    writeFileSync(join(dir, name, 'ok'), 'layout 1\n');
    utimesSync(join(dir, name, 'ok'), time, time);
  }
  await (await cluster(tmp, cacheDir)).stop();
  const list = entries(cacheDir);
  expect(list).toHaveLength(2);
  expect(list).toContain('recent-build');
  const ours = list.find((n) => n !== 'recent-build')!;

  utimesSync(join(dir, ours, 'ok'), old, old);
  const hit = await cluster(tmp, cacheDir);
  expect(hit.initdbCache).toBe('hit');
  await hit.stop();
  expect(Date.now() - statSync(join(dir, ours, 'ok')).mtimeMs).toBeLessThan(86_400_000);
  await expectNoLeftovers({ tempDir: tmp });
});

test('a cache dir that cannot be made: a plain initdb, the run goes on', async () => {
  const tmp = caseTempDir();
  const debug: string[] = [];
  // Below a file: ENOTDIR even for root.
  const server = await cluster(tmp, '/dev/null/x', debug);
  expect(server.initdbCache).toBe('off');
  expect(debug).toContainEqual(expect.stringMatching(/^initdb cache: off, cannot store .*ENOTDIR/));
  expect(await selectOne(server.adminUrl)).toBe(1);
  await server.stop();
  await expectNoLeftovers({ tempDir: tmp });
});

test('no password in the cache; each run has its own; trust only over the private socket; the copy goes with the run', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  const a = await cluster(tmp, cacheDir);
  const b = await cluster(tmp, cacheDir);
  try {
    expect(b.initdbCache).toBe('hit');
    const pa = new URL(a.adminUrl).password;
    const pb = new URL(b.adminUrl).password;
    expect(pa.length).toBeGreaterThanOrEqual(20);
    expect(pa).not.toBe(pb);
    // A's password does not open B's server, nor does none at all over TCP.
    const bWithA = new URL(b.adminUrl);
    bWithA.password = pa;
    expect(await loginError(bWithA.href)).toBe('28P01');
    const bWithout = new URL(b.adminUrl);
    bWithout.password = '';
    expect(await loginError(bWithout.href)).toBeDefined();
    // The socket (in the run's own 0700 dir) needs none.
    expect(await selectOne(b.socketUrl!)).toBe(1);
    expect(statSync(runDir(b)).mode & 0o777).toBe(0o700);

    const files = filesUnder(join(cacheDir, 'initdb'));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect([f, bytes.includes(pa), bytes.includes(pb)]).toEqual([f, false, false]);
    }
  } finally {
    await a.stop();
    await b.stop();
  }
  expect(existsSync(runDir(a))).toBe(false);
  expect(existsSync(runDir(b))).toBe(false);
  await expectNoLeftovers({ tempDir: tmp });
});

test('a copy of a stored cluster is exact: every file, mode, owner and byte', async () => {
  const tmp = caseTempDir();
  const cacheDir = join(caseTempDir('rv-cache-'), 'cache');
  await (await cluster(tmp, cacheDir)).stop();
  const data = join(cacheDir, 'initdb', entries(cacheDir)[0]!, 'data');
  const copy = join(caseTempDir('rv-copy-'), 'data');
  await copyDataDir(data, copy, {});
  const tree = (root: string) =>
    [root, ...readdirSync(root, { recursive: true }).map((p) => join(root, String(p)))].sort().map((p) => {
      const st = lstatSync(p);
      return [p.slice(root.length), st.mode, st.uid, st.gid, st.isFile() ? readFileSync(p).toString('base64') : ''];
    });
  const original = tree(data);
  expect(original.length).toBeGreaterThan(500);
  expect(tree(copy)).toEqual(original);
});

test('the cache dir: ROLLBACK_VERIFY_CACHE_DIR, else the runner tool cache, else the user cache dir', () => {
  expect(defaultCacheDir({ ROLLBACK_VERIFY_CACHE_DIR: '/c', RUNNER_TOOL_CACHE: '/t', HOME: '/h' })).toBe('/c');
  expect(defaultCacheDir({ RUNNER_TOOL_CACHE: '/t', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/t/rollback-verify');
  expect(defaultCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/rollback-verify');
  expect(defaultCacheDir({ HOME: '/h' })).toBe('/h/.cache/rollback-verify');
});
