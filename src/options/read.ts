/**
 * From the raw texts a front end found (CLI flags, action inputs) to typed option values, through
 * the table: each given option is parsed by its declaration's parser under the name that front
 * end uses; an option not given takes its declared default. Pure.
 */
import { ACTION_OPTIONS, CLI_OPTIONS, OPTIONS, optionName, type Front, type OptionSpec, type OptionValues } from './table.js';
import type { VerifyOptions } from './types.js';

/** Raw option texts as a front end found them. */
export type RawOptions = Map<OptionSpec, string>;

/** The options a front end reads. */
export function optionsOf(from: Front): readonly OptionSpec[] {
  return from === 'cli' ? CLI_OPTIONS : ACTION_OPTIONS;
}

/** Parses what was given and fills in the defaults of what was not. Throws ConfigError naming the option. */
export function parseOptionValues(raw: RawOptions, from: Front, specs: readonly OptionSpec[] = optionsOf(from)): Partial<OptionValues> {
  const values: Partial<Record<keyof OptionValues, unknown>> = {};
  for (const spec of specs) {
    const given = raw.get(spec);
    const text = given ?? spec.default;
    if (text === undefined) continue;
    const value = spec.parse(text, optionName(spec, from), from);
    if (spec.field === 'tool') {
      // Tool settings share one record; an empty one is not given.
      const entries = Object.entries(value as Record<string, string>).filter(([, v]) => v !== '');
      if (entries.length) values.tool = { ...(values.tool as Record<string, string> | undefined), ...Object.fromEntries(entries) };
    } else {
      values[spec.field] = value;
    }
  }
  return values as Partial<OptionValues>;
}

/** The declared option of a field (the first, for `tool`). */
export function specOf(field: keyof OptionValues): OptionSpec {
  return (OPTIONS as readonly OptionSpec[]).find((o) => o.field === field)!;
}

/**
 * The engine's defaults, from the table: what a run gets for every option not given. Tests and
 * the benchmarks spread it under their own values.
 */
export function engineDefaults(): Omit<VerifyOptions, 'migrationsDir' | 'cwd'> {
  const { migrationsDir: _dir, ...engine } = engineValues(parseOptionValues(new Map(), 'cli', OPTIONS));
  return engine as Omit<VerifyOptions, 'migrationsDir' | 'cwd'>;
}

/** Fields of OptionValues that are not the engine's (VerifyOptions'). */
type FrontEndField = Exclude<keyof OptionValues, keyof VerifyOptions>;
/** Option fields the front ends keep for themselves; every other field goes to the engine as is. */
const FRONT_END_FIELDS = ['baseRef', 'workingDirectory', 'githubToken', 'comment', 'json', 'markdown', 'color', 'verbose', 'help', 'version'] as const satisfies readonly FrontEndField[];
// A front end's new field missing from the list above is a type error here, naming it.
type Unlisted = Exclude<FrontEndField, (typeof FRONT_END_FIELDS)[number]>;
const everyFrontEndFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFrontEndFieldListed;

/** The engine's part of parsed values (everything but the front ends' own fields). */
export function engineValues(values: Partial<OptionValues>): Partial<Omit<OptionValues, FrontEndField>> {
  const engine: Partial<OptionValues> = { ...values };
  for (const field of FRONT_END_FIELDS) delete engine[field];
  return engine;
}
