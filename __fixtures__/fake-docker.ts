/** Puts the stand-in `docker` (__fixtures__/bin/docker) first on PATH and reads what it recorded. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { findEmbeddedBinaries } from '../src/postgres/embedded.js';

export interface FakeDocker {
  /** Environment for a process that should see the stand-in. */
  env: Record<string, string>;
  /** Every docker invocation so far, in order. */
  calls(): Array<{ args: string[]; passwordInEnv: boolean }>;
  /** Containers whose state is still there (not removed). */
  liveContainers(): string[];
}

export function fakeDocker(): FakeDocker {
  const bins = findEmbeddedBinaries([process.cwd()]);
  if (!bins) throw new Error('the stand-in docker needs the embedded PostgreSQL binaries (npm ci)');
  const dir = mkdtempSync(join(tmpdir(), 'rv-fake-docker-'));
  const log = join(dir, 'calls.jsonl');
  const state = join(dir, 'state');
  return {
    env: {
      PATH: `${join(process.cwd(), '__fixtures__', 'bin')}${delimiter}${process.env.PATH ?? ''}`,
      RV_FAKE_DOCKER_LOG: log,
      RV_FAKE_DOCKER_STATE: state,
      RV_FAKE_DOCKER_PG_BIN: dirname(bins.initdb),
    },
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { args: string[]; passwordInEnv: boolean })
        : [],
    liveContainers: () => (existsSync(state) ? readdirSync(state).map((f) => f.replace(/\.json$/, '')) : []),
  };
}
