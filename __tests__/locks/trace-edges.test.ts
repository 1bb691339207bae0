/**
 * Lock tracing on scripts at the edges of what a tool sends: a transaction with nothing in it
 * (only comments between BEGIN and END) must trace as an empty transaction, in step and chain
 * mode, while a BEGIN … END around real statements still traces each statement.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

const BASE = {
  'db/1_base.up.sql': 'CREATE TABLE t (id int PRIMARY KEY);\n',
  'db/1_base.down.sql': 'DROP TABLE t;\n',
};

describe('a script that is only BEGIN … END', () => {
  const empty = 'BEGIN;\n-- nothing to do in this version\n/* kept for the numbering */\nEND;\n';

  test.each(['step', 'chain'] as const)('runs as an empty transaction in %s mode', async (mode) => {
    const root = writeProject({ ...BASE, 'db/2_nothing.up.sql': empty, 'db/2_nothing.down.sql': empty });
    const r = await verify(root, 'db', url(), { mode });
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok']);
    expect(r.migrations[1]!.phases.up!.locks!.statements).toEqual([]);
  });

  test('near miss: BEGIN … END around a statement traces the statement', async () => {
    const root = writeProject({
      ...BASE,
      'db/2_col.up.sql': 'BEGIN;\n-- a column\nALTER TABLE t ADD COLUMN c int;\nEND;\n',
      'db/2_col.down.sql': 'BEGIN;\nALTER TABLE t DROP COLUMN c;\nEND;\n',
    });
    const r = await verify(root, 'db', url());
    expect(r.problems).toEqual([]);
    const stmts = r.migrations[1]!.phases.up!.locks!.statements;
    expect(stmts).toEqual([expect.objectContaining({ line: 3, tag: 'ALTER TABLE' })]);
  });
});

describe('locks of tool-driven steps', () => {
  const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';
  const sqitch = (deploy: string, revert: string) => ({
    'db/sqitch.conf': '[core]\n\tengine = pg\n',
    'db/sqitch.plan': ['%syntax-version=1.0.0', '%project=p', '', `users ${at} # u`, `nick ${at} # n`, ''].join('\n'),
    'db/deploy/users.sql': 'BEGIN;\nCREATE TABLE users (id serial PRIMARY KEY, email text);\nCREATE INDEX users_email ON users (email);\nCOMMIT;\n',
    'db/revert/users.sql': 'BEGIN;\nDROP TABLE users;\nCOMMIT;\n',
    'db/deploy/nick.sql': deploy,
    'db/revert/nick.sql': revert,
  });

  test("a sampled lock is placed at the statement that names its table, and a table's indexes and sequence are not listed on their own", async () => {
    // pg_sleep holds the lock long enough that sampling cannot miss it.
    const deploy = '-- Deploy p:nick\n\nBEGIN;\n\nALTER TABLE users ADD COLUMN nick text;\nSELECT pg_sleep(0.3);\n\nCOMMIT;\n';
    const revert = 'BEGIN;\nDROP TABLE users;\nSELECT pg_sleep(0.3);\nCOMMIT;\n';
    const r = await verify(writeProject(sqitch(deploy, revert)), 'db', url(), { seedRows: 50 });
    const up = r.migrations[1]!.phases.up!.locks!.statements;
    expect(up.filter((s) => s.locks.length).map((s) => [s.line, s.tag, s.locks.map((l) => `${l.relation} ${l.mode}`)])).toEqual([[5, 'ALTER TABLE', ['public.users ACCESS EXCLUSIVE']]]);
    const down = r.migrations[1]!.phases.down!.locks!.statements;
    // DROP TABLE locks the table, its pkey, its index and its sequence: one line, the table's.
    expect(down.flatMap((s) => s.locks.map((l) => `${s.line} ${l.relation} ${l.mode}`))).toEqual(['2 public.users ACCESS EXCLUSIVE']);
  });

  test('near miss: a lock on a sequence stronger than its table is still listed', async () => {
    const r = await verify(
      writeProject({
        'db/1_t.up.sql': 'CREATE TABLE t (id serial PRIMARY KEY);\n',
        'db/1_t.down.sql': 'DROP TABLE t;\n',
        'db/2_seq.up.sql': 'ALTER SEQUENCE t_id_seq RESTART WITH 1000;\n',
        'db/2_seq.down.sql': 'ALTER SEQUENCE t_id_seq RESTART WITH 1;\n',
      }),
      'db',
      url(),
    );
    expect(r.migrations[1]!.phases.up!.locks!.statements[0]!.locks.map((l) => [l.relation, l.relkind])).toEqual([['public.t_id_seq', 'sequence']]);
    // And traced statements drop the sequence's lock under a DROP TABLE too.
    expect(r.migrations[0]!.phases.down!.locks!.statements[0]!.locks.map((l) => l.relation)).toEqual(['public.t']);
  });
});
