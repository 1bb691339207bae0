/**
 * Errors a user acts on. Both exit with code 2 and print one line, never a stack trace:
 * a ConfigError is bad input (flags, files), an EnvironmentError is the machine (no server,
 * missing extension). Verification failures are not errors: they are problems in the result.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/**
 * The scratch database stopped answering between phases (a migration ended every session or
 * stopped the server). The protocol turns it into a result that keeps the outcomes so far.
 */
export class ScratchDatabaseLostError extends EnvironmentError {}

/** True for the errors that end a run with exit code 2 and a one-line message. */
export function isUserFacingError(err: unknown): err is ConfigError | EnvironmentError {
  return err instanceof ConfigError || err instanceof EnvironmentError;
}

/** One line for any thrown value, for places that must never print a stack. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
