/**
 * The rules between options, one function for both front ends: run after every value parsed and
 * before any file is read, any git command runs or any server starts. Messages name the options
 * as the front end spells them (`--database-url` / `database-url`).
 */
import { ConfigError } from '../errors.js';
import { specOf } from './read.js';
import { optionName, OPTIONS, type Front, type OptionSpec, type OptionValues } from './table.js';

/** Throws a one-line ConfigError for the first rule the values break. */
export function validateOptions(values: Partial<OptionValues>, from: Front): void {
  if (values.help || values.version) return;
  const name = (field: keyof OptionValues) => optionName(specOf(field), from);
  const provider = values.provider ?? 'auto';

  if (!values.migrationsDir) {
    throw new ConfigError(
      from === 'cli'
        ? 'missing the migrations directory (rollback-verify [options] <migrations-dir>; see --help)'
        : 'migrations-dir is required: the migrations directory relative to the repository root (or working-directory), e.g. db/migrations',
    );
  }
  if (provider === 'url' && !values.databaseUrl) {
    throw new ConfigError(`${name('provider')} url needs ${name('databaseUrl')} (a postgres:// URL); or use ${name('provider')} auto, system, embedded or docker`);
  }
  if (values.databaseUrl && provider !== 'auto' && provider !== 'url') {
    throw new ConfigError(`${name('databaseUrl')} cannot be combined with ${name('provider')} ${provider}: the server at ${name('databaseUrl')} is used as it is; give one of them`);
  }
  if (values.postgresImage && provider !== 'docker' && provider !== 'auto') {
    throw new ConfigError(`${name('postgresImage')} needs ${name('provider')} docker or auto (got '${provider}')`);
  }
  if (values.postgresImage && values.databaseUrl) {
    throw new ConfigError(`${name('postgresImage')} cannot be combined with ${name('databaseUrl')}: the server at ${name('databaseUrl')} is used as it is; give one of them`);
  }
  if (values.from && values.baseRef) {
    throw new ConfigError(`${name('from')} and ${name('baseRef')} cannot be used together: ${name('baseRef')} decides which migrations are new`);
  }
  if (values.maxPredictedLockMs && !values.tableRows) {
    throw new ConfigError(`${name('maxPredictedLockMs')} judges the predictions at production sizes, and there are none without ${name('tableRows')}; give ${name('tableRows')} <file> or remove ${name('maxPredictedLockMs')}`);
  }
  if (values.traceLocks === false) {
    const off = from === 'cli' ? 'remove --no-trace-locks' : 'set trace-locks: true';
    if (values.maxLockMs) throw new ConfigError(`${name('maxLockMs')} judges the lock traces, and lock tracing is off; ${off}`);
    if (values.maxPredictedLockMs) throw new ConfigError(`${name('maxPredictedLockMs')} judges the lock traces, and lock tracing is off; ${off}`);
    if (values.requireLockTimeout) throw new ConfigError(`${name('requireLockTimeout')} judges the lock traces, and lock tracing is off; ${off}`);
  }
  if (values.fix && values.suggestFixes === false) {
    throw new ConfigError(`${name('fix')} writes the verified suggestions, and ${name('suggestFixes')} is off; remove --no-suggest-fixes`);
  }
  if (values.fix && values.mode === 'chain') {
    throw new ConfigError(`${name('fix')} needs ${name('mode')} step: a group's down is not one file a fix could go into`);
  }
  // Settings that only some formats read: with another format they would be silently ignored.
  const format = values.format ?? 'auto';
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    if (!spec.formats || spec.formats.includes(format)) continue;
    const given = spec.field === 'tool' ? values.tool?.[spec.name] !== undefined : values[spec.field] !== undefined;
    if (!given) continue;
    const wanted = spec.formats.filter((f) => f !== 'auto').join(' or ');
    throw new ConfigError(`${optionName(spec, from)} applies to ${name('format')} ${wanted} only (the format is ${format})`);
  }
}
