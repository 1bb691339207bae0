/**
 * The one git module: resolve the base to a commit (`{ ref, sha }`), fetching it alone into a
 * shallow checkout when asked to (the action: actions/checkout fetches one commit by default),
 * and read the migrations directory as it is at that commit, with one `git cat-file --batch`
 * process rather than one `git show` per file. The front ends resolve the base once and hand the
 * engine the `{ ref, sha }` value; nothing else runs git.
 */
import { spawn } from 'node:child_process';
import { relative, sep } from 'node:path';
import { ConfigError, EnvironmentError } from '../errors.js';
import type { SourceFile } from '../formats/types.js';
import type { Logger } from '../logger.js';
import type { BaseCommit } from '../options/types.js';
import { textFile } from './read-files.js';

export interface GitResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * How git is run: child_process by default; the action passes one over @actions/exec. `input` is
 * written to stdin. Never throws: a missing git is code -1 with the reason in stderr.
 */
export type GitRunner = (args: string[], cwd: string, input?: string) => Promise<GitResult>;

/** Runs git in `cwd`; prompts are disabled so a private remote fails instead of hanging. */
export const spawnGit: GitRunner = (args, cwd, input) =>
  new Promise((resolve) => {
    const child = spawn('git', args, {
      cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ code: -1, stdout: Buffer.concat(out), stderr: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : e.message }));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });

/** What to resolve, and how to explain a failure. */
export interface BaseRequest {
  /** How the base is named for the reader: a branch (`main`), a ref as given (`origin/main`, `HEAD~1`). */
  ref: string;
  /** What to resolve, when it is not `ref` (a pull request's base commit sha). */
  commit?: string;
  /** Fetch the commit alone from origin when this checkout does not have it (shallow clones). */
  fetch?: boolean;
  /** Says what the base is in error messages: "base-ref 'x'", "the pull request's base commit …". */
  describe: string;
  /** The way out when it cannot be found (what to add to the workflow, what to fetch). */
  hint: string;
}

export interface ResolvedBase extends BaseCommit {
  /** True when the commit had to be fetched (a shallow checkout). */
  fetched: boolean;
}

/** The first line of git's complaint, for messages. */
function complaint(r: GitResult): string {
  return r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${r.code}`;
}

/** The commit a ref names, or undefined when this repository does not have it. */
export async function resolveCommit(rev: string, cwd: string, git: GitRunner = spawnGit): Promise<string | undefined> {
  const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], cwd);
  const sha = r.stdout.toString().trim();
  return r.code === 0 && sha ? sha : undefined;
}

/** Resolves the base to a commit; throws ConfigError (one line) when it is not there. */
export async function resolveBase(cwd: string, req: BaseRequest, logger: Logger, git: GitRunner = spawnGit): Promise<ResolvedBase> {
  const inside = await git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (inside.code === -1) throw new EnvironmentError(`${complaint(inside)}, but ${req.describe} needs it`);
  if (inside.code !== 0) throw new ConfigError(`${req.describe} needs a git repository, and '${cwd}' is not inside one`);
  const rev = req.commit ?? req.ref;
  const local = await resolveCommit(rev, cwd, git);
  if (local) return { ref: req.ref, sha: local, fetched: false };
  if (!req.fetch) throw new ConfigError(`${req.describe} is not a commit in this repository; ${req.hint}`);

  logger.info(`Base ${rev} is not in this (shallow) checkout: git fetch --depth=1 origin ${rev}`);
  const fetch = await git(['fetch', '--no-tags', '--depth=1', 'origin', rev], cwd);
  if (fetch.code !== 0) {
    throw new ConfigError(`${req.describe} is not in this checkout and \`git fetch --depth=1 origin ${rev}\` failed (${complaint(fetch)}); ${req.hint}`);
  }
  // A branch or tag name arrives as FETCH_HEAD; a sha resolves as itself.
  const sha = (await resolveCommit(rev, cwd, git)) ?? (await resolveCommit('FETCH_HEAD', cwd, git));
  if (!sha) throw new ConfigError(`${req.describe} was fetched but is still not a commit here; ${req.hint}`);
  return { ref: req.ref, sha, fetched: true };
}

/**
 * Reads the files below `absDir` as they are at commit `sha`. Returns undefined when the
 * directory does not exist at that commit (every migration is new then).
 */
export async function readFilesAtCommit(cwd: string, sha: string, absDir: string, displayDir: string, git: GitRunner = spawnGit): Promise<SourceFile[] | undefined> {
  const run = async (args: string[], at: string, input?: string): Promise<Buffer> => {
    const r = await git(args, at, input);
    if (r.code !== 0) throw new EnvironmentError(`git ${args[0]} failed in ${at}: ${complaint(r)}`);
    return r.stdout;
  };
  const top = (await run(['rev-parse', '--show-toplevel'], cwd)).toString().trim();
  const relDir = relative(top, absDir).split(sep).join('/');
  const listing = (await run(['ls-tree', '-r', '-z', '--full-tree', sha, '--', relDir === '' ? '.' : relDir], top)).toString();
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t') as [string, string];
      const [mode, type, object] = meta.split(' ') as [string, string, string];
      return { mode, type, object, path };
    })
    .filter((e) => e.type === 'blob' && e.mode !== '120000');
  if (entries.length === 0) return undefined;
  const prefix = relDir === '' ? '' : `${relDir}/`;
  const contents = splitBatch(await run(['cat-file', '--batch'], top, entries.map((e) => e.object).join('\n') + '\n'), entries.length);
  return entries.map((e, i) => {
    const rel = e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path;
    return textFile(rel, contents[i]!, `${displayDir.replace(/\/+$/, '')}/${rel} at ${sha.slice(0, 7)}`);
  });
}

/** Splits `git cat-file --batch` output (`<sha> blob <size>\n<content>\n` per object). */
function splitBatch(all: Buffer, count: number): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const nl = all.indexOf(0x0a, at);
    const size = Number(all.subarray(at, nl).toString().split(' ')[2]);
    out.push(all.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1;
  }
  return out;
}
