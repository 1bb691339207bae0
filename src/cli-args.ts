/**
 * CLI arguments → option values, through the one option table: the flags, their values and the
 * operand are read here, parsed by the table's parsers, and checked by validateOptions (the same
 * rules as the action). An unknown flag is answered in our own words with the closest known one.
 */
import { ConfigError } from './errors.js';
import { CLI_OPTIONS, flagOf, inputOf, OPTIONS, type OptionSpec, type OptionValues } from './options/table.js';
import { parseOptionValues, type RawOptions } from './options/read.js';
import { validateOptions } from './options/validate.js';
import { renderHelp, USAGE } from './options/render.js';

export const HELP = renderHelp();

/** What the command line asked for. */
export type CliRequest = Partial<OptionValues> & { help: boolean; version: boolean; verbose: boolean };

const SEE_HELP = `(${USAGE}; see --help)`;

/** Edit distance with adjacent transpositions (a typo's usual shapes). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Every spelling the CLI accepts, `--name` → its option (and whether it negates a boolean). */
function flagTable(): Map<string, { spec: OptionSpec; negated: boolean }> {
  const table = new Map<string, { spec: OptionSpec; negated: boolean }>();
  for (const spec of CLI_OPTIONS) {
    const flag = flagOf(spec);
    if (!flag) continue;
    table.set(`--${flag}`, { spec, negated: false });
    if (spec.kind === 'boolean') table.set(`--no-${flag}`, { spec, negated: true });
    if (spec.short) table.set(`-${spec.short}`, { spec, negated: false });
  }
  return table;
}

/** The known flag closest to an unknown one, when one is close enough to be what was meant. */
export function closestFlag(unknown: string, known: Iterable<string>): string | undefined {
  const word = unknown.replace(/=.*$/, '');
  let best: { flag: string; d: number } | undefined;
  for (const flag of known) {
    if (!flag.startsWith('--')) continue;
    const d = distance(word, flag);
    if (!best || d < best.d) best = { flag, d };
  }
  const bare = word.replace(/^-+/, '');
  // A prefix of exactly one flag (`--markd`) is that flag.
  const prefixed = [...known].filter((f) => f.startsWith(`--${bare}`) && bare.length >= 3);
  if (prefixed.length === 1) return prefixed[0];
  return best && best.d <= Math.max(2, Math.floor(bare.length / 3)) ? best.flag : undefined;
}

function unknownFlag(arg: string, table: Map<string, unknown>): ConfigError {
  const name = arg.replace(/=.*$/, '');
  // An action input spelled as a flag: say what the CLI calls it, or that it has none.
  const input = (OPTIONS as readonly OptionSpec[]).find((s) => inputOf(s) === name.replace(/^-+/, '') && flagOf(s) !== inputOf(s));
  if (input) {
    const flag = flagOf(input);
    return new ConfigError(`unknown option ${name}: ${inputOf(input)} is an input of the action; ${flag ? `the CLI flag is --${flag}` : 'the CLI has no such option'} ${SEE_HELP}`);
  }
  const suggestion = closestFlag(name, table.keys());
  return new ConfigError(`unknown option ${name}${suggestion ? `; did you mean ${suggestion}?` : ''} ${SEE_HELP}`);
}

/** Parses the arguments (after the program name) into option values; throws ConfigError, one line. */
export function parseCli(argv: readonly string[]): CliRequest {
  const table = flagTable();
  const raw: RawOptions = new Map();
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const known = table.get(name);
    if (!known) throw unknownFlag(arg, table);
    const { spec, negated } = known;
    if (spec.kind === 'boolean') {
      if (negated && inline !== undefined) throw new ConfigError(`${name} takes no value ${SEE_HELP}`);
      raw.set(spec, negated ? 'false' : (inline ?? 'true'));
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new ConfigError(`${name} needs a value: ${name} ${spec.placeholder ?? '<value>'} ${SEE_HELP}`);
    }
    if (inline === undefined) i++;
    raw.set(spec, value);
  }
  if (operands.length > 1) {
    throw new ConfigError(`one migrations directory expected, got ${operands.length}: ${operands.join(' ')} ${SEE_HELP}`);
  }
  const operand = CLI_OPTIONS.find((s) => s.positional);
  if (operand && operands[0] !== undefined) raw.set(operand, operands[0]);
  const values = parseOptionValues(raw, 'cli');
  validateOptions(values, 'cli');
  return { ...values, help: values.help ?? false, version: values.version ?? false, verbose: values.verbose ?? false };
}
