/**
 * Reads a migrations directory into SourceFiles, from the work tree or from git at a ref. Formats
 * are pure parsers over these, so the baseline (files as they are at the base ref) and the head
 * go through exactly the same parsing.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { TextDecoder } from 'node:util';
import { ConfigError } from '../errors.js';
import type { SourceFile } from '../formats/types.js';

/** Files larger than this are not migrations anyone reviews; refusing beats exhausting memory. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
const SKIP_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a migration file's bytes; binary or non-UTF-8 content is a ConfigError naming the file. */
export function decodeFile(bytes: Uint8Array, display: string): string {
  if (bytes.length > MAX_FILE_BYTES) {
    throw new ConfigError(`${display} is ${(bytes.length / 1048576).toFixed(1)} MB; migrations over ${MAX_FILE_BYTES / 1048576} MB are refused (move data loads out of migrations)`);
  }
  if (bytes.includes(0)) throw new ConfigError(`${display} is a binary file, not a migration; remove it from the migrations directory`);
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new ConfigError(`${display} is not valid UTF-8; save it as UTF-8`);
  }
}

/** A SourceFile for these bytes; one that is not text is kept as unreadable, an error only if used. */
export function textFile(path: string, bytes: Uint8Array, display: string): SourceFile {
  try {
    return { path, content: decodeFile(bytes, display) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { path, content: '', unreadable: err.message };
  }
}

/** Throws the read error of the first file a migration uses that could not be read as text. */
export function requireReadable(files: readonly SourceFile[], used: Iterable<string>): void {
  const unreadable = new Map(files.filter((f) => f.unreadable).map((f) => [f.path, f.unreadable!]));
  if (unreadable.size === 0) return;
  for (const path of used) {
    const why = unreadable.get(path);
    if (why) throw new ConfigError(why);
  }
}

/** Reads every file below `dir` (absolute), following file symlinks but never directory cycles. */
export function readWorkTreeFiles(dir: string, displayDir: string): SourceFile[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new ConfigError(`migrations directory '${displayDir}' does not exist`);
  }
  if (!st.isDirectory()) throw new ConfigError(`migrations directory '${displayDir}' is not a directory`);
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  const walk = (abs: string) => {
    const real = realpathSync(abs);
    if (seen.has(real)) return; // a symlink loop or a second link to a visited dir
    seen.add(real);
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.') && entry.isDirectory()) continue;
      if (SKIP_DIRS.has(entry.name)) continue;
      const child = join(abs, entry.name);
      const rel = relative(dir, child).split(sep).join('/');
      const display = `${displayDir.replace(/\/+$/, '')}/${rel}`;
      let kind: 'file' | 'dir' | 'other';
      try {
        const s = entry.isSymbolicLink() ? statSync(child) : lstatSync(child);
        kind = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
      } catch (err) {
        // ELOOP: links pointing at each other; anything else: the target is gone.
        if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new ConfigError(`${display} is a symlink loop; remove the looping link`);
        throw new ConfigError(`${display} is a broken symlink; fix or remove it`);
      }
      if (kind === 'dir') walk(child);
      else if (kind === 'file') {
        let bytes: Buffer;
        try {
          bytes = readFileSync(child);
        } catch (err) {
          throw new ConfigError(`cannot read ${display}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check its permissions`);
        }
        files.push(textFile(rel, bytes, display));
      }
    }
  };
  try {
    walk(dir);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new ConfigError(`symlink loop under '${displayDir}'; remove the looping link`);
    throw new ConfigError(`cannot read '${displayDir}': ${code ?? (err as Error).message}`);
  }
  if (files.length === 0) throw new ConfigError(`migrations directory '${displayDir}' is empty`);
  return files;
}

export function resolveDir(cwd: string, dir: string): string {
  return resolve(cwd, dir);
}
