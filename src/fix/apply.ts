/**
 * From verified fixes to files: where each suggestion goes (its `file` in the result), and
 * `--fix`, which writes them in the format's own layout (writers.ts) through the atomic,
 * changed-since-run-aware write (write-file.ts). The sources are read when the run starts
 * (`readSources`), so an edit is planned on the content the run verified and a file changed since
 * then is left alone.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { displayPath } from '../formats/common.js';
import type { FormatName } from '../formats/names.js';
import type { Migration } from '../formats/types.js';
import type { Suggestion } from '../result/types.js';
import type { FixStatement } from './order.js';
import { contentHash, writeFixFile, type WriteStatus } from './write-file.js';
import { planFixEdit } from './writers.js';

/** A verified fix as the protocol hands it over (src/verify/suggest.ts), before it has a file. */
export interface FixToPlace {
  migration: string;
  sql: string;
  statements: readonly Pick<FixStatement, 'sql' | 'note'>[];
  fixes: string[];
}

/** File contents (relative to the migrations directory) as the run read them; absent: no such file. */
export type SourceContents = ReadonlyMap<string, string>;

/**
 * The suggestions of the result: each verified fix with the file it belongs in (display path:
 * the down file, or where the format keeps or would create the down).
 */
export function placeSuggestions(format: FormatName, migrationsDir: string, fresh: readonly Migration[], fixes: readonly FixToPlace[]): Suggestion[] {
  return fixes.map((f) => {
    const m = fresh.find((x) => x.id === f.migration);
    const edit = m ? planFixEdit(format, m, f, () => undefined) : undefined;
    const file = edit && !('unsupported' in edit) ? displayPath(migrationsDir, edit.path) : (m?.down?.file ?? m?.up.file ?? f.migration);
    return { migration: f.migration, file, sql: f.sql, verified: true as const, fixes: f.fixes };
  });
}

/** Reads the files of the migrations `--fix` may edit, when the run starts. */
export async function readSources(absDir: string, migrations: readonly Migration[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const path of new Set(migrations.flatMap((m) => m.files))) {
    try {
      out.set(path, await fs.readFile(join(absDir, path), 'utf8'));
    } catch {
      // Not readable now: planFixEdit sees no file and `--fix` creates none over one that appears.
    }
  }
  return out;
}

/** What `--fix` did with one suggestion, for the terminal and the notes. */
export interface FixWritten {
  migration: string;
  /** Display path. */
  file: string;
  status: WriteStatus | 'unsupported';
  /** For `unsupported`: why `--fix` cannot write it (the down is code). */
  reason?: string;
  statements: number;
}

/** Writes every verified fix into its migration's down (the `--fix` effect). */
export async function writeFixes(
  format: FormatName,
  absDir: string,
  migrationsDir: string,
  fresh: readonly Migration[],
  fixes: readonly FixToPlace[],
  sources: SourceContents,
): Promise<FixWritten[]> {
  const written: FixWritten[] = [];
  for (const f of fixes) {
    const m = fresh.find((x) => x.id === f.migration);
    if (!m) continue;
    const edit = planFixEdit(format, m, f, (p) => sources.get(p));
    if ('unsupported' in edit) {
      written.push({ migration: m.id, file: m.down?.file ?? m.up.file, status: 'unsupported', reason: edit.unsupported, statements: f.statements.length });
      continue;
    }
    const status = await writeFixFile(join(absDir, edit.path), edit.after, edit.before === undefined ? undefined : contentHash(edit.before));
    written.push({ migration: m.id, file: displayPath(migrationsDir, edit.path), status, statements: f.statements.length });
  }
  return written;
}

/** One line per fix: `updated db/migrations/0004_x.down.sql (+1 statement)`. */
export function describeWritten(w: FixWritten): string {
  const n = `${w.statements} statement${w.statements === 1 ? '' : 's'}`;
  switch (w.status) {
    case 'updated':
      return `--fix: added ${n} to ${w.file} (${w.migration})`;
    case 'created':
      return `--fix: created ${w.file} with ${n} (${w.migration})`;
    case 'unchanged':
      return `--fix: ${w.file} already holds the fix (${w.migration})`;
    case 'changed-since-run':
      return `--fix: left ${w.file} alone: it changed after the run read it; run again to verify the new content (${w.migration})`;
    default:
      return `--fix: could not write the fix for ${w.migration}: ${w.reason ?? 'unsupported'}`;
  }
}
