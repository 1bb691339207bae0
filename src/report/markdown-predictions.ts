/**
 * The predictions section of the Markdown report (PR comment, job summary), before the locks it
 * extrapolates: one line per new migration's up and down with the predicted time beside the
 * measured one and the longest predicted blocking locks, then how each was made behind a
 * <details>. No section without predictions (no table-rows). Pure.
 */
import type { MarkdownBlock } from './markdown-budget.js';
import { code, escapeMarkdown } from './markdown-text.js';
import { predictedLockText, predictionRows, predictionTimeText } from './predictions.js';
import type { VerifyResult } from '../result/types.js';

/** Kept longer than the locks, the chart and the schema changes; cut before the problems' diffs (30). */
const PREDICTIONS_ORDER = 25;
const DROPPED = '_Predictions at production size: cut to fit; the job summary has them._\n';

/** The section's blocks; empty without predictions. */
export function predictionBlocks(result: VerifyResult): MarkdownBlock[] {
  const rows = predictionRows(result);
  if (rows.length === 0) return [];
  const lines = rows.map((r) => {
    const locks = r.asMeasured ? [] : r.locks.slice(0, 2).map((l) => `**${escapeMarkdown(predictedLockText(l))}**`);
    return `- ${code(r.migration.id)} ${r.phase}: ${escapeMarkdown(predictionTimeText(r))}${locks.length ? `; ${locks.join('; ')}` : ''}`;
  });
  const head = '### Predicted at production size\n\nFrom `table-rows`: each phase run on copies grown to two sizes, fitted (linear for scans and rewrites, n·log n for index builds) and extrapolated to the production row counts. Expect within about 2× of a real run.\n';
  const bases = rows.filter((r) => !r.asMeasured).map((r) => `- ${code(r.migration.id)} ${r.phase}: ${escapeMarkdown(r.basis)}`);
  const statements = rows
    .filter((r) => !r.asMeasured)
    .flatMap((r) =>
      (r.migration.phases[r.phase]?.locks?.statements ?? [])
        .filter((s) => s.predicted && s.predicted.cost !== 'metadata')
        .map((s) => `- ${code(r.migration.id)} ${r.phase} line ${s.line} ${escapeMarkdown(s.tag)}: ${escapeMarkdown(s.predicted!.basis)}`),
    );
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: `${head}\n${lines.join('\n')}\n`, order: PREDICTIONS_ORDER, dropped: DROPPED }];
  if (bases.length) {
    blocks.push({ kind: 'details', summary: 'How each prediction was made', body: [...bases, ...statements].join('\n'), cut: 'lines', order: PREDICTIONS_ORDER });
  }
  return blocks;
}
