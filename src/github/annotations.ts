/**
 * Problems as annotations on the migration files, at the failing line. GitHub shows at most 10
 * error and 10 warning annotations per step, so we send at most that many (errors and warnings
 * each in report order) and let the job summary carry the full list.
 */
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

/** Sends the annotations and returns what was sent and what was left for the summary. */
export function annotateProblems(problems: readonly Problem[], core: Pick<ActionsCore, 'error' | 'warning'>, workingDirectory = '.'): AnnotationCounts {
  const counts: AnnotationCounts = { errors: 0, warnings: 0, omitted: 0 };
  for (const p of problems) {
    if (p.severity === 'info') continue;
    const isError = p.severity === 'error';
    if ((isError ? counts.errors : counts.warnings) >= MAX_ANNOTATIONS_PER_LEVEL) {
      counts.omitted++;
      continue;
    }
    const title = `rollback-verify: ${p.kind}${p.object ? ` (${p.object})` : ''}`;
    const props = p.file ? { title, file: repoPath(p.file, workingDirectory), startLine: p.line ?? 1 } : { title };
    const message = p.migration ? `${p.migration}: ${p.message}` : p.message;
    if (isError) {
      core.error(message, props);
      counts.errors++;
    } else {
      core.warning(message, props);
      counts.warnings++;
    }
  }
  return counts;
}
