/**
 * The schema snapshot model: a flat map of named objects, each with canonical DDL-like text that is
 * stable across OIDs, attnums and relfilenodes, so two snapshots are equal exactly when the schema
 * a user can observe is equal.
 */

/** What a snapshot object is. The display name of a difference is `${kind} ${name}`. */
export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'sequence'
  | 'view'
  | 'materialized view'
  | 'function'
  | 'procedure'
  | 'aggregate'
  | 'trigger'
  | 'type'
  | 'domain'
  | 'collation'
  | 'statistics'
  | 'policy'
  | 'privilege'
  | 'default privileges'
  | 'comment'
  | 'rule'
  | 'event trigger'
  | 'publication';

/**
 * Kinds in the order a reader expects them (containers before their parts); diffs are sorted by
 * this rank first so a report lists `table public.t` before `column public.t.c`.
 */
export const OBJECT_KIND_ORDER: readonly ObjectKind[] = [
  'schema',
  'extension',
  'collation',
  'type',
  'domain',
  'sequence',
  'table',
  'column',
  'constraint',
  'index',
  'statistics',
  'view',
  'materialized view',
  'function',
  'procedure',
  'aggregate',
  'trigger',
  'rule',
  'policy',
  'privilege',
  'default privileges',
  'comment',
  'event trigger',
  'publication',
];

/** One object of a snapshot. */
export interface SchemaObject {
  kind: ObjectKind;
  /**
   * Qualified, quote_ident-quoted name: `public.users`, `public.users.email` (column),
   * `public.users.users_pkey` (constraint, trigger, policy, rule: table-scoped names),
   * `public.users_email_idx` (index), `public.f(integer)` (routine: input argument types).
   */
  name: string;
  /** Canonical DDL-like text: stable, OID-free, one clause per line where that helps a diff. */
  ddl: string;
  /** Qualified name of the table (or view) the object belongs to, when it belongs to one. */
  table?: string;
  /** Columns only: 1-based rank among the table's live columns (not attnum, which keeps dropped columns). */
  position?: number;
}

/** A whole schema, as read by `snapshotSchema`. */
export interface Snapshot {
  /** Keyed by `objectKey(kind, name)` = `${kind} ${name}`. */
  objects: Map<string, SchemaObject>;
  /**
   * Hash (SHA-256, hex) over every object's kind, name, ddl, table and position: equal iff the
   * snapshots are equal. Equal to what `snapshotFingerprint` returns for the same schema.
   */
  fingerprint: string;
}

/** The map key (and display name) of an object. */
export function objectKey(kind: ObjectKind, name: string): string {
  return `${kind} ${name}`;
}
