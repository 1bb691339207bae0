/**
 * Wires data preservation (seeding, fingerprints) into the protocol from the run's options. Called
 * before any server starts, so a bad --seed-file is one line with nothing started.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { createDataGuard } from '../data/guard.js';
import type { Migration, MigrationFormat } from '../formats/types.js';
import type { VerifyOptions } from '../options.js';
import { decodeFile } from '../plan/read-files.js';
import type { DataHooks } from './hooks.js';

/**
 * `fresh`: the migrations to verify; seeding covers only the tables they reach. `debug`: where
 * the seeding scope explains itself.
 */
export function createDataHooks(options: VerifyOptions, format: MigrationFormat, cwd: string, fresh?: readonly Migration[], debug?: (line: string) => void): DataHooks {
  let seedFile: string | undefined;
  if (options.seedFile) {
    seedFile = isAbsolute(options.seedFile) ? options.seedFile : resolve(cwd, options.seedFile);
    let bytes: Buffer;
    try {
      bytes = readFileSync(seedFile);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(`seed file '${options.seedFile}' ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`}`);
    }
    // The same checks as migration files: size, binary, UTF-8.
    decodeFile(bytes, `seed file '${options.seedFile}'`);
  }
  return createDataGuard({ seedRows: options.seedRows, seedFile, excludeTables: format.bookkeepingTables ?? [], ...(fresh ? { fresh } : {}), ...(debug ? { debug } : {}) }) as DataHooks;
}
