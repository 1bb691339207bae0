/**
 * The registry of migration formats, lookup by name and auto-detection.
 *
 * Detection asks every format whether the files look like its own and needs exactly one yes.
 * The formats' detect rules are chosen not to overlap on real projects:
 * - golang-migrate and pop both accept `<n>_<name>.up.sql`. pop claims a directory only when
 *   some file shows a pop-only feature (a `.fizz` file, or a dialect/`.autocommit` infix such as
 *   `.postgres.up.sql`); plain files stay golang-migrate's. Timestamps cannot separate them:
 *   `migrate create` also writes 14-digit timestamps by default. For plain files the two tools
 *   behave alike (one message, the version order agrees for same-length versions);
 *   `--format pop` forces pop.
 * - dbmate and goose both use `<n>_<name>.sql`; they are told apart by their directives
 *   (`-- migrate:up` vs `-- +goose Up`); rollback-sql needs a `.rollback.sql` file.
 * - prisma (`<n>_<name>/migration.sql`) and diesel (`<n…>/up.sql`) differ by file name.
 */
import { ConfigError } from '../errors.js';
import { alembic } from './alembic.js';
import { commands } from './commands.js';
import { dbmate } from './dbmate.js';
import { django } from './django.js';
import { diesel } from './diesel.js';
import { flyway } from './flyway.js';
import { golangMigrate } from './golang-migrate.js';
import { goose } from './goose.js';
import { knex } from './knex.js';
import { laravel } from './laravel.js';
import { nodePgMigrate } from './node-pg-migrate.js';
import { pop } from './pop.js';
import { prisma } from './prisma.js';
import { rails } from './rails.js';
import { rollbackSql } from './rollback-sql.js';
import { sequelize } from './sequelize.js';
import { sqitch } from './sqitch.js';
import { typeorm } from './typeorm.js';
import type { FormatName, MigrationFormat, SourceFile } from './types.js';

/** Every SQL format rollback-verify runs natively, in the order they are listed to users. */
export const FORMATS: readonly MigrationFormat[] = [
  golangMigrate,
  dbmate,
  goose,
  flyway,
  prisma,
  rollbackSql,
  diesel,
  pop,
  // Tool-driven formats: the team's own tool runs each step (src/tools/). `commands` never
  // claims a directory by itself; it is chosen with --format commands.
  alembic,
  sqitch,
  nodePgMigrate,
  knex,
  typeorm,
  sequelize,
  laravel,
  // Web frameworks: one long-lived process per app drives the framework's own migrate command.
  rails,
  django,
  commands,
];

/** What each format's files look like, for messages. */
const SHAPES: Partial<Record<FormatName, string>> = {
  'golang-migrate': '<n>_<name>.up.sql/.down.sql',
  dbmate: '<n>_<name>.sql with -- migrate:up',
  goose: '<n>_<name>.sql with -- +goose Up',
  flyway: 'V<version>__<name>.sql',
  prisma: '<timestamp>_<name>/migration.sql',
  'rollback-sql': '<n>_<name>.sql + .rollback.sql',
  diesel: '<version>_<name>/up.sql',
  pop: '<ts>_<name>[.postgres][.autocommit].up.sql',
  alembic: 'alembic.ini, or env.py + versions/',
  sqitch: 'sqitch.plan + deploy/ revert/',
  'node-pg-migrate': '<n>_<name>.js using pgm',
  knex: 'knexfile.js, or <n>_<name>.js using knex',
  typeorm: '<timestamp>-<Name>.ts with a MigrationInterface class',
  sequelize: '<ts>-<name>.js with up(queryInterface, Sequelize)',
  laravel: '<YYYY_MM_DD_HHMMSS>_<name>.php extending Migration',
  rails: 'db/migrate/<version>_<name>.rb (ActiveRecord::Migration)',
  django: '<app>/migrations/<name>.py (migrations.Migration)',
};

/** The format called `name`; ConfigError listing the known names otherwise. */
export function getFormat(name: string): MigrationFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (!format) {
    throw new ConfigError(`unknown format '${name}' (expected one of: ${FORMATS.map((f) => f.name).join(', ')})`);
  }
  return format;
}

/**
 * The one format whose files these are. ConfigError when none matches (listing what each
 * format expects) or several do (naming them and pointing at `--format`).
 */
export function detectFormat(files: readonly SourceFile[], displayDir = '.'): MigrationFormat {
  const matches = FORMATS.filter((f) => f.detect(files));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const expected = FORMATS.filter((f) => SHAPES[f.name]).map((f) => `${f.name} (${SHAPES[f.name]})`).join(', ');
    throw new ConfigError(`no migration format recognised in ${displayDir}: expected ${expected}`);
  }
  const names = matches.map((f) => f.name);
  throw new ConfigError(
    `${displayDir} looks like more than one migration format (${names.join(' and ')}); choose one with --format ${names[0]}`,
  );
}
