/**
 * Canonical text helpers. The DDL-like text of each object is produced by the snapshot query
 * itself (set-based, in the server); this file holds what is shared on the TypeScript side: the
 * text a diff shows for an object, and SQL literal quoting for the few values the query embeds.
 */
import type { SchemaObject } from './model.js';

/**
 * The text a diff compares and shows for an object: its DDL, plus (columns only) its position,
 * which lives outside `ddl` so that a column whose only change is its place can be recognised.
 * Always ends with a newline so unified diffs carry no "\ No newline at end of file" noise.
 */
export function canonicalText(object: SchemaObject): string {
  const lines = [object.ddl];
  if (object.position !== undefined) lines.push(`-- position ${object.position} among the table's columns`);
  return `${lines.join('\n')}\n`;
}

/**
 * A JS string as an SQL string literal that means the same whatever standard_conforming_strings
 * says: the E'' form, with backslashes and quotes doubled.
 */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('SQL text cannot contain NUL characters');
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** A list of strings as an SQL `text[]` expression. */
export function sqlTextArray(values: readonly string[]): string {
  return `ARRAY[${values.map(sqlLiteral).join(', ')}]::text[]`;
}
