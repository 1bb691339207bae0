/**
 * What every kind's planner sees: the two snapshots (`target`, the state to restore; `from`, the
 * state the down left), what happens to each object, and where to report what cannot be done.
 */
import type { ObjectKind, SchemaObject, Snapshot } from '../schema/model.js';
import { splitOwner } from './canonical.js';
import type { Stage } from './order.js';
import { indexNames, referencesIn, type NameIndex } from './references.js';

/**
 * What the generated SQL does to an object:
 * - `create`: only in the target; `drop`: only in `from`;
 * - `alter`: in both, changed in place (ALTER …);
 * - `recreate`: dropped and created again (a changed view, or an unchanged one whose dependency is recreated);
 * - `rename`: an enum recreated under its name while columns move over (rename, create, retype, drop).
 */
export type Mode = 'none' | 'create' | 'drop' | 'alter' | 'recreate' | 'rename';

/** A statement a planner emits, with the stage it belongs to. */
export interface Step {
  stage: Stage;
  sql: string;
  note?: string;
  /** For `post` steps: objects whose creation must come first (e.g. the column of OWNED BY). */
  needs?: string[];
}

/** Something the generator cannot restore, said plainly. */
export interface Unfixable {
  object: string;
  reason: string;
}

/** Options of the generator. */
export interface GenerateOptions {
  /**
   * The role the down runs as: objects it creates are owned by it, so OWNER TO is emitted only for
   * other owners. Default: the most common owner in the snapshots.
   */
  role?: string;
  /** `server_version_num` of the server the down runs on (e.g. 170000); enables newer syntax. */
  serverVersionNum?: number;
}

export class PlanContext {
  readonly targetIndex: NameIndex;
  readonly fromIndex: NameIndex;
  readonly modes = new Map<string, Mode>();
  /** Columns whose default must be dropped before, and set again after, something it uses is recreated. */
  readonly detachDefault = new Set<string>();
  /** Columns moved to a recreated enum (key → the enum's key). */
  readonly retype = new Map<string, string>();
  /** Enum keys recreated with the rename pattern → the temporary name of the old type. */
  readonly renamedAway = new Map<string, string>();
  readonly unfixable: Unfixable[] = [];
  readonly warnings: Unfixable[] = [];
  readonly defaultOwner: string;

  constructor(
    readonly target: Snapshot,
    readonly from: Snapshot,
    readonly options: GenerateOptions,
  ) {
    this.targetIndex = indexNames(target);
    this.fromIndex = indexNames(from);
    this.defaultOwner = options.role ?? mostCommonOwner([target, from]);
  }

  t(key: string): SchemaObject | undefined {
    return this.target.objects.get(key);
  }

  c(key: string): SchemaObject | undefined {
    return this.from.objects.get(key);
  }

  mode(key: string): Mode {
    return this.modes.get(key) ?? 'none';
  }

  /** True when the old version of `key` is removed by the generated SQL (drop, recreate, rename). */
  removed(key: string): boolean {
    const m = this.mode(key);
    return m === 'drop' || m === 'recreate' || m === 'rename';
  }

  /**
   * The key of the object `key` belongs to in `from` (its table, the object a comment or privilege
   * is on), so that a drop of the owner takes the part with it.
   */
  parentOf: (key: string, side: 'from' | 'target') => string | undefined = () => undefined;

  /**
   * For a part of a partition or inheritance child (a column, constraint, index or trigger), the
   * parent table's part it comes from: PostgreSQL creates, alters and drops the child's part along
   * with it, and refuses to do so on the child alone.
   */
  inheritedFrom: (key: string, side: 'from' | 'target') => string | undefined = () => undefined;

  /**
   * True when PostgreSQL itself makes `key` when the down (re)creates the parent table's part it
   * comes from: the child table exists, so the part recurses to it.
   */
  madeByParent(key: string): boolean {
    const parent = this.inheritedFrom(key, 'target');
    if (!parent) return false;
    const m = this.mode(parent);
    if (m !== 'create' && m !== 'recreate' && m !== 'rename') return false;
    const table = this.parentOf(key, 'target');
    return table === undefined || this.mode(table) !== 'create';
  }

  /** Keys of the objects of `from` that refer to `key` (set by the generator once references are read). */
  dependentsOf: (key: string) => string[] = () => [];

  /** True when `text` (of `from`) refers to an object the generated SQL removes or recreates. */
  recreatedIn(text: string): boolean {
    for (const ref of referencesIn(text, this.fromIndex)) if (this.removed(ref)) return true;
    return false;
  }

  /**
   * True when the old version of `key` disappears without a statement of its own, because what it
   * belongs to is dropped or recreated (a table's index when the table is dropped, a view's grant
   * when the view is recreated).
   */
  goesWithParent(key: string): boolean {
    // A sequence altered in place survives by construction: it is unlinked (OWNED BY NONE)
    // before the column that owned it is dropped.
    if (this.mode(key) === 'alter' && key.startsWith('sequence ')) return false;
    const seen = new Set<string>();
    const walk = (k: string): boolean => {
      for (const parent of [this.parentOf(k, 'from'), this.inheritedFrom(k, 'from')]) {
        if (!parent || seen.has(parent)) continue;
        seen.add(parent);
        if (this.removed(parent) || walk(parent)) return true;
      }
      return false;
    };
    return walk(key);
  }

  /**
   * True when the down needs no statement of its own to drop `key`: what it belongs to is dropped
   * and takes it along. A foreign key to another table that is dropped too is still dropped on its
   * own, first, so the two tables can go in any order (even when they refer to each other).
   */
  dropIsImplicit(key: string): boolean {
    if (!this.goesWithParent(key)) return false;
    const o = this.c(key);
    if (o?.kind === 'constraint' && o.ddl.includes(' REFERENCES ')) {
      const own = this.parentOf(key, 'from');
      for (const ref of referencesIn(o.ddl, this.fromIndex)) {
        if (ref !== own && ref.startsWith('table ') && this.removed(ref)) return false;
      }
    }
    return true;
  }

  /**
   * The old version of `key` as it stands when the create stage runs: undefined when it is gone by
   * then (dropped, recreated, or gone with what it belongs to), so the create starts from nothing.
   */
  liveOld(key: string): SchemaObject | undefined {
    if (this.removed(key) || this.goesWithParent(key)) return undefined;
    return this.c(key);
  }

  /** `ALTER … OWNER TO` is needed when the owner differs from the role the down runs as. */
  ownerStatement(head: string, ddl: string, previous?: string): string | undefined {
    const owner = splitOwner(ddl).owner;
    if (owner === undefined) return undefined;
    const before = previous !== undefined ? splitOwner(previous).owner : this.defaultOwner;
    if (owner === before) return undefined;
    return `${head} OWNER TO ${owner}`;
  }

  fail(object: SchemaObject | string, reason: string): void {
    const name = typeof object === 'string' ? object : display(object);
    if (!this.unfixable.some((u) => u.object === name && u.reason === reason)) this.unfixable.push({ object: name, reason });
  }

  warn(object: SchemaObject | string, message: string): void {
    const name = typeof object === 'string' ? object : display(object);
    if (!this.warnings.some((u) => u.object === name && u.reason === message)) this.warnings.push({ object: name, reason: message });
  }

  atLeast(versionNum: number): boolean {
    return (this.options.serverVersionNum ?? 0) >= versionNum;
  }
}

/** How reports name an object: `index public.users_email_idx`. */
export function display(o: { kind: ObjectKind; name: string }): string {
  return `${o.kind} ${o.name}`;
}

function mostCommonOwner(snapshots: Snapshot[]): string {
  const counts = new Map<string, number>();
  for (const s of snapshots) {
    for (const o of s.objects.values()) {
      const owner = splitOwner(o.ddl).owner;
      if (owner && owner !== 'pg_database_owner') counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
  }
  let best = 'postgres';
  let n = 0;
  for (const [owner, count] of counts) if (count > n || (count === n && owner < best)) [best, n] = [owner, count];
  return best;
}

/** An SQL string literal (doubling quotes; the E'' form only when a backslash needs it). */
export function stringLiteral(value: string): string {
  if (value.includes('\\')) return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return `'${value.replace(/'/g, "''")}'`;
}
