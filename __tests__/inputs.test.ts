/**
 * The action's input reading (src/inputs.ts) over the option table: defaults, every input read,
 * and one line per bad value or bad combination, naming the input as action.yml spells it.
 */
import { ConfigError } from '../src/errors.js';
import { parseActionInputs } from '../src/inputs.js';
import { parsePostgresMajor, parseRepoPath } from '../src/options.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const env = { GITHUB_WORKSPACE: '/work/repo', RUNNER_TOOL_CACHE: '/opt/tc' };

describe('action inputs', () => {
  test('defaults fill what is not given, into the shared VerifyOptions', () => {
    const s = parseActionInputs(reader({ 'migrations-dir': 'db/migrations/' }), env);
    expect(s.options).toEqual({
      migrationsDir: 'db/migrations',
      cwd: '/work/repo',
      format: 'auto',
      provider: 'auto',
      mode: 'step',
      failOn: ['error'],
      strictColumnOrder: false,
      seedRows: 1000,
      maxUpSeconds: 30,
      maxDownSeconds: 30,
      maxTotalSeconds: 0,
      statementTimeoutSeconds: 600,
      fullSnapshots: false,
      traceLocks: true,
      maxLockMs: 0,
      requireLockTimeout: false,
      maxPredictedLockMs: 0,
      suggestFixes: true,
      embeddedCache: '/opt/tc/rollback-verify-embedded-postgres',
    });
    // postgres-version is not filled in: a database-url server or an image is used as it is.
    expect(s.options.postgresMajor).toBeUndefined();
    expect(s).toMatchObject({ comment: 'always', workingDirectory: '.', githubToken: '' });
  });

  test('every input is read, the engine options included', () => {
    const s = parseActionInputs(
      reader({
        'migrations-dir': 'db', format: 'goose', 'database-url': 'postgres://u:p@h/d', 'postgres-version': '16', postgres: 'url',
        'base-ref': 'origin/main', 'github-token': 't', comment: 'on-failure', 'fail-on': 'warning, irreversible',
        'strict-column-order': 'true', mode: 'chain', 'seed-rows': '0', 'working-directory': 'services/api/',
        'seed-file': 'db/seed.sql', 'statement-timeout': '60', 'max-total-seconds': '900', 'trace-locks': 'true', 'max-lock-ms': '500', 'require-lock-timeout': 'true',
        'table-rows': 'ops/table-rows.csv', 'max-predicted-lock-ms': '5000', 'full-snapshots': 'true',
      }),
      env,
    );
    expect(s.options).toMatchObject({
      format: 'goose', provider: 'url', databaseUrl: 'postgres://u:p@h/d', postgresMajor: 16, failOn: ['warning', 'irreversible'], strictColumnOrder: true, mode: 'chain',
      seedRows: 0, cwd: '/work/repo/services/api', seedFile: 'db/seed.sql', statementTimeoutSeconds: 60, maxTotalSeconds: 900, maxLockMs: 500, requireLockTimeout: true,
      tableRows: 'ops/table-rows.csv', maxPredictedLockMs: 5000, fullSnapshots: true,
    });
    expect(s).toMatchObject({ baseRef: 'origin/main', githubToken: 't', comment: 'on-failure', workingDirectory: 'services/api' });
  });

  test.each([
    [{ 'migrations-dir': '' }, /^migrations-dir is required/],
    [{ format: 'rails-ish' }, /^format must be one of auto, golang-migrate, .*\(got 'rails-ish'\)$/],
    [{ postgres: 'podman' }, /^postgres must be one of auto, url, embedded, system, docker \(got 'podman'\)$/],
    [{ comment: 'sometimes' }, /^comment must be one of always, on-failure, never/],
    [{ 'fail-on': 'errors' }, /^fail-on must be one of error, warning, up-failed/],
    [{ 'postgres-version': 'latest' }, /^postgres-version must be a PostgreSQL major version from 15 to 18/],
    [{ 'database-url': 'mysql://x' }, /^database-url must start with postgres:\/\//],
    [{ postgres: 'url' }, /^postgres url needs database-url \(a postgres:\/\/ URL\)/],
    [{ 'database-url': 'postgres://u:p@h/d', postgres: 'docker' }, /^database-url cannot be combined with postgres docker/],
    [{ 'postgres-image': 'pgvector/pgvector:pg17', postgres: 'embedded' }, /^postgres-image needs postgres docker or auto \(got 'embedded'\)/],
    [{ 'postgres-image': 'pgvector/pgvector:pg17', 'database-url': 'postgres://u:p@h/d' }, /^postgres-image cannot be combined with database-url/],
    [{ from: '000002', 'base-ref': 'main' }, /^from and base-ref cannot be used together: base-ref decides which migrations are new$/],
    [{ 'trace-locks': 'false', 'max-lock-ms': '100' }, /^max-lock-ms judges the lock traces, and lock tracing is off; set trace-locks: true$/],
    [{ 'trace-locks': 'false', 'require-lock-timeout': 'true' }, /^require-lock-timeout judges the lock traces/],
    [{ 'max-predicted-lock-ms': '5000' }, /^max-predicted-lock-ms judges the predictions at production sizes, and there are none without table-rows; give table-rows <file> or remove max-predicted-lock-ms$/],
    [{ 'max-predicted-lock-ms': 'soon', 'table-rows': 'rows.json' }, /^max-predicted-lock-ms must be a whole number ≥ 0 \(got 'soon'\)$/],
    [{ 'trace-locks': 'false', 'table-rows': 'rows.json', 'max-predicted-lock-ms': '5000' }, /^max-predicted-lock-ms judges the lock traces, and lock tracing is off; set trace-locks: true$/],
    [{ 'up-command': 'make up' }, /^up-command applies to format commands only \(the format is auto\)$/],
    [{ 'alembic-config': 'a.ini', format: 'goose' }, /^alembic-config applies to format alembic only \(the format is goose\)$/],
    [{ 'strict-column-order': 'yes' }, /^strict-column-order must be true or false/],
    [{ 'statement-timeout': '-1' }, /^statement-timeout must be a number of seconds/],
    [{ 'working-directory': '../elsewhere' }, /^working-directory must be a path relative to the repository root/],
  ])('a bad value is one line naming the input: %j', (bad, message) => {
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
});
