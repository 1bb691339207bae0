/**
 * The end-of-run pass that turns what the plan and the protocol recorded into the one result
 * value every renderer reads. Pure: facts in, a value out; the verdict is decided here, last.
 *
 * 1. Server-free checks for the new migrations a stopped run never reached.
 * 2. Each problem gets the phase it is about, a file (data loss: the down statement responsible),
 *    one sentence of help and the link to its kind's documentation.
 * 3. Column-order warnings of one table become one warning.
 * 4. Consequences are folded into their root cause (one error per root cause).
 * 5. Each migration's status and row reason reflect every root problem about it, from any check.
 * 6. Where the run stopped, and why, for the headline; problems in reading order; the verdict.
 */
import type { Migration } from '../formats/types.js';
import type { FormatName } from '../formats/names.js';
import { foldConsequences } from './consequences.js';
import { locateDataLoss } from './locate.js';
import { docsUrl, problemHelp, problemReason } from './messages.js';
import { nameParts, splitObject } from './objects.js';
import { notRunProblems } from './static-checks.js';
import type { MigrationResult, PhaseName, Problem, ProblemKind, RunLimits, SchemaChange, SeededTable, Severity, Suggestion, VerifyResult } from './types.js';
import { decideStatus, isFailing } from './verdict.js';

export interface AssembleInput {
  format: FormatName;
  postgres: string;
  mode: 'step' | 'chain';
  migrationsDir: string;
  base?: { ref: string; sha: string };
  baselineCount: number;
  /** The plan's new migrations (their files, markers and downs), in tool order. */
  fresh: readonly Migration[];
  /** One per new migration, as the protocol left them. */
  migrations: readonly MigrationResult[];
  /** Every problem found: the plan's, the protocol's, thresholds, locks. */
  problems: readonly Problem[];
  schemaChanges: SchemaChange[];
  /** Verified fixes (src/verify/suggest.ts), with their files; only verified ones ever get here. */
  suggestions?: Suggestion[];
  seeded: SeededTable[];
  notes: string[];
  failOn: ReadonlyArray<ProblemKind | Severity>;
  limits?: RunLimits;
  totalMs: number;
}

/** The one result value, with the verdict decided from the root causes. */
export function assembleResult(input: AssembleInput): VerifyResult {
  const migrations: MigrationResult[] = input.migrations.map((m) => ({ ...m, phases: { ...m.phases } }));
  const byId = new Map(input.fresh.map((m) => [m.id, m]));

  let problems = [...input.problems, ...notRunProblems(input.fresh, migrations, input.problems)].map((p) => withPhase({ ...p }, migrations));
  problems = groupColumnOrder(problems);
  problems = problems.map((p) => withFile(p, byId.get(p.migration ?? ''), migrations));
  problems = foldConsequences(problems);
  for (const p of problems) {
    p.help ??= problemHelp(p);
    p.docs ??= docsUrl(p.kind);
  }

  for (const m of migrations) judgeMigration(m, problems, input.failOn, input.mode);
  const stopped = stopPoint(migrations, problems, input.fresh);
  problems = readingOrder(problems, migrations, stopped?.migration);

  return {
    version: 1,
    status: decideStatus(problems, input.failOn),
    format: input.format,
    postgres: input.postgres,
    mode: input.mode,
    migrationsDir: input.migrationsDir,
    ...(input.base ? { base: input.base } : {}),
    baselineCount: input.baselineCount,
    migrations,
    problems,
    schemaChanges: input.schemaChanges,
    seeded: input.seeded,
    totalMs: input.totalMs,
    notes: input.notes,
    ...(input.suggestions?.length ? { suggestions: input.suggestions } : {}),
    ...(stopped ? { stopped } : {}),
    ...(input.limits ? { limits: input.limits } : {}),
  };
}

/** The phase a problem is about, where its kind (or the failed phase) says it. */
function withPhase(p: Problem, migrations: readonly MigrationResult[]): Problem {
  if (p.phase) return p;
  const phase = phaseOf(p, migrations.find((m) => m.id === p.migration));
  return phase ? { ...p, phase } : p;
}

function phaseOf(p: Problem, m: MigrationResult | undefined): PhaseName | undefined {
  switch (p.kind) {
    case 'up-failed':
      return 'up';
    case 'down-failed':
    case 'rollback-residue':
    case 'data-loss':
    case 'missing-down':
    case 'irreversible':
      return 'down';
    case 'reup-failed':
    case 'reapply-drift':
      return 'reup';
    case 'column-order':
      return /after re-applying/.test(p.message) ? 'reup' : 'down';
    case 'timeout': {
      if (/^re-applying/.test(p.message)) return 'reup';
      if (/^the down of/.test(p.message)) return 'down';
      if (/^the up of/.test(p.message)) return 'up';
      const failed = (['up', 'down', 'reup'] as const).filter((ph) => m?.phases[ph] && !m.phases[ph]!.ok);
      return failed[failed.length - 1];
    }
    default:
      return undefined;
  }
}

/**
 * A file for every problem about a migration: data loss points at the down statement that lost
 * it; others without one get the file of their phase.
 */
function withFile(p: Problem, m: Migration | undefined, results: readonly MigrationResult[]): Problem {
  if (p.kind === 'data-loss' && p.object && m) {
    const down = m.down ?? m.up;
    const at = locateDataLoss(p.object, down);
    // A declared loss already points at its marker; a statement found in the down is better.
    if (!p.file || at.line !== undefined) return { ...p, file: at.file, ...(at.line !== undefined ? { line: at.line } : {}) };
    return p;
  }
  if (p.file) return p;
  const r = results.find((x) => x.id === p.migration);
  if (!r) return p;
  const file = p.phase === 'down' ? (r.files.down ?? r.files.up) : r.files.up;
  return { ...p, file };
}

/**
 * One warning per table and migration for columns that came back at other positions: a rolled
 * back DROP COLUMN moves every column after it, but the cause is one statement.
 */
function groupColumnOrder(problems: readonly Problem[]): Problem[] {
  const out: Problem[] = [];
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    const table = p.kind === 'column-order' && p.object ? columnTable(p.object) : undefined;
    if (!table) {
      out.push(p);
      continue;
    }
    const key = `${p.migration ?? ''}\0${p.severity}\0${p.phase ?? ''}\0${table}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else {
      groups.set(key, [p]);
      out.push(p);
    }
  }
  return out.map((p) => {
    if (p.kind !== 'column-order' || !p.object) return p;
    const table = columnTable(p.object);
    const list = table ? groups.get(`${p.migration ?? ''}\0${p.severity}\0${p.phase ?? ''}\0${table}`) : undefined;
    if (!list || list.length < 2) return p;
    const columns = list.map((c) => lastPart(c.object!));
    const where = p.phase === 'reup' ? 'after re-applying' : 'after the down';
    const diff = list.map((c) => c.diff).filter(Boolean).join('\n');
    const { diff: _own, ...rest } = p;
    return {
      ...rest,
      object: `table ${table}`,
      message: `${list.length} columns of ${table} are at other positions ${where}: ${columns.join(', ')} (a re-added column goes to the end)`,
      ...(diff ? { diff } : {}),
    };
  });
}

function columnTable(object: string): string | undefined {
  const { kind, name } = splitObject(object);
  if (kind !== 'column') return undefined;
  const parts = nameParts(name);
  return parts.length >= 2 ? parts.slice(0, -1).join('.') : undefined;
}

function lastPart(object: string): string {
  const parts = nameParts(splitObject(object).name);
  return parts[parts.length - 1]!;
}

/**
 * The migration's status and row reason from every root problem about it. A status is never made
 * better than the protocol recorded: only problems the protocol did not see (thresholds, locks,
 * data, server-free checks) can make it worse.
 */
function judgeMigration(m: MigrationResult, problems: readonly Problem[], failOn: ReadonlyArray<ProblemKind | Severity>, mode: 'step' | 'chain'): void {
  const own = problems.filter((p) => p.migration === m.id);
  const failing = own.filter((p) => isFailing(p, failOn));
  if (failing.some((p) => p.kind !== 'irreversible')) m.status = 'failed';
  // Chain mode judges the group: its problems name no migration, yet every row failed with them.
  const group = mode === 'chain' && m.status === 'failed' && failing.length === 0 ? problems.find((p) => !p.migration && p.severity === 'error') : undefined;
  const first = failing[0] ?? group ?? own.find((p) => p.severity === 'warning');
  if (first) m.reason = `${group && !failing.length ? 'as a group: ' : ''}${problemReason(first)}${failing.length > 1 ? ` (+${failing.length - 1} more)` : ''}`;
  else delete m.reason;
}

/** The migration the run stopped at (the last that ran before the ones not run), and why. */
function stopPoint(migrations: readonly MigrationResult[], problems: readonly Problem[], fresh: readonly Migration[]): VerifyResult['stopped'] {
  const ran = (m: MigrationResult) => Object.keys(m.phases).length > 0;
  const firstNotRun = migrations.findIndex((m) => !ran(m));
  if (firstNotRun < 0) return undefined;
  const last = migrations.slice(0, firstNotRun).reverse().find(ran) ?? [...migrations].reverse().find(ran);
  if (last) return { migration: last.id, reason: last.reason ?? 'it failed' };
  // Nothing new ran: the baseline could not be built, or the machine was not fit for the run.
  const freshIds = new Set(fresh.map((m) => m.id));
  const cause = problems.find((p) => p.severity === 'error' && p.kind === 'up-failed' && p.migration && !freshIds.has(p.migration))
    ?? problems.find((p) => p.kind === 'environment');
  if (!cause) return undefined;
  return cause.kind === 'up-failed'
    ? { migration: cause.migration!, reason: `baseline migration ${problemReason(cause)}` }
    : { migration: cause.migration ?? 'the start', reason: problemReason(cause) };
}

/**
 * Errors before warnings before info; among them, what stopped the run first, then problems of
 * the whole run or plan, then by migration in tool order; otherwise as found.
 */
function readingOrder(problems: Problem[], migrations: readonly MigrationResult[], stoppedAt: string | undefined): Problem[] {
  const severity: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const position = new Map(migrations.map((m, i) => [m.id, i + 1]));
  const rank = (p: Problem) => (p.migration !== undefined && p.migration === stoppedAt && p.severity === 'error' ? -1 : (position.get(p.migration ?? '') ?? 0));
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => severity[a.p.severity] - severity[b.p.severity] || rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}
