/**
 * The Node program that runs one Sequelize step: the project's own sequelize-cli (`db:migrate
 * --to <file>` / `db:migrate:undo --name <file>`, with `--migrations-path`), in this process, with
 * one change: its `--config` is a generated one. sequelize-cli reads the connection from the
 * config file (or `--url`, which drops every other setting of the file), so the generated config
 * is the project's own (the file `.sequelizerc` names, else config/config.js or .json; the section
 * of NODE_ENV, default development; a function or promise resolved) with the connection replaced
 * through sequelize-cli's documented `use_env_variable`, pointing at the scratch database:
 * host, port, credentials, database, url, `ssl`, `replication` and `dialectOptions.ssl` are
 * dropped. Migration bookkeeping stays in the `SequelizeMeta` table (a `json` storage would write
 * into the work tree; a custom table name or schema would hide it from rollback-verify).
 *
 * The project root is where `.sequelizerc` is, else the nearest package.json, above the
 * migrations; sequelize-cli runs there. TypeScript migrations load through the project's
 * ts-node (transpile-only) or tsx.
 *
 * Exit codes: sequelize-cli's (0 done, 1 the migration failed), or 3 with one line on stderr
 * (src/tools/runner-environment.ts) when sequelize-cli cannot start: a missing package, a config
 * that does not load or is not for PostgreSQL.
 */
import { LAUNCHER_URL_VARIABLE } from './alembic-launch.js';
import { ENVIRONMENT_EXIT, ENVIRONMENT_PREFIX } from './runner-environment.js';

export const SEQUELIZE_RUNNER = String.raw`'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const { pathToFileURL } = require('url');
const { createRequire } = require('module');

function environment(message) {
  process.stderr.write('${ENVIRONMENT_PREFIX}' + message + '\n');
  process.exit(${ENVIRONMENT_EXIT});
}

const args = process.argv.slice(1);
const migrationsPath = args[args.indexOf('--migrations-path') + 1];

// The project root: where .sequelizerc is (sequelize-cli reads it from its working directory),
// else the nearest package.json.
function projectRoot(from) {
  let pkg;
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.sequelizerc'))) return dir;
    if (!pkg && fs.existsSync(path.join(dir, 'package.json'))) pkg = dir;
    if (path.dirname(dir) === dir) return pkg || from;
  }
}
const root = projectRoot(migrationsPath);
process.chdir(root);
const req = createRequire(path.join(root, 'package.json'));
const rel = (p) => path.relative(root, p) || '.';
const resolves = (name) => {
  try {
    return req.resolve(name);
  } catch {
    return undefined;
  }
};

function cliBin() {
  const pkgFile = resolves('sequelize-cli/package.json');
  if (!pkgFile) environment("sequelize-cli is not installed in " + root + ": install the project's packages first (npm ci; npm install --save-dev sequelize-cli)");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin && (pkg.bin['sequelize-cli'] || pkg.bin.sequelize);
  if (!bin) environment('sequelize-cli in ' + rel(path.dirname(pkgFile)) + ' has no command line');
  return path.resolve(path.dirname(pkgFile), bin);
}

// The options sequelize-cli reads from .sequelizerc (a module exporting yargs defaults).
function rcOptions() {
  const rc = path.join(root, '.sequelizerc');
  if (!fs.existsSync(rc)) return {};
  try {
    return require(rc) || {};
  } catch (err) {
    environment('.sequelizerc does not load: ' + String(err && err.message).split('\n')[0]);
  }
}

// The config file sequelize-cli would load: --config from .sequelizerc, else config/config.js(on).
function configFile(rc) {
  if (rc.config) return path.resolve(root, rc.config);
  const json = path.join(root, 'config', 'config.json');
  const js = json.replace(/\.json$/, '.js');
  return fs.existsSync(js) ? js : json;
}

async function loadConfig(file) {
  if (!fs.existsSync(file)) return {};
  let config;
  try {
    config = file.endsWith('.json') ? require(file) : await (await import(pathToFileURL(file).href)).default;
    if (typeof config === 'function') config = config.length === 1 ? await new Promise((ok, no) => config((e, v) => (e ? no(e) : ok(v)))) : await config();
  } catch (err) {
    environment('the config ' + rel(file) + ' does not load: ' + String(err && err.message).split('\n')[0]);
  }
  if (!config || typeof config !== 'object') environment('the config ' + rel(file) + ' must be an object or a promise for an object');
  return config;
}

// The environment's section with the connection replaced by the scratch database, through the
// documented use_env_variable; the bookkeeping kept in the SequelizeMeta table sequelize-cli uses
// by default (a json storage would write sequelize-meta.json into the work tree).
function scratchConfig(raw, file) {
  const env = process.env.NODE_ENV || 'development';
  const section = Object.assign({}, raw[env] || raw);
  const dialect = section.dialect;
  if (dialect && dialect !== 'postgres' && dialect !== 'postgresql') {
    environment('the config ' + rel(file) + ' (environment ' + env + ") is for '" + dialect + "': rollback-verify runs PostgreSQL");
  }
  for (const k of ['url', 'host', 'port', 'username', 'password', 'database', 'protocol', 'ssl', 'replication', 'native', 'migrationStorageTableSchema', 'migrationStoragePath']) delete section[k];
  if (section.dialectOptions && typeof section.dialectOptions === 'object') {
    section.dialectOptions = Object.assign({}, section.dialectOptions);
    delete section.dialectOptions.ssl;
  }
  return Object.assign(section, {
    dialect: 'postgres',
    use_env_variable: '${LAUNCHER_URL_VARIABLE}',
    migrationStorage: 'sequelize',
    migrationStorageTableName: 'SequelizeMeta',
  });
}

// sequelize-cli prints a failure as 'ERROR: <message>' and exits 1. Before that, print the error
// the way Node does (name, message, stack, the PostgreSQL error code), so the report can say which
// migration line failed and with which SQLSTATE.
function reportErrorsWithStack(bin) {
  let view;
  try {
    // Through the helpers' index, which sequelize-cli's commands use (and which loads them in order).
    view = require(path.join(path.dirname(bin), 'helpers', 'index.js')).view;
  } catch {
    return;
  }
  if (!view || typeof view.error !== 'function') return;
  const error = view.error;
  view.error = function (err) {
    if (err instanceof Error) {
      const original = err.original || err.parent;
      const frames = String(err.stack || '').split('\n').filter((l) => /^\s+at /.test(l));
      const code = original && typeof original.code === 'string' ? "\n  code: '" + original.code + "'" : '';
      process.stderr.write((err.name || 'Error') + ': ' + err.message + '\n' + frames.join('\n') + code + '\n');
    }
    return error.apply(this, arguments);
  };
}

async function main() {
  const bin = cliBin();
  if (!resolves('sequelize')) environment("sequelize is not installed in " + root + ": install the project's packages first (npm ci)");
  if (!resolves('pg')) environment("the PostgreSQL driver 'pg' is not installed in " + root + ": install the project's packages first (npm ci; npm install pg)");
  const rc = rcOptions();
  const file = configFile(rc);
  const config = scratchConfig(await loadConfig(file), file);
  if (fs.readdirSync(migrationsPath).some((f) => /\.[cm]?ts$/.test(f) && !/\.d\.ts$/.test(f))) {
    if (resolves('ts-node')) req('ts-node').register({ transpileOnly: true });
    else if (resolves('tsx/cjs/api')) req('tsx/cjs/api').register();
    else environment('TypeScript migrations need ts-node (or tsx) in the project: npm install --save-dev ts-node typescript');
  }

  // sequelize-cli loads its config from a file: a generated one in a temp dir, removed on exit,
  // hands it the object built here (functions such as a logging option included).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-sequelize-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(128 + os.constants.signals[signal]));
  const generated = path.join(dir, 'config.cjs');
  globalThis.__rollbackVerifySequelizeConfig = config;
  fs.writeFileSync(generated, 'module.exports = globalThis.__rollbackVerifySequelizeConfig;\n');
  // sequelize-cli's helpers read process.argv when they load: set it first.
  process.argv = [process.argv[0], bin, ...args, '--config', generated];
  reportErrorsWithStack(bin);
  require(bin);
}
main().catch((err) => {
  process.stderr.write(require('util').inspect(err) + '\n');
  process.exit(1);
});
`;
