/**
 * The one table of options and everything made from it must agree: action.yml and the README's
 * tables are what render.ts makes of the table (run `npm run options`); --help lists every flag;
 * the CLI and the action both read every option they declare, into the field it declares; and
 * every field of the engine's options has an entry (at compile time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELP, parseCli } from '../../src/cli-args.js';
import { parseActionInputs } from '../../src/inputs.js';
import { helpForm, readmeBlocks, renderActionYml } from '../../src/options/render.js';
import { ACTION_OPTIONS, CLI_OPTIONS, flagOf, inputOf, OPTIONS, OUTPUTS, type AnyOption, type OptionSpec, type OptionValues } from '../../src/options/table.js';
import { actionDefaults } from '../e2e/harness.js';

const root = process.cwd();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// Compile-time: a field of OptionValues (VerifyOptions and the front ends' own) without an entry
// in OPTIONS makes `Missing` a name instead of never, and this line a type error naming it.
type Missing = Exclude<keyof OptionValues, AnyOption['field']>;
const everyFieldDeclared: [Missing] extends [never] ? true : Missing = true;

/** A value of the option's kind that is not its default (what a user would set it to). */
function sample(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'choice':
      return spec.values!.find((v) => v !== spec.default && v !== 'url')!;
    case 'list':
      return 'warning,irreversible';
    case 'boolean':
      return spec.default === 'true' ? 'false' : 'true';
    case 'count':
    case 'seconds':
      return '7';
    case 'major':
      return '16';
    case 'image':
      return 'postgres:16';
    case 'url':
      return 'postgres://u:p@h:5432/d';
    default:
      return 'x/y';
  }
}

/** Other options a sample needs to be valid on its own (a tool setting needs its format). */
function context(spec: OptionSpec): Record<string, string> {
  const format = spec.formats?.find((f) => f !== 'auto');
  return format && spec.name !== 'format' ? { format } : {};
}

describe('generated files are what the table makes', () => {
  test('action.yml', () => {
    expect(read('action.yml')).toBe(renderActionYml());
  });

  test.each(Object.entries(readmeBlocks()))('README.md block %s', (name, body) => {
    const readme = read('README.md');
    const start = readme.indexOf(`<!-- ${name}:start -->`);
    const end = readme.indexOf(`<!-- ${name}:end -->`);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + `<!-- ${name}:start -->`.length, end).trim()).toBe(body);
  });

  test('the runner sees every input the action reads, with the default the table documents', () => {
    const declared = actionDefaults();
    expect(Object.keys(declared)).toEqual(ACTION_OPTIONS.map((s) => inputOf(s)).filter((n) => n !== 'migrations-dir'));
    for (const spec of ACTION_OPTIONS) {
      if (spec.required) continue;
      expect([spec.name, declared[inputOf(spec)!]]).toEqual([spec.name, spec.actionDefault ?? spec.default ?? '']);
    }
    const yml = read('action.yml');
    for (const out of OUTPUTS) expect(yml).toMatch(new RegExp(`^  ${out.name}:$`, 'm'));
  });

  test('--help lists every flag and the operand', () => {
    for (const spec of CLI_OPTIONS) expect([spec.name, HELP.includes(`  ${helpForm(spec)}`)]).toEqual([spec.name, true]);
    expect(HELP).toMatch(/^Usage: rollback-verify \[options\] <migrations-dir>$/m);
  });
});

describe('both front ends read every option they declare', () => {
  const cliOf = (args: string[]) => JSON.stringify(parseCli(['db', ...args]));
  const baseCli = cliOf([]);

  test.each(CLI_OPTIONS.filter((s) => !s.positional).map((s) => [flagOf(s)!, s] as const))('CLI --%s', (_flag, spec) => {
    const ctx = Object.entries(context(spec)).flatMap(([k, v]) => [`--${k}`, v]);
    const args = spec.kind === 'boolean' ? [sample(spec) === 'true' ? `--${flagOf(spec)}` : `--no-${flagOf(spec)}`] : [`--${flagOf(spec)}`, sample(spec)];
    const without = cliOf(ctx);
    const parsed = parseCli(['db', ...ctx, ...args]);
    expect(JSON.stringify(parsed)).not.toBe(without);
    // It went to the declared field.
    const value = parsed[spec.field];
    expect([spec.name, value === undefined]).toEqual([spec.name, false]);
    // `--flag=value` is the same.
    if (spec.kind !== 'boolean') expect(parseCli(['db', ...ctx, `--${flagOf(spec)}=${sample(spec)}`])).toEqual(parsed);
  });

  test('CLI operand', () => {
    expect(parseCli(['db/migrations']).migrationsDir).toBe('db/migrations');
    expect(baseCli).toContain('"migrationsDir":"db"');
  });

  const settingsOf = (inputs: Record<string, string>) => JSON.stringify(parseActionInputs((n) => ({ 'migrations-dir': 'db', ...inputs })[n] ?? '', { GITHUB_WORKSPACE: '/w' }));

  test.each(ACTION_OPTIONS.map((s) => [inputOf(s)!, s] as const))('action input %s', (input, spec) => {
    if (spec.required) {
      expect(settingsOf({ [input]: 'other/dir' })).toContain('"migrationsDir":"other/dir"');
      return;
    }
    const ctx = context(spec);
    expect(settingsOf({ ...ctx, [input]: sample(spec) })).not.toBe(settingsOf(ctx));
  });

  test('every option is on at least one front end; names are unique', () => {
    for (const spec of OPTIONS as readonly OptionSpec[]) expect([spec.name, flagOf(spec) ?? inputOf(spec) ?? (spec.positional ? 'operand' : undefined)]).not.toEqual([spec.name, undefined]);
    const flags = CLI_OPTIONS.map(flagOf).filter(Boolean);
    expect(new Set(flags).size).toBe(flags.length);
    const inputs = ACTION_OPTIONS.map(inputOf);
    expect(new Set(inputs).size).toBe(inputs.length);
    expect(everyFieldDeclared).toBe(true);
  });
});
