/**
 * Blame points at the right place: a failed down names the same file and line with and without
 * lock tracing, and in chain mode a later migration's down that leaves something behind is blamed,
 * not the earlier down that trips over it.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

describe('file:line of a failed down', () => {
  const files = {
    'db/1_t.up.sql': 'CREATE TABLE t (id int, a int);\n',
    'db/1_t.down.sql': 'DROP TABLE t;\n',
    'db/2_b.up.sql': 'ALTER TABLE t ADD COLUMN b int;\n',
    // Its own transaction, failing on line 4 at run time (no position in the error).
    'db/2_b.down.sql': 'BEGIN;\n-- undo 2\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t DROP COLUMN nope;\nCOMMIT;\n',
  };

  test.each([true, false])('is the failing statement with tracing %s', async (traceLocks) => {
    const r = await verify(writeProject(files), 'db', url(), { traceLocks });
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'down-failed', migration: '2', file: 'db/2_b.down.sql', line: 4, sqlstate: '42703' })]);
  });

  test('near miss: without its own transaction, the line is found too', async () => {
    const r = await verify(writeProject({ ...files, 'db/2_b.down.sql': '-- undo 2\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t DROP COLUMN nope;\n' }), 'db', url(), { traceLocks: false });
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'down-failed', line: 3 })]);
  });
});

describe('chain blame', () => {
  const base = {
    'db/1_t.up.sql': 'CREATE TABLE t (id int);\n',
    'db/1_t.down.sql': 'DROP TABLE t;\n',
  };

  test("a later down that leaves a view behind is blamed, not the earlier down that fails on it", async () => {
    const r = await verify(
      writeProject({ ...base, 'db/2_v.up.sql': 'CREATE VIEW t_ids AS SELECT id FROM t;\n', 'db/2_v.down.sql': '-- forgot the view\nSELECT 1;\n' }),
      'db',
      url(),
      { mode: 'chain' },
    );
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'down-failed', migration: '2', file: 'db/2_v.down.sql' })]);
    expect(r.problems[0]!.message).toMatch(/^the down of 2_v leaves "t_ids" behind, so rolling the group back fails at the down of 1_t \(db\/1_t\.down\.sql:1\)/);
  });

  test('near miss: an earlier down broken on its own is blamed on itself', async () => {
    const r = await verify(
      writeProject({ ...base, 'db/1_t.down.sql': 'DROP TABLE t_typo;\n', 'db/2_v.up.sql': 'CREATE VIEW t_ids AS SELECT id FROM t;\n', 'db/2_v.down.sql': 'DROP VIEW t_ids;\n' }),
      'db',
      url(),
      { mode: 'chain' },
    );
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'down-failed', migration: '1', file: 'db/1_t.down.sql', line: 1 })]);
  });
});
