/**
 * Compares two snapshots object by object. Pure: no database, deterministic order, readable
 * unified diffs of the canonical text (via the `diff` package).
 */
import { createTwoFilesPatch } from 'diff';
import { canonicalText } from './ddl.js';
import { movedColumns, type ColumnPlace } from './column-order.js';
import { OBJECT_KIND_ORDER, type ObjectKind, type SchemaObject, type Snapshot } from './model.js';

/** One object that differs between two snapshots. */
export interface ObjectDifference {
  /** The snapshot map key, `${kind} ${name}`. */
  key: string;
  kind: ObjectKind;
  name: string;
  /** How a report names it, e.g. `index public.users_email_lower_idx`, `column public.users.display_name`. */
  display: string;
  /** `renamed`: the same definition under another name (src/schema/renames.ts). */
  change: 'added' | 'removed' | 'changed' | 'renamed';
  /** For `renamed`: the name it has now. */
  renamedTo?: string;
  /** For `renamed`: other differences the rename alone explains (a comment, an index over a renamed column). */
  explains?: string[];
  /** Canonical text before (absent when added). */
  before?: string;
  /** Canonical text after (absent when removed). */
  after?: string;
  /** Unified diff (`--- before` / `+++ after`) of the canonical text. */
  diff: string;
  /** True when the only change is a column's position (a DROP COLUMN rolled back re-adds it at the end). */
  columnOrderOnly?: boolean;
  /** The table the object belongs to, when it belongs to one. */
  table?: string;
}

/** Lines of unchanged context around each change; canonical texts are short, so show them whole. */
const DIFF_CONTEXT_LINES = 20;

/**
 * Every object added, removed or changed from `before` to `after`, sorted by kind (containers
 * first, see OBJECT_KIND_ORDER) and then by name, so the same two snapshots always give the same
 * list. Equal fingerprints short-cut to an empty list.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): ObjectDifference[] {
  if (before.fingerprint === after.fingerprint) return [];
  const differences: ObjectDifference[] = [];
  const keys = new Set([...before.objects.keys(), ...after.objects.keys()]);
  for (const key of keys) {
    const difference = compareObject(key, before.objects.get(key), after.objects.get(key));
    if (difference) differences.push(difference);
  }
  return withoutBystanders(differences, before, after).sort(compareDifferences);
}

/**
 * Drops the position-only differences of columns that did not move relative to the others (they
 * shifted because a column before them left or came back at the end): one re-added column is one
 * column-order difference, not one per column after it.
 */
function withoutBystanders(differences: ObjectDifference[], before: Snapshot, after: Snapshot): ObjectDifference[] {
  const tables = new Set(differences.filter((d) => d.columnOrderOnly && d.table !== undefined).map((d) => d.table!));
  if (tables.size === 0) return differences;
  const moved = new Set<string>();
  for (const table of tables) {
    const places: ColumnPlace[] = [];
    for (const [key, was] of before.objects) {
      if (was.kind !== 'column' || was.table !== table || was.position === undefined) continue;
      const now = after.objects.get(key);
      if (now?.kind === 'column' && now.table === table && now.position !== undefined) places.push({ key, before: was.position, after: now.position });
    }
    for (const key of movedColumns(places)) moved.add(key);
  }
  return differences.filter((d) => !d.columnOrderOnly || moved.has(d.key));
}

function compareObject(key: string, before: SchemaObject | undefined, after: SchemaObject | undefined): ObjectDifference | undefined {
  const object = (after ?? before) as SchemaObject;
  const beforeText = before ? canonicalText(before) : undefined;
  const afterText = after ? canonicalText(after) : undefined;
  if (beforeText === afterText && before?.table === after?.table) return undefined;
  const change = !before ? 'added' : !after ? 'removed' : 'changed';
  const display = `${object.kind} ${object.name}`;
  const difference: ObjectDifference = {
    key,
    kind: object.kind,
    name: object.name,
    display,
    change,
    diff: unifiedDiff(beforeText ?? '', afterText ?? ''),
  };
  if (beforeText !== undefined) difference.before = beforeText;
  if (afterText !== undefined) difference.after = afterText;
  if (object.table !== undefined) difference.table = object.table;
  if (before && after && before.ddl === after.ddl && before.table === after.table && before.position !== after.position) {
    difference.columnOrderOnly = true;
  }
  return difference;
}

/** A unified diff without the `===` banner line createTwoFilesPatch puts first. */
function unifiedDiff(beforeText: string, afterText: string): string {
  const patch = createTwoFilesPatch('before', 'after', beforeText, afterText, undefined, undefined, {
    context: DIFF_CONTEXT_LINES,
  });
  return patch.replace(/^=+\n/, '');
}

const KIND_RANK = new Map<string, number>(OBJECT_KIND_ORDER.map((kind, i) => [kind, i]));

function compareDifferences(a: ObjectDifference, b: ObjectDifference): number {
  const rank = (KIND_RANK.get(a.kind) ?? OBJECT_KIND_ORDER.length) - (KIND_RANK.get(b.kind) ?? OBJECT_KIND_ORDER.length);
  if (rank !== 0) return rank;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
