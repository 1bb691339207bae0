/**
 * The schema watch: a snapshot at each point of the protocol, compared where the protocol promises
 * equality (after the down with the state before the up → `rollback-residue`; after the re-up with
 * the state after the up → `reapply-drift`). The protocol also asks it whether a failed phase left
 * the schema as it was, which decides whether the run can go on.
 *
 * Snapshots are incremental by default (src/schema/incremental.ts): the first look reads the whole
 * schema and installs change tracking; every later look re-reads only what the phases since the
 * previous look touched and patches the model, so a look costs what changed, not the schema's
 * size. Three things keep the verdicts those of full snapshots (docs/design.md):
 * - whatever the change detector cannot map (tracking removed by a migration, a lost log record)
 *   makes that look a full read, and tracking is installed again;
 * - a difference is only reported after a full read confirmed it: a patched snapshot that differs
 *   from the full one at that moment is a mismatch (below);
 * - `finish` reads the whole schema at the end of the run and compares it with the patched model.
 * A mismatch switches the watch to full snapshots for the rest of the run and is reported
 * (`mismatch`), so the engine can verify the run again in full mode and keep that verdict.
 * Without a superuser (event triggers) or with `fullSnapshots`, every look is a full read.
 */
import type pg from 'pg';
import type { Migration } from '../../formats/types.js';
import type { Problem } from '../../result/types.js';
import { diffSnapshots, type ObjectDifference } from '../../schema/diff.js';
import { foldTableChildren } from '../../schema/fold.js';
import { compareWithFull, refreshSnapshot, trackedSnapshot, type TrackedSnapshot } from '../../schema/incremental.js';
import { pairRenames } from '../../schema/renames.js';
import type { Snapshot } from '../../schema/model.js';
import { snapshotSchema } from '../../schema/snapshot.js';
import { installChangeTracking } from '../../schema/tracking.js';
import { withoutTrivia } from '../../sql/normalize.js';
import { whoIs, type Check, type CheckPoint, type Looker } from '../check.js';

export interface SchemaWatchOptions {
  /** Qualified names of tool bookkeeping tables, left out of every snapshot. */
  excludeTables: string[];
  strictColumnOrder: boolean;
  /** Read the whole schema at every look (`--full-snapshots`), never a patched model. */
  fullSnapshots?: boolean;
}

/** How the watch has been looking, for the engine's log and the tests. */
export interface SchemaWatchStats {
  /** Looks answered by patching the model with what changed. */
  incremental: number;
  /** Looks that read the whole schema. */
  full: number;
  /** Why looks could not be incremental (tracking not installable, a fallback's reason), once each. */
  fallbacks: string[];
}

/** The patched model disagreed with a full read of the same moment. */
export interface SnapshotMismatch {
  /** When it was found: `at the end of the run`, `after the down of 000002_x`, ... */
  when: string;
  /** What differs, patched → full (display names). */
  objects: string[];
}

export class SchemaWatch implements Check {
  readonly name = 'schema';
  /** The state before the current migration's up (S0), then after its up (S1). */
  private beforeUpState?: Snapshot;
  private afterUpState?: Snapshot;
  /** The newest snapshot taken: where the schema stands as far as the run knows. */
  private latest?: Snapshot;
  /** Incremental looks: until tracking is known not to work or a mismatch was found. */
  private incremental: boolean;
  private trackingInstalled = false;
  /** The first disagreement between the patched model and a full read. */
  private found?: SnapshotMismatch;
  readonly stats: SchemaWatchStats = { incremental: 0, full: 0, fallbacks: [] };

  constructor(private readonly options: SchemaWatchOptions) {
    this.incremental = !options.fullSnapshots;
  }

  /** Takes a snapshot of the whole schema now (patched from the previous one when incremental). */
  async capture(db: Looker): Promise<Snapshot> {
    const s = await db.use((c) => this.look(c));
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

  /** The patched model disagreed with a full read somewhere in the run (the verdicts need a full-mode run). */
  get mismatch(): SnapshotMismatch | undefined {
    return this.found;
  }

  /**
   * The safety net at the end of the run: the schema now, read whole, compared with the patched
   * model of the same moment. Returns the full snapshot (the run's head).
   */
  async finish(db: Looker): Promise<Snapshot> {
    // Full looks throughout: the last one is the head (as before incremental snapshots).
    if (!this.incremental) return this.latest ?? this.capture(db);
    const patched = await this.capture(db);
    return this.confirm(db, patched, 'at the end of the run');
  }

  private async look(c: pg.ClientBase): Promise<Snapshot> {
    const base = this.latest;
    if (!this.incremental) return this.fullLook(c);
    if (!this.trackingInstalled) {
      const status = await installChangeTracking(c);
      if (!status.installed) {
        this.fallBack(`${status.reason}: every look reads the whole schema`);
        this.incremental = false;
        return this.fullLook(c);
      }
      this.trackingInstalled = true;
      return this.fullLook(c);
    }
    if (!isTracked(base)) return this.fullLook(c);
    const r = await refreshSnapshot(c, base);
    if (r.mode === 'incremental') {
      this.stats.incremental++;
      patchedSnapshots.add(r.snapshot);
      return r.snapshot;
    }
    this.fallBack(r.reason ?? 'a full read');
    if (!r.trackingLost) {
      this.stats.full++;
      return r.snapshot;
    }
    // A migration dropped the tracking schema or disabled its triggers (or a restore recreated
    // the database): install it again, then read from after the install.
    const status = await installChangeTracking(c);
    if (!status.installed) {
      this.fallBack(`${status.reason}: every look reads the whole schema`);
      this.incremental = false;
    }
    return this.fullLook(c);
  }

  private async fullLook(c: pg.ClientBase): Promise<Snapshot> {
    this.stats.full++;
    const options = { excludeTables: this.options.excludeTables };
    return this.incremental ? trackedSnapshot(c, options) : snapshotSchema(c, options);
  }

  private fallBack(reason: string): void {
    if (!this.stats.fallbacks.includes(reason)) this.stats.fallbacks.push(reason);
  }

  /**
   * Reads the whole schema now and compares it with `patched` (a look of the same moment): on a
   * disagreement, records the mismatch and goes on with full reads only. Returns the full snapshot.
   */
  private async confirm(db: Looker, patched: Snapshot, when: string): Promise<Snapshot> {
    const full = await db.use((c) => this.fullLook(c));
    const verdict = compareWithFull(patched, full);
    if (!verdict.same) {
      this.found ??= { when, objects: verdict.differences.map((d) => d.display) };
      this.incremental = false;
    }
    this.latest = full;
    return full;
  }

  /**
   * `actual` (just taken) differs from `expected`: when it is a patched model, a full read must
   * say so too before anything is reported. Returns the snapshot to judge by.
   */
  private async confirmed(db: Looker, actual: Snapshot, when: string): Promise<Snapshot> {
    if (!isPatched(actual)) return actual;
    return this.confirm(db, actual, when);
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
    let s2 = await this.capture(at.db);
    if (!same(this.beforeUpState!, s2)) s2 = await this.confirmed(at.db, s2, `after the down of ${whoIs(at)}`);
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
    let s3 = await this.capture(at.db);
    if (!same(this.afterUpState!, s3)) s3 = await this.confirmed(at.db, s3, `after re-applying ${whoIs(at)}`);
    return this.compare(at, this.afterUpState!, s3, 'reapply-drift');
  }

  /** True when the schema now is what it was before the up (a failed up that changed nothing). */
  async unchangedSinceBeforeUp(db: Looker): Promise<boolean> {
    return this.sameNow(db, this.beforeUpState!, 'after a failed up');
  }

  /** True when the schema now is what the up left (a failed down that rolled back). */
  async unchangedSinceUp(db: Looker): Promise<boolean> {
    return this.sameNow(db, this.afterUpState!, 'after a failed down');
  }

  /**
   * The state after the up was restored (restore.ts): start from a fresh look; true when it is
   * the schema the up made the first time.
   */
  async restored(db: Looker): Promise<boolean> {
    return this.afterUpState ? this.sameNow(db, this.afterUpState, 'after a restore') : (await this.capture(db), true);
  }

  /** A look now equals `expected`; a "no" from a patched model is confirmed by a full read first. */
  private async sameNow(db: Looker, expected: Snapshot, when: string): Promise<boolean> {
    const now = await this.capture(db);
    if (same(now, expected)) return true;
    return same(await this.confirmed(db, now, when), expected);
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

/** A snapshot change tracking can refresh (it carries its units and horizon). */
function isTracked(s: Snapshot | undefined): s is TrackedSnapshot {
  return s !== undefined && 'horizon' in s && 'units' in s;
}

/** A snapshot patched from an earlier one rather than read whole. */
const patchedSnapshots = new WeakSet<Snapshot>();
function isPatched(s: Snapshot): boolean {
  return patchedSnapshots.has(s);
}

/** Two snapshots describe the same schema (their canonical fingerprints agree). */
export function same(a: Snapshot, b: Snapshot): boolean {
  return a.fingerprint === b.fingerprint;
}
