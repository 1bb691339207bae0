/**
 * Throwaway git repositories shaped like a pull request: an `origin` (bare) with `main` at the
 * base commit and `feature` at the head commit, and a checkout of the head — full, or shallow
 * (depth 1, what actions/checkout does by default) so the base commit is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Files = Record<string, string | null>;

export interface PrRepo {
  root: string;
  origin: string;
  baseSha: string;
  headSha: string;
  /** Clones `feature` into a new directory; shallow = depth 1. */
  checkout(opts?: { shallow?: boolean }): string;
  cleanup(): void;
}

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function writeFiles(dir: string, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    const abs = join(dir, path);
    if (content === null) {
      rmSync(abs, { force: true });
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Base commit with `base` files on main; head commit on feature applies `head` (null deletes). */
export function createPrRepo(base: Files, head: Files): PrRepo {
  const root = mkdtempSync(join(tmpdir(), 'rv-pr-repo-'));
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  mkdirSync(work);
  gitIn(root, 'init', '--bare', '--quiet', origin);
  gitIn(work, 'init', '--quiet');
  writeFiles(work, { 'README.md': 'test repo\n', ...base });
  gitIn(work, 'add', '-A');
  gitIn(work, 'commit', '--quiet', '-m', 'base');
  const baseSha = gitIn(work, 'rev-parse', 'HEAD');
  gitIn(work, 'checkout', '--quiet', '-b', 'feature');
  writeFiles(work, head);
  gitIn(work, 'add', '-A');
  gitIn(work, 'commit', '--quiet', '--allow-empty', '-m', 'head');
  const headSha = gitIn(work, 'rev-parse', 'HEAD');
  gitIn(work, 'remote', 'add', 'origin', origin);
  gitIn(work, 'push', '--quiet', 'origin', 'main', 'feature');
  let n = 0;
  return {
    root,
    origin,
    baseSha,
    headSha,
    checkout({ shallow = false } = {}) {
      const dir = join(root, `checkout-${n++}`);
      const depth = shallow ? ['--depth=1'] : [];
      // file:// so --depth is honoured (a plain path would hard-link the whole history).
      gitIn(root, 'clone', '--quiet', ...depth, '--branch', 'feature', `file://${origin}`, dir);
      return dir;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
