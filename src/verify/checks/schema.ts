/**
 * The schema watch: a snapshot at each point of the protocol, compared where the protocol promises
 * equality (after the down with the state before the up → `rollback-residue`; after the re-up with
 * the state after the up → `reapply-drift`). The protocol also asks it whether a failed phase left
 * the schema as it was, which decides whether the run can go on.
 */
import type { Migration } from '../../formats/types.js';
import type { Problem } from '../../result/types.js';
import { diffSnapshots, type ObjectDifference } from '../../schema/diff.js';
import { foldTableChildren } from '../../schema/fold.js';
import { pairRenames } from '../../schema/renames.js';
import type { Snapshot } from '../../schema/model.js';
import { snapshotSchema } from '../../schema/snapshot.js';
import { withoutTrivia } from '../../sql/normalize.js';
import { whoIs, type Check, type CheckPoint, type Looker } from '../check.js';

export interface SchemaWatchOptions {
  /** Qualified names of tool bookkeeping tables, left out of every snapshot. */
  excludeTables: string[];
  strictColumnOrder: boolean;
}

export class SchemaWatch implements Check {
  readonly name = 'schema';
  /** The state before the current migration's up (S0), then after its up (S1). */
  private beforeUpState?: Snapshot;
  private afterUpState?: Snapshot;
  /** The newest snapshot taken: where the schema stands as far as the run knows. */
  private latest?: Snapshot;

  constructor(private readonly options: SchemaWatchOptions) {}

  /** Takes a snapshot of the whole schema now. */
  async capture(db: Looker): Promise<Snapshot> {
    const s = await db.use((c) => snapshotSchema(c, { excludeTables: this.options.excludeTables }));
    this.latest = s;
    return s;
  }

  /** The snapshot the run last took (the baseline's until a migration has run). */
  get current(): Snapshot | undefined {
    return this.latest;
  }

  /** Starts from a known state (the baseline) without another snapshot. */
  startFrom(s: Snapshot): void {
    this.latest = s;
  }

  async beforeUp(at: CheckPoint): Promise<void> {
    // The state the previous migration settled in is this one's S0: no second snapshot.
    this.beforeUpState = this.latest ?? (await this.capture(at.db));
    this.afterUpState = undefined;
  }

  async afterUp(at: CheckPoint): Promise<Problem[]> {
    this.afterUpState = await this.capture(at.db);
    return [];
  }

  async afterDown(at: CheckPoint): Promise<Problem[]> {
    const s2 = await this.capture(at.db);
    if (at.emptyDown && !at.group) return this.emptyDownLeft(at, s2);
    return this.compare(at, this.beforeUpState!, s2, 'rollback-residue');
  }

  /**
   * A down that does nothing is right exactly when the up changed no schema (a VALIDATE
   * CONSTRAINT, a data fix); otherwise it is a missing down: one problem naming what it leaves.
   */
  private emptyDownLeft(at: CheckPoint, s2: Snapshot): Problem[] {
    if (same(this.beforeUpState!, s2)) return [];
    const m = at.migrations[0]!;
    const left = differences(this.beforeUpState!, s2);
    if (left.length === 0) return [];
    const names = left.map((d) => d.display);
    const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
    return [{
      kind: 'missing-down', severity: 'error', migration: m.id, file: m.down?.file ?? m.up.file, ...(m.down?.line ? { line: m.down.line } : {}),
      ...(names.length === 1 ? { object: names[0] } : {}),
      diff: left.map((d) => d.diff).join('\n'),
      message: `the down of ${whoIs(at)} does nothing, but its up changed the schema: after the down, ${shown} ${names.length === 1 ? 'is' : 'are'} still changed — write a down that undoes ${names.length === 1 ? 'it' : 'them'}, or mark the migration with '-- rollback-verify: irreversible'${m.missingDownHint ? `; ${m.missingDownHint}` : ''}`,
    }];
  }

  async afterReup(at: CheckPoint): Promise<Problem[]> {
    const s3 = await this.capture(at.db);
    return this.compare(at, this.afterUpState!, s3, 'reapply-drift');
  }

  /** True when the schema now is what it was before the up (a failed up that changed nothing). */
  async unchangedSinceBeforeUp(db: Looker): Promise<boolean> {
    return same(await this.capture(db), this.beforeUpState!);
  }

  /** True when the schema now is what the up left (a failed down that rolled back). */
  async unchangedSinceUp(db: Looker): Promise<boolean> {
    return same(await this.capture(db), this.afterUpState!);
  }

  /**
   * The state after the up was restored (restore.ts): start from a fresh look; true when it is
   * the schema the up made the first time.
   */
  async restored(db: Looker): Promise<boolean> {
    const now = await this.capture(db);
    return this.afterUpState ? same(now, this.afterUpState) : true;
  }

  /** The migration stays applied without a down (irreversible, missing, or a rolled-back failed down). */
  keepUp(): void {
    this.latest = this.afterUpState ?? this.latest;
  }

  private compare(at: CheckPoint, expected: Snapshot, actual: Snapshot, kind: 'rollback-residue' | 'reapply-drift'): Problem[] {
    if (same(expected, actual)) return [];
    return differences(expected, actual).map((d) => this.differenceProblem(at, d, kind));
  }

  private differenceProblem(at: CheckPoint, d: ObjectDifference, kind: 'rollback-residue' | 'reapply-drift'): Problem {
    const m: Migration | undefined = at.group ? undefined : at.migrations[0];
    const who = whoIs(at);
    const file = m ? (kind === 'rollback-residue' ? m.down?.file : m.up.file) : undefined;
    if (d.columnOrderOnly) {
      return {
        kind: 'column-order', severity: this.options.strictColumnOrder ? 'error' : 'warning', migration: m?.id, object: d.display, file, diff: d.diff,
        message: `${d.display} moved: ${kind === 'rollback-residue' ? 'after the down' : 'after re-applying'} ${who} it is at another position (a re-added column goes to the end)`,
      };
    }
    if (d.change === 'changed' && d.before !== undefined && d.after !== undefined && withoutTrivia(d.before) === withoutTrivia(d.after)) {
      // Same tokens, other comments or layout (a function body restored from an older copy):
      // it behaves the same, but the source differs, so a reviewer should still see it.
      return {
        kind, severity: 'warning', migration: m?.id, object: d.display, file, diff: d.diff,
        message: `${d.display} differs only in comments or whitespace ${kind === 'rollback-residue' ? 'after the down of' : 'when re-applying'} ${who}`,
      };
    }
    if (d.change === 'renamed') {
      // One rename, one error: not "missing" plus "left behind" plus every object spelling the name.
      const also = d.explains?.length ? ` (this also explains ${d.explains.join(', ')})` : '';
      const message =
        kind === 'rollback-residue'
          ? `${d.display} is named ${d.renamedTo} after the down of ${who}: same definition, other name — the down does not rename it back${also}`
          : `${d.display} is named ${d.renamedTo} when re-applying ${who}: same definition, other name${also}`;
      return { kind, severity: 'error', migration: m?.id, object: d.display, file, diff: d.diff, message };
    }
    const phrase =
      kind === 'rollback-residue'
        ? { added: 'is left behind by the down of', removed: 'is missing after the down of', changed: 'differs after the down of' }[d.change]
        : { added: 'appears only when re-applying', removed: 'is missing when re-applying', changed: 'differs when re-applying' }[d.change];
    return { kind, severity: 'error', migration: m?.id, object: d.display, file, diff: d.diff, message: `${d.display} ${phrase} ${who}` };
  }
}

/**
 * What a reviewer should hear about: renames paired, a table's parts folded into it, and without
 * constraints that only lost NOT VALID. VALIDATE CONSTRAINT checks the rows; no down can (or
 * should) make the constraint unvalidated again, and it behaves the same for every new row.
 */
function differences(expected: Snapshot, actual: Snapshot): ObjectDifference[] {
  return pairRenames(foldTableChildren(diffSnapshots(expected, actual))).filter((d) => !onlyValidated(d));
}

function onlyValidated(d: ObjectDifference): boolean {
  if (d.kind !== 'constraint' || d.change !== 'changed' || d.before === undefined || d.after === undefined) return false;
  const unvalidated = (t: string) => t.replace(/\s+NOT VALID(?=\n|$)/g, '');
  return d.before !== d.after && unvalidated(d.before) === unvalidated(d.after) && /NOT VALID/.test(d.before);
}

/** Two snapshots describe the same schema (their canonical fingerprints agree). */
export function same(a: Snapshot, b: Snapshot): boolean {
  return a.fingerprint === b.fingerprint;
}
