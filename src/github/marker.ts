/**
 * The hidden marker that makes the PR comment sticky: one comment per migrations directory. The
 * marker also carries a digest of the report without its timings, so a re-run that finds nothing
 * new (same commits, same verdict, same problems) does not edit the comment at all.
 */
import { createHash } from 'node:crypto';

const PREFIX = '<!-- rollback-verify:sticky dir=';

/** The key a comment is found by: the migrations directory from the repository root. */
export function markerKey(workingDirectory: string, migrationsDir: string): string {
  const joined = workingDirectory === '.' ? migrationsDir : `${workingDirectory}/${migrationsDir}`;
  return joined.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The marker line for a key and digest. encodeURIComponent keeps `-->` out of the comment. */
export function commentMarker(key: string, digest: string): string {
  return `${PREFIX}${encodeURIComponent(key)} digest=${digest} -->`;
}

/** True when `body` starts with this key's marker (never a marker quoted further down). */
export function hasMarker(body: string | undefined, key: string): boolean {
  return (body ?? '').startsWith(`${PREFIX}${encodeURIComponent(key)} `);
}

/** The digest stored in a comment's marker, if any. */
export function markerDigest(body: string | undefined): string | undefined {
  return /^<!-- rollback-verify:sticky dir=\S+ digest=([0-9a-f]+) -->/.exec(body ?? '')?.[1];
}

/** A short content digest. */
export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}
