/**
 * The engine's only way to talk while it runs. The CLI prints to stderr; the action passes
 * @actions/core. Nothing in the engine writes to the console directly.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  /** Debug detail, shown only when asked for (--verbose, ACTIONS_STEP_DEBUG). */
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warning() {}, debug() {} };
