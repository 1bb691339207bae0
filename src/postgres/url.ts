/** The url provider: a server the user runs (a services: container, a Neon branch, a local server). */
import pg from 'pg';
import { ConfigError, EnvironmentError } from '../errors.js';
import { maskUrl } from './mask.js';
import { registerSecret } from '../secrets.js';
import type { PostgresServer } from './types.js';

export function parseDatabaseUrl(url: string, input = '--database-url'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${input} is not a URL (expected postgres://user:password@host:port/database)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`${input} must start with postgres:// or postgresql:// (got ${parsed.protocol}//…)`);
  }
  return parsed;
}

export async function connectUrlServer(url: string): Promise<PostgresServer> {
  registerSecret(url);
  parseDatabaseUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new EnvironmentError(`cannot connect to ${maskUrl(url)}: ${stripUrl((err as Error).message, url)}`);
  }
  try {
    const { rows } = await client.query<{ v: string; can: boolean }>(
      `SELECT current_setting('server_version') AS v,
              (SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can`,
    );
    const row = rows[0]!;
    if (!row.can) {
      throw new EnvironmentError(
        `the role in ${maskUrl(url)} may not create databases; rollback-verify needs CREATEDB to make a scratch database (ALTER ROLE … CREATEDB, or give a server it owns)`,
      );
    }
    return {
      provider: 'url',
      adminUrl: url,
      version: row.v.split(' ')[0]!,
      description: `the server at ${maskUrl(url)} (--database-url)`,
      stop: async () => {},
    };
  } finally {
    await client.end().catch(() => {});
  }
}

function stripUrl(message: string, url: string): string {
  return message.split(url).join(maskUrl(url));
}
