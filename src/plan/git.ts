/**
 * Git access for the plan: resolve the base ref and read the migrations directory as it is there.
 * Files are read with one `git cat-file --batch` process rather than one `git show` per file.
 */
import { execFile, spawn } from 'node:child_process';
import { relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, EnvironmentError } from '../errors.js';
import type { SourceFile } from '../formats/types.js';
import { textFile } from './read-files.js';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new EnvironmentError('git is not installed, but --base needs it');
    throw new EnvironmentError(`git ${args[0]} failed in ${cwd}: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
  }
}

export interface GitTree {
  /** Absolute path of the repository's top level. */
  top: string;
  sha: string;
}

/** Resolves `ref` to a commit in the repository containing `cwd`. */
export async function resolveBase(cwd: string, ref: string): Promise<GitTree> {
  let top: string;
  try {
    top = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new ConfigError(`--base needs a git repository, and '${cwd}' is not inside one`);
  }
  try {
    const sha = (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    if (!sha) throw new Error('empty');
    return { top, sha };
  } catch {
    throw new ConfigError(
      `base ref '${ref}' is not a commit in this repository (a shallow clone? fetch it: git fetch --depth=1 origin ${ref})`,
    );
  }
}

/**
 * Reads the files below `absDir` as they are at `tree.sha`. Returns undefined when the directory
 * does not exist at that commit (every migration is new then).
 */
export async function readFilesAtCommit(tree: GitTree, absDir: string, displayDir: string): Promise<SourceFile[] | undefined> {
  const relDir = relative(tree.top, absDir).split(sep).join('/');
  const listing = await git(tree.top, ['ls-tree', '-r', '-z', '--full-tree', tree.sha, '--', relDir === '' ? '.' : relDir]);
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
  const contents = await catFiles(tree.top, entries.map((e) => e.object));
  return entries.map((e, i) => {
    const rel = e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path;
    return textFile(rel, contents[i]!, `${displayDir.replace(/\/+$/, '')}/${rel} at ${tree.sha.slice(0, 7)}`);
  });
}

function catFiles(cwd: string, objects: string[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new EnvironmentError(`git cat-file exited with ${code} in ${cwd}`));
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (let i = 0; i < objects.length; i++) {
        const nl = all.indexOf(0x0a, at);
        const header = all.subarray(at, nl).toString();
        const size = Number(header.split(' ')[2]);
        out.push(all.subarray(nl + 1, nl + 1 + size));
        at = nl + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(objects.join('\n') + '\n');
  });
}
