/**
 * The cleanup check every reliability case ends with: nothing a run started may outlive it.
 * Each case gets a private temp dir, handed to the CLI/action child as TMPDIR (and to in-process
 * providers as tempRoot), so "ours" is unambiguous while other test files run servers too:
 * - no postgres process whose data dir (-D) is under the case's temp dir;
 * - the case's temp dir is empty (cluster dirs, password files, stand-in container dirs);
 * - no `rollback_verify_*` database on a url server the case used;
 * - no container left in the docker stand-in's record.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SCRATCH_PREFIX } from '../../src/postgres/scratch.js';
import type { FakeDocker } from '../../__fixtures__/fake-docker.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A private temp dir for one case. World-writable: the local cluster runs as the `postgres` OS
 * user when the tests run as root, and must create its dir inside.
 */
export function caseTempDir(prefix = 'rv-case-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  made.push(dir);
  return dir;
}

export interface PostgresProcess {
  pid: number;
  dataDir: string;
}

/** postgres processes (postmaster and backends) whose data dir is under `root` (Linux /proc). */
export function postgresProcessesUnder(root: string): PostgresProcess[] {
  const found: PostgresProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited while we looked
    }
    if (!/(^|\/)postgres$/.test(argv[0] ?? '')) continue;
    const d = argv.indexOf('-D');
    const dataDir = d >= 0 ? argv[d + 1] : undefined;
    if (dataDir && (dataDir === root || dataDir.startsWith(root + '/'))) found.push({ pid: Number(entry), dataDir });
  }
  return found;
}

/** Scratch databases (rollback_verify_*) on the server of `adminUrl`. */
export async function scratchDatabasesOn(adminUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1', [SCRATCH_PREFIX]);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

export interface LeftoverScope {
  /** The case's private temp dir (TMPDIR of its child, or tempRoot). */
  tempDir?: string;
  /** A url server the case pointed the run at. */
  databaseUrl?: string;
  /** The docker stand-in the case used. */
  docker?: FakeDocker;
  /** Poll this long for things to go away (the SIGKILL watchdog needs a moment). Default 0. */
  waitMs?: number;
}

export interface Leftovers {
  processes: PostgresProcess[];
  files: string[];
  databases: string[];
  containers: string[];
}

/** What a run left behind in `scope` (empty lists when it cleaned up). */
export async function findLeftovers(scope: LeftoverScope): Promise<Leftovers> {
  return {
    processes: scope.tempDir ? postgresProcessesUnder(scope.tempDir) : [],
    files: scope.tempDir && existsSync(scope.tempDir) ? readdirSync(scope.tempDir) : [],
    databases: scope.databaseUrl ? await scratchDatabasesOn(scope.databaseUrl) : [],
    containers: scope.docker ? scope.docker.liveContainers() : [],
  };
}

const NOTHING: Leftovers = { processes: [], files: [], databases: [], containers: [] };

/** Asserts that nothing is left in `scope`, polling up to `waitMs`; the failure lists what is. */
export async function expectNoLeftovers(scope: LeftoverScope): Promise<void> {
  const deadline = Date.now() + (scope.waitMs ?? 0);
  let left = await findLeftovers(scope);
  while (Date.now() < deadline && JSON.stringify(left) !== JSON.stringify(NOTHING)) {
    await new Promise((r) => setTimeout(r, 200));
    left = await findLeftovers(scope);
  }
  expect(left).toEqual(NOTHING);
}
