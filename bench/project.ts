/**
 * Writes a generated history to disk in a migration tool's layout (golang-migrate or dbmate), and
 * the PR-shaped git repository: the baseline committed on `main`, the new migrations on top.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeneratedMigration } from './history.js';

/** A temp directory that `dispose` removes. */
export interface TempProject {
  root: string;
  /** The migrations directory, relative to root. */
  dir: string;
  dispose(): void;
}

function version(i: number, format: 'golang-migrate' | 'dbmate'): string {
  // dbmate versions are timestamps by convention; any increasing digits work for both tools.
  return format === 'dbmate' ? String(20240000000000 + i + 1) : String(i + 1).padStart(4, '0');
}

/** Writes migrations into `<root>/<dir>` in the given format. */
export function writeMigrations(root: string, dir: string, history: readonly GeneratedMigration[], format: 'golang-migrate' | 'dbmate', offset = 0): void {
  const at = join(root, dir);
  mkdirSync(at, { recursive: true });
  history.forEach((m, k) => {
    const v = version(offset + k, format);
    if (format === 'dbmate') {
      writeFileSync(join(at, `${v}_${m.name}.sql`), `-- migrate:up\n${m.up}\n-- migrate:down\n${m.down}`);
    } else {
      writeFileSync(join(at, `${v}_${m.name}.up.sql`), m.up);
      writeFileSync(join(at, `${v}_${m.name}.down.sql`), m.down);
    }
  });
}

/** A project holding the whole history in one directory (no git). */
export function writeProject(history: readonly GeneratedMigration[], format: 'golang-migrate' | 'dbmate'): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'rv-bench-'));
  writeMigrations(root, 'migrations', history, format);
  return { root, dir: 'migrations', dispose: () => rmSync(root, { recursive: true, force: true }) };
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' },
  });
}

/** A git repo: `baseline` committed on main (the base), `fresh` committed on a branch (the head). */
export function writeGitProject(baseline: readonly GeneratedMigration[], fresh: readonly GeneratedMigration[]): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'rv-bench-git-'));
  writeMigrations(root, 'db/migrations', baseline, 'golang-migrate');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'baseline');
  git(root, 'checkout', '-q', '-b', 'feature');
  writeMigrations(root, 'db/migrations', fresh, 'golang-migrate', baseline.length);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'new migrations');
  return { root, dir: 'db/migrations', dispose: () => rmSync(root, { recursive: true, force: true }) };
}
