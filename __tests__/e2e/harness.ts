/**
 * Runs the bundled action (dist/index.js) the way a GitHub runner does: a child process with
 * INPUT_* variables (action.yml defaults filled in, as the runner does), GITHUB_EVENT_PATH with a
 * real-shaped event payload, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_API_URL at a fake
 * REST server, and the checkout as the working directory. Returns exit code, parsed outputs,
 * workflow-command annotations and the summary.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FakeGitHub } from '../../__fixtures__/fake-github.js';

export const REPO_ROOT = process.cwd();
export const BUNDLE = join(REPO_ROOT, 'dist', 'index.js');
export const FAKE_TOKEN = 'ghs_e2eFakeToken1234567890';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh(): boolean {
  if (!existsSync(BUNDLE)) return false;
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(join(REPO_ROOT, 'scripts', 'bundle.mjs')).mtimeMs);
  return statSync(BUNDLE).mtimeMs >= sources;
}

/**
 * Makes sure dist/index.js is built from the current sources, with the project's own bundle
 * script. In CI (.ci/run bundles first) it is already fresh and left alone; otherwise one test
 * file builds it under a lock while the others wait, so no test ever starts a half-written bundle.
 */
export async function buildBundle(): Promise<void> {
  if (bundleIsFresh()) return;
  const lock = join(REPO_ROOT, 'node_modules', '.cache', 'rollback-verify-e2e', 'bundle.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is older than any build takes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!bundleIsFresh()) execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Inputs and their defaults, read from action.yml (the runner fills defaults in the same way). */
export function actionDefaults(): Record<string, string> {
  const yml = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
  const section = yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:'));
  const defaults: Record<string, string> = {};
  let current: string | undefined;
  for (const line of section.split('\n')) {
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (name) current = name[1];
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && current) defaults[current] = def[1]!.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return defaults;
}

/** A pull_request payload as GitHub sends it (the fields the action and common actions read). */
export function pullRequestEvent(opts: { number: number; baseSha: string; headSha: string; fork?: boolean }): object {
  const repo = { id: 1, name: 'shop', full_name: 'acme/shop', owner: { login: 'acme', type: 'Organization' }, private: false, default_branch: 'main' };
  const headRepo = opts.fork ? { ...repo, id: 2, full_name: 'contributor/shop', owner: { login: 'contributor', type: 'User' } } : repo;
  return {
    action: 'synchronize',
    number: opts.number,
    pull_request: {
      url: `https://api.github.com/repos/acme/shop/pulls/${opts.number}`,
      id: 100 + opts.number,
      html_url: `https://github.com/acme/shop/pull/${opts.number}`,
      number: opts.number,
      state: 'open',
      title: 'Add orders',
      user: { login: 'contributor', type: 'User' },
      head: { label: 'acme:feature', ref: 'feature', sha: opts.headSha, repo: headRepo },
      base: { label: 'acme:main', ref: 'main', sha: opts.baseSha, repo },
      draft: false,
      merged: false,
    },
    repository: repo,
    sender: { login: 'contributor', type: 'User' },
  };
}

export interface ActionRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** `::error` / `::warning` workflow commands, decoded. */
  annotations: Array<{ level: 'error' | 'warning'; props: Record<string, string>; message: string }>;
}

export interface RunRequest {
  checkout: string;
  inputs: Record<string, string>;
  gh: FakeGitHub;
  event?: object;
  eventName?: string;
  sha: string;
  env?: Record<string, string>;
  /** Node binary to run the bundle with (default: this one). */
  node?: string;
  /** Called with the child once it started (to signal it). */
  onSpawn?: (child: ChildProcess) => void;
  /** Run the bundle as root: directly when we are root, else through passwordless sudo. */
  asRoot?: boolean;
}

/** True when a test can run something as root: we are root, or sudo works without a password. */
export function canRunAsRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function decode(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

function parseAnnotations(stdout: string): ActionRun['annotations'] {
  const list: ActionRun['annotations'] = [];
  for (const m of stdout.matchAll(/^::(error|warning)(?: ([^:]*))?::(.*)$/gm)) {
    const props = Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), decode(kv.slice(kv.indexOf('=') + 1))]),
    );
    list.push({ level: m[1] as 'error' | 'warning', props, message: decode(m[3]!) });
  }
  return list;
}

/** Runs the bundle once; resolves when it exits. */
export async function runAction(req: RunRequest): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rv-e2e-run-'));
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary.md'), event: join(dir, 'event.json') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify(req.event ?? {}));
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp);

  const inputs = { ...actionDefaults(), ...req.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: req.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: req.sha,
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_WORKSPACE: req.checkout,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: req.gh.url,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(dir, 'tool-cache'),
    ...req.env,
  };
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value === '${{ github.token }}' ? FAKE_TOKEN : value;
  }

  const node = req.node ?? process.execPath;
  const viaSudo = req.asRoot && process.getuid?.() !== 0;
  const child = viaSudo
    ? spawn('sudo', ['-n', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), node, BUNDLE], { cwd: req.checkout, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(node, [BUNDLE], { cwd: req.checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  req.onSpawn?.(child);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    summary: existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : '',
    annotations: parseAnnotations(stdout),
  };
}

/** Installs Node 24 from the `node@24` npm package into a cache dir (once) and returns its binary. */
export function installNode24(): string {
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'rollback-verify-e2e', 'node24');
  const bin = join(dir, 'node_modules', '.bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', 'node@24'], { cwd: dir, stdio: 'ignore' });
  return bin;
}
