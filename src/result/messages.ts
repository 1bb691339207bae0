/**
 * The words a reviewer reads about each kind of problem, in one place: the few words of a
 * migration's row (`down leaves index orders_status_idx`), one sentence of what to do (`help`),
 * and the link to the kind's section in docs/problems.md (`docs`). Pure: a Problem in, text out.
 */
import type { PhaseName, Problem, ProblemKind } from './types.js';
import { dropStatement, shortObject, splitObject, withoutPublic } from './objects.js';

/**
 * Where docs/problems.md is published: each kind has a section whose heading is the kind itself,
 * so `#<kind>` is its anchor. The one place to change when the repository moves.
 */
export const PROBLEMS_DOC_URL = 'https://github.com/rollback-verify/rollback-verify/blob/main/docs/problems.md';

/** Every kind, in the order docs/problems.md explains them. */
export const PROBLEM_KINDS: readonly ProblemKind[] = [
  'rollback-residue', 'data-loss', 'reapply-drift', 'up-failed', 'down-failed', 'reup-failed', 'missing-down', 'irreversible',
  'column-order', 'modified-migration', 'order', 'threshold', 'timeout', 'lock', 'environment',
];

/** The URL of a kind's section. */
export function docsUrl(kind: ProblemKind): string {
  return `${PROBLEMS_DOC_URL}#${kind}`;
}

/** What a rollback-residue or reapply-drift difference is: an object added, removed or changed. */
export function differenceChange(p: Pick<Problem, 'diff' | 'message'>): 'added' | 'removed' | 'changed' {
  // The unified diff of the canonical text says it for sure: nothing before, or nothing after.
  if (p.diff && /^@@ -0,0 /m.test(p.diff)) return 'added';
  if (p.diff && /^@@ -\d+(?:,\d+)? \+0,0 @@/m.test(p.diff)) return 'removed';
  if (/is left behind|appears only when/.test(p.message)) return 'added';
  if (/is missing (?:after|when)/.test(p.message)) return 'removed';
  return 'changed';
}

const PHASE_WORD: Record<PhaseName, string> = { up: 'up', down: 'down', reup: 're-up' };

/** The PostgreSQL (or tool) error inside a failure message, on one line and short. */
export function errorGist(message: string, max = 70): string {
  const after = /\bfailed: ([\s\S]*)$/.exec(message)?.[1] ?? message;
  const line = after.split('\n')[0]!.replace(/ \(SQLSTATE \w+\)\s*$/, '').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/**
 * The few words of a migration's row for this problem: which phase, and why. Never longer than
 * about 70 characters plus an object name.
 */
export function problemReason(p: Problem): string {
  const obj = p.object ? shortObject(p.object) : undefined;
  switch (p.kind) {
    case 'rollback-residue': {
      if (!obj) return 'down does not restore the schema';
      if (p.severity !== 'error' && /only in comments or whitespace/.test(p.message)) return `down changes the layout of ${obj}`;
      if (/ holds .* instead of /.test(p.message)) return `down does not reset ${obj}`;
      return { added: `down leaves ${obj}`, removed: `down drops ${obj}`, changed: `down changes ${obj}` }[differenceChange(p)];
    }
    case 'data-loss': {
      if (!p.object) return 'down loses data';
      const { kind, name } = splitObject(p.object);
      return kind === 'column' ? `down loses data in ${withoutPublic(name)}` : `down loses rows of ${withoutPublic(name)}`;
    }
    case 'reapply-drift': {
      if (!obj) return 're-up differs from the first up';
      return { added: `re-up adds ${obj}`, removed: `re-up misses ${obj}`, changed: `re-up changes ${obj}` }[differenceChange(p)];
    }
    case 'column-order': {
      const { name } = splitObject(p.object ?? '');
      return `down moves columns of ${withoutPublic(name.split('.').slice(0, 2).join('.'))}`;
    }
    case 'up-failed':
      return p.severity === 'error' ? `up fails: ${errorGist(p.message)}` : 'up fails on the seeded rows';
    case 'down-failed':
      return `down fails: ${errorGist(p.message)}`;
    case 'reup-failed':
      return `re-up fails: ${errorGist(p.message)}`;
    case 'timeout':
      return `${p.phase ? PHASE_WORD[p.phase] : 'a statement'} timed out`;
    case 'missing-down':
      return /no statements/.test(p.message) ? 'empty down' : 'no down';
    case 'irreversible':
      return 'irreversible: down not verified';
    case 'threshold': {
      const m = /(up|down|re-up|run) took (\S+ s), over the (\S+) s limit/.exec(p.message);
      if (m) return `${m[1]} took ${m[2]} (limit ${m[3]} s)`;
      return 'too slow';
    }
    case 'lock': {
      const table = p.object ? withoutPublic(splitObject(p.object).name) : 'a table';
      const phase = p.phase ? PHASE_WORD[p.phase] : 'a phase';
      const held = / for (\S+ m?s)(?: \([^)]*\))?, over the (\d+) ms limit/.exec(p.message);
      if (held) return `${phase} locks ${table} for ${held[1]} (limit ${held[2]} ms)`;
      return `${phase} locks ${table} without lock_timeout`;
    }
    case 'order': {
      const m = /sorts before (\S+?),/.exec(p.message);
      return m ? `sorts before ${m[1]}, already merged` : 'out of order';
    }
    case 'modified-migration':
      return /was deleted/.test(p.message) ? 'deleted after it was merged' : 'edited after it was merged';
    case 'environment':
      return `environment: ${errorGist(p.message, 60)}`;
    default:
      return p.kind;
  }
}

/** One sentence: what to do about the problem. */
export function problemHelp(p: Problem): string {
  switch (p.kind) {
    case 'rollback-residue': {
      if (p.severity !== 'error') return 'Nothing breaks; to keep the source identical, restore the object from the same text the base branch has.';
      if (/ holds .* instead of /.test(p.message)) return "Make the down undo the tool's bookkeeping too (for Alembic, downgrade() must leave alembic_version at the previous revision).";
      const change = differenceChange(p);
      const drop = p.object ? dropStatement(p.object) : undefined;
      if (change === 'added') return drop ? `Remove it in the down: \`${drop}\`` : 'Remove it in the down.';
      if (change === 'removed') return 'Recreate it in the down exactly as it was before the up (the diff shows its definition), or stop the down from dropping it.';
      return 'Make the down restore it exactly as it was before the up; the diff shows what differs.';
    }
    case 'data-loss':
      return "Restore the values in the down (e.g. keep them in a column or table the up leaves in place and copy them back), or mark the migration `-- rollback-verify: down-loses-data` if losing them is accepted.";
    case 'reapply-drift':
      return 'Make the up give the same schema when it runs again after its down: usually the down leaves something the up then skips (IF NOT EXISTS) or builds differently.';
    case 'column-order':
      return 'Usually harmless; if code depends on column order (SELECT *, COPY without a column list), rebuild the table in the down instead of re-adding the column, or accept it (--strict-column-order makes it an error).';
    case 'up-failed':
      return p.severity === 'error'
        ? 'Fix the statement at the line shown: it fails on the base branch schema with seeded rows, as it would on a database at that version.'
        : 'Make the up work on rows like these (production may hold them), or load realistic rows with --seed-file.';
    case 'down-failed':
      return 'Fix the down so it runs right after the up: it must undo exactly what the up did, in reverse order.';
    case 'reup-failed':
      return 'Make the down remove everything the up creates, so the up runs again cleanly.';
    case 'timeout':
      return 'Make the statement fast enough for production-sized tables (batches, CONCURRENTLY), or raise --statement-timeout if it is expected to take this long.';
    case 'missing-down':
      return 'Write a down that undoes the up, or mark the migration `-- rollback-verify: irreversible` if it cannot be rolled back.';
    case 'irreversible':
      return 'Nothing to do if this is intended: its down is not verified (--fail-on irreversible makes it fail the run).';
    case 'modified-migration':
      return 'Revert the change to the merged migration and make it in a new migration instead.';
    case 'order':
      return 'Renumber the migration so it sorts after the newest merged one.';
    case 'threshold':
      return 'Make the step faster on large tables (backfill in batches, build indexes CONCURRENTLY), or raise the limit if production can afford it.';
    case 'lock':
      return /without lock_timeout/.test(p.message)
        ? "Put `SET lock_timeout = '5s';` before the statement, so it gives up instead of queueing all traffic behind it."
        : 'Use the safer pattern in the message so the lock is short, or raise --max-lock-ms if the table is small in production too.';
    case 'environment':
      return 'Run against a server that has what the migration needs (a --database-url, or postgres-image with the extension).';
    default:
      return `See ${docsUrl(p.kind)}.`;
  }
}
