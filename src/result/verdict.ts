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

export function decideStatus(problems: readonly Problem[], failOn: ReadonlyArray<ProblemKind | Severity>): 'pass' | 'fail' {
  return problems.some((p) => isFailing(p, failOn)) ? 'fail' : 'pass';
}
