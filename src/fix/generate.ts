/**
 * The down generator: from the schema a down must restore (`target`, S0) and the schema it left
 * (`from`: S2 after a wrong down, or S1 after the up when the down is missing or empty), the SQL
 * that takes `from` back to exactly `target`. Pure: two snapshots in, text out; the protocol runs
 * the result and keeps it only when the schema then matches (phase 2 of issue 13).
 *
 * How: every object that differs gets a mode (create, drop, alter in place, recreate); objects
 * that depend on something recreated are recreated too (a view over a column whose type changes, a
 * trigger on a recreated function), found through the names their definitions mention; each
 * kind's planner (kinds/*.ts) writes the statements; order.ts sorts them so that what is used is
 * created first and dropped last. Never DROP … CASCADE: dependents are dropped explicitly first.
 */
import type { ObjectKind, Snapshot } from '../schema/model.js';
import { display, PlanContext, type GenerateOptions, type Step, type Unfixable } from './context.js';
import { inheritedFrom, memoize, namespaceName, objectReferences, parentOf } from './dependencies.js';
import { aggregatePlanner, eventTriggerPlanner, policyPlanner, publicationPlanner, routinePlanner, rulePlanner, triggerPlanner, viewPlanner } from './kinds/code.js';
import { commentPlanner, extensionPlanner, schemaPlanner } from './kinds/misc.js';
import type { KindPlanner } from './kinds/planner.js';
import { columnPlanner, constraintPlanner, indexPlanner, sequencePlanner, statisticsPlanner, tablePlanner } from './kinds/relations.js';
import { defaultPrivilegeRevokes, defaultPrivilegesPlanner, privilegePlanner } from './kinds/security.js';
import { collationPlanner, domainPlanner, typePlanner } from './kinds/types.js';
import { decideModes, propagate } from './modes.js';
import { renderStatements, StatementGraph, type FixStatement, type Stage } from './order.js';
import { relationKey } from './references.js';

export type { FixStatement } from './order.js';
export type { GenerateOptions, Unfixable } from './context.js';

/** What the generator produced. */
export interface GeneratedDown {
  /** The statements, `;`-terminated, one per line where they fit; empty when nothing differs. */
  sql: string;
  statements: FixStatement[];
  /**
   * What the SQL cannot restore, each with the reason in plain words (e.g. a change of how a table
   * is partitioned). When not empty, the SQL is at best a partial fix.
   */
  unfixable: Unfixable[];
  /** Differences the SQL leaves on purpose, e.g. a re-added column that PostgreSQL puts last. */
  warnings: Unfixable[];
}

const PLANNERS: Partial<Record<ObjectKind, KindPlanner>> = {
  schema: schemaPlanner,
  extension: extensionPlanner,
  collation: collationPlanner,
  type: typePlanner,
  domain: domainPlanner,
  sequence: sequencePlanner,
  table: tablePlanner,
  column: columnPlanner,
  constraint: constraintPlanner,
  index: indexPlanner,
  statistics: statisticsPlanner,
  view: viewPlanner,
  'materialized view': viewPlanner,
  function: routinePlanner,
  procedure: routinePlanner,
  aggregate: aggregatePlanner,
  trigger: triggerPlanner,
  rule: rulePlanner,
  policy: policyPlanner,
  privilege: privilegePlanner,
  'default privileges': defaultPrivilegesPlanner,
  comment: commentPlanner,
  'event trigger': eventTriggerPlanner,
  publication: publicationPlanner,
};

/**
 * Creation order of kinds, the tie-breaker after dependencies (drops use it reversed). Default
 * privileges come early so objects the down creates get the privileges the target gives new
 * objects; functions before tables, as pg_dump does, since defaults and checks call them.
 */
const CREATION_ORDER: readonly ObjectKind[] = [
  'schema', 'extension', 'default privileges', 'collation', 'type', 'domain', 'function', 'procedure', 'aggregate',
  'sequence', 'table', 'column', 'constraint', 'index', 'statistics', 'view', 'materialized view', 'trigger', 'rule',
  'policy', 'event trigger', 'publication', 'privilege', 'comment',
];
const RANK = new Map(CREATION_ORDER.map((k, i) => [k, i]));


/**
 * Generates the SQL that takes the schema from `from` back to `target`. With equal fingerprints
 * the result is empty.
 */
export function generateDown(target: Snapshot, from: Snapshot, options: GenerateOptions = {}): GeneratedDown {
  if (target.fingerprint === from.fingerprint) return { sql: '', statements: [], unfixable: [], warnings: [] };
  const ctx = new PlanContext(target, from, options);
  const keys = [...new Set([...target.objects.keys(), ...from.objects.keys()])].sort();
  ctx.parentOf = (key, side) => parentOf(ctx, key, side);
  ctx.inheritedFrom = memoize((key, side) => inheritedFrom(ctx, key, side));
  const refsOld = new Map<string, Set<string>>();
  const refsNew = new Map<string, Set<string>>();
  for (const [key, o] of from.objects) refsOld.set(key, objectReferences(ctx, key, o, ctx.fromIndex, 'from'));
  for (const [key, o] of target.objects) refsNew.set(key, objectReferences(ctx, key, o, ctx.targetIndex, 'target'));
  const dependents = new Map<string, string[]>();
  for (const [key, refs] of refsOld) for (const ref of refs) (dependents.get(ref) ?? dependents.set(ref, []).get(ref)!).push(key);
  ctx.dependentsOf = (key) => dependents.get(key) ?? [];

  decideModes(ctx, keys, PLANNERS);
  propagate(ctx, dependents);

  const steps = new Map<string, Step[]>();
  for (const key of keys) {
    if (ctx.mode(key) === 'none') continue;
    const o = (ctx.t(key) ?? ctx.c(key))!;
    const planner = PLANNERS[o.kind];
    if (!planner) {
      ctx.fail(o, `rollback-verify has no SQL for a ${o.kind}; restore it by hand`);
      continue;
    }
    steps.set(key, [...planner.emit(ctx, key), ...defaultPrivilegeRevokes(ctx, key)]);
  }

  const { statements, cycles } = orderSteps(ctx, keys, steps, refsOld, refsNew);
  for (const id of cycles) ctx.warn(id.slice(id.indexOf(':') + 1), 'its statements depend on each other in a cycle; the order given may need adjusting by hand');
  columnOrderWarnings(ctx, keys);
  const sql = renderStatements(statements);
  return { sql: sql ? `${sql}\n` : '', statements, unfixable: ctx.unfixable, warnings: ctx.warnings };
}

function orderSteps(
  ctx: PlanContext,
  keys: readonly string[],
  steps: Map<string, Step[]>,
  refsOld: Map<string, Set<string>>,
  refsNew: Map<string, Set<string>>,
): { statements: FixStatement[]; cycles: string[] } {
  const graph = new StatementGraph();
  const active = keys.filter((k) => ctx.mode(k) !== 'none');
  const activeSet = new Set(active);
  const posts = new Map<string, string[]>();
  for (const key of active) {
    const o = (ctx.t(key) ?? ctx.c(key))!;
    const rank = RANK.get(o.kind) ?? CREATION_ORDER.length;
    // Columns of one table sort by position, so re-added columns come back in table order.
    const name = o.kind === 'column' ? `column ${o.table} ${String(o.position ?? 0).padStart(6, '0')}` : key;
    const object = display(o);
    const vertex = (stage: Stage, id = `${stage}:${key}`) => graph.vertex(id, () => ({ stage, rank, name }));
    for (const stage of ['drop', 'create', 'cleanup'] as const) vertex(stage);
    graph.edge(`drop:${key}`, `create:${key}`);
    graph.edge(`create:${key}`, `cleanup:${key}`);
    graph.edge(`drop:${key}`, `cleanup:${key}`);
    const postIds: string[] = [];
    for (const [i, step] of (steps.get(key) ?? []).entries()) {
      const statement: FixStatement = { sql: step.sql, object, ...(step.note ? { note: step.note } : {}) };
      if (step.stage === 'post') {
        const id = `post:${key}:${i}`;
        vertex('post', id).statements.push(statement);
        graph.edge(`create:${key}`, id);
        if (postIds.length) graph.edge(postIds[postIds.length - 1]!, id);
        postIds.push(id);
        for (const need of step.needs ?? []) if (activeSet.has(need)) graph.edge(`create:${need}`, id);
      } else {
        vertex(step.stage).statements.push(statement);
      }
    }
    posts.set(key, postIds);
  }
  // What goes with its table without a statement (an index, a default using a sequence) is dropped
  // by the table's DROP: that statement carries the part's dependencies.
  const carrier = (key: string): string => {
    let k = key;
    while (ctx.removed(k) && ctx.dropIsImplicit(k)) {
      const parent = [ctx.inheritedFrom(k, 'from'), ctx.parentOf(k, 'from')].find((p) => p !== undefined && (ctx.removed(p) || ctx.goesWithParent(p)));
      if (!parent) break;
      k = parent;
    }
    return k;
  };
  for (const key of active) {
    const inPlace = ctx.mode(key) === 'alter';
    const dropper = carrier(key);
    for (const ref of refsOld.get(key) ?? []) {
      if (!activeSet.has(ref) || ref === dropper) continue;
      graph.edge(`drop:${dropper}`, `drop:${ref}`);
      graph.edge(`drop:${dropper}`, `cleanup:${ref}`);
      if (inPlace) {
        for (const from of [`create:${key}`, ...(posts.get(key) ?? [])]) {
          graph.edge(from, `cleanup:${ref}`);
          if (ctx.mode(ref) === 'drop') graph.edge(from, `drop:${ref}`);
        }
      }
    }
    for (const ref of refsNew.get(key) ?? []) if (activeSet.has(ref)) graph.edge(`create:${ref}`, `create:${key}`);
  }
  // Two objects cannot hold one name at once: the old one goes before the new one comes.
  const removedByName = new Map<string, string[]>();
  for (const key of active) {
    const c = ctx.c(key);
    const name = c && ctx.removed(key) ? namespaceName(c) : undefined;
    if (name) (removedByName.get(name) ?? removedByName.set(name, []).get(name)!).push(key);
  }
  for (const key of active) {
    const t = ctx.t(key);
    const m = ctx.mode(key);
    if (!t || (m !== 'create' && m !== 'recreate' && m !== 'rename')) continue;
    const name = namespaceName(t);
    for (const old of (name && removedByName.get(name)) || []) if (old !== key) graph.edge(`drop:${old}`, `create:${key}`);
  }
  return graph.order();
}

/** A column PostgreSQL can only add at the end cannot come back to its old place: say so. */
function columnOrderWarnings(ctx: PlanContext, keys: readonly string[]): void {
  const tables = new Set<string>();
  for (const key of keys) {
    const o = ctx.t(key);
    if (o?.kind === 'column' && o.table && ctx.c(key)?.position !== o.position) tables.add(o.table);
  }
  for (const table of tables) {
    const tableKey = relationKey(ctx.targetIndex, table);
    if (!tableKey || ctx.mode(tableKey) === 'create') continue;
    const wanted = [...ctx.target.objects.entries()].filter(([, o]) => o.kind === 'column' && o.table === table).sort((a, b) => a[1].position! - b[1].position!);
    const kept = [...ctx.from.objects.entries()]
      .filter(([k, o]) => o.kind === 'column' && o.table === table && !ctx.removed(k))
      .sort((a, b) => a[1].position! - b[1].position!)
      .map(([k]) => k);
    const added = wanted.map(([k]) => k).filter((k) => !kept.includes(k));
    const result = [...kept, ...added];
    if (result.join('\0') !== wanted.map(([k]) => k).join('\0')) {
      const names = (list: string[]) => list.map((k) => k.slice(k.lastIndexOf('.') + 1)).join(', ');
      ctx.warn(`table ${table}`, `its columns end up in the order (${names(result)}) instead of (${names(wanted.map(([k]) => k))}): PostgreSQL adds a column at the end and cannot move it; only recreating the table would restore the order`);
    }
  }
}
