/** Builds SourceFile lists for parser tests, and reads example directories from disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Script, SourceFile, SqlScript } from '../../src/formats/types.js';

/** `{ 'path': 'content' }` → SourceFile[] in the given order. */
export function files(spec: Record<string, string>): SourceFile[] {
  return Object.entries(spec).map(([path, content]) => ({ path, content }));
}

/** Every file under `dir`, with posix paths relative to it. */
export function readDir(dir: string, prefix = ''): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    const rel = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(full).isDirectory()) out.push(...readDir(full, rel));
    else out.push({ path: rel, content: readFileSync(full, 'utf8') });
  }
  return out;
}

/** The error a function throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

/** The script as a SqlScript (every format here produces SQL scripts). */
export function sql(script: Script | undefined): SqlScript {
  if (script?.kind !== 'sql') throw new Error('expected a SQL script');
  return script;
}
