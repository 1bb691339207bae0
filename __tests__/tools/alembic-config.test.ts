/**
 * An alembic.ini without script_location is a setup problem: one ConfigError line naming the ini
 * (exit 2), whether rollback-verify reads the ini (inside the migrations directory) or only
 * Alembic does (outside it) — never an up-failed at the first migration's `def upgrade`.
 */
import { ConfigError } from '../../src/errors.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { alembicProject, hasAlembic, usersTable } from './alembic-project.js';

const suite = hasAlembic ? describe : describe.skip;

suite('alembic.ini without script_location', () => {
  const pg = usePostgres();
  const url = () => pg.server().adminUrl;
  const withoutScriptLocation = (files: Record<string, string>) => ({ ...files, 'alembic.ini': files['alembic.ini']!.replace(/^script_location\s*=.*$/m, '') });

  test('read by rollback-verify (the ini is in the migrations directory): ConfigError naming the ini', async () => {
    const root = writeProject(withoutScriptLocation(alembicProject([usersTable])));
    const err = await verify(root, '.', url()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('alembic.ini has no script_location in its [alembic] section: Alembic cannot find the migration scripts; add script_location = <the directory holding env.py>');
  });

  test('read only by Alembic (the ini is outside the migrations directory): the same ConfigError', async () => {
    const root = writeProject(withoutScriptLocation(alembicProject([usersTable])));
    const err = await verify(root, 'migrations', url()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/\/alembic\.ini has no script_location in its \[alembic\] section/);
  });

  test('near miss: with script_location the project verifies', async () => {
    const r = await verify(writeProject(alembicProject([usersTable])), 'migrations', url());
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
  });
});
