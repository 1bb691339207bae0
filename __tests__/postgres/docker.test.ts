/**
 * The docker provider against a stand-in `docker` on PATH that records its arguments and starts
 * a real (embedded) PostgreSQL: the container is published on loopback, the password never
 * appears in docker's argv, and the container is removed on stop and on a failed start.
 */
import pg from 'pg';
import { fakeDocker, type FakeDocker } from '../../__fixtures__/fake-docker.js';
import { runAllCleanups } from '../../src/cleanup.js';
import { EnvironmentError } from '../../src/errors.js';
import { dockerEngineAnswers, parsePublishedPort } from '../../src/postgres/docker.js';
import { startServer } from '../../src/postgres/select.js';

let docker: FakeDocker;
const saved = { ...process.env };
beforeEach(() => {
  docker = fakeDocker();
  Object.assign(process.env, docker.env);
});
afterEach(async () => {
  await runAllCleanups();
  for (const k of Object.keys(docker.env)) process.env[k] = saved[k];
  delete process.env.RV_FAKE_DOCKER_RUN_FAIL;
  delete process.env.RV_FAKE_DOCKER_NO_ENGINE;
});

describe('docker provider', () => {
  test('runs the image, serves connections, and removes the container on stop', async () => {
    expect(await dockerEngineAnswers()).toBe(true);
    const server = await startServer({ provider: 'docker', postgresImage: 'pgvector/pgvector:pg17' });
    expect(server.provider).toBe('docker');
    expect(server.description).toBe('docker container of pgvector/pgvector:pg17');
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await client.end();

    const run = docker.calls().find((c) => c.args[0] === 'run')!;
    expect(run.passwordInEnv).toBe(true);
    expect(run.args).toEqual(expect.arrayContaining(['--publish', '127.0.0.1::5432', '--env', 'POSTGRES_PASSWORD', 'pgvector/pgvector:pg17']));
    expect(run.args.join(' ')).not.toContain(new URL(server.adminUrl).password);
    expect(docker.liveContainers()).toHaveLength(1);

    await server.stop();
    const name = run.args[run.args.indexOf('--name') + 1];
    expect(docker.calls().at(-1)!.args).toEqual(['rm', '--force', '--volumes', name]);
    expect(docker.liveContainers()).toEqual([]);
  });

  test('the official image of the wanted major, 17 by default', async () => {
    const server = await startServer({ provider: 'docker', postgresMajor: 17 });
    expect(docker.calls().find((c) => c.args[0] === 'run')!.args).toContain('postgres:17');
    await server.stop();
    const byDefault = await startServer({ provider: 'docker' });
    expect(docker.calls().filter((c) => c.args[0] === 'run').at(-1)!.args).toContain('postgres:17');
    await byDefault.stop();
  });

  test('an image that runs another major than postgres-version asks for: stopped, one line, container removed', async () => {
    // The stand-in runs the embedded server (17) whatever the image.
    const err = await startServer({ provider: 'docker', postgresImage: 'pgvector/pgvector:pg17', postgresMajor: 16 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/^pgvector\/pgvector:pg17 runs PostgreSQL 17\.\d+, but postgres-version is 16; use an image of PostgreSQL 16, or remove postgres-version/);
    expect(docker.liveContainers()).toEqual([]);
    // Without postgres-version the image decides.
    const server = await startServer({ provider: 'docker', postgresImage: 'pgvector/pgvector:pg17' });
    expect(server.version).toMatch(/^17\./);
    await server.stop();
  });

  test('a failed docker run is an environment error, and the removal still runs', async () => {
    process.env.RV_FAKE_DOCKER_RUN_FAIL = '1';
    const err = await startServer({ provider: 'docker', postgresImage: 'nope:1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/^docker run nope:1 failed: .*manifest unknown/);
    expect(docker.calls().map((c) => c.args[0])).toEqual(['run', 'rm']);
  });

  test('no engine: docker does not answer', async () => {
    process.env.RV_FAKE_DOCKER_NO_ENGINE = '1';
    expect(await dockerEngineAnswers()).toBe(false);
  });

  test('docker port output', () => {
    expect(parsePublishedPort('127.0.0.1:49153\n[::1]:49153\n')).toBe(49153);
    expect(parsePublishedPort('')).toBeUndefined();
  });
});
