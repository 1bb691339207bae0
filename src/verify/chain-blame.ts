/**
 * Chain mode rolls the new migrations back newest first. When the down of an earlier migration
 * fails after later downs ran, the cause is often a later down that left something behind (a view
 * over the table being dropped, an index on its column): blaming the earlier migration sends the
 * reviewer to the wrong file. The error names the objects involved (`cannot drop table t because
 * other objects depend on it` / `view v depends on table t`); the migration to blame is the later
 * one whose up mentions an object the failing migration's up does not. When later ups mention only
 * objects the failing one shares, the group is blamed and the message says so; when none mention
 * them, the failing down is its own culprit. Pure.
 */
import type { Migration, Script } from '../formats/types.js';
import { migrationLabel } from '../result/migration-label.js';
import type { ScriptFailure } from '../result/outcome.js';
import type { Problem } from '../result/types.js';

/** The down-failed problem for `group[failedAt]`'s down, blamed on the right migration or the group. */
export function chainDownProblem(group: readonly Migration[], failedAt: number, f: ScriptFailure): Problem {
  const failing = group[failedAt]!;
  const text = `${f.message}${f.sqlstate ? ` (SQLSTATE ${f.sqlstate})` : ''}${f.detail ? ` — ${f.detail}` : ''}`;
  const later = group.slice(failedAt + 1);
  const where = { file: f.file, ...(f.line ? { line: f.line } : {}), ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) };
  if (later.length === 0) {
    return { kind: 'down-failed', severity: 'error', migration: failing.id, phase: 'down', ...where, message: `the down of ${migrationLabel(failing)} failed: ${text}` };
  }
  const names = objectNames(`${f.message}\n${f.detail ?? ''}`);
  const own = scriptText(failing.up);
  const suspects = names.filter((n) => !mentions(own, n));
  // The latest down ran first: the nearest later migration that created the object left it.
  const culprit = later.find((m) => suspects.some((n) => mentions(scriptText(m.up), n)));
  if (culprit) {
    const left = suspects.filter((n) => mentions(scriptText(culprit.up), n));
    return {
      kind: 'down-failed', severity: 'error', migration: culprit.id, phase: 'down', file: culprit.down?.file ?? culprit.up.file,
      message: `the down of ${migrationLabel(culprit)} leaves ${left.map((n) => `"${n}"`).join(', ')} behind, so rolling the group back fails at the down of ${migrationLabel(failing)} (${f.file}${f.line ? `:${f.line}` : ''}): ${text}`,
    };
  }
  if (later.some((m) => names.some((n) => mentions(scriptText(m.up), n)))) {
    // The objects involved belong to this migration and later ones alike: the group is to blame.
    return {
      kind: 'down-failed', severity: 'error', phase: 'down', ...where,
      message: `rolling back the new migrations as a group failed at the down of ${migrationLabel(failing)}, after the downs of ${later.map(migrationLabel).join(', ')} ran: ${text}. The cause may be any of them; --mode step verifies each on its own`,
    };
  }
  // Nothing later touches what the error names: the failing down is its own culprit.
  return { kind: 'down-failed', severity: 'error', migration: failing.id, phase: 'down', ...where, message: `the down of ${migrationLabel(failing)} failed: ${text}` };
}

/** Double-quoted names in a PostgreSQL message, and the bare names in its DETAIL lines (`view v depends on table t`). */
function objectNames(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/"((?:[^"]|"")+)"/g)) out.add(m[1]!.replace(/""/g, '"'));
  for (const m of text.matchAll(/\b(?:table|view|materialized view|index|sequence|function|type|constraint|trigger|policy|rule|column|default value for column)\s+([A-Za-z_][\w$.]*(?:\([^)]*\))?)\s+(?:depends|of)\b/g)) out.add(m[1]!);
  return [...out].map((n) => n.replace(/\(.*$/, '')).map((n) => n.split('.').pop()!).filter((n) => n.length > 1);
}

function scriptText(s: Script | undefined): string {
  if (!s) return '';
  return s.kind === 'sql' ? s.text : (s.source ?? '');
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_$]|$)`, 'i').test(text);
}
