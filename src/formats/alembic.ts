/**
 * Alembic (Python/SQLAlchemy). The revision graph is read from the revision files themselves
 * (revision, down_revision, branch_labels, depends_on); every step runs the project's own
 * Alembic as a process, against the scratch database (src/tools/alembic-launch.ts):
 *
 * - up:   `alembic -c <ini> upgrade <rev>`, which applies exactly <rev> once its parents are in.
 * - down: `alembic -c <ini> downgrade <rev>@-1`, one step back on <rev>'s own branch. The plain
 *   `<rev>-1` resolves to the parent revision and `downgrade <parent>` also removes every other
 *   branch that grew from that parent, so it is not one step when branches exist. A merge
 *   revision has no single step back (`<merge>@-1` is an "Ambiguous walk"), so its down targets
 *   its first parent, which unapplies the merge only. (Checked against Alembic 1.8.)
 * - after each down, alembic_version must hold what it held before the up.
 *
 * A downgrade() that raises NotImplementedError is irreversible (as pytest-alembic treats it),
 * and so is one marked `# rollback-verify: irreversible`; an empty downgrade() (only `pass`) runs
 * and is judged by the schema it leaves (right for an up that changed none).
 */
import { basename, dirname } from 'node:path';
import type { Problem } from '../result/types.js';
import { isEmptyBody, notImplementedLine, readRevisionScript, type RevisionScript } from './alembic-script.js';
import { alembicLayout, isRevisionFile } from './alembic-layout.js';
import { codeMarkers } from './code-markers.js';
import { displayPath } from './common.js';
import { checkGraph, headsOf, lineage, topologicalOrder, type RevisionNode } from './revision-graph.js';
import type { CommandScript, Migration, MigrationFormat, ParseContext, SourceFile } from './types.js';
import { ConfigError } from '../errors.js';
import { nameWithoutId } from '../result/migration-label.js';

const VERSION_TABLE = 'public.alembic_version';

interface Revision extends RevisionNode {
  script: RevisionScript;
  path: string;
}

function readRevisions(files: readonly SourceFile[], displayDir: string, context: ParseContext | undefined) {
  const layout = alembicLayout(files, context, displayDir);
  const revisions: Revision[] = [];
  for (const f of files) {
    if (!isRevisionFile(f.path, layout)) continue;
    const shown = displayPath(displayDir, f.path);
    const script = readRevisionScript(f.content, shown);
    if (!script) throw new ConfigError(`${shown} is in Alembic's versions directory but assigns no revision id (revision = '…')`);
    revisions.push({
      id: script.revision,
      parents: script.downRevisions,
      dependsOn: script.dependsOn,
      branchLabels: script.branchLabels,
      file: shown,
      script,
      path: f.path,
    });
  }
  checkGraph(revisions);
  return { layout, revisions: topologicalOrder(revisions) as Revision[] };
}

/** `abc123_add_users.py` → `add_users` (the revision left out wherever it sits); else the docstring message. */
function revisionName(r: Revision): string {
  return nameWithoutId(basename(r.path, '.py'), r.id) || r.script.message || '';
}

function toMigration(r: Revision, files: readonly SourceFile[], config: string): Migration {
  const content = files.find((f) => f.path === r.path)!.content;
  const step = (args: string[], line: number | undefined, source: string | undefined): CommandScript => ({
    kind: 'command',
    launcher: 'alembic',
    file: r.file,
    ...(line ? { line } : {}),
    argv: ['alembic', '-c', basename(config), ...args],
    cwd: dirname(config),
    ...(source !== undefined ? { source } : {}),
  });
  const markers = codeMarkers(content, r.file, ['#']);
  const { upgrade, downgrade } = r.script;
  const raises = downgrade ? notImplementedLine(downgrade) : undefined;
  if (raises) markers.irreversible ??= { file: r.file, line: raises };
  const target = r.parents.length > 1 ? r.parents[0]! : `${r.id}@-1`;
  // An empty downgrade() (only `pass`) still runs: Alembic moves alembic_version back, and the
  // protocol judges the down by the schema it leaves.
  const empty = downgrade !== undefined && isEmptyBody(downgrade.body) && !markers.irreversible;
  return {
    id: r.id,
    name: revisionName(r),
    up: step(['upgrade', r.id], upgrade?.line, upgrade?.body ?? content),
    ...(downgrade ? { down: { ...step(['downgrade', target], downgrade.line, downgrade.body), ...(empty ? { empty: true } : {}) } } : {}),
    files: [r.path],
    markers,
    toolState: { sql: "SELECT coalesce(string_agg(version_num, ' ' ORDER BY version_num), '') FROM alembic_version", table: VERSION_TABLE },
  };
}

/**
 * A second head: the PR's revision does not descend from the head it must follow (typically two
 * PRs each added a revision on the same parent). `alembic upgrade head` then refuses to run.
 * Heads that open a new labelled branch are deliberate and left alone.
 */
function headProblems(head: Migration[], baseline: Migration[]): Problem[] {
  const graph = (ms: Migration[]): RevisionNode[] => ms.map((m) => ({ id: m.id, parents: parentsOf(m), dependsOn: [], branchLabels: [], file: m.up.file }));
  const headGraph = graph(head);
  const heads = headsOf(headGraph);
  const baseHeads = headsOf(graph(baseline));
  if (heads.length <= Math.max(1, baseHeads.length)) return [];
  const baseIds = new Set(baseline.map((m) => m.id));
  const labelled = new Set(head.filter((m) => labelsOf(m).length > 0 && !baseIds.has(m.id)).map((m) => m.id));
  const problems: Problem[] = [];
  for (const h of heads) {
    if (baseIds.has(h.id)) continue;
    if ([...lineage(headGraph, h.id)].some((id) => labelled.has(id))) continue;
    const others = heads.filter((o) => o.id !== h.id).map((o) => o.id);
    problems.push({
      kind: 'order',
      severity: 'error',
      migration: h.id,
      file: h.file,
      line: 1,
      message:
        `revision ${h.id} does not descend from ${others.join(', ')}: with both, the history has ${heads.length} heads (${heads.map((x) => x.id).join(', ')}) ` +
        `and 'alembic upgrade head' fails with "Multiple head revisions" — merge them: alembic merge -m "merge heads" ${heads.map((x) => x.id).join(' ')}`,
    });
  }
  return problems;
}

// The graph travels inside Migration values (formats hand the plan nothing else), so the parents
// and labels are kept in a side table keyed by the migration object.
const parentsByMigration = new WeakMap<Migration, { parents: string[]; labels: string[] }>();
function parentsOf(m: Migration): string[] {
  return parentsByMigration.get(m)?.parents ?? [];
}
function labelsOf(m: Migration): string[] {
  return parentsByMigration.get(m)?.labels ?? [];
}

export const alembic: MigrationFormat = {
  name: 'alembic',
  bookkeepingTables: [VERSION_TABLE],
  detect(files) {
    return files.some((f) => f.path === 'alembic.ini') || (files.some((f) => f.path === 'env.py') && files.some((f) => /^versions\/[^/]+\.py$/.test(f.path)));
  },
  parse(files, displayDir, context) {
    const { layout, revisions } = readRevisions(files, displayDir, context);
    return revisions.map((r) => {
      const m = toMigration(r, files, layout.config);
      parentsByMigration.set(m, { parents: r.parents, labels: r.branchLabels });
      return m;
    });
  },
  planProblems: headProblems,
};
