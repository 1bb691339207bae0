/**
 * Throwaway copies of the framework example apps (examples/rails, examples/django) as git
 * repositories, for tests that run the real framework: the example is the base commit, the
 * test's changes are committed on top (or left in the work tree), and the work tree can be
 * checked for anything a run left behind.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { git } from '../helpers/migrations.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp dir removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * A git repo holding a copy of `source` (committed as `main`), then `changes` (path → content,
 * null deletes) applied and, unless `commit` is false, committed as the PR's head.
 */
export function appRepo(source: string, changes: Record<string, string | null> = {}, commit = true): string {
  const root = tempDir('rv-app-');
  cpSync(source, root, { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) rmSync(join(root, path));
    else {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
  if (commit && Object.keys(changes).length) {
    git(root, 'checkout', '-qb', 'pr');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'pr');
  }
  return root;
}

/** Everything git sees changed, untracked or ignored in the work tree: '' when untouched. */
export function workTreeChanges(root: string): string {
  return git(root, 'status', '--porcelain', '--ignored', '--untracked-files=all');
}

/** True when `program args` exits 0. */
export function runs(program: string, args: string[]): boolean {
  try {
    execFileSync(program, args, { stdio: 'ignore', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    return true;
  } catch {
    return false;
  }
}

/** Ruby with Rails and the pg gem (Debian: apt-get install ruby-rails ruby-pg). */
export const hasRails = runs('ruby', ['-e', 'require "rails"; require "active_record"; require "pg"']);

/**
 * A Python that imports Django and psycopg2: python3 on PATH, else the system's /usr/bin/python3
 * (Debian's python3-django is installed for it, and another python3 may come first on PATH).
 */
export const djangoPython = ['python3', '/usr/bin/python3'].find((p) => runs(p, ['-B', '-c', 'import django, psycopg2']));

/**
 * Puts `python` first on PATH as python3 for the file's tests (the runner picks python3 from
 * PATH), and puts PATH back afterwards.
 */
export function usePythonOnPath(python: string | undefined): void {
  const saved = process.env.PATH;
  beforeAll(() => {
    if (!python || python === 'python3') return;
    const bin = tempDir('rv-python-');
    symlinkSync(python, join(bin, 'python3'));
    process.env.PATH = `${bin}${delimiter}${saved ?? ''}`;
  });
  afterAll(() => {
    process.env.PATH = saved;
  });
}

/** The pids a test initializer/settings module wrote to its boot log, one per boot. */
export function boots(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
