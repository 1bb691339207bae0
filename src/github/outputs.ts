/**
 * The action's outputs that publishResult does not set (it sets status, problems, the report paths
 * and the comment URL), and the whole set for a run that could not finish, so that every declared
 * output (src/options/table.ts OUTPUTS) has a value on every exit.
 */
import type { OutputName } from '../options/table.js';
import type { VerifyResult } from '../result/types.js';

/** errors, warnings and failed-migrations of a result. */
export function resultCounts(result: VerifyResult): Pick<Record<OutputName, string>, 'errors' | 'warnings' | 'failed-migrations'> {
  const count = (severity: string) => result.problems.filter((p) => p.severity === severity).length;
  return {
    errors: String(count('error')),
    warnings: String(count('warning')),
    'failed-migrations': result.migrations.filter((m) => m.status === 'failed').map((m) => m.id).join(','),
  };
}

/** Every output of a run that could not finish (bad input, no server, an internal error). */
export function errorOutputs(): Record<OutputName, string> {
  return {
    status: 'error',
    problems: '0',
    errors: '1',
    warnings: '0',
    'failed-migrations': '',
    'report-json': '',
    'report-markdown': '',
    'comment-url': '',
  };
}

/** The job summary of a run that could not finish: one line saying why. */
export function errorSummary(message: string): string {
  return `**rollback-verify could not run:** ${message.replace(/\s*\n\s*/g, ' ')}\n`;
}
