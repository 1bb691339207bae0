/**
 * The data-preservation seam the verification protocol calls: seed after the baseline,
 * fingerprint before each up, compare after the down, seed the migration's new tables after the
 * re-up. Holds only what it must between calls: which tables existed before each migration's up.
 */
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { ConfigError } from '../errors.js';
import type { Migration } from '../formats/types.js';
import type { Problem, SeededTable } from '../result/types.js';
import { isExcluded, readTables, readTablesNamed } from './catalog.js';
import { dataLossProblems } from './data-loss.js';
import { readTriggerSources, triggerWrittenValues } from './trigger-written.js';
import { defaultSpec, fingerprintTables } from './fingerprint.js';
import type { FingerprintSpec, Fingerprints, TableFingerprint } from './fingerprint.js';
import { probeTables } from './probe.js';
import { planRepair, type SeedRepair } from './repair.js';
import { countRows, seedTables } from './seed.js';
import { migrationReferences } from './references.js';
import { readScopeCatalog } from './scope-catalog.js';
import { seedScope } from './seed-scope.js';
import type { ScriptFailure } from '../result/outcome.js';

export type { Fingerprints, TableFingerprint, FingerprintDetail } from './fingerprint.js';

export interface DataGuardOptions {
  /** Synthetic rows per table (0: none). */
  seedRows: number;
  /** Absolute path of a user SQL file run after the baseline, before the synthetic rows. */
  seedFile?: string;
  /** Qualified names (`schema.table`) of tool bookkeeping tables: never seeded nor compared. */
  excludeTables: string[];
  /**
   * The migrations being verified: only the tables their SQL can reach (and those tables'
   * foreign-key parents) are seeded (seed-scope.ts). Every table when absent.
   */
  fresh?: readonly Migration[];
  /** A line for the debug log (why the scope is what it is). */
  debug?: (line: string) => void;
}

export interface DataGuard {
  /** After the baseline is built: run seed file and/or synthetic rows into every table. */
  afterBaseline(client: pg.ClientBase): Promise<SeededTable[]>;
  /** Before a migration's up: fingerprint every table the new migrations can write (every table without a scope). */
  beforeUp(client: pg.ClientBase, migration: Migration): Promise<Fingerprints>;
  /** After the down: compare with beforeUp's fingerprints → data-loss problems (warning if the migration has markers['down-loses-data']). */
  afterDown(client: pg.ClientBase, migration: Migration, before: Fingerprints): Promise<Problem[]>;
  /** After the re-up: seed tables that the migration created (still empty), so later migrations run on data. */
  afterReup(client: pg.ClientBase, migration: Migration): Promise<SeededTable[]>;
  /** Empties every table but the bookkeeping ones, when the synthetic rows broke a migration. */
  emptyTables(client: pg.ClientBase): Promise<void>;
  /** Empties every table and seeds it again (`rows` per table; the run's own count by default). */
  reseed(client: pg.ClientBase, rows?: number): Promise<SeededTable[]>;
  /** The reshaping of seeded rows a failing up asks for (see repair.ts), not yet run. */
  planRepair(client: pg.ClientBase, failure: ScriptFailure): Promise<SeedRepair | undefined>;
  /** A note for the run when seeding left tables out (after afterBaseline), else undefined. */
  scopeNote(): string | undefined;
}

/**
 * Creates the guard. Seeding calls expect a client outside a transaction block or inside one the
 * caller owns: they nest under a savepoint then, and never leave the transaction failed.
 * A seed file that fails is a ConfigError naming the file and line (the user's input is wrong).
 */
export function createDataGuard(options: DataGuardOptions): DataGuard {
  const tablesBefore = new Map<string, Set<string>>();
  const exclude = options.excludeTables;
  // Fingerprints are reused while a table's probe is unchanged (probe.ts): the last full
  // fingerprint of each table, and each migration's probes from before its up.
  const lastFull = new Map<string, { probe: string; fingerprint: TableFingerprint }>();
  const probesBefore = new Map<string, Map<string, string>>();
  // Tables to seed (`schema.table`), decided once from the baseline (a journal replay of the
  // baseline data seeds the same ones); undefined: every table.
  let scope: Set<string> | undefined;
  // The baseline's tables: any other table was created by a new migration, and is seeded once it
  // exists (afterReup, and reseed after a failed up), as without a scope.
  let baselineTables = new Set<string>();
  // Of those, the tables the new migrations can write (the rest are parents, seeded for their
  // rows): the only baseline tables whose rows a step can change, so the only ones fingerprinted.
  let reach: Set<string> | undefined;
  let scopeDecided = false;
  let note: string | undefined;
  const inScope = () => (scope ? { include: (name: string) => scope!.has(name) || !baselineTables.has(name) } : {});

  async function decideScope(client: pg.ClientBase): Promise<void> {
    if (scopeDecided || !options.fresh) return;
    scopeDecided = true;
    const catalog = await readScopeCatalog(client);
    baselineTables = new Set(catalog.tables.map((t) => t.display));
    const decided = seedScope(await migrationReferences(options.fresh), catalog);
    const total = catalog.tables.filter((t) => !isExcluded(t, exclude)).length;
    if (decided.all) {
      options.debug?.(`seeding every table: ${decided.why}`);
      return;
    }
    scope = decided.tables;
    reach = decided.reached;
    const seeded = catalog.tables.filter((t) => scope!.has(t.display) && !isExcluded(t, exclude)).length;
    const parents = catalog.tables.filter((t) => scope!.has(t.display) && !decided.reached.has(t.display) && !isExcluded(t, exclude)).length;
    options.debug?.(`seeding ${seeded} of ${total} tables: ${[...decided.reached].sort().join(', ') || 'none'} reached by the new migrations${parents ? `, ${parents} foreign-key parent${parents === 1 ? '' : 's'}` : ''}`);
    if (seeded < total && options.seedRows > 0) {
      const n = (k: number) => k.toLocaleString('en-US');
      const tables = (k: number) => `${n(k)} table${k === 1 ? '' : 's'}`;
      note = seeded === 0
        ? `No baseline table was seeded: the new migrations reach none of the baseline's ${tables(total)}, so none of their rows can change; tables the new migrations create are seeded.`
        : `Seeded ${n(seeded)} of the baseline's ${tables(total)}: the ${n(seeded - parents)} the new migrations reach${parents ? ` and ${n(parents)} foreign-key parent${parents === 1 ? '' : 's'} of theirs` : ''}; ` +
          `the others stay empty, since no new migration can change their rows.`;
    }
  }

  return {
    scopeNote: () => note,

    async afterBaseline(client) {
      if (options.seedFile) await runSeedFile(client, options.seedFile);
      await decideScope(client);
      if (options.seedRows > 0) return seedTables(client, { rows: options.seedRows, exclude, ...inScope() });
      if (!options.seedFile) return [];
      const tables = (await readTables(client)).filter((t) => !isExcluded(t, exclude));
      const counts = await countRows(client, tables);
      return tables.map((t) => ({ table: t.display, rows: counts.get(t.oid) ?? 0 }));
    },

    async beforeUp(client, migration) {
      // Scoped: the baseline tables the new migrations reach, and every table created since (by
      // them). The others hold what they held after the baseline whatever a step does.
      const read = reach ? await readTablesNamed(client, [...reach], [...baselineTables]) : await readTables(client);
      const tables = read.filter((t) => !isExcluded(t, exclude));
      const existing = new Set(tables.map((t) => t.display));
      if (reach) for (const d of baselineTables) if (!reach.has(d)) existing.add(d);
      tablesBefore.set(migration.id, existing);
      const probes = await probeTables(client, tables);
      probesBefore.set(migration.id, probes);
      const stale = tables.filter((t) => {
        const last = lastFull.get(t.display);
        return !last || last.probe !== probes.get(t.display);
      });
      const computed = await fingerprintTables(client, stale.map(defaultSpec));
      const out: Fingerprints = new Map();
      for (const t of tables) {
        const fresh = computed.get(t.display);
        const probe = probes.get(t.display);
        if (fresh && probe) lastFull.set(t.display, { probe, fingerprint: fresh });
        out.set(t.display, fresh ?? lastFull.get(t.display)!.fingerprint);
      }
      return out;
    },

    async afterDown(client, migration, before) {
      const tables = new Map((await readTablesNamed(client, [...before.keys()])).map((t) => [t.display, t]));
      const specs: FingerprintSpec[] = [];
      for (const [name, was] of before) {
        const table = tables.get(name);
        if (!table) continue;
        const present = new Set(table.columns.map((c) => c.name));
        // Same key and columns as before, so the hashes are comparable; without the old key,
        // hashes keyed by it cannot be reproduced and only counts compare (see data-loss.ts).
        const key = was.detail?.key ?? [];
        specs.push({
          table,
          key: key.every((k) => present.has(k)) ? key : [],
          columns: Object.keys(was.columns).filter((c) => present.has(c)),
        });
      }
      // A table whose probe is what it was before the up holds the same rows: its fingerprint
      // over the same key and columns is the one taken then.
      const probesThen = probesBefore.get(migration.id);
      probesBefore.delete(migration.id);
      const probesNow = probesThen ? await probeTables(client, specs.map((s) => s.table)) : new Map<string, string>();
      const unchanged = (s: FingerprintSpec) => probesThen?.get(s.table.display) !== undefined && probesThen.get(s.table.display) === probesNow.get(s.table.display);
      const after = await fingerprintTables(client, specs.filter((s) => !unchanged(s)));
      for (const s of specs) if (unchanged(s)) after.set(s.table.display, before.get(s.table.display)!);
      const problems = dataLossProblems(migration, before, after);
      // Only when a column lost values: the trigger bodies explain some of them (trigger-written.ts).
      if (!problems.some((p) => p.severity === 'error' && p.object?.startsWith('column '))) return problems;
      return triggerWrittenValues(migration, problems, await readTriggerSources(client), before, after);
    },

    async afterReup(client, migration) {
      if (options.seedRows <= 0) return [];
      const known = tablesBefore.get(migration.id);
      return seedTables(client, {
        rows: options.seedRows,
        exclude,
        onlyEmpty: true,
        ...(known ? { include: (name: string) => !known.has(name) } : {}),
      });
    },

    async emptyTables(client) {
      await truncateAll(client, exclude);
    },

    async reseed(client, rows) {
      await truncateAll(client, exclude);
      const n = rows ?? options.seedRows;
      // A smaller count than the run's is the seeded-rows policy's well-formed rows: values
      // that do not coincide across tables, as real data need not.
      return n > 0 ? seedTables(client, { rows: n, exclude, ...inScope(), ...(rows !== undefined && rows < options.seedRows ? { distinctAcrossTables: true } : {}) }) : [];
    },

    planRepair(client, failure) {
      return planRepair(client, failure, exclude);
    },
  };
}

/** Empties every table but the bookkeeping ones (partitions go with their parent; CASCADE takes referencing tables). */
async function truncateAll(client: pg.ClientBase, exclude: readonly string[]): Promise<void> {
  const tables = (await readTables(client)).filter((t) => !isExcluded(t, exclude));
  if (tables.length) await client.query(`TRUNCATE ${tables.map((t) => t.qualified).join(', ')} CASCADE`);
}

/** Runs the user's seed file as one script, as psql -1 would not: the file may have its own BEGIN. */
async function runSeedFile(client: pg.ClientBase, path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`seed-file '${path}' cannot be read: ${(err as Error).message}`);
  }
  try {
    await client.query(text);
  } catch (err) {
    const e = err as { message: string; position?: string; code?: string };
    const line = e.position ? text.slice(0, Number(e.position)).split('\n').length : undefined;
    throw new ConfigError(`seed-file '${path}'${line ? ` line ${line}` : ''} failed: ${e.message}${e.code ? ` (SQLSTATE ${e.code})` : ''}`);
  }
}
