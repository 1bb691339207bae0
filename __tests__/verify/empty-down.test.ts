/**
 * A down that does nothing is judged by what it leaves: right after an up that changed no schema
 * (VALIDATE CONSTRAINT, a data fix, removing junk rows), a missing down after one that did, named
 * by what stays changed. No down at all is still missing.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { writeNodeProject } from '../tools/node-project.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

const base = {
  'db/1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, note text);\nALTER TABLE t ADD CONSTRAINT note_short CHECK (length(note) < 100) NOT VALID;\n',
  'db/1_t.down.sql': 'DROP TABLE t;\n',
};

describe('empty downs (SQL)', () => {
  test('after an up that changes no schema: no problem', async () => {
    const r = await verify(
      writeProject({
        ...base,
        'db/2_validate.up.sql': 'ALTER TABLE t VALIDATE CONSTRAINT note_short;\n',
        'db/2_validate.down.sql': '-- Nothing to do: validating changes nothing a down could undo.\n',
        'db/3_txn.up.sql': 'ALTER TABLE t VALIDATE CONSTRAINT note_short;\n',
        'db/3_txn.down.sql': 'BEGIN;\n-- nothing to undo\nCOMMIT;\n',
      }),
      'db',
      url(),
    );
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok', 'ok']);
  });

  test('after a data fix: the changed values are a warning, not a missing down', async () => {
    const r = await verify(
      writeProject({ ...base, 'db/2_lower.up.sql': 'UPDATE t SET note = upper(note);\n', 'db/2_lower.down.sql': '-- irreversible data fix, nothing to do\n' }),
      'db',
      url(),
    );
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'data-loss', severity: 'warning', migration: '2', object: 'column public.t.note' })]);
    expect(r.problems[0]!.message).toContain('the down does nothing by design');
    expect(r.status).toBe('pass');
  });

  test('near miss: after an up that adds a table, a missing down naming it, and the run goes on', async () => {
    const r = await verify(
      writeProject({
        ...base,
        'db/2_audit.up.sql': 'CREATE TABLE audit (id int);\nCREATE INDEX audit_id ON audit (id);\n',
        'db/2_audit.down.sql': '-- nothing to do\n',
        'db/3_next.up.sql': 'CREATE TABLE next (id int);\n',
        'db/3_next.down.sql': 'DROP TABLE next;\n',
      }),
      'db',
      url(),
    );
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing-down', severity: 'error', migration: '2', object: 'table public.audit', file: 'db/2_audit.down.sql' })]);
    expect(r.problems[0]!.message).toBe(
      "the down of 2_audit does nothing, but its up changed the schema: after the down, table public.audit is still changed — write a down that undoes it, or mark the migration with '-- rollback-verify: irreversible'",
    );
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'failed', 'ok']);
  });

  test('near miss: no down at all is missing', async () => {
    const r = await verify(writeProject({ ...base, 'db/2_validate.up.sql': 'ALTER TABLE t VALIDATE CONSTRAINT note_short;\n' }), 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing-down', migration: '2' })]);
  });
});

describe('empty downs run by the tool (knex)', () => {
  const users = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n";

  test('an empty down after a data-only up passes; after a schema change it is a missing down and the next migration still runs', async () => {
    const root = writeNodeProject({
      'migrations/20240101000000_users.js': users,
      'migrations/20240102000000_lower.js': "exports.up = (knex) => knex.raw('UPDATE users SET email = lower(email)');\nexports.down = function () {};\n",
      'migrations/20240103000000_audit.js': "exports.up = (knex) => knex.schema.createTable('audit', (t) => { t.integer('id'); });\nexports.down = async () => {};\n",
      'migrations/20240104000000_more.js': "exports.up = (knex) => knex.schema.createTable('more', (t) => { t.integer('id'); });\nexports.down = (knex) => knex.schema.dropTable('more');\n",
    });
    const r = await verify(root, 'migrations', url());
    expect(r.problems.map((p) => [p.migration, p.kind, p.severity])).toEqual([['20240103000000', 'missing-down', 'error']]);
    expect(r.problems[0]!.object).toBe('table public.audit');
    expect(r.migrations.map((m) => m.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
  });
});
