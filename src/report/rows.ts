/**
 * One migration's row as every renderer shows it: an icon and a few words for the result, and per
 * phase whether it is the culprit (a root problem is about it), failed only as a consequence of
 * another problem, or ran fine. A row with an error never reads ok. Pure.
 */
import type { MigrationResult, PhaseName, Problem, VerifyResult } from '../result/types.js';
import { ran } from './summary.js';

export type PhaseMark = 'culprit' | 'consequence' | 'ok' | 'absent';

export interface RowView {
  /** ✅ ❌ ⚠️ ⏸️ ⏭️ */
  icon: string;
  /** `verified`, `down leaves index orders_status_idx`, `not run`, `no down · not run`. */
  text: string;
  /** The terminal's word for the result column. */
  word: 'ok' | 'failed' | 'irreversible' | 'warning' | 'skipped' | 'not run';
  phases: Record<PhaseName, PhaseMark>;
}

const PHASES: readonly PhaseName[] = ['up', 'down', 'reup'];

/** The row of `m` within `result`. */
export function rowView(m: MigrationResult, result: VerifyResult): RowView {
  const own = result.problems.filter((p) => p.migration === m.id);
  const errors = own.filter((p) => p.severity === 'error');
  const phases = phaseMarks(m, own, result);
  const didRun = ran(m);
  const suffix = didRun ? '' : ' · not run';
  if (m.status === 'failed' || errors.length) {
    return { icon: '❌', text: `${m.reason ?? 'failed'}${suffix}`, word: 'failed', phases };
  }
  if (m.status === 'irreversible') return { icon: '⚠️', text: m.reason ?? 'irreversible: down not verified', word: 'irreversible', phases };
  if (!didRun || m.status === 'not-run') return { icon: '⏸️', text: m.reason ? `${m.reason}${suffix}` : 'not run', word: 'not run', phases };
  if (m.status === 'skipped') return { icon: '⏭️', text: 'skipped', word: 'skipped', phases };
  if (own.some((p) => p.severity === 'warning')) return { icon: '⚠️', text: m.reason ?? 'verified, with a warning', word: 'warning', phases };
  return { icon: '✅', text: 'verified', word: 'ok', phases };
}

function phaseMarks(m: MigrationResult, own: readonly Problem[], result: VerifyResult): Record<PhaseName, PhaseMark> {
  // In chain mode the group's problems name no migration, but they are about every row.
  const group = result.mode === 'chain' ? result.problems.filter((p) => !p.migration) : [];
  const blamed = new Set([...own, ...group].filter((p) => p.severity === 'error').map((p) => p.phase).filter((x): x is PhaseName => !!x));
  const marks = {} as Record<PhaseName, PhaseMark>;
  for (const phase of PHASES) {
    const p = m.phases[phase];
    if (blamed.has(phase)) marks[phase] = 'culprit';
    else if (!p) marks[phase] = 'absent';
    else if (!p.ok) marks[phase] = own.some((x) => x.consequences?.some((c) => c.phase === phase)) ? 'consequence' : 'culprit';
    else marks[phase] = 'ok';
  }
  return marks;
}
