/**
 * dbmate for figure 5: installed at bench time into a cache directory with npm (not a project
 * dependency), and run as its native binary — what a team installs from a release or Homebrew —
 * so the npm wrapper's Node start-up is not charged to the peer.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const DBMATE_VERSION = '2.36.0';
const CACHE = resolve('node_modules/.cache/rollback-verify-bench/dbmate');

/** Path of the dbmate binary, installing it into the cache first when needed; undefined if that fails. */
export async function installDbmate(): Promise<string | undefined> {
  const bin = join(CACHE, 'node_modules', '@dbmate', `${platform()}-${arch()}`, 'bin', 'dbmate');
  if (existsSync(bin)) return bin;
  mkdirSync(CACHE, { recursive: true });
  try {
    await run('npm', ['install', '--prefix', CACHE, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `dbmate@${DBMATE_VERSION}`]);
  } catch {
    return undefined;
  }
  return existsSync(bin) ? bin : undefined;
}

/** Runs dbmate with the given command against `url`, without its schema dump (no checks). */
export async function dbmate(bin: string, url: string, migrationsDir: string, command: string): Promise<void> {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  await run(bin, ['--url', u.toString(), '--migrations-dir', migrationsDir, '--no-dump-schema', command]);
}
