/** Wires data preservation (seeding, fingerprints) into the protocol from the run's options. */
import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { createDataGuard } from '../data/guard.js';
import type { MigrationFormat } from '../formats/types.js';
import type { VerifyOptions } from '../options.js';
import type { DataHooks } from './hooks.js';

export async function createDataHooks(options: VerifyOptions, format: MigrationFormat, cwd: string): Promise<DataHooks> {
  let seedFile: string | undefined;
  if (options.seedFile) {
    seedFile = isAbsolute(options.seedFile) ? options.seedFile : resolve(cwd, options.seedFile);
    if (!existsSync(seedFile)) throw new ConfigError(`seed file '${options.seedFile}' does not exist`);
  }
  return createDataGuard({ seedRows: options.seedRows, seedFile, excludeTables: format.bookkeepingTables ?? [] }) as DataHooks;
}
