/**
 * The bundled action with `postgres: docker` against a stand-in `docker` on PATH (it records its
 * arguments and runs the embedded server): the container is removed after a passing run, after a
 * failing one, and when the run is cancelled (SIGTERM, what the runner sends).
 */
import { createPrRepo, type Files, type PrRepo } from '../../__fixtures__/git-repo.js';
import { fakeDocker } from '../../__fixtures__/fake-docker.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { buildBundle, pullRequestEvent, runAction } from './harness.js';

const DIR = 'db/migrations';
const BASE: Files = {
  [`${DIR}/000001_create_users.up.sql`]: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  [`${DIR}/000001_create_users.down.sql`]: 'DROP TABLE users;\n',
};

let gh: FakeGitHub;
const repos: PrRepo[] = [];
beforeAll(async () => {
  await buildBundle();
  gh = await startFakeGitHub();
}, 180_000);
afterAll(async () => {
  await gh.close();
  for (const r of repos) r.cleanup();
});

function run(head: Files, onSpawn?: Parameters<typeof runAction>[0]['onSpawn'], inputs: Record<string, string> = {}) {
  const docker = fakeDocker();
  const r = createPrRepo(BASE, head);
  repos.push(r);
  const result = runAction({
    checkout: r.checkout(),
    gh,
    sha: r.headSha,
    event: pullRequestEvent({ number: 9, baseSha: r.baseSha, headSha: r.headSha }),
    inputs: { 'migrations-dir': DIR, postgres: 'docker', 'postgres-image': 'pgvector/pgvector:pg17', 'seed-rows': '10', ...inputs },
    env: docker.env,
    onSpawn,
  });
  return { docker, result };
}

test('auto with postgres-image: docker answers, the image runs, the container is removed', async () => {
  const { docker, result } = run(
    {
      [`${DIR}/000002_orders.up.sql`]: 'CREATE TABLE orders (id bigserial PRIMARY KEY);\n',
      [`${DIR}/000002_orders.down.sql`]: 'DROP TABLE orders;\n',
    },
    undefined,
    { postgres: 'auto' },
  );
  const out = await result;
  expect(out.code).toBe(0);
  expect(out.stdout).toContain('docker container of pgvector/pgvector:pg17 — postgres-image pgvector/pgvector:pg17 is set and a Docker engine answered');
  const calls = docker.calls().map((c) => c.args[0]);
  expect(calls[0]).toBe('version');
  expect(calls).toContain('run');
  expect(calls.at(-1)).toBe('rm');
  expect(docker.liveContainers()).toEqual([]);
  // The container's password is masked: never printed.
  const printed = out.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(printed.join('\n')).not.toMatch(/postgres:\/\/postgres:[^*@]+@/);
  // The container's password is masked the moment the provider makes it, before any URL exists.
  expect(out.stdout).toMatch(/^::add-mask::[A-Za-z0-9_-]{24}$/m);
});

test('a failing run removes the container too', async () => {
  const { docker, result } = run({
    [`${DIR}/000002_orders.up.sql`]: 'CREATE TABLE orders (id bigserial PRIMARY KEY);\n',
    [`${DIR}/000002_orders.down.sql`]: 'SELECT 1;\n',
  });
  const out = await result;
  expect(out.code).not.toBe(0);
  expect(out.outputs.status).toBe('fail');
  expect(docker.calls().at(-1)!.args[0]).toBe('rm');
  expect(docker.liveContainers()).toEqual([]);
});

test('a cancelled run (SIGTERM) removes the container', async () => {
  let sent = false;
  const { docker, result } = run(
    {
      [`${DIR}/000002_slow.up.sql`]: 'SELECT pg_sleep(60);\nCREATE TABLE slow (id int);\n',
      [`${DIR}/000002_slow.down.sql`]: 'DROP TABLE slow;\n',
    },
    (child) => {
      child.stdout!.on('data', (d: Buffer) => {
        // Cancel once the server is up and the migrations are running.
        if (!sent && /PostgreSQL \d+[.\d]*: docker container/.test(d.toString())) {
          sent = true;
          setTimeout(() => child.kill('SIGTERM'), 1500);
        }
      });
    },
  );
  const out = await result;
  expect(sent).toBe(true);
  expect(out.code === 143 || out.signal === 'SIGTERM').toBe(true);
  expect(docker.calls().at(-1)!.args[0]).toBe('rm');
  expect(docker.liveContainers()).toEqual([]);
});
