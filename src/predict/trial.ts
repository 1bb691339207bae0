/**
 * Trials: the phases of one migration run, traced, on copies of the scratch database whose
 * concerned tables were grown to a given number of synthetic rows, at two or more sizes (by
 * default two sizes past a quarter of shared_buffers, sizes.ts), a few times each:
 * what predict.ts fits its models to. Each copy is a `CREATE DATABASE … TEMPLATE` clone (a
 * block copy: no replay of the history), dropped when done, also on SIGINT/SIGTERM (cleanup
 * registry); the source database is only read, never changed.
 *
 * Growing a table to n rows: its rows are removed (`TRUNCATE … CASCADE`, since the seeder's
 * values are a function of the row number and would collide with the rows already there),
 * the seeder fills it with n rows that satisfy its types, constraints and foreign keys, the
 * tables the cascade emptied get back as many rows as they had, and everything touched is
 * `VACUUM (FREEZE, ANALYZE)`d: a freshly loaded table is slow to read the first time (every row's
 * hint bits get written), a production table is not, and the planner needs statistics.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerCleanup } from '../cleanup.js';
import { isExcluded, quoteIdent, readTables } from '../data/catalog.js';
import { countRows, seedTables } from '../data/seed.js';
import { EnvironmentError } from '../errors.js';
import type { ExecuteContext } from '../execute/script.js';
import type { Script } from '../formats/types.js';
import { traceScript } from '../locks/tracer.js';
import { SCRATCH_PREFIX } from '../postgres/scratch.js';
import { planTrialSizes } from './sizes.js';
import type { GrownTable, PhaseRun, TrialRun } from './types.js';

/** The smallest trial when none is given: the protocol's default seed. */
export const DEFAULT_SEED_ROWS = 1_000;

/** Runs per size: the fit takes the median, so one slow run on a shared machine does not count. */
export const DEFAULT_TRIAL_REPEATS = 3;

/** A database on a server, and a URL to that server with the right to CREATE DATABASE. */
export interface DatabaseRef {
  /** Secret: contains the password. */
  adminUrl: string;
  database: string;
}

/** One phase to run in a trial, in order (e.g. `up`, then `down` on what the up left). */
export interface TrialPhase {
  phase: string;
  script: Script;
}

/** What to run, on what, at which sizes. */
export interface TrialRequest {
  /** The database in the state before the first phase; no other session may be connected to it. */
  source: DatabaseRef;
  phases: readonly TrialPhase[];
  /** Tables to grow, `schema.table` (predict.ts `concernedTables`). */
  tables: readonly string[];
  /**
   * Rows per table for each size. Default: planTrialSizes (two sizes past a quarter of
   * shared_buffers for the narrowest table, or the seed and the production size when that is
   * smaller), after measuring the tables' width on a copy grown to the seed size.
   */
  sizes?: readonly number[];
  /** The smallest size when `sizes` is not given; default DEFAULT_SEED_ROWS. */
  seedRows?: number;
  /** The largest production row count among `tables`, for the default sizes (none: no cap). */
  productionRows?: number;
  /** Runs per size; default DEFAULT_TRIAL_REPEATS. */
  repeats?: number;
  /** Tables seeding never touches (tool bookkeeping), as for the seeder. */
  exclude?: readonly string[];
  statementTimeoutMs: number;
  /** Runs a tool's command script (formats driven by their own tool). */
  runCommand?: ExecuteContext['runCommand'];
  progress?: (message: string) => void;
}

/**
 * Runs every phase `repeats` times at every size; one TrialRun per run. Sizes are interleaved
 * (250k, 500k, 250k, 500k, …) so a machine that gets busier does not bias one size. Throws
 * EnvironmentError when a clone cannot be made; a phase that fails is a result (PhaseRun.failure).
 */
export async function runTrials(request: TrialRequest): Promise<TrialRun[]> {
  const repeats = Math.max(1, request.repeats ?? DEFAULT_TRIAL_REPEATS);
  const grown: GrownDatabase[] = [];
  const out: TrialRun[] = [];
  const grow = async (size: number) => {
    request.progress?.(`trial: growing ${request.tables.join(', ')} to ${size.toLocaleString('en')} rows`);
    grown.push(await growDatabase(request.source, request.tables, size, request.exclude));
  };
  try {
    let sizes = request.sizes ? [...new Set(request.sizes)].sort((a, b) => a - b) : undefined;
    if (!sizes) {
      // The tables' width decides the sizes: measure it on a copy grown to the seed size.
      const seedRows = request.seedRows ?? DEFAULT_SEED_ROWS;
      await grow(seedRows);
      const widths = grown[0]!.tables.filter((t) => t.rows > 0).map((t) => t.bytes / t.rows);
      sizes = planTrialSizes({
        seedRows,
        productionRows: request.productionRows ?? Number.MAX_SAFE_INTEGER,
        bytesPerRow: widths.length ? Math.min(...widths) : 0,
        ringThresholdBytes: await ringThresholdBytes(request.source.adminUrl),
      });
      if (!sizes.includes(seedRows)) await grown.pop()!.drop();
    }
    for (const size of sizes) if (!grown.some((g) => g.size === size)) await grow(size);
    grown.sort((a, b) => a.size - b.size);
    for (let round = 0; round < repeats; round++) {
      for (const g of grown) {
        request.progress?.(`trial: run ${round + 1}/${repeats} at ${g.size.toLocaleString('en')} rows`);
        const phases = await runPhasesOnClone(g, request.phases, request);
        out.push({ size: g.size, tables: g.tables, phases });
      }
    }
    return out;
  } finally {
    for (const g of grown) await g.drop();
  }
}

/** A quarter of shared_buffers in bytes: the size past which PostgreSQL scans a table through a ring. */
export async function ringThresholdBytes(adminUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  try {
    await client.connect();
    const r = await client.query<{ bytes: string }>(
      "SELECT (SELECT setting::int8 FROM pg_catalog.pg_settings WHERE name = 'shared_buffers') * pg_catalog.current_setting('block_size')::int8 / 4 AS bytes",
    );
    return Number(r.rows[0]!.bytes);
  } catch (err) {
    throw new EnvironmentError(`cannot read shared_buffers for prediction trials: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A clone of a database with its concerned tables grown; drop it when done. */
export interface GrownDatabase extends DatabaseRef {
  size: number;
  url: string;
  tables: GrownTable[];
  /** Tables TRUNCATE … CASCADE emptied that were refilled to their former row counts. */
  refilled: string[];
  drop(): Promise<void>;
}

/**
 * Clones `source` and grows `tables` to `rows` rows each (see the file comment). Listed tables
 * that do not exist in the source are left out of `tables`.
 */
export async function growDatabase(source: DatabaseRef, tables: readonly string[], rows: number, exclude: readonly string[] = []): Promise<GrownDatabase> {
  const clone = await cloneDatabase(source, 'grow');
  try {
    const client = new pg.Client({ connectionString: clone.url });
    client.on('error', () => {});
    await client.connect();
    try {
      const concerned = new Set(tables);
      const all = await readTables(client);
      const targets = all.filter((t) => concerned.has(t.display) && !isExcluded(t, exclude));
      const refilled: string[] = [];
      if (targets.length) {
        const before = await countRows(client, all);
        await client.query(`TRUNCATE ${targets.map((t) => t.qualified).join(', ')} CASCADE`);
        const after = await countRows(client, all);
        await seedTables(client, { rows, exclude, include: (d) => concerned.has(d) });
        // Children the cascade emptied get their rows back (pointing at the new parent rows),
        // so the phase sees the rest of the database as the protocol left it.
        const emptied = all.filter((t) => !concerned.has(t.display) && (before.get(t.oid) ?? 0) > 0 && after.get(t.oid) === 0);
        const byCount = new Map<number, Set<string>>();
        for (const t of emptied) byCount.set(before.get(t.oid)!, (byCount.get(before.get(t.oid)!) ?? new Set()).add(t.display));
        for (const [n, names] of byCount) await seedTables(client, { rows: n, exclude, include: (d) => names.has(d) });
        refilled.push(...emptied.map((t) => t.display).sort());
        await client.query(`VACUUM (FREEZE, ANALYZE) ${[...targets, ...emptied].map((t) => t.qualified).join(', ')}`);
      }
      const grown = await measureTables(client, tables);
      return { ...clone, size: rows, tables: grown, refilled };
    } finally {
      await client.end().catch(() => {});
    }
  } catch (err) {
    await clone.drop();
    throw err;
  }
}

/**
 * Runs the phases in order on a fresh clone of `template`, traced, and drops the clone. After a
 * phase fails, the later ones are not run (they would start from an unknown state).
 */
export async function runPhasesOnClone(template: DatabaseRef, phases: readonly TrialPhase[], ctx: Pick<TrialRequest, 'statementTimeoutMs' | 'runCommand'>): Promise<PhaseRun[]> {
  const clone = await cloneDatabase(template, 'run');
  try {
    const out: PhaseRun[] = [];
    let failed: string | undefined;
    for (const p of phases) {
      if (failed) {
        out.push({ phase: p.phase, ms: 0, statements: [], failure: `not run: ${failed} failed` });
        continue;
      }
      const traced = await traceScript(p.script, {
        url: clone.url,
        statementTimeoutMs: ctx.statementTimeoutMs,
        ...(ctx.runCommand ? { runCommand: ctx.runCommand } : {}),
      });
      if (traced.failure) failed = p.phase;
      out.push({
        phase: p.phase,
        ms: traced.ms,
        statements: traced.locks.statements,
        ...(traced.locks.partial ? { partial: traced.locks.partial } : {}),
        ...(traced.failure ? { failure: traced.failure.message } : {}),
      });
    }
    return out;
  } finally {
    await clone.drop();
  }
}

/** A copy of a database; drop it when done (the cleanup registry drops it on a signal). */
export interface Clone extends DatabaseRef {
  url: string;
  drop(): Promise<void>;
}

/**
 * A copy's name: as scratchName() names scratch databases, creation time first, so the sweep of a
 * run on a shared server reads its age from the name (a name starting `trial_` read as 1970, and a
 * run's live copies were dropped as stale by another run's sweep), then `trial` and the purpose.
 */
export function trialCopyName(purpose: string, now = Date.now(), pid = process.pid): string {
  return `${SCRATCH_PREFIX}${now.toString(36)}_${pid}_trial_${purpose}_${randomBytes(3).toString('hex')}`;
}

/**
 * `CREATE DATABASE … TEMPLATE source`, named like every scratch database, dropped by cleanup.
 * The source must be idle (no session connected); EnvironmentError when it is not, or when the
 * server refuses. `purpose` is a word in the copy's name.
 */
export async function cloneDatabase(source: DatabaseRef, purpose: string): Promise<Clone> {
  const name = trialCopyName(purpose);
  const admin = new pg.Client({ connectionString: source.adminUrl });
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(source.database)}`);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    // 55006: other sessions are connected to the source (CREATE DATABASE waits 5 s for them).
    const why = e.code === '55006' ? 'other sessions are connected to it; a trial needs it idle' : (e.message ?? String(err));
    throw new EnvironmentError(`cannot copy database ${source.database} for a prediction trial: ${why}`);
  } finally {
    await admin.end().catch(() => {});
  }
  const url = new URL(source.adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  const drop = registerCleanup(() => dropDatabase(source.adminUrl, name));
  return { adminUrl: source.adminUrl, database: name, url: url.toString(), drop };
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } catch {
    // The server may be gone already; nothing left to drop then.
  } finally {
    await admin.end().catch(() => {});
  }
}

/**
 * Rows (exact count) and bytes (`pg_table_size`, summed over the leaves of a partitioned table,
 * as the production query does) of the named tables that exist.
 */
async function measureTables(client: pg.Client, names: readonly string[]): Promise<GrownTable[]> {
  if (names.length === 0) return [];
  const found = await client.query<{ name: string; qualified: string; bytes: string }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.oid::regclass::text AS qualified,
            CASE WHEN c.relkind = 'p' THEN (SELECT COALESCE(sum(pg_table_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t WHERE t.isleaf)
                 ELSE pg_table_size(c.oid) END::int8 AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname || '.' || c.relname = ANY($1::text[])`,
    [names],
  );
  const out: GrownTable[] = [];
  for (const r of found.rows) {
    const counted = await client.query<{ n: string }>(`SELECT count(*)::int8 AS n FROM ${r.qualified}`);
    out.push({ table: r.name, rows: Number(counted.rows[0]!.n), bytes: Number(r.bytes) });
  }
  return out.sort((a, b) => a.table.localeCompare(b.table));
}
