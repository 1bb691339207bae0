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
import type { ObjectKind, SchemaObject, Snapshot } from '../schema/model.js';
import { parseColumn, parseDomain, parseSequence, parseTable, splitTopLevel } from './canonical.js';
import { display, PlanContext, type GenerateOptions, type Mode, type Step, type Unfixable } from './context.js';
import { schemaOf } from './identifiers.js';
import { aggregatePlanner, eventTriggerPlanner, hasSqlStringBody, policyPlanner, publicationPlanner, routinePlanner, rulePlanner, triggerPlanner, viewPlanner } from './kinds/code.js';
import { commentPlanner, extensionPlanner, extensionSchema, schemaPlanner } from './kinds/misc.js';
import type { KindPlanner } from './kinds/planner.js';
import { columnPlanner, constraintPlanner, indexPlanner, sequencePlanner, statisticsPlanner, tablePlanner } from './kinds/relations.js';
import { defaultPrivilegeRevokes, defaultPrivilegesPlanner, privilegePlanner } from './kinds/security.js';
import { collationPlanner, domainPlanner, typePlanner } from './kinds/types.js';
import { StatementGraph, type FixStatement, type Stage } from './order.js';
import { commentParts, privilegeTarget, referencesIn, relationKey, schemaKeyOf, type NameIndex } from './references.js';

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

/** Kinds whose definition breaks when a column they use changes type (PostgreSQL refuses the ALTER). */
const COLUMN_TYPE_DEPENDENTS = new Set<ObjectKind>(['view', 'materialized view', 'rule', 'policy', 'trigger', 'function', 'procedure', 'publication', 'column']);

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

  decideModes(ctx, keys);
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
  const sql = statements.map((s) => `${s.note ? `-- ${s.note}\n` : ''}${s.sql};`).join('\n');
  return { sql: sql ? `${sql}\n` : '', statements, unfixable: ctx.unfixable, warnings: ctx.warnings };
}

function decideModes(ctx: PlanContext, keys: readonly string[]): void {
  for (const key of keys) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    let mode: Mode;
    if (!c) mode = 'create';
    else if (!t) mode = 'drop';
    else if (t.ddl === c.ddl && t.table === c.table) mode = 'none'; // a position alone: see columnOrderWarnings
    else mode = PLANNERS[t.kind]?.changeMode(ctx, c, t, key) ?? 'recreate';
    if (mode !== 'none') ctx.modes.set(key, mode);
  }
}

/**
 * Recreates what depends on something recreated, until nothing more changes: PostgreSQL refuses to
 * drop (or retype) what other objects use, so those go first and come back after.
 */
function propagate(ctx: PlanContext, dependents: Map<string, string[]>): void {
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

/** Keys the object's definition refers to, plus what it belongs to and its schema. */
function objectReferences(ctx: PlanContext, key: string, o: SchemaObject, index: NameIndex, side: 'from' | 'target'): Set<string> {
  let refs: Set<string>;
  if (o.kind === 'column') {
    const col = parseColumn(o.ddl);
    refs = referencesIn(`${col.type} ${col.collate ?? ''} ${col.default ?? ''}`, index);
    if (col.generated) for (const r of referencesIn(col.generated.expr, index, { implicitRelations: [o.table!] })) refs.add(r);
  } else if (o.kind === 'sequence' && side === 'target') {
    refs = new Set(); // OWNED BY waits in a post step; the column's default needs the sequence first
  } else if (o.kind === 'comment' || o.kind === 'privilege') {
    refs = new Set(); // their text names only what they are on: the parent below
  } else {
    // A string body (LANGUAGE sql) is checked when the function is created, so the tables it reads
    // come first; PostgreSQL records no dependency on them, so they do not delay a drop.
    const sqlBody = side === 'target' && (o.kind === 'function' || o.kind === 'procedure') && hasSqlStringBody(o.ddl);
    refs = referencesIn(o.ddl, index, { implicitRelations: o.table ? [o.table] : [], sqlBody });
  }
  refs.delete(key);
  const inherited = inheritedFrom(ctx, key, side);
  if (inherited) refs.add(inherited);
  const parent = parentOf(ctx, key, side);
  // A sequence's OWNED BY column waits for the sequence (its default uses it): ordered by a post step.
  if (parent && !(o.kind === 'sequence' && side === 'target')) refs.add(parent);
  const schema = schemaKeyOf(o, index);
  if (schema) refs.add(schema);
  if (o.kind === 'extension') {
    const s = index.schemas.get(extensionSchema(o.ddl));
    if (s) refs.add(s);
  }
  if (o.kind === 'default privileges') {
    const m = / in schema (.+) on \S+$/.exec(o.name);
    const s = m ? index.schemas.get(m[1]!) : undefined;
    if (s) refs.add(s);
  }
  if (o.kind === 'constraint' && o.ddl.includes(' REFERENCES ')) {
    // A foreign key needs the referenced table's unique constraint or index (pg_depend has the exact one).
    for (const r of [...refs]) {
      const referenced = index.objects.get(r);
      if (!referenced || referenced.kind !== 'table' || r === relationKey(index, o.table ?? '')) continue;
      for (const [k, other] of index.objects) {
        if (other.table !== referenced.name) continue;
        if ((other.kind === 'constraint' && /^CONSTRAINT \S+ (PRIMARY KEY|UNIQUE) /.test(other.ddl)) || (other.kind === 'index' && other.ddl.startsWith('CREATE UNIQUE INDEX '))) refs.add(k);
      }
    }
  }
  return refs;
}

/** What `key` belongs to: dropping that takes `key` with it. */
function parentOf(ctx: PlanContext, key: string, side: 'from' | 'target'): string | undefined {
  const index = side === 'from' ? ctx.fromIndex : ctx.targetIndex;
  const o = index.objects.get(key);
  if (!o) return undefined;
  switch (o.kind) {
    case 'column':
    case 'constraint':
    case 'index':
    case 'trigger':
    case 'rule':
    case 'policy':
    case 'statistics':
      return o.table !== undefined ? relationKey(index, o.table) : undefined;
    case 'comment':
      return commentParts(o.name, o.ddl, index).key;
    case 'privilege':
      return privilegeTarget(o.name, index).key;
    case 'sequence': {
      const owned = parseSequence(o.ddl).ownedBy;
      return owned && index.objects.has(`column ${owned}`) ? `column ${owned}` : undefined;
    }
    case 'table': {
      const partitionOf = parseTable(o.ddl).partitionOf;
      return partitionOf ? relationKey(index, partitionOf.parent) : undefined;
    }
    default:
      return undefined;
  }
}

function memoize(fn: (key: string, side: 'from' | 'target') => string | undefined): (key: string, side: 'from' | 'target') => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (key, side) => {
    const id = `${side}\0${key}`;
    if (!cache.has(id)) cache.set(id, fn(key, side));
    return cache.get(id);
  };
}

/** An index definition without its name and table, for matching a partition's index to its parent's. */
function indexShape(ddl: string): string {
  return ddl.split('\n', 1)[0]!.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ /, 'CREATE $1INDEX ');
}

/**
 * The parent table's part a child table's part comes from (see PlanContext.inheritedFrom): the
 * same-named column, CHECK or foreign key, or trigger; for a partition, also the primary key,
 * unique or exclusion constraint and index of the same shape.
 */
function inheritedFrom(ctx: PlanContext, key: string, side: 'from' | 'target'): string | undefined {
  const index = side === 'from' ? ctx.fromIndex : ctx.targetIndex;
  const o = index.objects.get(key);
  if (!o?.table || !['column', 'constraint', 'index', 'trigger'].includes(o.kind)) return undefined;
  const table = index.objects.get(`table ${o.table}`);
  if (!table) return undefined;
  const def = parseTable(table.ddl);
  const parents = def.partitionOf ? [def.partitionOf.parent] : def.inherits ? splitTopLevel(def.inherits) : [];
  const own = o.name.slice(o.table.length + 1);
  for (const parent of parents) {
    if (o.kind === 'column' || o.kind === 'trigger' || o.kind === 'constraint') {
      const candidate = `${o.kind} ${parent}.${own}`;
      const p = index.objects.get(candidate);
      if (p && (o.kind !== 'trigger' || def.partitionOf)) return candidate;
    }
    if (!def.partitionOf) continue;
    if (o.kind === 'constraint') {
      const body = o.ddl.slice(o.ddl.indexOf(' ', 'CONSTRAINT '.length) + 1);
      for (const [k, p] of index.objects) {
        if (p.kind === 'constraint' && p.table === parent && p.ddl.slice(p.ddl.indexOf(' ', 'CONSTRAINT '.length) + 1) === body && /^(PRIMARY KEY|UNIQUE|EXCLUDE) /.test(body)) return k;
      }
    }
    if (o.kind === 'index') {
      const shape = indexShape(o.ddl);
      for (const [k, p] of index.objects) if (p.kind === 'index' && p.table === parent && indexShape(p.ddl) === shape) return k;
    }
  }
  return undefined;
}

/** The name an object takes in its schema's namespace, where two objects cannot share one. */
function namespaceName(o: SchemaObject): string | undefined {
  switch (o.kind) {
    case 'table':
    case 'view':
    case 'materialized view':
    case 'sequence':
    case 'index':
    case 'type':
    case 'domain':
      return `rel ${o.name}`;
    case 'constraint':
      // PRIMARY KEY, UNIQUE and EXCLUDE constraints create an index of their own name.
      return /^CONSTRAINT \S+ (PRIMARY KEY|UNIQUE|EXCLUDE) /.test(o.ddl) ? `rel ${schemaOf(o.table!)}.${o.name.slice(o.table!.length + 1)}` : undefined;
    case 'function':
    case 'procedure':
    case 'aggregate':
      return `routine ${o.name}`;
    default:
      return undefined;
  }
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
