/**
 * Folds the parts of a table that appeared or disappeared as a whole into the table's own
 * difference: a reviewer wants "table public.t_1 is left behind", with its columns, constraints
 * and indexes shown in one diff, not one problem per column.
 */
import { createTwoFilesPatch } from 'diff';
import type { ObjectDifference } from './diff.js';

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
    const text = (side: 'before' | 'after') =>
      [d[side], ...parts.map((p) => p[side])].filter((t): t is string => t !== undefined).join('\n');
    const before = d.change === 'removed' ? text('before') : '';
    const after = d.change === 'added' ? text('after') : '';
    const diff = createTwoFilesPatch('before', 'after', before, after, undefined, undefined, { context: 20 }).replace(/^=+\n/, '');
    return { ...d, ...(before ? { before } : {}), ...(after ? { after } : {}), diff };
  });
}
