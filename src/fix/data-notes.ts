/**
 * What a generated down cannot give back: it restores definitions, never rows or values. These
 * notes say, per object, what data is gone and what the author can do instead; they go next to a
 * suggestion (or replace it for a `data-loss` problem, which has no schema fix at all). Pure.
 */
import type { Problem } from '../result/types.js';
import type { Snapshot } from '../schema/model.js';
import { parseColumn, parseEnumLabels, parseSequence } from './canonical.js';
import { display } from './context.js';

/** Something the schema fix does not restore, with what to do about it. */
export interface DataNote {
  object: string;
  message: string;
}

const MARKER = '`-- rollback-verify: down-loses-data`';

/**
 * Notes for the data that lived in what `target` has and `from` lost or rewrote. `after` says what
 * produced `from`: the wrong down (default), or the up when there is no down at all.
 */
export function dataRestoreNotes(target: Snapshot, from: Snapshot, after: 'down' | 'up' = 'down'): DataNote[] {
  const by = after === 'down' ? 'by the down' : 'by the up, and no down puts it back';
  const notes: DataNote[] = [];
  for (const [key, t] of target.objects) {
    const c = from.objects.get(key);
    if (t.kind === 'table' && !c) {
      notes.push({
        object: display(t),
        message: `${display(t)} was dropped ${by}; recreating it restores its definition, not its rows — restore them from a copy taken before (e.g. keep the table renamed in the up and rename it back in the down), or mark the migration ${MARKER}`,
      });
    } else if (t.kind === 'column' && !c && t.table && from.objects.has(`table ${t.table}`)) {
      const col = parseColumn(t.ddl);
      if (col.generated) continue; // computed again from the other columns
      notes.push({
        object: display(t),
        message: `${display(t)} was dropped ${by}; its values cannot be regenerated — the re-added column holds ${col.default !== undefined ? `its default (${col.default})` : 'NULL'} in every row. Keep the values in the up (rename the column, or copy it to a backup table) so the down can put them back, or mark the migration ${MARKER}`,
      });
    } else if (t.kind === 'column' && c) {
      const a = parseColumn(c.ddl);
      const b = parseColumn(t.ddl);
      if (a.type !== b.type) {
        notes.push({
          object: display(t),
          message: `${display(t)} was changed from ${b.type} to ${a.type}; converting it back restores the type, and the values only where ${a.type} held them exactly (no cut text, no rounded numbers)`,
        });
      }
    } else if (t.kind === 'type' && c) {
      const before = parseEnumLabels(t.ddl);
      const now = parseEnumLabels(c.ddl);
      const extra = before && now ? now.filter((label) => !before.includes(label)) : [];
      if (extra.length > 0) {
        notes.push({
          object: display(t),
          message: `${display(t)} has label${extra.length > 1 ? 's' : ''} ${extra.join(', ')} the state before the up did not have; rows holding ${extra.length > 1 ? 'them' : 'it'} make the conversion back fail — decide what they become (UPDATE … SET … WHERE …) before the type is recreated`,
        });
      }
    } else if (t.kind === 'sequence' && !c) {
      const owned = parseSequence(t.ddl).ownedBy;
      if (owned && from.objects.has(`column ${owned}`)) continue; // setval continues after the column's values
      notes.push({
        object: display(t),
        message: `${display(t)} was dropped ${by}; it is recreated at its start value, and the value it had reached is lost — set it with setval() if anything relies on it`,
      });
    }
  }
  return notes;
}

/**
 * The advice for a `data-loss` problem: no schema fix brings lost values back, so say what the
 * author can change instead.
 */
export function dataLossAdvice(problem: Pick<Problem, 'kind' | 'object'>): string {
  const what = problem.object ?? 'the data';
  return `${what} lost values in the down, and a generated down cannot bring them back (it restores definitions, not rows): keep the values in the up — rename instead of dropping, copy them to a backup table — so the down can put them back, or mark the migration ${MARKER} if losing them is intended`;
}
