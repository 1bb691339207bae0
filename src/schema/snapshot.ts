/**
 * Reads a schema snapshot from the system catalogs in one round trip (see snapshot-query.ts for
 * the query and why it looks the way it does).
 */
import type pg from 'pg';
import { snapshotWithLazyFingerprint } from './hash.js';
import { objectKey, type ObjectKind, type SchemaObject, type Snapshot } from './model.js';
import { fingerprintQuery, RESULT_INDEX, snapshotQuery, type SnapshotQueryOptions } from './snapshot-query.js';

/** Options of `snapshotSchema` and `snapshotFingerprint`. */
export interface SnapshotOptions extends SnapshotQueryOptions {
  /**
   * Qualified names of migration-tool bookkeeping tables (e.g. `public.schema_migrations`) to
   * leave out, with their owned sequences and everything attached to them. A bare name matches the
   * table in any schema.
   */
  excludeTables?: string[];
}

/** One row of the snapshot query; `unit` is the row's unit key (units.ts), read only for tracked snapshots. */
export interface SnapshotRow {
  kind: ObjectKind;
  name: string;
  ddl: string;
  tbl: string | null;
  pos: number | null;
  unit: string;
}

/**
 * Takes a snapshot of every user-visible schema object of the connected database: one query,
 * set-based over the catalogs, OID-free text. System schemas and extension members are left out.
 * The fingerprint (hash.ts) is computed when first read.
 */
export async function snapshotSchema(client: pg.ClientBase, options: SnapshotOptions = {}): Promise<Snapshot> {
  const objects = new Map<string, SchemaObject>();
  for (const row of resultRows<ObjectRow>(await client.query(snapshotQuery(options)))) addRow(objects, row);
  return snapshotWithLazyFingerprint(objects);
}

/** A row without its unit (what a plain snapshot reads). */
export type ObjectRow = Omit<SnapshotRow, 'unit'>;

/** The object a row describes. */
export function rowObject(row: ObjectRow): SchemaObject {
  const object: SchemaObject = { kind: row.kind, name: row.name, ddl: row.ddl };
  if (row.tbl !== null) object.table = row.tbl;
  if (row.pos !== null) object.position = row.pos;
  return object;
}

/** Adds a row's object to `objects`; returns the key it went under. */
export function addRow(objects: Map<string, SchemaObject>, row: ObjectRow): string {
  const key = uniqueKey(objects, objectKey(row.kind, row.name));
  objects.set(key, rowObject(row));
  return key;
}

/**
 * The fingerprint of the current schema without reading it: the snapshot query hashed in the
 * server, one short row back. Equals `(await snapshotSchema(client, options)).fingerprint` for the
 * same schema, so a caller holding a snapshot can skip a full re-read and diff when nothing changed.
 */
export async function snapshotFingerprint(client: pg.ClientBase, options: SnapshotOptions = {}): Promise<string> {
  const rows = resultRows<{ fingerprint: string }>(await client.query(fingerprintQuery(options)));
  const fingerprint = rows[0]?.fingerprint;
  if (!fingerprint) throw new Error('schema fingerprint query returned no row');
  return fingerprint;
}

/** The rows of the data statement of a multi-statement result. */
export function resultRows<T>(result: pg.QueryResult | pg.QueryResult[]): T[] {
  const results = Array.isArray(result) ? result : [result];
  const data = results[RESULT_INDEX];
  if (!data) throw new Error(`schema snapshot query returned ${results.length} result sets, expected ${RESULT_INDEX + 1}`);
  return data.rows as T[];
}

/**
 * Keys are unique by construction (each name is its object's identity in the catalogs); should two
 * rows ever collide, both are kept rather than one silently hiding the other.
 */
function uniqueKey(objects: Map<string, SchemaObject>, key: string): string {
  let candidate = key;
  for (let n = 2; objects.has(candidate); n++) candidate = `${key} #${n}`;
  return candidate;
}
