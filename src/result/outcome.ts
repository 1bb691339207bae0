/**
 * What running one script (a migration's up or down, SQL or a tool's command) came to: how long it
 * took and, when it failed, how. Plain values shared by the executor, the tool runner, the lock
 * tracer and the protocol, so none of them has to import another to speak about an outcome.
 */

export interface ScriptFailure {
  message: string;
  sqlstate?: string;
  file: string;
  line?: number;
  /** The failure is about the machine (missing extension), not the migration. */
  environment?: boolean;
  /** The statement hit statement_timeout. */
  timeout?: boolean;
  /** The connection or the server went away: what the database now holds is unknown. */
  connectionLost?: boolean;
  /** PostgreSQL's DETAIL and the objects its error fields name, when it sent them. */
  detail?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  /**
   * The tool refused to revert because the migration cannot be reversed (Rails'
   * ActiveRecord::IrreversibleMigration, Django's IrreversibleError), before changing anything.
   */
  irreversible?: boolean;
}

export interface ScriptOutcome {
  ms: number;
  failure?: ScriptFailure;
}
