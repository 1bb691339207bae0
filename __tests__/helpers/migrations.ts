/** Writes throwaway migration projects (and git repos) for engine tests; removed after each file. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_OPTIONS, type VerifyOptions } from '../../src/options.js';
import { silentLogger } from '../../src/logger.js';
import { runVerification } from '../../src/verify/run.js';
import { resolveBase } from '../../src/plan/git.js';
import type { VerifyResult } from '../../src/result/types.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Creates a directory with the given files (path → content) and returns its absolute path. */
export function writeProject(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rv-test-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  });
}

/** A git repo whose first commit holds `base` and whose work tree then holds `head` too. */
export function writeGitProject(base: Record<string, string>, head: Record<string, string | null>): string {
  const root = writeProject(base);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  for (const [path, content] of Object.entries(head)) {
    if (content === null) rmSync(join(root, path));
    else {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
  return root;
}

/**
 * Runs the engine on `dir` against the given server URL with test-friendly defaults. A base given
 * as a ref is resolved first with the git module, as the CLI does.
 */
export async function verify(cwd: string, dir: string, databaseUrl: string, extra: Partial<Omit<VerifyOptions, 'base'>> & { base?: string } = {}): Promise<VerifyResult> {
  const { base: ref, ...rest } = extra;
  const base = ref ? await resolveBase(cwd, { ref, describe: `--base '${ref}'`, hint: `fetch it: git fetch --depth=1 origin ${ref}` }, silentLogger) : undefined;
  return runVerification(
    { ...DEFAULT_OPTIONS, seedRows: 20, migrationsDir: dir, cwd, provider: 'url', databaseUrl, ...rest, ...(base ? { base: { ref: base.ref, sha: base.sha } } : {}) },
    { logger: silentLogger },
  );
}
