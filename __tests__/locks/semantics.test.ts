/**
 * Tracing must not change what a migration means: the same statements in the same transactions,
 * so the same schema, the same data verdicts and the same failures (SQLSTATE and line) with and
 * without it. Runs every example project and a history built from the awkward cases: a lone
 * CREATE INDEX CONCURRENTLY, a file with its own BEGIN/COMMIT, SET TRANSACTION first, goose
 * NO TRANSACTION, a DO block, a failing down and a CONCURRENTLY that must fail in a block.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATS } from '../../src/formats/index.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import type { VerifyResult } from '../../src/result/types.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;
const repo = process.cwd();

/** What must not depend on tracing: statuses, problems, schema, seeded rows, phase outcomes. */
function verdict(r: VerifyResult) {
  return {
    status: r.status,
    migrations: r.migrations.map((m) => ({ id: m.id, status: m.status, phases: Object.fromEntries(Object.entries(m.phases).map(([k, p]) => [k, { ok: p!.ok, error: p!.error }])) })),
    problems: r.problems,
    schemaChanges: r.schemaChanges,
    seeded: r.seeded,
  };
}

async function both(cwd: string, dir: string) {
  const plain = await verify(cwd, dir, url(), { traceLocks: false });
  const traced = await verify(cwd, dir, url(), { traceLocks: true });
  expect(plain.migrations.every((m) => Object.values(m.phases).every((p) => p!.locks === undefined))).toBe(true);
  return { plain, traced };
}

describe('tracing keeps the migrations’ semantics', () => {
  // SQL formats: a framework's step is one process, traced as it runs (sampled), not statement by statement.
  const sqlExamples = readdirSync(join(repo, 'examples')).filter((d) => FORMATS.some((f) => f.name === d && !f.bookkeepingTables)).sort();
  test.each(sqlExamples)('example %s: same verdict and schema with and without tracing', async (name) => {
    const { plain, traced } = await both(repo, join('examples', name));
    expect(verdict(traced)).toEqual(verdict(plain));
    expect(traced.migrations.some((m) => m.phases.up?.locks?.statements.length)).toBe(true);
  });

  test('golang-migrate history with transaction edge cases: same verdict, same failure line', async () => {
    const root = writeProject({
      'db/1_items.up.sql': 'CREATE TABLE items (id int PRIMARY KEY, sku text, qty int);\nCREATE TABLE tags (id int PRIMARY KEY, item_id int);\n',
      'db/1_items.down.sql': 'DROP TABLE tags;\nDROP TABLE items;\n',
      // Sent alone outside a block by migrate: traced by sampling.
      'db/2_idx.up.sql': '-- a lone concurrent build\nCREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\n',
      'db/2_idx.down.sql': 'DROP INDEX CONCURRENTLY items_sku_idx;\n',
      // One BEGIN … COMMIT of its own: traced as that transaction. Anything else around it: sent as it is.
      'db/3_own_tx.up.sql': 'BEGIN ISOLATION LEVEL REPEATABLE READ;\nALTER TABLE items ADD COLUMN note text;\nCOMMIT;\n',
      'db/3_own_tx.down.sql': 'BEGIN;\nALTER TABLE items DROP COLUMN note;\nCOMMIT;\nSELECT 1;\n',
      // SET TRANSACTION must stay the first statement of the transaction.
      'db/4_serializable.up.sql': 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nALTER TABLE tags ADD COLUMN label text;\nDO $$ BEGIN PERFORM 1; END $$;\n',
      'db/4_serializable.down.sql': 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nALTER TABLE tags DROP COLUMN label;\n',
      // The down fails on its second statement: the first one must be rolled back too.
      'db/5_qty.up.sql': 'ALTER TABLE items ALTER COLUMN qty TYPE bigint;\n',
      'db/5_qty.down.sql': 'ALTER TABLE items ALTER COLUMN qty TYPE int;\n\nSELECT 1/0;\n',
      // CONCURRENTLY next to another statement fails inside migrate's implicit block.
      'db/6_bad.up.sql': 'ALTER TABLE tags ADD COLUMN weight int;\nCREATE INDEX CONCURRENTLY tags_item_idx ON tags (item_id);\n',
      'db/6_bad.down.sql': 'ALTER TABLE tags DROP COLUMN weight;\n',
    });
    const { plain, traced } = await both(root, 'db');
    expect(verdict(traced)).toEqual(verdict(plain));
    expect(plain.problems.map((p) => [p.kind, p.migration, p.sqlstate, p.line])).toEqual([
      ['down-failed', '5', '22012', 3],
      ['up-failed', '6', '25001', 2],
    ]);
    const m = (id: string) => traced.migrations.find((x) => x.id === id)!;
    expect(m('2').phases.up!.locks!.statements[0]).toMatchObject({ tag: 'CREATE INDEX CONCURRENTLY', line: 2, sampled: true });
    expect(m('3').phases.up!.locks!.partial).toBeUndefined();
    expect(m('3').phases.up!.locks!.statements.map((s) => [s.tag, s.line, s.locks.map((l) => l.mode)])).toEqual([['ALTER TABLE', 2, ['ACCESS EXCLUSIVE']]]);
    expect(m('3').phases.down!.locks!.partial).toMatch(/controls its own transactions/);
    expect(m('3').phases.down!.locks!.statements).toHaveLength(1);
    expect(m('4').phases.up!.locks!.statements.map((s) => s.tag)).toEqual(['SET', 'ALTER TABLE', 'DO']);
  });

  test('goose NO TRANSACTION: each statement on its own, CONCURRENTLY alone; same verdict', async () => {
    const root = writeProject({
      'db/00001_items.sql': '-- +goose Up\nCREATE TABLE items (id int PRIMARY KEY, sku text);\n\n-- +goose Down\nDROP TABLE items;\n',
      'db/00002_idx.sql':
        '-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = \'3s\';\nCREATE INDEX CONCURRENTLY items_sku_idx ON items (sku);\nALTER TABLE items ADD COLUMN qty int;\n\n' +
        '-- +goose Down\nALTER TABLE items DROP COLUMN qty;\nDROP INDEX CONCURRENTLY items_sku_idx;\n',
    });
    const { plain, traced } = await both(root, 'db');
    expect(verdict(traced)).toEqual(verdict(plain));
    expect(plain.problems).toEqual([]);
    const up = traced.migrations[1]!.phases.up!.locks!.statements;
    expect(up.map((s) => [s.tag, s.line, Boolean(s.sampled)])).toEqual([
      ['SET', 3, false],
      ['CREATE INDEX CONCURRENTLY', 4, true],
      ['ALTER TABLE', 5, false],
    ]);
    // SET (not LOCAL) lasts for the session: the ALTER runs with the 3 s lock_timeout.
    expect(up[2]!.lockTimeoutMs).toBe(3000);
  });
});
