/**
 * The docker provider: a throwaway container of the official `postgres:<major>` image, or of an
 * image the user names (pgvector/pgvector:pg17, postgis/postgis:16-3.4) when migrations need
 * extensions. The container is published on a random loopback port and is always removed
 * (`docker rm -f -v`) through the run's cleanup registry: on success, on failure, and on
 * cancellation (SIGINT/SIGTERM).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { registerCleanup } from '../cleanup.js';
import { EnvironmentError } from '../errors.js';
import type { PostgresServer } from './types.js';
import { DEFAULT_POSTGRES_MAJOR } from '../options/types.js';
import { registerSecret } from '../secrets.js';

export interface DockerServerRequest {
  /** Image to run; defaults to the official `postgres:<major>`. */
  image?: string;
  /** Major version for the official image (default DEFAULT_POSTGRES_MAJOR). */
  major?: number;
  /** Why this provider was chosen, appended to the description. */
  reason?: string;
  /** The docker executable; `docker` from PATH by default. */
  docker?: string;
  /** How long to wait for the server to accept connections after `docker run` returned. */
  readyTimeoutMs?: number;
}

/** The image the provider runs for a request. */
export function dockerImageFor(req: Pick<DockerServerRequest, 'image' | 'major'>): string {
  return req.image ?? `postgres:${req.major ?? DEFAULT_POSTGRES_MAJOR}`;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDocker(docker: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(docker, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr || e.message });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * True when a Docker engine answers (`docker version` reaches the daemon). A client without a
 * daemon (macOS and Windows runners, most containers) answers false, quickly.
 */
export async function dockerEngineAnswers(docker = 'docker', timeoutMs = 10_000): Promise<boolean> {
  const r = await runDocker(docker, ['version', '--format', '{{.Server.Version}}'], { timeoutMs });
  return r.code === 0 && r.stdout.trim() !== '';
}

/** Parses `docker port` output (`127.0.0.1:49153`, possibly several lines) into a port number. */
export function parsePublishedPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    const m = /:(\d+)\s*$/.exec(line.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}

function firstLines(text: string, n = 3): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-n).join(' / ');
}

/**
 * Runs a PostgreSQL container and waits until it accepts connections. Registers the container's
 * removal before `docker run`, so even a run cancelled mid-start leaves no container behind.
 */
export async function startDockerServer(req: DockerServerRequest = {}): Promise<PostgresServer> {
  const docker = req.docker ?? 'docker';
  const image = dockerImageFor(req);
  const name = `rollback-verify-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  registerSecret(password);
  const remove = registerCleanup(async () => {
    await runDocker(docker, ['rm', '--force', '--volumes', name], { timeoutMs: 60_000 });
  });
  try {
    // `-e POSTGRES_PASSWORD` without a value takes it from docker's own environment, so the
    // password never appears in a process list or in docker's argv.
    const run = await runDocker(
      docker,
      [
        'run', '--detach', '--name', name, '--label', 'rollback-verify=1',
        '--env', 'POSTGRES_PASSWORD', '--env', 'POSTGRES_USER=postgres',
        '--publish', '127.0.0.1::5432',
        image,
        // The data is thrown away: durability only costs time (same settings as local clusters).
        '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off',
      ],
      { env: { ...process.env, POSTGRES_PASSWORD: password }, timeoutMs: 10 * 60_000 },
    );
    if (run.code !== 0) {
      throw new EnvironmentError(`docker run ${image} failed: ${firstLines(run.stderr || run.stdout) || `exit code ${run.code}`}`);
    }
    const portOut = await runDocker(docker, ['port', name, '5432/tcp'], { timeoutMs: 30_000 });
    const port = parsePublishedPort(portOut.stdout);
    if (portOut.code !== 0 || port === undefined) {
      throw new EnvironmentError(`docker port ${name} did not report the published PostgreSQL port: ${firstLines(portOut.stderr || portOut.stdout)}`);
    }
    const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const version = await waitUntilReady(adminUrl, req.readyTimeoutMs ?? 120_000, async () => {
      const logs = await runDocker(docker, ['logs', '--tail', '20', name], { timeoutMs: 15_000 });
      return firstLines(logs.stderr + logs.stdout, 3);
    });
    return {
      provider: 'docker',
      adminUrl,
      version,
      description: `docker container of ${image}${req.reason ? ` (${req.reason})` : ''}`,
      stop: remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

/**
 * The official image's entrypoint first runs a temporary server on a Unix socket only (to run
 * init scripts), then restarts it on TCP, so connection errors are expected for a few seconds.
 */
async function waitUntilReady(adminUrl: string, timeoutMs: number, logs: () => Promise<string>): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return rows[0]!.v.split(' ')[0]!;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new EnvironmentError(`the PostgreSQL container did not accept connections within ${Math.round(timeoutMs / 1000)} s (${last}); container log: ${await logs()}`);
}
