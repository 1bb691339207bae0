/**
 * Which objects the generated SQL touches, and how (PlanContext modes): each difference gets the
 * mode its kind's planner picks, then everything that depends on something recreated is recreated
 * too, until nothing more changes — PostgreSQL refuses to drop or retype what other objects use,
 * so those go first and come back after (never DROP … CASCADE).
 */
import type { ObjectKind, SchemaObject } from '../schema/model.js';
import { parseColumn, parseDomain } from './canonical.js';
import { display, type Mode, type PlanContext } from './context.js';
import type { KindPlanner } from './kinds/planner.js';
import { referencesIn } from './references.js';

/** Kinds whose definition breaks when a column they use changes type (PostgreSQL refuses the ALTER). */
const COLUMN_TYPE_DEPENDENTS = new Set<ObjectKind>(['view', 'materialized view', 'rule', 'policy', 'trigger', 'function', 'procedure', 'publication', 'column']);

/** Gives every object that differs its mode: create, drop, alter in place or recreate. */
export function decideModes(ctx: PlanContext, keys: readonly string[], planners: Partial<Record<ObjectKind, KindPlanner>>): void {
  for (const key of keys) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    let mode: Mode;
    if (!c) mode = 'create';
    else if (!t) mode = 'drop';
    else if (t.ddl === c.ddl && t.table === c.table) mode = 'none'; // a position alone: see columnOrderWarnings
    else mode = planners[t.kind]?.changeMode(ctx, c, t, key) ?? 'recreate';
    if (mode !== 'none') ctx.modes.set(key, mode);
  }
}

/**
 * Recreates what depends on something recreated, until nothing more changes: PostgreSQL refuses to
 * drop (or retype) what other objects use, so those go first and come back after.
 */
export function propagate(ctx: PlanContext, dependents: Map<string, string[]>): void {
  const queue = [...ctx.modes.keys()].filter((k) => isDestructive(ctx, k));
  const seen = new Set(queue);
  const push = (key: string) => {
    if (!seen.has(key)) {
      seen.add(key);
      queue.push(key);
    }
  };
  while (queue.length > 0) {
    const y = queue.shift()!;
    const yObject = (ctx.c(y) ?? ctx.t(y))!;
    const columnTypeOnly = yObject.kind === 'column' && !ctx.removed(y);
    for (const x of dependents.get(y) ?? []) {
      const mode = ctx.mode(x);
      if (mode === 'drop' || mode === 'recreate' || mode === 'rename') continue;
      const xo = ctx.c(x)!;
      if (!ctx.t(x)) continue;
      // A column retyped in place keeps its indexes and constraints (PostgreSQL rebuilds them),
      // its grants and comments; what refuses the ALTER has to go and come back.
      if (columnTypeOnly && !COLUMN_TYPE_DEPENDENTS.has(xo.kind)) continue;
      switch (xo.kind) {
        case 'column':
          columnDependsOn(ctx, x, xo, y, yObject, push);
          break;
        case 'table':
        case 'sequence':
        case 'default privileges':
        case 'schema':
        case 'extension':
          break; // tables re-apply CLUSTER ON / REPLICA IDENTITY themselves; the rest never need it
        case 'type':
        case 'domain':
          if (yObject.kind === 'column') break;
          if (xo.kind === 'domain' && !referencesIn(parseDomain(xo.ddl).head, ctx.fromIndex).has(y)) {
            ctx.modes.set(x, 'alter'); // only its default or a constraint uses it: dropped and added again
          } else {
            ctx.fail(xo, `it uses ${display(yObject)}, which has to be recreated; PostgreSQL cannot point a ${xo.kind} at a new ${yObject.kind}, so restore both by hand`);
          }
          break;
        default:
          ctx.modes.set(x, 'recreate');
          push(x);
      }
    }
  }
}

/** True when the old version of `key` goes away or changes type, so its dependents must be rebuilt. */
function isDestructive(ctx: PlanContext, key: string): boolean {
  const mode = ctx.mode(key);
  if (mode === 'recreate' || mode === 'rename') return true;
  if (mode !== 'alter' || !key.startsWith('column ')) return false;
  const a = parseColumn(ctx.c(key)!.ddl);
  const b = parseColumn(ctx.t(key)!.ddl);
  return a.type !== b.type || a.collate !== b.collate;
}

function columnDependsOn(ctx: PlanContext, x: string, xo: SchemaObject, y: string, yo: SchemaObject, push: (k: string) => void): void {
  const col = parseColumn(xo.ddl);
  const mentions = (text: string | undefined) => text !== undefined && referencesIn(text, ctx.fromIndex, { implicitRelations: xo.table ? [xo.table] : [] }).has(y);
  if (mentions(col.default)) {
    ctx.detachDefault.add(x);
    if (ctx.mode(x) === 'none') ctx.modes.set(x, 'alter');
  }
  if (mentions(`${col.type} ${col.collate ?? ''}`)) {
    if (ctx.mode(y) === 'rename') {
      ctx.retype.set(x, y);
      if (ctx.mode(x) === 'none') ctx.modes.set(x, 'alter');
      push(x);
    } else {
      ctx.fail(xo, `its type ${display(yo)} has to be recreated, and PostgreSQL cannot drop a type a column uses; change the column by hand`);
    }
  }
  if (mentions(col.generated?.expr)) {
    ctx.modes.set(x, 'recreate');
    push(x);
  }
}
