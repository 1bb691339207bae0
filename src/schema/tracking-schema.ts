/**
 * The names of what change tracking (tracking.ts) creates in the scratch database. Every snapshot
 * leaves this schema, and the event triggers whose function lives in it, out: they are the run's
 * instruments, not the user's schema. A separate module with no imports, so the snapshot fragments
 * can name it without depending on the tracker.
 */

/** The schema holding the change log and the event trigger functions (a user schema may not start with `pg_`). */
export const TRACKING_SCHEMA = '_rollback_verify';
