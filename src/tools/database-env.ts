/**
 * The environment a migration tool gets so that it talks to the scratch database and nothing
 * else: `DATABASE_URL` (what Alembic env.py files, knexfiles, node-pg-migrate, Rails and
 * dj-database-url read) and the libpq variables (`PGHOST` …, what psql, Sqitch and any libpq
 * client fall back to when their own URL leaves a part out).
 */

/**
 * The URL with the `postgresql://` scheme: libpq, node-postgres, Rails and Django accept both
 * spellings, SQLAlchemy (Alembic) only this one.
 */
export function postgresqlUrl(url: string): string {
  return url.replace(/^postgres:\/\//, 'postgresql://');
}

/** DATABASE_URL and PG* variables for `url`. */
export function databaseEnv(url: string): Record<string, string> {
  const env: Record<string, string> = { DATABASE_URL: postgresqlUrl(url) };
  let parsed: URL;
  try {
    parsed = new URL(postgresqlUrl(url));
  } catch {
    return env;
  }
  const host = parsed.searchParams.get('host') ?? decodeURIComponent(parsed.hostname);
  if (host) env.PGHOST = host.replace(/^\[(.*)\]$/, '$1');
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  return env;
}

/**
 * Inherited libpq variables that would send a tool elsewhere or change how it connects
 * (a service file, another database); the scratch database's own values replace them.
 */
export const CLEARED_PG_VARIABLES = ['PGSERVICE', 'PGSERVICEFILE', 'PGHOSTADDR', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGHOST', 'PGPORT', 'PGOPTIONS'];
