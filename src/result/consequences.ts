/**
 * One error per root cause: a failure that follows from another problem of the same migration is
 * kept inside that problem's `consequences` instead of being reported (and counted, annotated,
 * failing the run) a second time. Pure, over the problems of a result.
 *
 * What counts as a consequence:
 * - a re-up that fails on an object the down left behind (`already exists`) or took away (`does
 *   not exist`), when a `rollback-residue` of the same migration names that object;
 * - a re-applied schema that differs in an object the down already failed to restore;
 * - whatever fails in the down or re-up of a migration whose up failed (it was half applied);
 * - a re-up over its time limit when the up was already over the same limit (the same work).
 * Anything else stays its own error: a re-up that fails for a reason of its own is not hidden.
 */
import { bareName, nameParts, splitObject } from './objects.js';
import { errorGist } from './messages.js';
import type { PhaseName, Problem, ProblemKind } from './types.js';

type Consequence = NonNullable<Problem['consequences']>[number];

/** SQLSTATEs of "already exists" errors: duplicate table/column/object/function/schema. */
const DUPLICATE_STATES = new Set(['42P07', '42701', '42710', '42723', '42P06']);
/** SQLSTATEs of "does not exist" errors: undefined table/column/object/function/schema. */
const UNDEFINED_STATES = new Set(['42P01', '42703', '42704', '42883', '3F000']);

/** Kinds that only describe running the down and re-up, which a failed up makes meaningless. */
const AFTER_UP: ReadonlySet<ProblemKind> = new Set<ProblemKind>(['down-failed', 'reup-failed', 'rollback-residue', 'reapply-drift', 'data-loss', 'column-order', 'timeout']);

/** The problems with consequences folded into their root causes, in their original order. */
export function foldConsequences(problems: readonly Problem[]): Problem[] {
  const roots = problems.map((p) => ({ ...p }));
  const folded = new Set<Problem>();
  const attach = (root: Problem, child: Problem, message: string) => {
    root.consequences = [...(root.consequences ?? []), consequenceOf(child, message)];
    folded.add(child);
  };

  for (const child of roots) {
    if (!child.migration || child.severity !== 'error') continue;
    const mine = roots.filter((p) => p !== child && p.migration === child.migration && !folded.has(p));

    // A failed up first: the down and re-up of a half-applied migration only repeat it.
    const upFailure = mine.find((p) => p.severity === 'error' && (p.kind === 'up-failed' || (p.kind === 'timeout' && p.phase === 'up')));
    if (upFailure && child !== upFailure && AFTER_UP.has(child.kind) && child.phase !== 'up') {
      attach(upFailure, child, `${phaseWords(child.phase)} failed too: ${errorGist(child.message, 200)}`);
      continue;
    }

    const residues = mine.filter((p) => p.kind === 'rollback-residue' && p.severity === 'error' && p.object);
    if (child.kind === 'reup-failed' || (child.kind === 'timeout' && child.phase === 'reup')) {
      const names = trippedOn(child);
      const residue = residues.find((r) => names.includes(ownName(r.object!)));
      if (residue) attach(residue, child, `re-applying the up failed: ${errorGist(child.message, 200)}`);
      continue;
    }
    if (child.kind === 'reapply-drift' && child.object) {
      const residue = residues.find((r) => r.object === child.object || sameTable(r.object!, child.object!));
      if (residue) attach(residue, child, `the re-applied up differs there too: ${child.message}`);
      continue;
    }
    if (child.kind === 'threshold' && child.phase === 'reup') {
      const up = mine.find((p) => p.kind === 'threshold' && p.phase === 'up');
      if (up) attach(up, child, child.message);
    }
  }
  return roots.filter((p) => !folded.has(p));
}

function consequenceOf(p: Problem, message: string): Consequence {
  return {
    kind: p.kind,
    message,
    ...(p.phase ? { phase: p.phase } : {}),
    ...(p.file ? { file: p.file } : {}),
    ...(p.line ? { line: p.line } : {}),
  };
}

function phaseWords(phase: PhaseName | undefined): string {
  return phase === 'reup' ? 're-applying the up' : phase === 'down' ? 'the down' : 'a later phase';
}

/**
 * The names a re-up error says it tripped on, when it is the kind of error an object left behind
 * (`relation "x" already exists`) or taken away (`relation "x" does not exist`) by the down causes.
 */
function trippedOn(p: Problem): string[] {
  const text = errorGist(p.message, 10_000);
  const state = p.sqlstate ?? '';
  if (!/already exists|does not exist/.test(text) && !DUPLICATE_STATES.has(state) && !UNDEFINED_STATES.has(state)) return [];
  return [...text.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!);
}

/** The object's own name, as PostgreSQL prints it in messages (`orders_status_idx`, `legacy`). */
function ownName(display: string): string {
  const parts = nameParts(splitObject(display).name);
  return bareName(parts[parts.length - 1]!);
}

/** A drift in a part of a table the down left behind as a whole (columns of a residue table). */
function sameTable(residue: string, drift: string): boolean {
  const r = splitObject(residue);
  if (r.kind !== 'table') return false;
  const d = splitObject(drift);
  return d.kind !== 'table' && d.name.startsWith(`${r.name}.`);
}
