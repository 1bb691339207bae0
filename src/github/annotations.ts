/**
 * Problems as annotations on the migration files, at the failing line. GitHub shows at most 10
 * error and 10 warning annotations per step, so they go where they matter first: the problem that
 * stopped the run, then the other root causes (consequences are inside them, never annotations of
 * their own), then the rest, each level in report order; the job summary carries the full list.
 * Each says what to do and links its kind's explanation.
 */
import { problemReason } from '../result/messages.js';
import type { Problem } from '../result/types.js';
import type { ActionsCore } from './actions-core.js';

export const MAX_ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationCounts {
  errors: number;
  warnings: number;
  /** Problems that did not get an annotation because of the cap. */
  omitted: number;
}

/** Path from the repository root, which is what annotations are anchored to. */
function repoPath(file: string, workingDirectory: string): string {
  const clean = file.replace(/^\.\//, '');
  return workingDirectory === '.' || file.startsWith('/') ? clean : `${workingDirectory.replace(/\/+$/, '')}/${clean}`;
}

/**
 * The order annotations are spent in: errors of the migration the run stopped at, then problems
 * that point at a file (an annotation on the diff is worth more than one on the run), then the rest.
 */
export function annotationOrder(problems: readonly Problem[], stoppedAt?: string): Problem[] {
  const rank = (p: Problem) => (stoppedAt !== undefined && p.migration === stoppedAt && p.severity === 'error' ? 0 : p.file ? 1 : 2);
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

/** The annotation's text: the message, what follows from it, what to do, where to read more. */
function annotationMessage(p: Problem): string {
  const lines = [p.migration ? `${p.migration}: ${p.message}` : p.message];
  for (const c of p.consequences ?? []) lines.push(`↳ Because of it, ${c.message} (same cause, not counted again)`);
  if (p.help) lines.push(`Fix: ${p.help}`);
  if (p.docs) lines.push(p.docs);
  return lines.join('\n');
}

/** Sends the annotations and returns what was sent and what was left for the summary. */
export function annotateProblems(
  problems: readonly Problem[],
  core: Pick<ActionsCore, 'error' | 'warning'>,
  workingDirectory = '.',
  stoppedAt?: string,
): AnnotationCounts {
  const counts: AnnotationCounts = { errors: 0, warnings: 0, omitted: 0 };
  for (const p of annotationOrder(problems, stoppedAt)) {
    if (p.severity === 'info') continue;
    const isError = p.severity === 'error';
    if ((isError ? counts.errors : counts.warnings) >= MAX_ANNOTATIONS_PER_LEVEL) {
      counts.omitted++;
      continue;
    }
    const title = `rollback-verify: ${p.kind}${p.migration ? ` · ${p.migration}` : ''} ${problemReason(p)}`;
    const props = p.file ? { title, file: repoPath(p.file, workingDirectory), startLine: p.line ?? 1 } : { title };
    if (isError) {
      core.error(annotationMessage(p), props);
      counts.errors++;
    } else {
      core.warning(annotationMessage(p), props);
      counts.warnings++;
    }
  }
  return counts;
}
