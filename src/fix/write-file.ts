/**
 * The one effect of `--fix`: write an edit atomically, and only over the content the run read.
 * A temporary file next to the target is written, flushed and renamed over it, so a reader (an
 * editor, a concurrent `git status`) sees the old file or the new one, never half of one. If the
 * file changed since the run read it (the author kept editing), or appeared when the run saw none,
 * it is left alone: the suggestion was verified against the old content.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** SHA-256 (hex) of a file's content as the run read it; the caller keeps it for writeFixFile. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export type WriteStatus =
  /** The file was rewritten. */
  | 'updated'
  /** The file did not exist and was created. */
  | 'created'
  /** The file differs from what the run read (or now exists when the run saw none): not touched. */
  | 'changed-since-run'
  /** The new content equals the current content: nothing to write. */
  | 'unchanged';

/**
 * Writes `content` to `path` when the file still holds what the run read: `expectedHash` is the
 * contentHash of that content, or undefined when the run found no file.
 */
export async function writeFixFile(path: string, content: string, expectedHash: string | undefined): Promise<WriteStatus> {
  let current: string | undefined;
  let mode: number | undefined;
  try {
    current = await fs.readFile(path, 'utf8');
    mode = (await fs.stat(path)).mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if ((current === undefined) !== (expectedHash === undefined)) return 'changed-since-run';
  if (current !== undefined && contentHash(current) !== expectedHash) return 'changed-since-run';
  if (current === content) return 'unchanged';
  await fs.mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.rollback-verify-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx', mode ?? 0o644);
    try {
      // open() applies the umask; the rewritten file keeps the old one's mode exactly.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (current === undefined) {
      // A file that appeared meanwhile is someone else's: link() refuses to replace it.
      try {
        await fs.link(temp, path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return 'changed-since-run';
        // A file system without hard links: rename, after one more look.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
        if (await exists(path)) return 'changed-since-run';
        await fs.rename(temp, path);
      }
      return 'created';
    }
    await fs.rename(temp, path);
    return 'updated';
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}
