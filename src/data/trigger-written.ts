/**
 * Values a trigger writes are not lost by a down that never writes them. A column kept by a
 * trigger (`NEW.updated_at := now()`, or another table's `UPDATE collections SET updation_time
 * = …` in an AFTER trigger) changes whenever the migration updates a row, in the up as much as
 * in the down; reporting it as "the down loses 1000 of 1000 values" is noise (ente's history:
 * every backfill on a table with such a trigger). Such a change is a warning naming the trigger,
 * when neither the up nor the down names the column and no value became NULL.
 */
import type pg from 'pg';
import type { Migration } from '../formats/types.js';
import type { Problem } from '../result/types.js';
import type { Fingerprints } from './fingerprint.js';

/** A trigger as far as this check needs it: its table and its function's source. */
export interface TriggerSource {
  /** `schema.table` the trigger is on. */
  table: string;
  /** `schema.function()` it runs. */
  func: string;
  /** The function's body. */
  source: string;
}

/** The user triggers of the database with their functions' source, one round trip. */
export async function readTriggerSources(client: pg.ClientBase): Promise<TriggerSource[]> {
  const { rows } = await client.query<TriggerSource>(
    `SELECT format('%s.%s', n.nspname, c.relname) AS "table", format('%s.%s()', pn.nspname, p.proname) AS func, p.prosrc AS source
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
      WHERE NOT t.tgisinternal`,
  );
  return rows;
}

const word = (name: string) => new RegExp(`(^|[^\\w$"])"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?(?![\\w$])`, 'i');

/** True when the body assigns the column: `NEW.col := …` / `NEW.col = …`, or `SET … col = …` of an UPDATE. */
function assigns(source: string, column: string): boolean {
  const c = `"?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`;
  return new RegExp(`\\bNEW\\s*\\.\\s*${c}\\s*:?=(?!=)`, 'i').test(source) || new RegExp(`\\bSET\\b[^;]*?(^|[\\s,(])${c}\\s*=`, 'i').test(source);
}

function scriptText(script: Migration['up'] | undefined): string {
  if (!script) return '';
  return script.kind === 'sql' ? script.text : (script.source ?? '');
}

/**
 * The problems with each column data loss a trigger explains turned into a warning that says so.
 * `object` is `column schema.table.column`; the trigger must be on that table, or its function
 * must name the table (an AFTER trigger elsewhere that updates it).
 */
export function triggerWrittenValues(migration: Migration, problems: Problem[], triggers: readonly TriggerSource[], before: Fingerprints, after: Fingerprints): Problem[] {
  if (triggers.length === 0) return problems;
  const texts = [scriptText(migration.up), scriptText(migration.down)];
  return problems.map((p) => {
    if (p.kind !== 'data-loss' || p.severity !== 'error' || !p.object?.startsWith('column ')) return p;
    const qualified = p.object.slice('column '.length);
    const dot = qualified.lastIndexOf('.');
    const table = qualified.slice(0, dot);
    const column = qualified.slice(dot + 1);
    const was = before.get(table)?.detail?.nonNull[column];
    const now = after.get(table)?.detail?.nonNull[column];
    if (was === undefined || now === undefined || now < was) return p;
    if (texts.some((t) => word(column).test(t))) return p;
    const bare = table.slice(table.indexOf('.') + 1);
    const writer = triggers.find((t) => assigns(t.source, column) && (t.table === table || word(bare).test(t.source)));
    if (!writer) return p;
    return {
      ...p,
      severity: 'warning',
      message: `${p.message} — written by the trigger function ${writer.func} (on ${writer.table}) when the migration updates rows; neither the up nor the down writes this column, and no down can restore what a trigger stamps`,
    };
  });
}
