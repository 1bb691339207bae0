import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { startServer } from '../../src/postgres/select.js';
import { createScratchDatabase, SCRATCH_PREFIX } from '../../src/postgres/scratch.js';
import { connectUrlServer, parseDatabaseUrl } from '../../src/postgres/url.js';
import { maskUrl } from '../../src/postgres/mask.js';
import { findSystemBinaries } from '../../src/postgres/system.js';
import { ConfigError, EnvironmentError } from '../../src/errors.js';


describe('postgres providers', () => {
  test('embedded server starts, serves a scratch database, and leaves nothing behind', async () => {
    // Its own temp root: other test files start servers in the shared temp dir concurrently.
    const own = mkdtempSync(join(tmpdir(), 'rv-providers-'));
    chmodSync(own, 0o755);
    const server = await startServer({ provider: 'embedded', tempRoot: own });
    expect(readdirSync(own)).toHaveLength(1);
    expect(server.provider).toBe('embedded');
    expect(server.version).toMatch(/^\d+\.\d+/);
    const db = await createScratchDatabase(server);
    expect(db.name.startsWith(SCRATCH_PREFIX)).toBe(true);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT current_database() AS d');
    expect(rows[0].d).toBe(db.name);
    await client.end();
    await db.drop();
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname = $1', [db.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
    await server.stop();
    expect(readdirSync(own)).toEqual([]);
    rmSync(own, { recursive: true });
  });

  const system = findSystemBinaries();
  (system ? test : test.skip)('system binaries start a cluster too', async () => {
    // The machine's major, asked for: without postgres-version the system provider wants 17.
    const server = await startServer({ provider: 'system', postgresMajor: system!.major });
    expect(server.description).toContain(`system PostgreSQL ${system!.major}`);
    expect(server.version.split('.')[0]).toBe(String(system!.major));
    // The url provider on top of it: connects, checks CREATEDB, never stops a server it did not start.
    const viaUrl = await connectUrlServer(server.adminUrl);
    expect(viaUrl.provider).toBe('url');
    expect(viaUrl.description).not.toContain(new URL(server.adminUrl).password);
    await viaUrl.stop();
    const c = new pg.Client({ connectionString: server.adminUrl });
    await c.connect();
    await c.end();
    await server.stop();
  });

  test('a URL that does not connect is an environment error with the password masked', async () => {
    const url = 'postgres://someone:s3cretpw@127.0.0.1:1/db';
    const err = await connectUrlServer(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(String((err as Error).message)).toContain('cannot connect to');
    expect(String((err as Error).message)).not.toContain('s3cretpw');
  });

  test('malformed URLs are config errors naming the input', () => {
    expect(() => parseDatabaseUrl('not a url')).toThrow(ConfigError);
    expect(() => parseDatabaseUrl('mysql://a@b/c')).toThrow(/postgres:\/\//);
    expect(maskUrl('postgres://u:pw@h:5/d')).toBe('postgres://u:***@h:5/d');
    expect(existsSync('/')).toBe(true);
  });
});
