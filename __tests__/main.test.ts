/**
 * run() with @actions/core and the engine replaced (jest.unstable_mockModule before import):
 * inputs are validated before anything starts, every failure ends in one setFailed line, and the
 * verdict comes from the result, after the report is published.
 */
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../src/errors.js';
import { OUTPUTS, type VerifyOptions } from '../src/options.js';
import type { VerifyResult } from '../src/result/types.js';

const inputs: Record<string, string> = {};
const core = {
  getInput: jest.fn((name: string) => inputs[name] ?? ''),
  setSecret: jest.fn<(s: string) => void>(),
  setOutput: jest.fn<(name: string, value: string) => void>(),
  setFailed: jest.fn<(message: string) => void>(),
  info: jest.fn<(m: string) => void>(),
  warning: jest.fn<(m: string) => void>(),
  error: jest.fn<(m: string) => void>(),
  debug: jest.fn<(m: string) => void>(),
};
const runVerification = jest.fn<(o: VerifyOptions) => Promise<VerifyResult>>();
jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../src/verify/run.js', () => ({ runVerification }));
const { run } = await import('../src/main.js');

const result = (over: Partial<VerifyResult> = {}): VerifyResult => ({
  version: 1, status: 'pass', format: 'golang-migrate', postgres: '16.4', mode: 'step', migrationsDir: 'db',
  baselineCount: 0, migrations: [], problems: [], schemaChanges: [], seeded: [], totalMs: 5, notes: [], ...over,
});

let workspace: string;
const savedEnv = { ...process.env };
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'rv-main-'));
  mkdirSync(join(workspace, 'db'));
  writeFileSync(join(workspace, 'summary.md'), '');
  Object.assign(process.env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(workspace, 'no-event.json'),
    GITHUB_STEP_SUMMARY: join(workspace, 'summary.md'),
    RUNNER_TEMP: workspace,
  });
  for (const k of Object.keys(inputs)) delete inputs[k];
  Object.assign(inputs, { 'migrations-dir': 'db', postgres: 'url', 'database-url': 'postgres://u:s3cret@127.0.0.1:5/db', 'github-token': 'tok' });
  jest.clearAllMocks();
});
afterEach(() => {
  process.env = { ...savedEnv };
  rmSync(workspace, { recursive: true, force: true });
});

/** The last value each output was set to. */
const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([name, value]) => [name, value]));
const summary = () => readFileSync(join(workspace, 'summary.md'), 'utf8');

test('a bad input fails with one line before the engine starts: status error, every output, a one-line summary', async () => {
  inputs.format = 'golang';
  await run();
  const message = core.setFailed.mock.calls[0]![0];
  expect(message).toMatch(/^format must be one of auto, golang-migrate, dbmate, .* \(got 'golang'\)$/);
  expect(runVerification).not.toHaveBeenCalled();
  expect(outputs()).toEqual({ status: 'error', problems: '0', errors: '1', warnings: '0', 'failed-migrations': '', 'report-json': '', 'report-markdown': '', 'comment-url': '' });
  expect(Object.keys(outputs()).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
  expect(summary()).toBe(`**rollback-verify could not run:** ${message}\n`);
});

test('from in a pull request (whose base decides) is bad input, before git or the engine', async () => {
  const event = join(workspace, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 3, base: { sha: 'b'.repeat(40), ref: 'main' }, head: { sha: 'h'.repeat(40) } } }));
  Object.assign(process.env, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event });
  inputs.from = '000002';
  await run();
  expect(core.setFailed.mock.calls[0]![0]).toMatch(/^from applies only without a base, and the pull request's base commit b{12} \(main\) decides which migrations are new/);
  expect(outputs().status).toBe('error');
  expect(runVerification).not.toHaveBeenCalled();
});

test('a missing migrations directory says where it looked', async () => {
  inputs['migrations-dir'] = 'db/nope';
  await run();
  expect(core.setFailed.mock.calls[0]![0]).toMatch(/^migrations-dir 'db\/nope' does not exist/);
  expect(outputs().status).toBe('error');
  expect(summary()).toMatch(/^\*\*rollback-verify could not run:\*\* migrations-dir 'db\/nope' does not exist/);
});

test('secrets are masked before anything else happens', async () => {
  runVerification.mockResolvedValue(result());
  await run();
  expect(core.setSecret).toHaveBeenCalledWith('tok');
  expect(core.setSecret).toHaveBeenCalledWith('postgres://u:s3cret@127.0.0.1:5/db');
  expect(core.setSecret).toHaveBeenCalledWith('s3cret');
});

test('push without base-ref: no base, the engine gets the parsed options', async () => {
  runVerification.mockResolvedValue(result());
  await run();
  const options = runVerification.mock.calls[0]![0];
  expect(options).toMatchObject({ migrationsDir: 'db', cwd: workspace, provider: 'url' });
  expect(options.base).toBeUndefined();
  expect(core.setFailed).not.toHaveBeenCalled();
  expect(outputs()).toMatchObject({ status: 'pass', problems: '0', errors: '0', warnings: '0', 'failed-migrations': '', 'comment-url': '' });
  expect(Object.keys(outputs()).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
});

test('a failing result: outputs and summary first, then the step fails', async () => {
  runVerification.mockResolvedValue(
    result({
      status: 'fail',
      problems: [
        { kind: 'rollback-residue', severity: 'error', message: 'left s3cret behind', file: 'db/1.down.sql', line: 2 },
        { kind: 'column-order', severity: 'warning', message: 'moved', file: 'db/2.down.sql', line: 1 },
      ],
      migrations: [
        { id: '1', name: 'a', files: { up: 'db/1.up.sql' }, status: 'failed', phases: {} },
        { id: '2', name: 'b', files: { up: 'db/2.up.sql' }, status: 'ok', phases: {} },
        { id: '3', name: 'c', files: { up: 'db/3.up.sql' }, status: 'failed', phases: {} },
      ],
    }),
  );
  await run();
  expect(outputs()).toMatchObject({ status: 'fail', problems: '2', errors: '1', warnings: '1', 'failed-migrations': '1,3' });
  expect(Object.keys(outputs()).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
  expect(core.error).toHaveBeenCalledWith('left s3cret behind', expect.objectContaining({ file: 'db/1.down.sql', startLine: 2 }));
  const summary = readFileSync(join(workspace, 'summary.md'), 'utf8');
  expect(summary).toContain('## ❌ Rollback check failed');
  // The database password never reaches what is written, even when a message repeats it.
  expect(summary).not.toContain('s3cret');
  expect(core.setFailed).toHaveBeenCalledWith('rollback verification failed: 2 problems (1 error) in db');
});

test('a result with status error (the machine, not the migrations): published, then the step fails naming the cause', async () => {
  runVerification.mockResolvedValue(result({ status: 'error', problems: [{ kind: 'environment', severity: 'error', message: 'extension "vector" is not available' }] }));
  await run();
  expect(outputs()).toMatchObject({ status: 'error', errors: '1' });
  expect(core.setFailed).toHaveBeenCalledWith('rollback verification could not finish: extension "vector" is not available');
});

test('an environment error from the engine is one line', async () => {
  runVerification.mockRejectedValue(new EnvironmentError('cannot connect to postgres://u:***@127.0.0.1:5/db: ECONNREFUSED'));
  await run();
  expect(core.setFailed).toHaveBeenCalledWith('cannot connect to postgres://u:***@127.0.0.1:5/db: ECONNREFUSED');
  expect(outputs().status).toBe('error');
  expect(summary()).toBe('**rollback-verify could not run:** cannot connect to postgres://u:***@127.0.0.1:5/db: ECONNREFUSED\n');
});

test('an unexpected error is one line too, with the stack in debug', async () => {
  runVerification.mockRejectedValue(new TypeError('x is undefined\n  at somewhere'));
  await run();
  expect(core.setFailed).toHaveBeenCalledWith('rollback-verify failed unexpectedly: x is undefined at somewhere');
  expect(outputs().status).toBe('error');
  expect(core.debug).toHaveBeenCalledWith(expect.stringContaining('TypeError'));
});
