/**
 * A rename that was not undone shows up as one object missing and another, with the same
 * definition under another name, left behind, plus everything that spells the old name (a comment
 * on the column, the index over it, the sequence OWNED BY the table). A reviewer needs one line:
 * "renamed". This pairs removed and added objects whose definitions are equal once the new name
 * is put in for the old one, and folds into that pair every other difference the rename alone
 * explains. Pure; runs after foldTableChildren, so a renamed table is compared with its columns,
 * constraints and indexes.
 */
import { createTwoFilesPatch } from 'diff';
import type { ObjectDifference } from './diff.js';

/** Kinds whose renames explain others' differences: containers first. */
const OWNER_RANK = ['schema', 'table', 'view', 'materialized view', 'type', 'domain', 'sequence', 'column', 'function', 'procedure', 'constraint', 'index'];

/** The differences with every rename folded into one `renamed` difference (named by its old name). */
export function pairRenames(differences: readonly ObjectDifference[]): ObjectDifference[] {
  const removed = differences.filter((d) => d.change === 'removed');
  const added = differences.filter((d) => d.change === 'added');
  if (removed.length === 0 || added.length === 0) return [...differences];
  const rank = (d: ObjectDifference) => {
    const r = OWNER_RANK.indexOf(d.kind);
    return r < 0 ? OWNER_RANK.length : r;
  };
  const used = new Set<ObjectDifference>();
  const renames: ObjectDifference[] = [];
  for (const old of [...removed].sort((a, b) => rank(a) - rank(b))) {
    if (used.has(old)) continue;
    const rename = added.find((now) => !used.has(now) && now.kind === old.kind && renamedTo(old, now));
    if (!rename) continue;
    used.add(old).add(rename);
    const swap = nameSwap(old.name, rename.name);
    // Everything else the rename alone explains: a pair with the old and the new name, or a
    // changed object whose text only swaps the name.
    const explained: string[] = [];
    for (const d of differences) {
      if (used.has(d)) continue;
      if (d.change === 'changed' && d.before !== undefined && swap(d.before) === d.after) {
        used.add(d);
        explained.push(d.display);
      } else if (d.change === 'removed') {
        const twin = added.find((a) => !used.has(a) && a.kind === d.kind && a.name === swap(d.name) && swap(d.before ?? '') === a.after);
        if (twin) {
          used.add(d).add(twin);
          explained.push(d.display);
        }
      }
    }
    const diff = createTwoFilesPatch('before', 'after', old.before ?? '', rename.after ?? '', undefined, undefined, { context: 20 }).replace(/^=+\n/, '');
    renames.push({
      ...old,
      change: 'renamed',
      renamedTo: rename.name,
      ...(rename.after !== undefined ? { after: rename.after } : {}),
      diff,
      ...(explained.length ? { explains: explained } : {}),
    });
  }
  if (renames.length === 0) return [...differences];
  const firstOf = new Map(renames.map((r) => [r.key, r]));
  return differences.flatMap((d) => (firstOf.has(d.key) && d.change === 'removed' ? [firstOf.get(d.key)!] : used.has(d) ? [] : [d]));
}

/** Same kind, same owner, and the same definition once the new name stands for the old. */
function renamedTo(old: ObjectDifference, now: ObjectDifference): boolean {
  if (old.before === undefined || now.after === undefined) return false;
  if (parentOf(old.name) !== parentOf(now.name)) return false;
  if (old.table !== now.table && old.kind !== 'table') return false;
  return nameSwap(old.name, now.name)(old.before) === now.after;
}

/** Replaces the old name with the new: qualified first, then the bare identifier as a whole token. */
function nameSwap(oldName: string, newName: string): (text: string) => string {
  const oldShort = lastIdentifier(oldName);
  const newShort = lastIdentifier(newName);
  // Whole tokens only: renaming public.users must leave public.users_id_seq alone.
  const whole = (name: string) => new RegExp(`(^|[^A-Za-z0-9_$"])${escapeRegExp(name)}(?![A-Za-z0-9_$"])`, 'g');
  const qualified = whole(oldName);
  const token = whole(oldShort);
  return (text) => text.replace(qualified, (_, lead: string) => `${lead}${newName}`).replace(token, (_, lead: string) => `${lead}${newShort}`);
}

/** `public."Users".email` → `public."Users"`; `public.f(integer)` → `public`. */
function parentOf(name: string): string {
  const parts = identifiers(name);
  return parts.slice(0, -1).join('.');
}

function lastIdentifier(name: string): string {
  return identifiers(name).at(-1) ?? name;
}

/** Splits a quote_ident-qualified name on the dots outside quotes; a routine's argument list is dropped. */
function identifiers(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of name) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') break;
    if (!quoted && ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
