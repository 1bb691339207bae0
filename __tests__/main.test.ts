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
import type { VerifyOptions } from '../src/options.js';
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

test('a bad input fails with one line before the engine starts', async () => {
  inputs.format = 'liquibase';
  await run();
  expect(core.setFailed).toHaveBeenCalledWith(expect.stringMatching(/^format must be one of auto, golang-migrate, dbmate, .* \(got 'liquibase'\)$/));
  expect(runVerification).not.toHaveBeenCalled();
});

test('a missing migrations directory says where it looked', async () => {
  inputs['migrations-dir'] = 'db/nope';
  await run();
  expect(core.setFailed.mock.calls[0]![0]).toMatch(/^migrations-dir 'db\/nope' does not exist/);
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
  expect(options).toMatchObject({ migrationsDir: 'db', cwd: workspace, provider: 'url', base: undefined });
  expect(core.setFailed).not.toHaveBeenCalled();
  expect(core.setOutput).toHaveBeenCalledWith('status', 'pass');
  expect(core.setOutput).toHaveBeenCalledWith('comment-url', '');
});

test('a failing result: outputs and summary first, then the step fails', async () => {
  runVerification.mockResolvedValue(
    result({ status: 'fail', problems: [{ kind: 'rollback-residue', severity: 'error', message: 'left s3cret behind', file: 'db/1.down.sql', line: 2 }] }),
  );
  await run();
  expect(core.setOutput).toHaveBeenCalledWith('status', 'fail');
  expect(core.setOutput).toHaveBeenCalledWith('problems', '1');
  expect(core.error).toHaveBeenCalledWith('left s3cret behind', expect.objectContaining({ file: 'db/1.down.sql', startLine: 2 }));
  const summary = readFileSync(join(workspace, 'summary.md'), 'utf8');
  expect(summary).toContain('## ❌ Rollback check failed');
  // The database password never reaches what is written, even when a message repeats it.
  expect(summary).not.toContain('s3cret');
  expect(core.setFailed).toHaveBeenCalledWith('rollback verification failed: 1 problem (1 error) in db');
});

test('an environment error from the engine is one line', async () => {
  runVerification.mockRejectedValue(new EnvironmentError('cannot connect to postgres://u:***@127.0.0.1:5/db: ECONNREFUSED'));
  await run();
  expect(core.setFailed).toHaveBeenCalledWith('cannot connect to postgres://u:***@127.0.0.1:5/db: ECONNREFUSED');
});

test('an unexpected error is one line too, with the stack in debug', async () => {
  runVerification.mockRejectedValue(new TypeError('x is undefined\n  at somewhere'));
  await run();
  expect(core.setFailed).toHaveBeenCalledWith('rollback-verify failed unexpectedly: x is undefined at somewhere');
  expect(core.debug).toHaveBeenCalledWith(expect.stringContaining('TypeError'));
});
