/**
 * The problems the protocol itself records about running a migration's phases (the checks
 * record what they see in the database): a phase that failed, a down that is missing or
 * declared irreversible, an up that fails only on synthetic rows, the environment. Pure.
 */
import type { Migration } from '../formats/types.js';
import { migrationLabel } from '../result/migration-label.js';
import type { ScriptFailure } from '../result/outcome.js';
import type { PhaseName, Problem, ProblemKind } from '../result/types.js';

const withState = (f: ScriptFailure) => `${f.message}${f.sqlstate ? ` (SQLSTATE ${f.sqlstate})` : ''}`;
const at = (f: ScriptFailure) => ({ file: f.file, ...(f.line ? { line: f.line } : {}), ...(f.sqlstate ? { sqlstate: f.sqlstate } : {}) });

/** What a phase is called in a message: `the down of 000002_x`, `re-applying 000002_x after its down`. */
export function phaseText(m: Migration, phase: PhaseName): string {
  return phase === 'reup' ? `re-applying ${migrationLabel(m)} after its down` : `the ${phase} of ${migrationLabel(m)}`;
}

/** A failed phase: up-failed, down-failed, reup-failed or timeout; the environment's when it is. */
export function phaseFailure(m: Migration, phase: PhaseName, f: ScriptFailure): Problem {
  if (f.environment) return environmentProblem(m, phase, f);
  if (phase === 'up' && m.external && missingObject(f)) {
    // Another project's objects are missing: a setup gap, not a defect of this migration.
    return { kind: 'environment', severity: 'error', migration: m.id, phase, ...at(f), message: `${phaseText(m, phase)} failed: ${withState(f)} — ${m.external.provide}` };
  }
  const kind: ProblemKind = f.timeout ? 'timeout' : phase === 'up' ? 'up-failed' : phase === 'down' ? 'down-failed' : 'reup-failed';
  return { kind, severity: 'error', migration: m.id, phase, ...at(f), message: `${phaseText(m, phase)} failed: ${withState(f)}` };
}

/** The machine, not the migration (a missing extension, a tool's missing driver): what to do about it. */
export function environmentProblem(m: Migration | undefined, phase: PhaseName, f: ScriptFailure): Problem {
  const extension = f.sqlstate !== undefined;
  const message = extension
    ? `${f.file}: ${f.message}. The server lacks this extension: point --database-url at a server that has it (in the action: postgres-image, e.g. pgvector/pgvector:pg17 or postgis/postgis:16-3.4)`
    : f.message;
  return { kind: 'environment', severity: 'error', ...(m ? { migration: m.id } : {}), phase, ...at(f), message };
}

/** Class 42 (undefined table/function/…) and 3F (no such schema): what another project would have created. */
function missingObject(f: ScriptFailure): boolean {
  return /^(42|3F)/.test(f.sqlstate ?? '') || /\bdoes not exist\b/.test(f.message);
}

export function irreversibleProblem(m: Migration, declared: { file: string; line: number }): Problem {
  return { kind: 'irreversible', severity: 'warning', migration: m.id, file: declared.file, line: declared.line, message: `${migrationLabel(m)} is declared irreversible; its down was not verified` };
}

/** No down at all (no file, no section, no function). */
export function missingDownProblem(m: Migration): Problem {
  return {
    kind: 'missing-down', severity: 'error', migration: m.id, file: m.downPath ?? m.up.file,
    message: `${migrationLabel(m)} has no down${m.downPath ? ` (${m.downPath} does not exist)` : ''}: write one, or mark the migration with '-- rollback-verify: irreversible'${m.missingDownHint ? `; ${m.missingDownHint}` : ''}`,
  };
}

/** What made the synthetic rows fail, from the failure itself, when no repair named it. */
export function syntheticValueClass(f: ScriptFailure): string {
  const code = f.sqlstate ?? '';
  if (code === '23502') return 'NULLs';
  if (code === '23503') return 'references to rows that do not exist';
  if (code === '23505') return 'duplicate values';
  if (code === '23514') return 'values a CHECK constraint rejects';
  if (code === '23P01') return 'overlapping values';
  return 'values the up cannot convert or compute with';
}

/** The up fails on the seeded values but applies once they are reshaped: a warning naming them. */
export function syntheticRowsWarning(m: Migration, f: ScriptFailure, valueClasses: string[], how: string): Problem {
  return {
    kind: 'up-failed', severity: 'warning', migration: m.id, phase: 'up', ...at(f),
    message:
      `the up of ${migrationLabel(m)} fails on synthetic values — ${valueClasses.join('; ')}: ${withState(f)}. ` +
      `With ${how} it applies, so it was verified that way; production fails the same way only if its tables hold such values (use --seed-file to verify on realistic data)`,
  };
}

/** The up fails on any row (seeded or one well-formed row per table) and applies only to empty tables. */
export function anyRowError(m: Migration, f: ScriptFailure): Problem {
  return {
    kind: 'up-failed', severity: 'error', migration: m.id, phase: 'up', ...at(f),
    message:
      `the up of ${migrationLabel(m)} fails on any row: ${withState(f)}. It failed on the synthetic rows and on one well-formed row per table and applies only to empty tables: ` +
      'production fails the same way on tables that hold rows (it was verified on empty tables)',
  };
}
