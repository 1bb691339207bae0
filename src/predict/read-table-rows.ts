/** Reads the table-rows file (the one effect of the input side); parsing is table-rows.ts. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { parseTableRows, type TableRowsSource } from './table-rows.js';
import type { TableSize } from './types.js';

/** Reads and parses `path`; a missing or unreadable file is a ConfigError naming it. */
export async function readTableRows(path: string, source: Partial<TableRowsSource> = {}): Promise<Map<string, TableSize>> {
  const file = source.file ?? path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`table-rows file '${file}' does not exist; give the JSON or the CSV of the production query`);
    if (code === 'EISDIR') throw new ConfigError(`table-rows '${file}' is a directory; give the JSON or CSV file`);
    throw new ConfigError(`cannot read table-rows file '${file}': ${code ?? (err as Error).message}; check its permissions`);
  }
  return parseTableRows(text, { ...source, file });
}
