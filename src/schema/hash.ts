/**
 * The schema fingerprint as an order-independent hash: the sum, modulo 2^256, of the SHA-256 of
 * every object (its kind, name, ddl, table and position). Equal schemas give equal sums; a patched
 * snapshot's sum is its base's minus the objects it replaced plus their replacements, so comparing
 * two snapshots of a run costs what changed between them, not the size of the schema.
 *
 * A sum (not a XOR) so that two identical objects never cancel out. The server-side
 * `fingerprintQuery` (snapshot-query.ts) computes the same sum in SQL, serialising every object the
 * same way (`objectHashInput`).
 *
 * Fingerprints are computed lazily: reading a full snapshot does not hash it until someone asks
 * (the snapshot figure measures the read alone), and a patched snapshot derives its sum from its
 * base's only when compared.
 */
import * as crypto from 'node:crypto';
import type { SchemaObject, Snapshot } from './model.js';

const MODULUS = 1n << 256n;
const LANES = 8;
const LANE = 2 ** 32;

/** The text an object's hash covers; the SQL twin is in fingerprintQuery. */
export function objectHashInput(o: SchemaObject): string {
  return [o.kind, o.name, o.ddl, o.table ?? '', o.position === undefined ? '' : String(o.position)].join('\x1f');
}

// crypto.hash (Node 20.12+) skips the Hash object; the engines field still admits older Node 20s.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
function sha256(text: string): Buffer {
  return oneShot ? oneShot('sha256', text, 'buffer') : crypto.createHash('sha256').update(text, 'utf8').digest();
}

/** The SHA-256 of one object as a 256-bit number. */
export function objectDigest(o: SchemaObject): bigint {
  return BigInt(`0x${sha256(objectHashInput(o)).toString('hex')}`);
}

/**
 * The sum of the objects' digests. Bulk path: eight 32-bit lanes summed in doubles (exact below
 * 2^53, i.e. for up to two million objects), carried into one number at the end.
 */
export function digestObjects(objects: Iterable<SchemaObject>): bigint {
  const lanes = new Array<number>(LANES).fill(0);
  for (const o of objects) {
    const h = sha256(objectHashInput(o));
    for (let i = 0; i < LANES; i++) lanes[i]! += h.readUInt32BE(4 * i);
  }
  let total = 0n;
  for (let i = 0; i < LANES; i++) total = total * BigInt(LANE) + BigInt(lanes[i]!);
  return total % MODULUS;
}

/** `base` − removed + added, modulo 2^256. */
export function adjustDigest(base: bigint, removed: Iterable<SchemaObject>, added: Iterable<SchemaObject>): bigint {
  let total = base;
  for (const o of removed) total -= objectDigest(o);
  for (const o of added) total += objectDigest(o);
  return ((total % MODULUS) + MODULUS) % MODULUS;
}

/** A digest as the fingerprint string: 64 hex digits. */
export function digestHex(digest: bigint): string {
  return digest.toString(16).padStart(64, '0');
}

/** Digests of snapshots made here, computed on first use. */
const digests = new WeakMap<Snapshot, () => bigint>();

/**
 * A snapshot whose `fingerprint` is computed on first read from `digest` (then cached). `digest`
 * defaults to hashing every object.
 */
export function snapshotWithLazyFingerprint(objects: Map<string, SchemaObject>, digest?: () => bigint): Snapshot {
  let cached: bigint | undefined;
  let compute: (() => bigint) | undefined = digest ?? (() => digestObjects(objects.values()));
  const value = (): bigint => {
    if (cached === undefined) {
      cached = compute!();
      compute = undefined; // lets a patched snapshot's base be collected once its sum is known
    }
    return cached;
  };
  const snapshot = { objects } as Snapshot;
  Object.defineProperty(snapshot, 'fingerprint', { enumerable: true, configurable: true, get: () => digestHex(value()) });
  digests.set(snapshot, value);
  return snapshot;
}

/** The digest of any snapshot: from its lazy sum when it has one, else by hashing its objects. */
export function snapshotDigest(s: Snapshot): bigint {
  const known = digests.get(s);
  return known ? known() : digestObjects(s.objects.values());
}
