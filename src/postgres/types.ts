/** A PostgreSQL server the run may create scratch databases in. */
export interface PostgresServer {
  provider: ProviderName;
  /** Connection URL of a database on the server with rights to CREATE DATABASE. Secret. */
  adminUrl: string;
  /**
   * A local cluster's URL over its Unix socket (in the run's private 0700 dir; trusted, no
   * password): cheaper connections than adminUrl's TCP + scram. Absent for url and docker servers.
   */
  socketUrl?: string;
  /** `server_version` as the server reports it, e.g. `17.10`. */
  version: string;
  /** Why this provider was chosen, for the report. */
  description: string;
  /** Stops what this run started; a no-op for servers the user gave us. */
  stop(): Promise<void>;
}

export type ProviderName = 'url' | 'embedded' | 'system' | 'docker';
export type ProviderChoice = ProviderName | 'auto';

/** A database created for this run and dropped at its end. */
export interface ScratchDatabase {
  name: string;
  /** Secret: contains the password. */
  url: string;
  drop(): Promise<void>;
}

/** The two server programs a local cluster is started with (system, embedded). */
export interface ClusterBinaries {
  initdb: string;
  postgres: string;
}
