/** CLI flags → the shared VerifyOptions, validated once, errors naming the flag. */
import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import {
  DEFAULT_OPTIONS, TOOL_SETTING_KEYS, parseCount, parseImage, parsePostgresMajor, parseFailOn, parseFormat, parseMode, parseProvider, parseSeconds, type VerifyOptions,
} from './options.js';
import { parseDatabaseUrl } from './postgres/url.js';

export interface CliRequest {
  options: VerifyOptions;
  json?: string;
  markdown?: string;
  color: boolean | undefined;
  verbose: boolean;
  help: boolean;
  version: boolean;
}

export const HELP = `Usage: rollback-verify [options] [migrations-dir]

Proves that database migrations roll back: replays each new migration up → down → up on a
throwaway PostgreSQL and checks that the down restores the schema and the data exactly.

Options:
  --format <name>           auto (default), golang-migrate, dbmate, goose, flyway, prisma,
                            rollback-sql, diesel, pop, alembic, sqitch, node-pg-migrate, knex,
                            rails, django, commands
  --alembic-config <file>   alembic.ini to use (default: in the migrations dir, else ./alembic.ini)
  --up-command <cmd>        commands format: applies one migration; {id} {name} {file} are
                            filled in, DATABASE_URL points at the scratch database
  --down-command <cmd>      commands format: reverts one migration
  --list-glob <glob>        commands format: migration files in the dir (default *), name order
  --list-command <cmd>      commands format: prints the migrations in order, one per line
  --postgres <provider>     auto (default: url, then embedded, then system), embedded, system,
                            url, docker
  --database-url <url>      use this server; a scratch database is created and dropped in it
  --postgres-version <n>    major version for the system and docker providers (15-18)
  --postgres-image <image>  docker provider: image instead of postgres:<version> (e.g. pgvector)
  --base <git-ref>          migrations that exist at this ref are the baseline; the rest are new
  --from <version>          without --base: the first version that counts as new
  --mode <step|chain>       step (default): each migration up/down/up; chain: the new ones as a group
  --fail-on <list>          what fails the run besides errors: warning, or problem kinds
                            (e.g. irreversible,column-order); default: error
  --strict-column-order     a column moved by a rollback is an error, not a warning
  --seed-rows <n>           synthetic rows per table before verifying (default 1000; 0: off)
  --seed-file <file>        SQL run after the baseline to load data of your own
  --max-up-seconds <s>      an up slower than this is a problem (default 30)
  --max-down-seconds <s>    a down slower than this is a problem (default 30)
  --max-total-seconds <s>   the whole run slower than this is a problem (default off)
  --statement-timeout <s>   cancel any statement running longer (default 600)
  --no-trace-locks          do not trace locks, rewrites and validation scans per statement
  --max-lock-ms <ms>        a lock blocking reads or writes held longer is an error (default off)
  --require-lock-timeout    warn when a migration takes such a lock without setting lock_timeout
  --json <file>             write the JSON report (contract version 1)
  --markdown <file>         write the Markdown report (the PR comment body)
  --no-color                plain output (NO_COLOR is respected too)
  --verbose                 more detail on stderr
  -h, --help                this help
  -v, --version             the version

Exit codes: 0 pass, 1 verification failed, 2 usage, configuration or environment error.
`;

export function parseCli(argv: string[], cwd: string): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        postgres: { type: 'string' },
        'database-url': { type: 'string' },
        'postgres-version': { type: 'string' },
        'postgres-image': { type: 'string' },
        base: { type: 'string' },
        from: { type: 'string' },
        mode: { type: 'string' },
        'fail-on': { type: 'string' },
        'strict-column-order': { type: 'boolean' },
        'seed-rows': { type: 'string' },
        'seed-file': { type: 'string' },
        'max-up-seconds': { type: 'string' },
        'max-down-seconds': { type: 'string' },
        'max-total-seconds': { type: 'string' },
        'statement-timeout': { type: 'string' },
        'no-trace-locks': { type: 'boolean' },
        'max-lock-ms': { type: 'string' },
        'require-lock-timeout': { type: 'boolean' },
        json: { type: 'string' },
        markdown: { type: 'string' },
        'alembic-config': { type: 'string' },
        'up-command': { type: 'string' },
        'down-command': { type: 'string' },
        'list-glob': { type: 'string' },
        'list-command': { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  const v = parsed.values;
  if (parsed.positionals.length > 1) {
    throw new ConfigError(`one migrations directory expected, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  }
  const dir = parsed.positionals[0];
  const help = Boolean(v.help);
  const version = Boolean(v.version);
  if (!dir && !help && !version) throw new ConfigError('missing the migrations directory (rollback-verify [options] <migrations-dir>; see --help)');
  const options: VerifyOptions = {
    ...DEFAULT_OPTIONS,
    migrationsDir: dir ?? '.',
    cwd,
    ...(v.format !== undefined ? { format: parseFormat(v.format) } : {}),
    ...(v.postgres !== undefined ? { provider: parseProvider(v.postgres) } : {}),
    ...(v['database-url'] !== undefined ? { databaseUrl: v['database-url'] } : {}),
    ...(v['postgres-version'] !== undefined ? { postgresMajor: parsePostgresMajor(v['postgres-version']) } : {}),
    ...(v['postgres-image'] !== undefined ? { postgresImage: parseImage(v['postgres-image']) } : {}),
    ...(v.base !== undefined ? { base: v.base } : {}),
    ...(v.from !== undefined ? { from: v.from } : {}),
    ...(v.mode !== undefined ? { mode: parseMode(v.mode) } : {}),
    ...(v['fail-on'] !== undefined ? { failOn: parseFailOn(v['fail-on']) } : {}),
    strictColumnOrder: Boolean(v['strict-column-order']),
    ...(v['seed-rows'] !== undefined ? { seedRows: parseCount(v['seed-rows'], '--seed-rows') } : {}),
    ...(v['seed-file'] !== undefined ? { seedFile: v['seed-file'] } : {}),
    ...(v['max-up-seconds'] !== undefined ? { maxUpSeconds: parseSeconds(v['max-up-seconds'], '--max-up-seconds') } : {}),
    ...(v['max-down-seconds'] !== undefined ? { maxDownSeconds: parseSeconds(v['max-down-seconds'], '--max-down-seconds') } : {}),
    ...(v['max-total-seconds'] !== undefined ? { maxTotalSeconds: parseSeconds(v['max-total-seconds'], '--max-total-seconds') } : {}),
    ...(v['statement-timeout'] !== undefined ? { statementTimeoutSeconds: parseSeconds(v['statement-timeout'], '--statement-timeout') } : {}),
    ...(v['no-trace-locks'] ? { traceLocks: false } : {}),
    ...(v['max-lock-ms'] !== undefined ? { maxLockMs: parseCount(v['max-lock-ms'], '--max-lock-ms') } : {}),
    ...(v['require-lock-timeout'] ? { requireLockTimeout: true } : {}),
  };
  // Settings of the tool-driven formats, keyed like the flags (src/formats/alembic.ts, commands.ts).
  const tool: Record<string, string> = {};
  for (const key of TOOL_SETTING_KEYS) {
    const value = v[key];
    if (value !== undefined) tool[key] = value;
  }
  if (Object.keys(tool).length) options.tool = { ...options.tool, ...tool };
  // Checked with the other flags, before a plan is read or a server is touched (as the action does).
  if (options.databaseUrl !== undefined) parseDatabaseUrl(options.databaseUrl, '--database-url');
  if (options.provider === 'url' && !options.databaseUrl) throw new ConfigError('--postgres url needs --database-url');
  if (options.databaseUrl && options.provider !== 'auto' && options.provider !== 'url') {
    throw new ConfigError(`--database-url cannot be combined with --postgres ${options.provider}`);
  }
  return {
    options,
    json: v.json,
    markdown: v.markdown,
    color: v['no-color'] ? false : v.color ? true : undefined,
    verbose: Boolean(v.verbose),
    help,
    version,
  };
}
