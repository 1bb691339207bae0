/**
 * Helpers shared by the format parsers: display paths, script and marker assembly, version
 * bookkeeping and the errors they raise. Everything here is pure.
 */
import { ConfigError } from '../errors.js';
import { findMarkers } from '../sql/markers.js';
import type { Migration, SourceFile, SqlScript, SqlStatement, TransactionMode } from './types.js';

/** The file's path as shown to users: the migrations dir as they named it, joined with posix `/`. */
export function displayPath(displayDir: string, path: string): string {
  const dir = displayDir.replace(/\/+$/, '');
  if (dir === '' || dir === '.') return path;
  return `${dir}/${path}`;
}

/** The last path segment. */
export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

/** The path's directory ('' at the top level). */
export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** True for a file directly in the migrations directory (tools that do not recurse). */
export function isTopLevel(path: string): boolean {
  return !path.includes('/');
}

/** Options for building a SqlScript. */
export interface ScriptParts {
  displayDir: string;
  path: string;
  text: string;
  line?: number;
  transaction: TransactionMode;
  statements?: SqlStatement[];
}

/** Builds the SqlScript for one direction of a migration. */
export function sqlScript(parts: ScriptParts): SqlScript {
  const script: SqlScript = {
    kind: 'sql',
    file: displayPath(parts.displayDir, parts.path),
    text: parts.text,
    line: parts.line ?? 1,
    transaction: parts.transaction,
  };
  if (parts.statements) script.statements = parts.statements;
  return script;
}

/**
 * Collects the marker comments of a migration's files. When a marker appears twice the first
 * occurrence (in the order given, up before down) is kept.
 */
export function collectMarkers(files: readonly SourceFile[], displayDir: string): Migration['markers'] {
  const markers: Migration['markers'] = {};
  for (const file of files) {
    const shown = displayPath(displayDir, file.path);
    for (const hit of findMarkers(file.content, shown)) {
      markers[hit.marker] ??= { file: shown, line: hit.line };
    }
  }
  return markers;
}

/** An up file, its down file if any, and files that change how they run (configs, metadata). */
export interface FilePair {
  id: string;
  name: string;
  up: SourceFile;
  down?: SourceFile;
  extraFiles?: readonly SourceFile[];
}

/** Builds the Migration of a file pair; markers come from the up and the down, up first. */
export function pairMigration(pair: FilePair, displayDir: string, toScript: (file: SourceFile) => SqlScript): Migration {
  const own = pair.down ? [pair.up, pair.down] : [pair.up];
  const migration: Migration = {
    id: pair.id,
    name: pair.name,
    up: toScript(pair.up),
    files: [...own, ...(pair.extraFiles ?? [])].map((f) => f.path),
    markers: collectMarkers(own, displayDir),
  };
  if (pair.down) migration.down = toScript(pair.down);
  return migration;
}

/** Compares two unsigned decimal strings by value (leading zeros allowed, any length). */
export function compareUnsigned(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Compares strings by UTF-16 code units, like Go's and Rust's byte-wise string ordering for ASCII. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Remembers which file claimed each version and throws ConfigError on a second claim.
 * `key` is the version normalised the way the tool compares it.
 */
export class VersionClaims {
  private readonly claims = new Map<string, string>();

  constructor(
    private readonly displayDir: string,
    private readonly what = 'version',
  ) {}

  claim(key: string, shownVersion: string, path: string): void {
    const previous = this.claims.get(key);
    if (previous !== undefined) {
      throw new ConfigError(
        `two migration files claim ${this.what} ${shownVersion}: ${displayPath(this.displayDir, previous)} and ${displayPath(this.displayDir, path)}`,
      );
    }
    this.claims.set(key, path);
  }
}

/** The ConfigError for a down file whose up does not exist. */
export function downWithoutUp(displayDir: string, path: string, expectedUp: string): ConfigError {
  return new ConfigError(
    `${displayPath(displayDir, path)} is a down migration without an up (expected ${expectedUp})`,
  );
}
