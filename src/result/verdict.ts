/** The verdict, decided once at the end from the problems and --fail-on. */
import type { ProblemKind, Problem, Severity } from './types.js';

/**
 * A problem fails the run when it is an error, when its kind is named in fail-on, or when fail-on
 * names `warning` and it is a warning. Info never fails.
 */
export function isFailing(problem: Problem, failOn: ReadonlyArray<ProblemKind | Severity>): boolean {
  if (problem.severity === 'error') return true;
  if ((failOn as readonly string[]).includes(problem.kind)) return true;
  return problem.severity === 'warning' && failOn.includes('warning');
}

/**
 * `error` when the machine, not the migrations, ended the run (an environment problem): what was
 * verified is still reported, but the verdict is not the migrations'. Otherwise pass or fail.
 */
export function decideStatus(problems: readonly Problem[], failOn: ReadonlyArray<ProblemKind | Severity>): 'pass' | 'fail' | 'error' {
  if (problems.some((p) => p.kind === 'environment')) return 'error';
  return problems.some((p) => isFailing(p, failOn)) ? 'fail' : 'pass';
}
