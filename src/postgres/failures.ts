/**
 * How PostgreSQL failures are recognised, in one place: a session or server that went away, and
 * an extension the server does not have. The engine reads them from pg errors (SQLSTATE plus
 * message) and from a migration tool's output (text only).
 */

/** SQLSTATEs of a session the server ended or could not keep: admin/crash shutdown, connection failures. */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** What pg (node), libpq and drivers print when the socket or the server went away. */
const LOST_TEXT =
  /Connection terminated|Client has encountered a connection error|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|server closed the connection|terminating connection due to administrator command/i;

const MISSING_EXTENSION_TEXT = /extension ".*" is not available|could not open extension control file/;

/** True when a pg error (or any thrown value) means the connection or the server is gone. */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && LOST_SQLSTATES.has(e.code)) return true;
  return LOST_TEXT.test(typeof e?.message === 'string' ? e.message : String(err));
}

/** True when a tool's output says its connection or the server went away. */
export function textSaysConnectionLost(text: string): boolean {
  return LOST_TEXT.test(text);
}

/**
 * pgvector, PostGIS & co. missing on the server: the fix is another server, not the migration.
 * With a SQLSTATE (pg errors) it must be one of the two the server uses for this.
 */
export function isMissingExtension(message: string, sqlstate?: string): boolean {
  if (sqlstate !== undefined && sqlstate !== '0A000' && sqlstate !== '58P01') return false;
  return MISSING_EXTENSION_TEXT.test(message);
}
