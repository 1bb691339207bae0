/**
 * Everything written from the option table: the CLI's --help, action.yml, and the README's inputs,
 * outputs and CLI tables. Pure; `npm run options` writes the files, and the drift test fails
 * when a committed file differs from what these return.
 */
import { ACTION_OPTIONS, CLI_OPTIONS, flagOf, inputOf, OUTPUTS, type OptionSpec } from './table.js';

/** action.yml's header: the Marketplace listing (description under 125 characters). */
export const ACTION_METADATA = {
  name: 'rollback-verify',
  description: 'Proves that database migrations roll back: up → down → up on a throwaway PostgreSQL, schema and data compared.',
  author: 'rollback-verify',
  branding: { icon: 'rotate-ccw', color: 'blue' },
} as const;

export const USAGE = 'rollback-verify [options] <migrations-dir>';

/** The default as the docs show it, or undefined. */
function shownDefault(spec: OptionSpec): string | undefined {
  return spec.shownDefault ?? spec.default;
}

/** The description with the accepted words of a choice, as action.yml and the README print it. */
function describe(spec: OptionSpec): string {
  const values = spec.kind === 'choice' && spec.values ? ` One of: ${spec.values.join(', ')}.` : '';
  return spec.description + values;
}

// ---------------------------------------------------------------------------------------------
// --help

const LEFT = 28;
const WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function helpEntry(left: string, text: string): string {
  const body = wrap(text, WIDTH - LEFT);
  const pad = ' '.repeat(LEFT);
  const first = left.length + 2 < LEFT ? `  ${left.padEnd(LEFT - 2)}${body[0] ?? ''}` : `  ${left}\n${pad}${body[0] ?? ''}`;
  return [first, ...body.slice(1).map((l) => pad + l)].join('\n');
}

/** `--format <name>`, `--no-trace-locks`, `-h, --help`. */
export function helpForm(spec: OptionSpec): string {
  if (spec.positional) return `<${spec.name}>`;
  const flag = flagOf(spec)!;
  const long = spec.kind === 'boolean' ? (spec.negativeFlag ? `--[no-]${flag}` : `--${flag}`) : `--${flag} ${spec.placeholder ?? '<value>'}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

function helpText(spec: OptionSpec): string {
  let text = spec.description;
  if (spec.kind === 'choice' && spec.values) text += ` One of: ${spec.values.join(', ')}.`;
  const def = shownDefault(spec);
  if (spec.kind !== 'boolean' && def !== undefined && def !== '') text += ` Default: ${def}.`;
  if (spec.kind === 'boolean' && spec.negativeFlag) text += ` Default: ${spec.shownDefault ?? (spec.default === 'true' ? 'on' : 'off')}.`;
  return text;
}

/** The CLI's --help, from the table. */
export function renderHelp(): string {
  const operands = CLI_OPTIONS.filter((o) => o.positional);
  const flags = CLI_OPTIONS.filter((o) => !o.positional);
  return [
    `Usage: ${USAGE}`,
    '',
    'Proves that database migrations roll back: replays each new migration up → down → up on a',
    'throwaway PostgreSQL and checks that the down restores the schema and the data exactly.',
    '',
    'Arguments:',
    ...operands.map((o) => helpEntry(helpForm(o), o.description)),
    '',
    'Options:',
    ...flags.map((o) => helpEntry(helpForm(o), helpText(o))),
    '',
    'Exit codes: 0 pass, 1 verification failed, 2 usage, configuration or environment error.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// action.yml

/** A YAML double-quoted scalar (JSON's string syntax is a subset of it). */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** action.yml, whole, from the table. */
export function renderActionYml(): string {
  const m = ACTION_METADATA;
  const lines = [
    '# Generated from src/options/table.ts by `npm run options`; edit the table, not this file.',
    `name: ${m.name}`,
    `description: ${yamlString(m.description)}`,
    `author: ${m.author}`,
    'branding:',
    `  icon: ${m.branding.icon}`,
    `  color: ${m.branding.color}`,
    '',
    'inputs:',
  ];
  for (const spec of ACTION_OPTIONS) {
    lines.push(`  ${inputOf(spec)}:`, `    description: ${yamlString(describe(spec))}`, `    required: ${spec.required ? 'true' : 'false'}`);
    if (!spec.required) lines.push(`    default: ${yamlString(spec.actionDefault ?? spec.default ?? '')}`);
  }
  lines.push('', 'outputs:');
  for (const out of OUTPUTS) lines.push(`  ${out.name}:`, `    description: ${yamlString(out.description)}`);
  lines.push('', 'runs:', '  using: node24', '  main: dist/index.js', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// README tables

/** A table cell: pipes escaped, and `<name>` kept visible (GitHub would take it for an HTML tag). */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function code(text: string | undefined): string {
  return text === undefined || text === '' ? '' : `\`${text}\``;
}

/** The README's inputs table. */
export function renderInputsTable(): string {
  const rows = ACTION_OPTIONS.map((s) => `| \`${inputOf(s)}\` | ${s.required ? '(required)' : code(shownDefault(s))} | ${cell(describe(s))} |`);
  return ['| input | default | description |', '|---|---|---|', ...rows].join('\n');
}

/** The README's outputs table. */
export function renderOutputsTable(): string {
  return ['| output | value |', '|---|---|', ...OUTPUTS.map((o) => `| \`${o.name}\` | ${cell(o.description)} |`)].join('\n');
}

/** The README's CLI options table. */
export function renderCliTable(): string {
  const rows = CLI_OPTIONS.map((s) => `| \`${helpForm(s)}\` | ${code(s.kind === 'boolean' && !s.negativeFlag ? undefined : shownDefault(s))} | ${cell(describe(s))} |`);
  return ['| option | default | description |', '|---|---|---|', ...rows].join('\n');
}

/** The generated blocks of the README, by the name in their `<!-- name:start -->` markers. */
export function readmeBlocks(): Record<string, string> {
  return { inputs: renderInputsTable(), outputs: renderOutputsTable(), 'cli-options': renderCliTable() };
}

/** Replaces every generated block of `readme` with its current content. */
export function updateReadme(readme: string): string {
  let out = readme;
  for (const [name, body] of Object.entries(readmeBlocks())) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} block`);
    out = `${out.slice(0, a + start.length)}\n${body}\n${out.slice(b)}`;
  }
  return out;
}
