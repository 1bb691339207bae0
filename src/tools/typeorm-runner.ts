/**
 * The Node program that runs one TypeORM step with the project's own TypeORM, through the
 * DataSource API the `typeorm` CLI uses (MigrationRunCommand / MigrationRevertCommand):
 *
 * 1. The project root is the nearest directory with a package.json above the migrations; the
 *    program runs there (dotenv files and relative paths in the data source resolve as usual).
 * 2. TypeScript is loaded through the project's ts-node (as `typeorm-ts-node-commonjs` does, but
 *    transpile-only: type errors are the compiler's business, not the migration's), else tsx.
 * 3. The data source file is the one the project's scripts pass to the CLI (`-d <file>` in a
 *    package.json script that runs typeorm; `-f <ormconfig>` for TypeORM 0.2), else
 *    `src/data-source.ts` and similar usual places, else `ormconfig.ts/js/json`, else a bare
 *    PostgreSQL DataSource. It must export exactly one DataSource, as for the CLI, or (0.2) the
 *    connection options, which become one. Its entities matter: TypeORM installs the extensions
 *    they need (uuid-ossp for uuid columns) when it connects.
 * 4. Its connection is replaced by the scratch database (`setOptions`, TypeORM's documented way
 *    to change options before `initialize()`): url, host, port, credentials, database; `ssl`,
 *    `replication` and connection keys in `extra` are dropped. Every DataSource initialized in
 *    the process gets the same treatment, so a data source file that connects on import cannot
 *    reach the app's configured database either.
 * 5. TypeORM sees only the migration files up to the one being applied (ROLLBACK_VERIFY_MIGRATIONS,
 *    in TypeORM's order): `runMigrations()` then applies exactly that one, `undoLastMigration()`
 *    reverts it. The bookkeeping table is kept as `migrations` (TypeORM's default), whatever
 *    `migrationsTableName` says, so rollback-verify can leave it out of snapshots and seeding.
 * 6. The transaction mode is the CLI's: `--transaction` of the project's `migration:run` script,
 *    else the data source's `migrationsTransactionMode`, else `all`.
 *
 * Exit codes: 0 done; 1 the migration failed (the error, inspected, on stderr, where its stack
 * names the migration file and line); 3 the tool could not start (one line on stderr, prefixed
 * with ENVIRONMENT_PREFIX: a missing package, a data source that does not load).
 */
import { ENVIRONMENT_EXIT, ENVIRONMENT_PREFIX } from './runner-environment.js';

export const TYPEORM_RUNNER = String.raw`'use strict';
const path = require('path');
const fs = require('fs');
const util = require('util');
const { createRequire } = require('module');

function environment(message) {
  process.stderr.write('${ENVIRONMENT_PREFIX}' + message + '\n');
  process.exit(${ENVIRONMENT_EXIT});
}
function fail(err) {
  process.stderr.write(util.inspect(err, { depth: 2 }) + '\n');
  process.exit(1);
}

const command = process.argv[1];
// Paths relative to the migrations directory, the working directory the step starts in: a long
// history of absolute paths could outgrow what one environment variable may hold.
const files = (process.env.ROLLBACK_VERIFY_MIGRATIONS || '').split('\n').filter(Boolean).map((f) => path.resolve(f));
const url = process.env.ROLLBACK_VERIFY_DATABASE_URL;

function projectRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}
const root = projectRoot(path.dirname(files[0]));
process.chdir(root);
const req = createRequire(path.join(root, 'package.json'));
const rel = (p) => path.relative(root, p) || '.';

function load(name, hint) {
  try {
    return req(name);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes("'" + name + "'")) environment(hint);
    environment(name + ' does not load in ' + root + ': ' + err.message.split('\n')[0]);
  }
}

function scripts() {
  try {
    return Object.values(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts || {}).filter((s) => typeof s === 'string');
  } catch {
    return [];
  }
}

function dataSourceFile() {
  for (const s of scripts()) {
    if (!/\btypeorm\b/.test(s) && !/typeorm-ts-node/.test(s)) continue;
    // -d/--dataSource (0.3); -f/--config names an ormconfig file (0.2).
    const m = /(?:^|\s)(?:-d|--dataSource|--data-source|-f|--config)(?:=|\s+)("[^"]+"|'[^']+'|\S+)/.exec(s);
    if (m) return { file: path.resolve(root, m[1].replace(/^["']|["']$/g, '')), from: 'package.json scripts' };
  }
  const usual = ['src/data-source.ts', 'src/data-source.js', 'data-source.ts', 'data-source.js', 'src/datasource.ts', 'src/db/data-source.ts', 'src/database/data-source.ts', 'src/config/data-source.ts'];
  for (const c of usual.concat(['ormconfig.ts', 'ormconfig.js', 'ormconfig.json'])) {
    const file = path.join(root, c);
    if (fs.existsSync(file)) return { file, from: 'its usual place' };
  }
  return undefined;
}

function transactionMode() {
  for (const s of scripts()) {
    if (!/migration:run/.test(s)) continue;
    const m = /(?:^|\s)(?:-t|--transaction)(?:=|\s+)(all|each|none|false)\b/.exec(s);
    if (m) return m[1] === 'false' ? 'none' : m[1];
  }
  return undefined;
}

function registerTypeScript() {
  const resolveFrom = (name) => {
    try {
      return req.resolve(name);
    } catch {
      return undefined;
    }
  };
  if (resolveFrom('ts-node')) {
    req('ts-node').register({ transpileOnly: true });
    return;
  }
  if (resolveFrom('tsx/cjs/api')) {
    req('tsx/cjs/api').register();
    return;
  }
  environment("TypeScript migrations need ts-node (or tsx) in the project, as typeorm-ts-node-commonjs does: npm install --save-dev ts-node typescript");
}

function scratchConnection() {
  const u = new URL(url);
  return {
    url,
    host: u.searchParams.get('host') || decodeURIComponent(u.hostname),
    port: u.port ? Number(u.port) : 5432,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    ssl: false,
    replication: undefined,
  };
}

function pointAtScratch(ds, extra) {
  const ext = Object.assign({}, ds.options.extra || {});
  for (const k of ['host', 'port', 'user', 'password', 'database', 'connectionString', 'ssl']) delete ext[k];
  ds.setOptions(Object.assign(scratchConnection(), { extra: ext, synchronize: false, migrationsRun: false, dropSchema: false }, extra));
  if (ds.driver) {
    ds.driver.isReplicated = false;
    ds.driver.database = ds.options.database;
  }
}

async function importFile(file) {
  let importOrRequire;
  try {
    importOrRequire = req('typeorm/util/ImportUtils').importOrRequireFile;
  } catch {}
  if (importOrRequire) return (await importOrRequire(file))[0];
  return require(file);
}

function classesOf(exported, out) {
  if (typeof exported === 'function') out.push(exported);
  else if (Array.isArray(exported)) exported.forEach((e) => classesOf(e, out));
  else if (exported && typeof exported === 'object') Object.values(exported).forEach((e) => classesOf(e, out));
  return out;
}

async function main() {
  const typeorm = load('typeorm', "typeorm is not installed in " + root + ": install the project's packages first (npm ci)");
  try {
    req.resolve('pg');
  } catch {
    environment("the PostgreSQL driver 'pg' is not installed in " + root + ": install the project's packages first (npm ci)");
  }
  const found = dataSourceFile();
  if (files.some((f) => /\.[cm]?ts$/.test(f)) || (found && /\.[cm]?ts$/.test(found.file))) registerTypeScript();

  // Every DataSource in this process talks to the scratch database, even one the project's
  // data source file initializes on import.
  const initialize = typeorm.DataSource.prototype.initialize;
  typeorm.DataSource.prototype.initialize = function () {
    pointAtScratch(this, {});
    return initialize.call(this);
  };

  let ds;
  if (found) {
    if (!fs.existsSync(found.file)) environment('the data source ' + rel(found.file) + ' (from ' + found.from + ') does not exist: build the project first, or pass the data source file');
    let exported;
    try {
      exported = await importFile(found.file);
    } catch (err) {
      environment('the data source ' + rel(found.file) + ' does not load: ' + String(err && err.message).split('\n')[0]);
    }
    const candidates = [];
    const isDs = (v) => v instanceof typeorm.DataSource || (v && v['@instanceof'] === Symbol.for('DataSource'));
    if (isDs(exported)) candidates.push(exported);
    else if (exported && typeof exported === 'object') for (const v of Object.values(exported)) if (isDs(await v)) candidates.push(await v);
    if (candidates.length === 0) {
      // TypeORM 0.2's ormconfig exports connection options (one set, or a list named 'default').
      let options = exported && exported.default !== undefined ? exported.default : exported;
      if (Array.isArray(options)) options = options.find((o) => !o.name || o.name === 'default');
      if (options && typeof options === 'object' && typeof options.type === 'string') candidates.push(new typeorm.DataSource(options));
    }
    if (candidates.length !== 1) environment('the data source ' + rel(found.file) + ' must export exactly one DataSource instance (found ' + candidates.length + ')');
    ds = candidates[0];
  } else {
    ds = new typeorm.DataSource({ type: 'postgres' });
  }
  if (ds.options.type !== 'postgres') environment('the data source ' + (found ? rel(found.file) : '') + " is for '" + ds.options.type + "': rollback-verify runs PostgreSQL");
  if (ds.isInitialized) await ds.destroy();

  const migrations = [];
  for (const file of files) {
    let exported;
    try {
      exported = await importFile(file);
    } catch (err) {
      fail(err);
    }
    migrations.push(...classesOf(exported, []));
  }
  const transaction = transactionMode() || ds.options.migrationsTransactionMode || 'all';
  pointAtScratch(ds, { migrations, migrationsTableName: 'migrations', subscribers: [], logging: ['error'] });
  try {
    await ds.initialize();
  } catch (err) {
    environment('the data source ' + (found ? rel(found.file) + ' ' : '') + 'did not initialize: ' + String(err && err.message).split('\n')[0]);
  }
  try {
    if (command === 'migration:run') await ds.runMigrations({ transaction });
    else await ds.undoLastMigration({ transaction });
  } catch (err) {
    await ds.destroy().catch(() => {});
    fail(err);
  }
  await ds.destroy();
  process.exit(0);
}
main().catch(fail);
`;
