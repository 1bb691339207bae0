import { ConfigError } from '../src/errors.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseActionInputs, parseRepoPath } from '../src/inputs.js';
import { parsePostgresMajor, TOOL_SETTING_KEYS } from '../src/options.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const env = { GITHUB_WORKSPACE: '/work/repo' };

describe('action inputs', () => {
  test('defaults fill what is not given, into the shared VerifyOptions', () => {
    const s = parseActionInputs(reader({ 'migrations-dir': 'db/migrations/' }), env);
    expect(s.options).toMatchObject({
      migrationsDir: 'db/migrations',
      cwd: '/work/repo',
      format: 'auto',
      provider: 'auto',
      postgresMajor: 16,
      mode: 'step',
      failOn: ['error'],
      strictColumnOrder: false,
    });
    expect(s.options.base).toBeUndefined();
    expect(s).toMatchObject({ comment: 'always', workingDirectory: '.', postgresMajor: 16 });
  });

  test('every documented input is read', () => {
    const s = parseActionInputs(
      reader({
        'migrations-dir': 'db', format: 'goose', 'database-url': 'postgres://u:p@h/d', 'postgres-version': '17', postgres: 'url',
        'base-ref': 'origin/main', 'github-token': 't', comment: 'on-failure', 'fail-on': 'warning, irreversible',
        'strict-column-order': 'true', mode: 'chain', 'seed-rows': '0', 'working-directory': 'services/api/',
      }),
      env,
    );
    expect(s.options).toMatchObject({ format: 'goose', provider: 'url', databaseUrl: 'postgres://u:p@h/d', postgresMajor: 17, failOn: ['warning', 'irreversible'], strictColumnOrder: true, mode: 'chain', seedRows: 0, cwd: '/work/repo/services/api' });
    expect(s).toMatchObject({ baseRef: 'origin/main', githubToken: 't', comment: 'on-failure', workingDirectory: 'services/api' });
  });

  test.each([
    [{ 'migrations-dir': '' }, /^migrations-dir is required/],
    [{ format: 'liquibase' }, /^format must be one of auto, golang-migrate, .*\(got 'liquibase'\)$/],
    [{ postgres: 'podman' }, /^postgres must be one of auto, url, embedded, system, docker \(got 'podman'\)$/],
    [{ comment: 'sometimes' }, /^comment must be one of always, on-failure, never/],
    [{ 'fail-on': 'errors' }, /^fail-on must be one of error, warning, up-failed/],
    [{ 'postgres-version': 'latest' }, /^postgres-version must be a PostgreSQL major version from 15 to 18/],
    [{ 'database-url': 'mysql://x' }, /^database-url must start with postgres:\/\//],
    [{ postgres: 'url' }, /^postgres 'url' needs database-url/],
    [{ 'postgres-image': 'pgvector/pgvector:pg17', postgres: 'embedded' }, /^postgres-image needs postgres set to docker or auto/],
    [{ 'strict-column-order': 'yes' }, /^strict-column-order must be true or false/],
    [{ 'working-directory': '../elsewhere' }, /^working-directory must be a path relative to the repository root/],
  ])('a bad value is one line naming the input and the accepted values: %j', (bad, message) => {
    const read = reader({ 'migrations-dir': 'db', ...bad });
    const err = (() => {
      try {
        parseActionInputs(read, env);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  test('small parsers', () => {
    expect(parsePostgresMajor('16.4')).toBe(16);
    // The snapshot's catalog queries need 15 or later.
    expect(() => parsePostgresMajor('14', 'postgres-version')).toThrow(/postgres-version must be a PostgreSQL major version from 15 to 18/);
    expect(parseRepoPath('./db/', 'x')).toBe('db');
    expect(() => parseRepoPath('/abs', 'x')).toThrow(ConfigError);
  });
});

describe('tool inputs', () => {
  test('inputs named like the CLI flags become the engine tool settings', () => {
    const s = parseActionInputs(reader({ 'migrations-dir': 'db', format: 'commands', 'up-command': './bin/migrate up {id}', 'down-command': ' ./bin/migrate down {id} ' }), env);
    expect(s.options.tool).toEqual({ 'up-command': './bin/migrate up {id}', 'down-command': './bin/migrate down {id}' });
  });

  test('every tool setting is declared in action.yml', () => {
    const yml = readFileSync(join(process.cwd(), 'action.yml'), 'utf8');
    for (const key of TOOL_SETTING_KEYS) expect(yml).toMatch(new RegExp(`^  ${key}:$`, 'm'));
  });
});
