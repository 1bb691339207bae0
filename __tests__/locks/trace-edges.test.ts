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
