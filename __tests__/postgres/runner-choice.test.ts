import { jest } from '@jest/globals';
import { EnvironmentError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { chooseRunnerPostgres, type RunnerProbes, type RunnerPostgresRequest } from '../../src/postgres/runner-choice.js';

function probes(over: Partial<RunnerProbes> = {}): RunnerProbes {
  return {
    systemBinDir: () => undefined,
    dockerAnswers: async () => false,
    embeddedMajor: () => undefined,
    installEmbedded: jest.fn<RunnerProbes['installEmbedded']>(async (major) => ({ dir: `/cache/${major}`, version: `${major}.9.0-beta.1`, downloaded: true })),
    ...over,
  };
}
const req = (over: Partial<RunnerPostgresRequest> = {}): RunnerPostgresRequest => ({ provider: 'auto', postgresMajor: 16, logger: silentLogger, ...over });

describe("the action's auto order", () => {
  test('database-url first', async () => {
    expect((await chooseRunnerPostgres(req({ databaseUrl: 'postgres://x' }), probes({ systemBinDir: () => '/usr/lib/postgresql/16/bin' }))).provider).toBe('url');
  });

  test("then the runner's PostgreSQL when its major matches", async () => {
    const p = probes({ systemBinDir: (m) => (m === 16 ? '/usr/lib/postgresql/16/bin' : undefined), dockerAnswers: async () => true });
    expect(await chooseRunnerPostgres(req(), p)).toEqual({ provider: 'system', reason: 'the runner has PostgreSQL 16 in /usr/lib/postgresql/16/bin' });
    expect((await chooseRunnerPostgres(req({ postgresMajor: 17 }), p)).provider).toBe('docker');
  });

  test('then docker when an engine answers', async () => {
    expect(await chooseRunnerPostgres(req(), probes({ dockerAnswers: async () => true }))).toEqual({
      provider: 'docker',
      reason: 'no PostgreSQL 16 on the runner and a Docker engine answered',
    });
  });

  test('then embedded: used when installed for that major, else installed into the tool cache', async () => {
    expect((await chooseRunnerPostgres(req(), probes({ embeddedMajor: () => 16 }))).embeddedDir).toBeUndefined();
    const p = probes({ embeddedMajor: () => 17 });
    const c = await chooseRunnerPostgres(req({ toolCache: '/cache' }), p);
    expect(c).toMatchObject({ provider: 'embedded', embeddedDir: '/cache/16' });
    expect(c.reason).toContain('installed into the tool cache');
    expect(p.installEmbedded).toHaveBeenCalledWith(16, '/cache', silentLogger);
  });

  test('postgres-image skips the runner PostgreSQL and needs docker', async () => {
    const withSystem = { systemBinDir: () => '/usr/lib/postgresql/16/bin' };
    expect((await chooseRunnerPostgres(req({ postgresImage: 'pgvector/pgvector:pg16' }), probes({ ...withSystem, dockerAnswers: async () => true }))).provider).toBe('docker');
    await expect(chooseRunnerPostgres(req({ postgresImage: 'pgvector/pgvector:pg16' }), probes(withSystem))).rejects.toThrow(EnvironmentError);
  });

  test('an explicit provider is taken as given', async () => {
    expect((await chooseRunnerPostgres(req({ provider: 'docker' }), probes())).provider).toBe('docker');
    expect((await chooseRunnerPostgres(req({ provider: 'system' }), probes({ dockerAnswers: async () => true }))).provider).toBe('system');
  });
});
