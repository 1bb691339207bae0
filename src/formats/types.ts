/**
 * The contract between migration formats (pure parsers) and the engine (which executes).
 * A format turns the files of a migrations directory into migrations in the order the real tool
 * applies them, and says how the real tool sends each script to PostgreSQL, so the engine can
 * replay it with the same transaction and statement boundaries.
 */
import type { Problem } from '../result/types.js';
import type { FormatName } from './names.js';

/** A file of the migrations directory, read up front (from the work tree or from git at a ref). */
export interface SourceFile {
  /** Path relative to the migrations directory, with forward slashes. */
  path: string;
  content: string;
  /**
   * Why the file could not be read as text (binary, not UTF-8, too large); `content` is then
   * empty. Only an error when a migration uses the file: a project may keep images or docs
   * beside its migrations (a Sqitch project's doc/assets/*.png).
   */
  unreadable?: string;
}

/**
 * How the real tool wraps a script in a transaction.
 * - `wrap`: BEGIN … COMMIT around the whole script (dbmate, goose, Flyway, diesel, pop).
 * - `implicit`: the whole script in one simple-query message, which PostgreSQL runs as one
 *   implicit transaction unless the script has its own BEGIN/COMMIT (golang-migrate, Prisma).
 * - `none`: every statement commits on its own (goose `NO TRANSACTION`, dbmate `transaction:false`
 *   when split, Flyway non-transactional statements).
 */
export type TransactionMode = 'wrap' | 'implicit' | 'none';

/** A statement as the tool sends it, with the 1-based line in the file where it starts. */
export interface SqlStatement {
  sql: string;
  line: number;
}

export interface SqlScript {
  kind: 'sql';
  /** Display path of the file, relative to the repository root when known. */
  file: string;
  /** The part of the file the tool runs for this direction. */
  text: string;
  /** 1-based line in `file` where `text` starts. */
  line: number;
  transaction: TransactionMode;
  /**
   * The statements the tool sends one by one, when it splits the script itself (goose, Flyway).
   * Undefined when the tool sends `text` as one message (golang-migrate, dbmate, Prisma, diesel).
   */
  statements?: SqlStatement[];
}

/** A migration step run by the team's own tool as a program (Alembic, Knex, a shell command). */
export interface CommandScript {
  kind: 'command';
  file: string;
  line?: number;
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
  /**
   * Runs through a tool-specific launcher instead of argv[0] as is. `alembic`: Alembic's own
   * command line, with `sqlalchemy.url` set to the scratch database (src/tools/alembic-launch.ts).
   * `typeorm`, `sequelize`: the project's own package driven by a Node runner pointed at the
   * scratch database (src/tools/typeorm-runner.ts, sequelize-runner.ts); `laravel`: the app's
   * Artisan commands through its console kernel, on a scratch connection (laravel-runner.ts).
   * `rails` / `django`: argv is the framework's own command for one migration
   * (`bin/rails db:migrate:up VERSION=…`, `manage.py migrate <app> <target>`), run with the same
   * code by one long-lived process per app and run, which boots the framework once
   * (src/tools/framework-step.ts).
   */
  launcher?: 'alembic' | 'typeorm' | 'sequelize' | 'laravel' | 'rails' | 'django';
  /** Other files this step runs (display paths), so an error located in one is attributed to it. */
  extraFiles?: string[];
  /**
   * The step's code does nothing (an empty `downgrade()`, `exports.down = () => {}`, a Sqitch
   * revert holding only BEGIN/COMMIT): the tool still runs it (and updates its bookkeeping), and
   * the protocol judges it by what it leaves.
   */
  empty?: boolean;
  /**
   * The code this step runs (e.g. a revision's `upgrade()`), compared across git refs to find
   * edited merged migrations: the argv of a tool's command does not change when the code does.
   */
  source?: string;
}

export type Script = SqlScript | CommandScript;

/** Marker comments a migration may carry (documented in the README). */
export type Marker = 'irreversible' | 'down-loses-data';

export interface Migration {
  /** The version as the tool names it (`000002`, `20240101120000`, `1.10`). */
  id: string;
  name: string;
  up: Script;
  /** Undefined when there is no down at all (no file, no section). */
  down?: Script;
  /** Every file this migration consists of, relative to the migrations directory. */
  files: string[];
  /** Markers found in the migration's files, with where they were found. */
  markers: Partial<Record<Marker, { file: string; line: number }>>;
  /**
   * A query over the tool's own bookkeeping (e.g. `alembic_version`) whose result after the down
   * must equal its result before the up: a down that undoes the schema but leaves the tool
   * believing the migration is applied breaks the next deploy. A missing table reads as ''.
   */
  toolState?: { sql: string; table: string };
  /** Added to a missing-down problem: how the tool generates a down (e.g. Prisma's migrate diff). */
  missingDownHint?: string;
  /** Where the down would live when there is none (Sqitch's revert/<change>.sql), for a missing-down problem. */
  downPath?: string;
  /**
   * What the migration needs that the run does not create (a Sqitch change of another project):
   * when its up fails on a missing object, that is reported as the setup gap it is, with `provide`.
   */
  external?: { needs: string[]; provide: string };
}

export type { FormatName } from './names.js';

export interface MigrationFormat {
  name: FormatName;
  /**
   * Qualified names of tables the tool itself keeps (e.g. `public.alembic_version`): left out of
   * snapshots and seeding. Native formats create none, since the engine applies their SQL itself.
   */
  bookkeepingTables?: string[];
  /** True when these paths look like this format; auto-detection needs exactly one match. */
  detect(files: readonly SourceFile[]): boolean;
  /**
   * Parses files into migrations in the order the real tool applies them.
   * Throws ConfigError naming the file (and line) on input the real tool would reject.
   * `displayDir` is the migrations directory as the user named it, prefixed to file paths.
   */
  parse(files: readonly SourceFile[], displayDir: string, context?: ParseContext): Migration[];
  /**
   * Plan problems only the tool's own model can see (Alembic: a second head). When present, it
   * replaces the generic check that a new migration sorts after the newest baseline one, which
   * means nothing for a revision graph. `baseline` is empty without a base ref.
   */
  planProblems?(head: Migration[], baseline: Migration[]): Problem[];
  /**
   * Steps the tool must have run before the new migrations can be applied one at a time that are
   * not migrations of this directory (Django: the other apps' migrations the new ones depend on).
   * The plan appends them to the baseline; they are never verified themselves.
   */
  baselineSteps?(fresh: readonly Migration[]): Migration[];
}

/** Where the files live on disk, for formats whose steps run the team's own tool as a program. */
export interface ParseContext {
  /** Absolute path of the migrations directory in the work tree. */
  absDir: string;
  /** Absolute working directory of the run. */
  cwd: string;
  /** Tool settings from flags/inputs (e.g. alembic config, up/down commands). */
  tool: Record<string, string>;
}
