/**
 * The options, one import: the engine's typed options (options/types.ts), the one table of option
 * declarations (options/table.ts) with its value parsers (options/values.ts), reading
 * (options/read.ts) and the rules between options (options/validate.ts).
 */
import { engineDefaults } from './options/read.js';
import type { VerifyOptions } from './options/types.js';

export * from './options/types.js';
export * from './options/values.js';
export { OPTIONS, OUTPUTS, TOOL_SETTING_KEYS, optionName, flagOf, inputOf, type Front, type OptionSpec, type OptionValues } from './options/table.js';
export { engineValues, parseOptionValues, type RawOptions } from './options/read.js';
export { validateOptions } from './options/validate.js';

/** What a run gets for every option not given (from the table's defaults). */
export const DEFAULT_OPTIONS: Omit<VerifyOptions, 'migrationsDir' | 'cwd'> = engineDefaults();
