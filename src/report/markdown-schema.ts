/**
 * The schema-changes section of the Markdown report: what the PR does to the schema as a short
 * list of objects, with the DDL behind a <details> (src/report/schema-sql.ts) and, for changed
 * objects, their before → after. Pure.
 */
import { splitObject, withoutPublic } from '../result/objects.js';
import type { VerifyResult } from '../result/types.js';
import type { MarkdownBlock } from './markdown-budget.js';
import { code, escapeHtml } from './markdown-text.js';
import { changedObjectsDiff, namedChanges, schemaChangesSql } from './schema-sql.js';
import { plural } from './summary.js';

/** Cut after the locks and the chart, before the problems' diffs. */
export const SCHEMA_ORDER = 20;
/** Objects named in the open list; the rest are counted (the DDL has them all). */
const LISTED = 24;

/** The section's blocks: the object list, the DDL and the changed objects' diff (both collapsed); none without changes. */
export function schemaChangeBlocks(result: VerifyResult): MarkdownBlock[] {
  const changes = namedChanges(result.schemaChanges);
  if (changes.length === 0) return [];
  const groups = (['added', 'changed', 'removed'] as const)
    .map((change) => ({ change, items: changes.filter((c) => c.change === change) }))
    .filter((g) => g.items.length);
  let named = 0;
  const list = groups.map(({ change, items }) => {
    // Per kind: "2 tables: orders, invoices", the names cut after LISTED across the section.
    const kinds = new Map<string, string[]>();
    for (const c of items) {
      const { kind, name } = splitObject(c.object);
      kinds.set(kind, [...(kinds.get(kind) ?? []), withoutPublic(name)]);
    }
    const parts = [...kinds].map(([kind, names]) => {
      const shown = names.slice(0, Math.max(0, LISTED - named));
      named += shown.length;
      const more = names.length - shown.length;
      const label = names.length === 1 ? kind : pluralKind(kind);
      return `${names.length > 1 ? `${names.length} ` : ''}${label}${shown.length ? ` ${shown.map((n) => code(n)).join(', ')}` : ''}${more ? `${shown.length ? ',' : ''} ${more} more` : ''}`;
    });
    return `**${change[0]!.toUpperCase()}${change.slice(1)}:** ${parts.join('; ')}`;
  });
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: `### Schema changes\n\n${list.join('  \n')}\n` }];
  const ddl = schemaChangesSql(result.schemaChanges);
  if (ddl) {
    blocks.push({ kind: 'details', summary: `DDL: what this PR does to the schema (${plural(changes.length, 'object')})`, body: ddl, fence: 'sql', cut: 'lines', order: SCHEMA_ORDER });
  }
  const diff = changedObjectsDiff(result.schemaChanges);
  if (diff) {
    const n = groups.find((g) => g.change === 'changed')?.items.length ?? 0;
    blocks.push({ kind: 'details', summary: escapeHtml(`Changed ${n === 1 ? 'object' : 'objects'}: before → after`), body: diff, fence: 'diff', cut: 'lines', order: SCHEMA_ORDER });
  }
  return blocks;
}

/** `tables`, `indexes`, `policies`. */
function pluralKind(kind: string): string {
  if (kind.endsWith('x')) return `${kind}es`;
  if (kind.endsWith('y')) return `${kind.slice(0, -1)}ies`;
  if (kind.endsWith('s')) return kind;
  return `${kind}s`;
}
