/**
 * Where an Alembic project keeps its revision files and its config, worked out from the files
 * of the migrations directory and the `--alembic-config` setting, without touching the disk.
 * The migrations directory may be the project root (holding alembic.ini) or the script
 * directory (holding env.py and versions/).
 */
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { displayPath } from './common.js';
import type { ParseContext, SourceFile } from './types.js';

export interface AlembicLayout {
  /** The config file, absolute (Alembic's own default: alembic.ini in the working directory). */
  config: string;
  /** Directories holding revision files, relative to the migrations directory (posix). */
  versionDirs: string[];
  /** recursive_version_locations: revision files in subdirectories count too. */
  recursive: boolean;
}

/**
 * Reads `key = value` lines of one section of an ini file. Python's configparser (alembic.ini)
 * treats indented lines as continuations, which are ignored; git-config style files
 * (sqitch.conf) indent their keys, so `indentedKeys` reads those.
 */
export function iniSection(text: string, section = 'alembic', indentedKeys = false): Map<string, string> {
  const out = new Map<string, string>();
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      inside = head[1]!.trim() === section;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (inside && kv && (indentedKeys || !/^\s/.test(raw))) out.set(kv[1]!.trim(), kv[2]!.trim());
  }
  return out;
}

/** The layout for these files; `context` gives absolute locations (tests may leave it out). */
export function alembicLayout(files: readonly SourceFile[], context: ParseContext | undefined, displayDir: string): AlembicLayout {
  const absDir = context?.absDir ?? resolve(displayDir);
  const cwd = context?.cwd ?? process.cwd();
  const setting = context?.tool['alembic-config'];
  const localIni = files.find((f) => f.path === 'alembic.ini');
  const config = setting ? resolve(cwd, setting) : localIni ? join(absDir, 'alembic.ini') : join(cwd, 'alembic.ini');

  // The ini is readable when it lies inside the migrations directory.
  const iniRel = relative(absDir, config).split('\\').join('/');
  const ini = !iniRel.startsWith('..') && !isAbsolute(iniRel) ? files.find((f) => f.path === iniRel) : undefined;
  if (ini) {
    const options = iniSection(ini.content);
    const iniDir = dirname(config);
    const here = (p: string) => p.replace(/%\(here\)s/g, iniDir);
    // Alembic resolves relative locations against its working directory, which is the ini's
    // directory when it runs the way we run it.
    const toRel = (loc: string) => relative(absDir, resolve(iniDir, here(loc))).split('\\').join('/') || '.';
    const recursive = /^(true|yes|on|1)$/i.test(options.get('recursive_version_locations') ?? '');
    const locations = options.get('version_locations');
    if (locations) {
      const sep = versionSeparator(options.get('version_path_separator'));
      return { config, recursive, versionDirs: locations.split(sep).map((l) => l.trim()).filter(Boolean).map(toRel) };
    }
    const script = options.get('script_location');
    if (script && !script.includes(':')) return { config, recursive, versionDirs: [posix.join(toRel(script), 'versions')] };
    if (!script && !configuredElsewhere(files)) {
      // Alembic itself stops here ("No 'script_location' key found in configuration"): a setup
      // problem to fix in the ini, not a failure of the first migration.
      throw new ConfigError(`${displayPath(displayDir, iniRel)} has no script_location in its [alembic] section: Alembic cannot find the migration scripts; add script_location = <the directory holding env.py>`);
    }
  }
  if (files.some((f) => f.path === 'env.py')) return { config, recursive: false, versionDirs: ['versions'] };
  const dirs = new Set(files.filter((f) => /(^|\/)versions\/[^/]+\.py$/.test(f.path)).map((f) => posix.dirname(f.path)));
  return { config, recursive: false, versionDirs: [...dirs].sort() };
}

/** Alembic 1.16 also reads script_location from pyproject.toml's [tool.alembic]. */
function configuredElsewhere(files: readonly SourceFile[]): boolean {
  return files.some((f) => f.path === 'pyproject.toml' && /^\s*\[tool\.alembic\]/m.test(f.content) && /^\s*script_location\s*=/m.test(f.content));
}

/** version_path_separator: os (default `:` on POSIX), space, comma, colon, semicolon, newline. */
function versionSeparator(value: string | undefined): RegExp {
  switch ((value ?? '').trim()) {
    case 'space': return / +/;
    case 'comma': return /,/;
    case ';': case 'semicolon': return /;/;
    case 'newline': return /\n/;
    case '': return /[ ,]+/; // legacy: space or comma separated
    default: return /:/;
  }
}

/** True for a revision file Alembic would load from one of the version directories. */
export function isRevisionFile(path: string, layout: AlembicLayout): boolean {
  if (!path.endsWith('.py')) return false;
  const base = posix.basename(path);
  if (base === '__init__.py' || base.startsWith('.#')) return false;
  const dir = posix.dirname(path);
  return layout.versionDirs.some((v) => {
    const d = v === '.' ? '.' : v.replace(/\/+$/, '');
    return layout.recursive ? dir === d || dir.startsWith(`${d}/`) || d === '.' : dir === d;
  });
}
