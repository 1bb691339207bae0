/**
 * Folds the parts of a table that appeared or disappeared as a whole into the table's own
 * difference: a reviewer wants "table public.t_1 is left behind", with its columns, constraints
 * and indexes shown in one diff, not one problem per column.
 */
import { createTwoFilesPatch } from 'diff';
import type { ObjectDifference } from './diff.js';

const POSITION_LINE = /^-- position \d+ among the table's columns\n?/gm;
const rank = (d: ObjectDifference) => (d.kind === 'column' ? 0 : d.kind === 'constraint' ? 1 : d.kind === 'index' ? 2 : 3);
const position = (d: ObjectDifference) => Number(/-- position (\d+) among/.exec(d.before ?? d.after ?? '')?.[1] ?? 0);

export function foldTableChildren(differences: readonly ObjectDifference[]): ObjectDifference[] {
  const wholeTables = new Map<string, ObjectDifference>();
  for (const d of differences) {
    if ((d.kind === 'table' || d.kind === 'materialized view' || d.kind === 'view') && d.change !== 'changed') wholeTables.set(d.name, d);
  }
  if (wholeTables.size === 0) return [...differences];
  const children = new Map<string, ObjectDifference[]>();
  const rest: ObjectDifference[] = [];
  for (const d of differences) {
    const owner = d.table !== undefined ? wholeTables.get(d.table) : undefined;
    if (owner && owner !== d && d.change === owner.change) {
      const list = children.get(owner.name) ?? [];
      list.push(d);
      children.set(owner.name, list);
    } else rest.push(d);
  }
  return rest.map((d) => {
    const parts = children.get(d.name);
    if (!parts || wholeTables.get(d.name) !== d) return d;
    // Columns first in table order, then constraints, indexes and the rest, as a CREATE TABLE reads.
    const ordered = [...parts].sort((a, b) => rank(a) - rank(b) || position(a) - position(b) || (a.key < b.key ? -1 : 1));
    const text = (side: 'before' | 'after') =>
      [d[side], ...ordered.map((p) => p[side])]
        .filter((t): t is string => t !== undefined)
        .map((t) => t.replace(POSITION_LINE, ''))
        .join('\n');
    const before = d.change === 'removed' ? text('before') : '';
    const after = d.change === 'added' ? text('after') : '';
    const diff = createTwoFilesPatch('before', 'after', before, after, undefined, undefined, { context: 20 }).replace(/^=+\n/, '');
    return { ...d, ...(before ? { before } : {}), ...(after ? { after } : {}), diff };
  });
}
