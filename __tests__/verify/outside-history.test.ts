/**
 * An up that needs a table no migration of the history creates (ory/keto's `networks`, made by a
 * library's own migrations) says so and how to load it; a table a migration of the history does
 * create (here, too late) keeps the plain message (near miss).
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

const base = {
  'db/1_tuples.up.sql': 'CREATE TABLE tuples (id int PRIMARY KEY, nid uuid NOT NULL);\n',
  'db/1_tuples.down.sql': 'DROP TABLE tuples;\n',
  'db/2_nid_fk.up.sql': 'ALTER TABLE tuples ADD CONSTRAINT tuples_nid_fk FOREIGN KEY (nid) REFERENCES networks (id);\n',
  'db/2_nid_fk.down.sql': 'ALTER TABLE tuples DROP CONSTRAINT tuples_nid_fk;\n',
};

describe('a table from outside the history', () => {
  test('no migration creates it: the up failure says how to load it', async () => {
    const r = await verify(writeProject(base), 'db', url());
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'up-failed', migration: '2', sqlstate: '42P01' })]);
    expect(r.problems[0]!.message).toContain('no migration of this history creates "networks": if it comes from outside it (another project\'s or a library\'s migrations, a manual setup), load it with --seed-file');
  });

  test('near miss: a later migration creates it (the order is wrong): the plain message', async () => {
    const r = await verify(
      writeProject({ ...base, 'db/3_networks.up.sql': 'CREATE TABLE IF NOT EXISTS public.networks (id uuid PRIMARY KEY);\n', 'db/3_networks.down.sql': 'DROP TABLE networks;\n' }),
      'db',
      url(),
    );
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'up-failed', migration: '2', sqlstate: '42P01' })]);
    expect(r.problems[0]!.message).not.toContain('no migration of this history');
  });
});
