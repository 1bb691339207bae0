/**
 * The CLI's argument reading (src/cli-args.ts), in process: flags from the option table, `--x=v`,
 * `--no-x`, `--`, and unknown flags answered in our words with the closest known flag.
 */
import { ConfigError } from '../src/errors.js';
import { closestFlag, parseCli } from '../src/cli-args.js';

const error = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

test.each([
  ['--markdwn', '--markdown'],
  ['--mardown', '--markdown'],
  ['--seed-row', '--seed-rows'],
  ['--seedrows', '--seed-rows'],
  ['--no-trace-lock', '--no-trace-locks'],
  ['--verbos', '--verbose'],
  ['--postgres-versoin', '--postgres-version'],
  ['--databse-url', '--database-url'],
  ['--statement-time', '--statement-timeout'],
])('%s: did you mean %s?', (typo, meant) => {
  expect(error(['db', typo, 'x'])).toBe(`unknown option ${typo}; did you mean ${meant}? (rollback-verify [options] <migrations-dir>; see --help)`);
});

test('nothing close: no guess', () => {
  expect(closestFlag('--frobnicate', ['--format', '--from', '--markdown'])).toBeUndefined();
  expect(error(['db', '--frobnicate'])).toBe('unknown option --frobnicate (rollback-verify [options] <migrations-dir>; see --help)');
  expect(error(['db', '-x'])).toMatch(/^unknown option -x /);
});

test('values: --x v, --x=v, booleans and their --no- forms', () => {
  expect(parseCli(['db', '--seed-rows', '5']).seedRows).toBe(5);
  expect(parseCli(['db', '--seed-rows=5']).seedRows).toBe(5);
  expect(parseCli(['db', '--no-trace-locks']).traceLocks).toBe(false);
  expect(parseCli(['db', '--trace-locks']).traceLocks).toBe(true);
  expect(parseCli(['db', '--strict-column-order=false']).strictColumnOrder).toBe(false);
  expect(parseCli(['db', '--no-color']).color).toBe(false);
  expect(parseCli(['db']).color).toBeUndefined();
  expect(parseCli(['db', '--up-command=a --b', '--format', 'commands']).tool).toEqual({ 'up-command': 'a --b' });
  expect(parseCli(['--', '--odd-dir']).migrationsDir).toBe('--odd-dir');
  expect(parseCli(['-h']).help).toBe(true);
});

test('usage errors are one line naming the flag', () => {
  expect(error(['db', '--seed-rows'])).toBe('--seed-rows needs a value: --seed-rows <n> (rollback-verify [options] <migrations-dir>; see --help)');
  expect(error(['db', '--seed-rows', '--verbose'])).toMatch(/^--seed-rows needs a value/);
  expect(error(['db', '--no-verbose=yes'])).toMatch(/^--no-verbose takes no value/);
  expect(error(['a', 'b'])).toMatch(/^one migrations directory expected, got 2: a b/);
  expect(error(['db', '--verbose=maybe'])).toBe("--verbose must be true or false (got 'maybe')");
});
