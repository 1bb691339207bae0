/**
 * What an object refers to and what it belongs to, in one snapshot: the edges the generator orders
 * statements by, and the ownership that makes a drop take a part along (a table's index, a
 * partition's column, a view's grant). Read from the canonical text (references.ts), since the
 * snapshot carries no pg_depend rows.
 */
import type { SchemaObject } from '../schema/model.js';
import { parseColumn, parseSequence, parseTable, splitTopLevel } from './canonical.js';
import type { PlanContext } from './context.js';
import { schemaOf } from './identifiers.js';
import { hasSqlStringBody } from './kinds/code.js';
import { extensionSchema } from './kinds/misc.js';
import { commentParts, privilegeTarget, referencesIn, relationKey, schemaKeyOf, type NameIndex } from './references.js';

/** Keys the object's definition refers to, plus what it belongs to and its schema. */
export function objectReferences(ctx: PlanContext, key: string, o: SchemaObject, index: NameIndex, side: 'from' | 'target'): Set<string> {
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
export function parentOf(ctx: PlanContext, key: string, side: 'from' | 'target'): string | undefined {
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

/** Caches a (key, side) look-up for one generation (inheritance matching scans the snapshot). */
export function memoize(fn: (key: string, side: 'from' | 'target') => string | undefined): (key: string, side: 'from' | 'target') => string | undefined {
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
export function inheritedFrom(ctx: PlanContext, key: string, side: 'from' | 'target'): string | undefined {
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
export function namespaceName(o: SchemaObject): string | undefined {
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
