/**
 * Incremental schema snapshots through the whole engine (issue 14):
 * - differential: every SQL example and broken fixture, both modes, and a generated history of
 *   renames, dependents and broken downs, verified with incremental snapshots and with
 *   `fullSnapshots`, give the same report (JSON equal, timings aside) — and the incremental run
 *   really patched (the engine's debug line counts its looks);
 * - the safety net: a migration that edits the catalogs by hand (no event trigger, no new row)
 *   makes the patched model wrong; the end-of-run full read finds it, the run is verified again
 *   with full snapshots, says so in a note, and keeps the full-mode verdict.
 */
import { describe, expect, test } from '@jest/globals';
import { DEFAULT_OPTIONS, type VerifyOptions } from '../../src/options.js';
import type { Logger } from '../../src/logger.js';
import { runVerification } from '../../src/verify/run.js';
import type { VerifyResult } from '../../src/result/types.js';
import { usePostgres } from '../helpers/postgres.js';
import { writeProject } from '../helpers/migrations.js';

const pg = usePostgres();
const root = process.cwd();
const SQL_FORMATS = ['golang-migrate', 'dbmate', 'goose', 'flyway', 'prisma', 'rollback-sql', 'diesel', 'pop'] as const;

interface Run {
  result: VerifyResult;
  /** Looks the schema watch answered by patching, and by reading the whole schema. */
  looks: { incremental: number; full: number };
  debug: string[];
}

async function run(cwd: string, dir: string, full: boolean, extra: Partial<VerifyOptions> = {}): Promise<Run> {
  const debug: string[] = [];
  const logger: Logger = { info() {}, warning: (m) => debug.push(`warning: ${m}`), debug: (m) => debug.push(m) };
  const result = await runVerification(
    { ...DEFAULT_OPTIONS, seedRows: 20, migrationsDir: dir, cwd, provider: 'url', databaseUrl: pg.server().adminUrl, fullSnapshots: full, ...extra },
    { logger },
  );
  const counts = debug.filter((l) => l.startsWith('schema looks:')).map((l) => /(\d+) incremental, (\d+) full/.exec(l)!);
  const looks = { incremental: 0, full: 0 };
  for (const m of counts) {
    looks.incremental += Number(m[1]);
    looks.full += Number(m[2]);
  }
  return { result, looks, debug };
}

/** The report without what depends on the clock: durations, and durations quoted in notes. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (typeof value === 'string') return value.replace(/\d+(\.\d+)? ?(ms|s)\b/g, '<time>');
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'ms' || k === 'totalMs' || k === 'heldMs') continue;
      out[k] = withoutTimings(v);
    }
    return out;
  }
  return value;
}

/** Runs `dir` in both modes: the reports must be equal and the incremental run must have patched. */
async function expectSameInBothModes(cwd: string, dir: string, extra: Partial<VerifyOptions> = {}): Promise<VerifyResult> {
  const incremental = await run(cwd, dir, false, extra);
  const full = await run(cwd, dir, true, extra);
  expect(withoutTimings(JSON.parse(JSON.stringify(incremental.result)))).toEqual(withoutTimings(JSON.parse(JSON.stringify(full.result))));
  expect(incremental.looks.incremental).toBeGreaterThan(0);
  expect(full.looks.incremental).toBe(0);
  expect(incremental.debug.filter((l) => l.startsWith('warning:'))).toEqual([]);
  return full.result;
}

describe('incremental and full snapshots give the same reports', () => {
  test.each(SQL_FORMATS)('%s: the example and its broken variant', async (format) => {
    const good = await expectSameInBothModes(root, `examples/${format}`);
    expect(good.status).toBe('pass');
    const bad = await expectSameInBothModes(root, `__fixtures__/formats/${format}-broken`);
    expect(bad.status).toBe('fail');
    expect(bad.problems.some((p) => p.kind === 'rollback-residue' && p.object === 'index public.orders_status_idx')).toBe(true);
  }, 600_000);

  test('chain mode: the example and its broken variant', async () => {
    expect((await expectSameInBothModes(root, 'examples/golang-migrate', { mode: 'chain' })).status).toBe('pass');
    // From the third migration on: the group's down keeps the orders table, so the index its last
    // down forgets is left behind (from the first, the group's down drops the table with it).
    const bad = await expectSameInBothModes(root, '__fixtures__/formats/golang-migrate-broken', { mode: 'chain', from: '000003' });
    expect(bad.status).toBe('fail');
    expect(bad.problems.some((p) => p.kind === 'rollback-residue' && p.object === 'index public.orders_status_idx')).toBe(true);
  }, 600_000);

  test('a generated history: renames with dependents, types, routines, and downs broken at random', async () => {
    const { files, broken } = generatedHistory(14);
    const dir = writeProject(files);
    const result = await expectSameInBothModes(dir, '.', { from: '004' });
    // The generator's broken downs are what the report blames, and nothing else is.
    const blamed = [...new Set(result.problems.filter((p) => p.severity === 'error').map((p) => p.migration))].sort();
    expect(blamed).toEqual(broken);
    expect(broken.length).toBeGreaterThan(0);
  }, 600_000);
});

describe('the safety net', () => {
  // Deleting a comment's catalog row by hand fires no event trigger and writes no row: the one
  // kind of change the tracker cannot see. The down does not put the comment back, so the full
  // verdict is a residue; the patched model still shows the comment and would pass.
  const files = {
    '001_base.up.sql': "CREATE TABLE accounts (id int PRIMARY KEY);\nCOMMENT ON TABLE accounts IS 'who pays';\n",
    '001_base.down.sql': 'DROP TABLE accounts;\n',
    '002_hand_edit.up.sql': "CREATE TABLE audit (id int);\nDELETE FROM pg_catalog.pg_description WHERE objoid = 'public.accounts'::regclass;\n",
    '002_hand_edit.down.sql': 'DROP TABLE audit;\n',
  };

  test('a patched model that misses a change is caught at the end, and the full-mode verdict is kept', async () => {
    const dir = writeProject(files);
    const incremental = await run(dir, '.', false, { from: '002' });
    const full = await run(dir, '.', true, { from: '002' });
    expect(full.result.status).toBe('fail');
    expect(full.result.problems.map((p) => `${p.kind} ${p.object}`)).toContain('rollback-residue comment table public.accounts');
    // The incremental pass was wrong, found out, and replaced by a full-mode run.
    const note = incremental.result.notes.find((n) => n.startsWith('Warning: the incremental schema snapshots disagreed'));
    expect(note).toMatch(/at the end of the run \(comment table public\.accounts\)/);
    expect(incremental.debug.some((l) => l.startsWith('warning: Warning: the incremental schema snapshots disagreed'))).toBe(true);
    const { notes: _n1, ...rest } = withoutTimings(JSON.parse(JSON.stringify(incremental.result))) as VerifyResult;
    const { notes: _n2, ...fullRest } = withoutTimings(JSON.parse(JSON.stringify(full.result))) as VerifyResult;
    expect(rest).toEqual(fullRest);
    expect(incremental.result.notes.filter((n) => n !== note)).toEqual(withoutTimings(full.result.notes) as string[]);
  }, 600_000);

  test('a difference only the patched model sees is confirmed by a full read before it is reported', async () => {
    // The up adds a comment (tracked); the down deletes its row by hand (untracked): the patched
    // model still shows the comment after the down, a full read does not. No false residue.
    const dir = writeProject({
      '001_base.up.sql': 'CREATE TABLE accounts (id int PRIMARY KEY);\n',
      '001_base.down.sql': 'DROP TABLE accounts;\n',
      '002_note.up.sql': "COMMENT ON TABLE accounts IS 'who pays';\n",
      '002_note.down.sql': "DELETE FROM pg_catalog.pg_description WHERE objoid = 'public.accounts'::regclass;\n",
    });
    const r = await run(dir, '.', false, { from: '002' });
    expect(r.result.problems).toEqual([]);
    expect(r.result.status).toBe('pass');
    expect(r.result.notes.find((n) => n.startsWith('Warning:'))).toMatch(/disagreed with a full read after the down of 002_note \(comment table public\.accounts\)/);
  }, 600_000);

  test('near miss: the same defect made with COMMENT (which the tracker sees) fails the same, without a second run', async () => {
    const dir = writeProject({ ...files, '002_hand_edit.up.sql': 'CREATE TABLE audit (id int);\nCOMMENT ON TABLE accounts IS NULL;\n' });
    const r = await run(dir, '.', false, { from: '002' });
    expect(r.result.status).toBe('fail');
    expect(r.result.problems.map((p) => `${p.kind} ${p.object}`)).toContain('rollback-residue comment table public.accounts');
    expect(r.result.notes.filter((n) => n.startsWith('Warning:'))).toEqual([]);
    expect(r.looks.incremental).toBeGreaterThan(0);
  }, 600_000);
});

/**
 * A golang-migrate history from a seeded generator: three baseline migrations (two tables and a
 * view over both), then migrations drawn from templates that change what other objects print
 * (column and table renames under the view and a foreign key, enums, a function over the table's
 * row type, comments, defaults, type changes); each down is broken (undoes nothing, or only part)
 * with some probability. Every step ends in the state after its up (re-applied, or restored after
 * a failed re-up), so the generator tracks that state to keep every up applicable. Returns the
 * files and the ids of the migrations whose down is broken.
 */
function generatedHistory(seed: number): { files: Record<string, string>; broken: string[] } {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const files: Record<string, string> = {};
  const broken: string[] = [];
  let n = 0;
  const add = (name: string, up: string, down: string) => {
    n++;
    const id = String(n).padStart(3, '0');
    files[`${id}_${name}.up.sql`] = `${up}\n`;
    files[`${id}_${name}.down.sql`] = `${down}\n`;
    return id;
  };
  add('customers', 'CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, tier text);', 'DROP TABLE customers;');
  add('orders', 'CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers, total numeric(10,2));', 'DROP TABLE orders;');
  add('report', 'CREATE VIEW big_orders AS SELECT o.id, c.email, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 100;', 'DROP VIEW big_orders;');
  const now = { email: 'email', orders: 'orders', tierType: 'text', tierDefault: '', comment: 'NULL' };
  // Each template: [name, up, good down, broken down], and how the state after its up differs.
  const templates: Array<(k: number) => [string, string, string, string, () => void]> = [
    (k) => [`rename_email_${k}`, `ALTER TABLE customers RENAME COLUMN ${now.email} TO email_${k};`, `ALTER TABLE customers RENAME COLUMN email_${k} TO ${now.email};`, 'SELECT 1;', () => void (now.email = `email_${k}`)],
    (k) => [`rename_orders_${k}`, `ALTER TABLE ${now.orders} RENAME TO orders_${k};`, `ALTER TABLE orders_${k} RENAME TO ${now.orders};`, `ALTER TABLE orders_${k} RENAME TO orders_old_${k};`, () => void (now.orders = `orders_${k}`)],
    (k) => [`status_${k}`, `CREATE TYPE status_${k} AS ENUM ('new', 'paid');\nALTER TABLE customers ADD COLUMN status_${k} status_${k} DEFAULT 'new';`, `ALTER TABLE customers DROP COLUMN status_${k};\nDROP TYPE status_${k};`, `ALTER TABLE customers DROP COLUMN status_${k};`, () => {}],
    (k) => [`index_${k}`, `CREATE INDEX tier_${k}_idx ON customers (tier);`, `DROP INDEX tier_${k}_idx;`, 'SELECT 1;', () => {}],
    (k) => [`fn_${k}`, `CREATE FUNCTION tier_of_${k}(c customers) RETURNS text LANGUAGE sql AS $$ SELECT c.tier $$;`, `DROP FUNCTION tier_of_${k}(customers);`, 'SELECT 1;', () => {}],
    (k) => [`default_${k}`, `ALTER TABLE customers ALTER COLUMN tier SET DEFAULT 'gold${k}';`, `ALTER TABLE customers ALTER COLUMN tier ${now.tierDefault ? `SET DEFAULT ${now.tierDefault}` : 'DROP DEFAULT'};`, "ALTER TABLE customers ALTER COLUMN tier SET DEFAULT 'silver';", () => void (now.tierDefault = `'gold${k}'`)],
    (k) => [`comment_${k}`, `COMMENT ON VIEW big_orders IS 'report ${k}';`, `COMMENT ON VIEW big_orders IS ${now.comment};`, 'SELECT 1;', () => void (now.comment = `'report ${k}'`)],
    (k) => [`widen_${k}`, `ALTER TABLE customers ALTER COLUMN tier TYPE varchar(${40 + k});`, `ALTER TABLE customers ALTER COLUMN tier TYPE ${now.tierType};`, 'SELECT 1;', () => void (now.tierType = `varchar(${40 + k})`)],
  ];
  for (let k = 0; k < 12; k++) {
    const [name, up, good, bad, applied] = templates[Math.floor(random() * templates.length)]!(k);
    const isBroken = random() < 0.25;
    const id = add(name, up, isBroken ? bad : good);
    if (isBroken) broken.push(id);
    applied();
  }
  return { files, broken };
}
