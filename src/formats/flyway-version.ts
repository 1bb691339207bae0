/**
 * Flyway's version numbers (flyway-core api/MigrationVersion.java): `_` means `.`, the string is
 * split at each `.` followed by a digit, each part is a BigInteger, trailing zero parts are
 * dropped (1.0 equals 1), and versions compare part by part with missing parts as 0, so 1.10
 * sorts after 1.9. Anything else in a part is invalid.
 */

/** A parsed Flyway version. */
export interface FlywayVersion {
  /** As Flyway displays it (`_` replaced by `.`). */
  display: string;
  parts: bigint[];
}

/** Parses a Flyway version string; undefined when Flyway would reject it. */
export function parseFlywayVersion(raw: string): FlywayVersion | undefined {
  const display = raw.replaceAll('_', '.');
  const parts: bigint[] = [];
  for (const part of display.split(/\.(?=\d)/)) {
    if (!/^[0-9]+$/.test(part)) return undefined;
    parts.push(BigInt(part));
  }
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return { display, parts };
}

/** Compares two Flyway versions as MigrationVersion.compareTo does. */
export function compareFlywayVersions(a: FlywayVersion, b: FlywayVersion): number {
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i++) {
    const x = a.parts[i] ?? 0n;
    const y = b.parts[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A key equal for versions Flyway considers equal (1, 1.0 and 1_0 share one). */
export function flywayVersionKey(version: FlywayVersion): string {
  return version.parts.join('.');
}
