/**
 * Any migration tool, driven by commands: `--up-command` and `--down-command` run once per
 * migration with `{id}`, `{name}` and `{file}` replaced, DATABASE_URL (and PG*) pointing at the
 * scratch database, in the run's working directory. The migrations are the files matching
 * `--list-glob` (relative to the migrations directory; default `*`), in natural name order, or
 * the lines printed by `--list-command` (one per line: a file of the migrations directory, or a
 * bare id). Ids come from the file name's leading number (`20240101_add_users.rb` → `20240101`),
 * else the name without extension.
 *
 * A command without shell syntax is split on spaces and run without a shell; one that uses
 * quotes, pipes, `&&`, `$VAR` and the like runs through `/bin/sh -c`, with the placeholder
 * values shell-quoted.
 */
import { ConfigError } from '../errors.js';
import { codeMarkers } from './code-markers.js';
import { baseName, displayPath, VersionClaims } from './common.js';
import { globToRegExp } from './glob.js';
import type { CommandScript, Migration, MigrationFormat, ParseContext, SourceFile } from './types.js';

interface Entry {
  id: string;
  name: string;
  /** Path relative to the migrations directory, when the migration is a file. */
  path?: string;
}

const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~=%!\n]/;

/** Single-quotes a value for /bin/sh. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The argv for a command template with the placeholders filled in. */
export function commandArgv(template: string, values: Record<'id' | 'name' | 'file', string>): string[] {
  const fill = (quote: (v: string) => string) => template.replace(/\{(id|name|file)\}/g, (_, k: 'id' | 'name' | 'file') => quote(values[k]));
  if (SHELL_SYNTAX.test(template.replace(/\{(id|name|file)\}/g, ''))) return ['/bin/sh', '-c', fill(shellQuote)];
  return template.trim().split(/\s+/).map((word) => word.replace(/\{(id|name|file)\}/g, (_, k: 'id' | 'name' | 'file') => values[k]));
}

function idAndName(stem: string): { id: string; name: string } {
  const m = /^(\d+)[_\-.]?(.*)$/.exec(stem);
  return m ? { id: m[1]!, name: m[2] || stem } : { id: stem, name: stem };
}

function entries(files: readonly SourceFile[], tool: Record<string, string>): Entry[] {
  const listed = tool['list-output'];
  if (listed !== undefined) {
    const paths = new Set(files.map((f) => f.path));
    const out: Entry[] = [];
    for (const raw of listed.split(/\r?\n/)) {
      const line = raw.trim().replace(/^\.\//, '');
      if (!line) continue;
      if (paths.has(line)) out.push({ ...idAndName(baseName(line).replace(/\.[^.]*$/, '')), path: line });
      // A listed file missing here is not a migration of this ref (the base ref, before the PR).
      else if (!line.includes('/') && !/\.\w+$/.test(line)) out.push(idAndName(line));
    }
    return out;
  }
  const glob = globToRegExp(tool['list-glob'] ?? '*');
  return files
    .filter((f) => glob.test(f.path))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))
    .map((f) => ({ ...idAndName(baseName(f.path).replace(/\.[^.]*$/, '')), path: f.path }));
}

function parseCommands(files: readonly SourceFile[], displayDir: string, context?: ParseContext): Migration[] {
  const tool = context?.tool ?? {};
  const up = tool['up-command'];
  if (!up) throw new ConfigError('--format commands needs --up-command (and --down-command): the commands that apply and revert one migration');
  const down = tool['down-command'];
  const claims = new VersionClaims(displayDir, 'id');
  const cwd = context?.cwd ?? '.';
  return entries(files, tool).map((e): Migration => {
    claims.claim(e.id, e.id, e.path ?? e.id);
    const file = e.path ? displayPath(displayDir, e.path) : e.id;
    const content = e.path ? files.find((f) => f.path === e.path)!.content : undefined;
    const values = { id: e.id, name: e.name, file };
    const step = (template: string, withSource: boolean): CommandScript => ({
      kind: 'command',
      file,
      argv: commandArgv(template, values),
      cwd,
      ...(withSource && content !== undefined ? { source: content } : {}),
    });
    return {
      id: e.id,
      name: e.name,
      up: step(up, true),
      ...(down ? { down: step(down, false) } : {}),
      files: e.path ? [e.path] : [],
      markers: content !== undefined ? codeMarkers(content, file, ['--', '#', '//']) : {},
    };
  });
}

export const commands: MigrationFormat = {
  name: 'commands',
  // Any directory could be driven by commands; the format is only ever chosen explicitly.
  detect: () => false,
  parse: parseCommands,
};
