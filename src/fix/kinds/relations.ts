/**
 * Tables, columns, constraints, indexes, extended statistics and sequences. Definitions come from
 * the snapshot's text (pg_get_constraintdef, pg_get_indexdef, format_type, pg_get_expr …); only the
 * statement around them (ALTER TABLE … ADD …) is written here.
 */
import {
  columnDefinition,
  identityClause,
  parseColumn,
  parseSequence,
  parseTable,
  sequenceOptions,
  splitTopLevel,
  type ColumnDef,
  type SequenceParams,
  type TableDef,
} from '../canonical.js';
import { stringLiteral, type PlanContext, type Step } from '../context.js';
import { lastPart, schemaOf, unquoteIdent, withoutLastPart } from '../identifiers.js';
import { relationKey } from '../references.js';
import type { KindPlanner } from './planner.js';

/** Longest line a CREATE TABLE may take before its columns go one per line. */
const ONE_LINE = 100;

// ---------------------------------------------------------------------------------------------
// Tables

export const tablePlanner: KindPlanner = {
  changeMode(ctx, c, t) {
    const a = parseTable(c.ddl);
    const b = parseTable(t.ddl);
    if (a.foreign !== b.foreign) ctx.fail(t, 'it changed between a table and a foreign table; only recreating it (and moving its rows) would restore it');
    if (a.partitionBy !== b.partitionBy) {
      ctx.fail(t, `its partitioning changed (${b.partitionBy ?? 'none'} → ${a.partitionBy ?? 'none'}); PostgreSQL cannot change how a table is partitioned, only recreating it (and moving its rows) would`);
    }
    if (a.server !== b.server && a.foreign && b.foreign) ctx.fail(t, 'its foreign server or options changed; set them back with ALTER FOREIGN TABLE by hand');
    return 'alter';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    if (mode === 'drop') return ctx.dropIsImplicit(key) ? [] : [{ stage: 'drop', sql: `DROP ${parseTable(c!.ddl).foreign ? 'FOREIGN TABLE' : 'TABLE'} ${c!.name}` }];
    if (mode === 'create') return createTable(ctx, key);
    if (mode === 'alter') return alterTable(ctx, key, parseTable(c!.ddl), parseTable(t!.ddl));
    return [];
  },
};

/** The columns of a relation in one snapshot, in table order. */
export function columnsOf(ctx: PlanContext, table: string, side: 'target' | 'from'): Array<{ key: string; def: ColumnDef; position: number }> {
  const index = side === 'target' ? ctx.targetIndex : ctx.fromIndex;
  return (index.columnsOf.get(table) ?? [])
    .map(({ key }) => {
      const o = index.objects.get(key)!;
      return { key, def: parseColumn(o.ddl), position: o.position ?? 0 };
    })
    .sort((x, y) => x.position - y.position);
}

function createTable(ctx: PlanContext, key: string): Step[] {
  const t = ctx.t(key)!;
  const def = parseTable(t.ddl);
  const columns = columnsOf(ctx, t.name, 'target');
  const head = `CREATE ${def.unlogged ? 'UNLOGGED ' : ''}${def.foreign ? 'FOREIGN ' : ''}TABLE ${t.name}`;
  const tail = [
    def.partitionBy ? `PARTITION BY ${def.partitionBy}` : '',
    def.accessMethod ? `USING ${def.accessMethod}` : '',
    def.options.length ? `WITH (${def.options.join(', ')})` : '',
    def.tablespace ? `TABLESPACE ${def.tablespace}` : '',
    def.server ? `SERVER ${def.server}` : '',
  ].filter(Boolean);
  const columnTexts = columns.map((col) => columnDefinition(col.def));
  const oneLine = `${head} (${columnTexts.join(', ')})${tail.length ? ` ${tail.join(' ')}` : ''}`;
  const sql = oneLine.length <= ONE_LINE && !oneLine.includes('\n')
    ? oneLine
    : `${head} (\n${columnTexts.map((text) => `  ${text}`).join(',\n')}\n)${tail.length ? ` ${tail.join(' ')}` : ''}`;
  const steps: Step[] = [{ stage: 'create', sql }];
  for (const col of columns) steps.push(...columnSettings(t.name, col.def, undefined, ctx));
  const owner = ctx.ownerStatement(`ALTER TABLE ${t.name}`, t.ddl);
  if (owner) steps.push({ stage: 'create', sql: owner });
  if (def.rowSecurity) steps.push({ stage: 'create', sql: `ALTER TABLE ${t.name} ENABLE ROW LEVEL SECURITY` });
  if (def.forceRowSecurity) steps.push({ stage: 'create', sql: `ALTER TABLE ${t.name} FORCE ROW LEVEL SECURITY` });
  steps.push(...attachSteps(ctx, t.name, undefined, def));
  if (def.replicaIdentity) steps.push(replicaIdentityStep(ctx, t.name, def.replicaIdentity));
  if (def.clusterOn) steps.push(clusterStep(ctx, t.name, def.clusterOn));
  return steps;
}

/** ATTACH PARTITION / INHERIT after the child's own constraints and indexes exist (PostgreSQL matches them up). */
function attachSteps(ctx: PlanContext, table: string, before: TableDef | undefined, after: TableDef): Step[] {
  const steps: Step[] = [];
  const own = [...ctx.target.objects.values()]
    .filter((o) => o.table === table && (o.kind === 'constraint' || o.kind === 'index'))
    .map((o) => `${o.kind} ${o.name}`);
  if (after.partitionOf && (before?.partitionOf?.parent !== after.partitionOf.parent || before.partitionOf.bound !== after.partitionOf.bound)) {
    const parent = relationKey(ctx.targetIndex, after.partitionOf.parent);
    steps.push({
      stage: 'post',
      sql: `ALTER TABLE ${after.partitionOf.parent} ATTACH PARTITION ${table} ${after.partitionOf.bound}`,
      needs: [...(parent ? [parent] : []), ...own],
    });
  }
  const had = new Set(before?.inherits ? splitTopLevel(before.inherits) : []);
  for (const parentName of after.inherits ? splitTopLevel(after.inherits) : []) {
    if (had.has(parentName)) continue;
    const parent = relationKey(ctx.targetIndex, parentName);
    steps.push({ stage: 'post', sql: `ALTER TABLE ${table} INHERIT ${parentName}`, needs: [...(parent ? [parent] : []), ...own] });
  }
  return steps;
}

/** The index key behind a bare index name of a table (REPLICA IDENTITY USING INDEX, CLUSTER ON). */
function indexKeyNamed(ctx: PlanContext, table: string, indexName: string): string[] {
  const qualified = `${schemaOf(table)}.${indexName}`;
  const keys = [`index ${qualified}`, `constraint ${table}.${indexName}`];
  return keys.filter((k) => ctx.target.objects.has(k));
}

function replicaIdentityStep(ctx: PlanContext, table: string, identity: string): Step {
  const index = identity.startsWith('USING INDEX ') ? identity.slice('USING INDEX '.length) : undefined;
  return { stage: 'post', sql: `ALTER TABLE ${table} REPLICA IDENTITY ${identity}`, needs: index ? indexKeyNamed(ctx, table, index) : [] };
}

function clusterStep(ctx: PlanContext, table: string, index: string): Step {
  return { stage: 'post', sql: `ALTER TABLE ${table} CLUSTER ON ${index}`, needs: indexKeyNamed(ctx, table, index) };
}

function alterTable(ctx: PlanContext, key: string, a: TableDef, b: TableDef): Step[] {
  const t = ctx.t(key)!;
  const c = ctx.c(key)!;
  const q = t.name;
  const steps: Step[] = [];
  const create = (sql: string) => steps.push({ stage: 'create', sql });
  if (a.unlogged !== b.unlogged) create(`ALTER TABLE ${q} SET ${b.unlogged ? 'UNLOGGED' : 'LOGGED'}`);
  if (a.partitionOf && (a.partitionOf.parent !== b.partitionOf?.parent || a.partitionOf.bound !== b.partitionOf.bound)) {
    steps.push({ stage: 'drop', sql: `ALTER TABLE ${a.partitionOf.parent} DETACH PARTITION ${q}` });
  }
  for (const parent of a.inherits ? splitTopLevel(a.inherits) : []) {
    if (!(b.inherits ? splitTopLevel(b.inherits) : []).includes(parent)) steps.push({ stage: 'drop', sql: `ALTER TABLE ${q} NO INHERIT ${parent}` });
  }
  steps.push(...attachSteps(ctx, q, a, b));
  if (a.accessMethod !== b.accessMethod) create(`ALTER TABLE ${q} SET ACCESS METHOD ${b.accessMethod ?? 'heap'}`);
  steps.push(...optionSteps(`ALTER TABLE ${q}`, a.options, b.options));
  if (a.tablespace !== b.tablespace) create(`ALTER TABLE ${q} SET TABLESPACE ${b.tablespace ?? 'pg_default'}`);
  const owner = ctx.ownerStatement(`ALTER TABLE ${q}`, t.ddl, c.ddl);
  if (owner) create(owner);
  if (a.rowSecurity !== b.rowSecurity) create(`ALTER TABLE ${q} ${b.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`);
  if (a.forceRowSecurity !== b.forceRowSecurity) create(`ALTER TABLE ${q} ${b.forceRowSecurity ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`);
  const replicaIndexRecreated = b.replicaIdentity?.startsWith('USING INDEX ') && indexKeyNamed(ctx, q, b.replicaIdentity.slice(12)).some((k) => ctx.removed(k));
  if (a.replicaIdentity !== b.replicaIdentity || replicaIndexRecreated) {
    if (b.replicaIdentity) steps.push(replicaIdentityStep(ctx, q, b.replicaIdentity));
    else create(`ALTER TABLE ${q} REPLICA IDENTITY DEFAULT`);
  }
  const clusterIndexRecreated = b.clusterOn !== undefined && indexKeyNamed(ctx, q, b.clusterOn).some((k) => ctx.removed(k));
  if (a.clusterOn !== b.clusterOn || clusterIndexRecreated) {
    if (b.clusterOn) steps.push(clusterStep(ctx, q, b.clusterOn));
    else create(`ALTER TABLE ${q} SET WITHOUT CLUSTER`);
  }
  return steps;
}

/** `SET (…)` / `RESET (…)` for reloptions-style lists (`fillfactor=70`). */
export function optionSteps(head: string, before: readonly string[], after: readonly string[]): Step[] {
  const name = (o: string) => o.slice(0, o.indexOf('=') < 0 ? o.length : o.indexOf('='));
  const afterNames = new Set(after.map(name));
  const reset = before.filter((o) => !afterNames.has(name(o))).map(name);
  const set = after.filter((o) => !before.includes(o));
  const steps: Step[] = [];
  if (reset.length) steps.push({ stage: 'create', sql: `${head} RESET (${reset.join(', ')})` });
  if (set.length) steps.push({ stage: 'create', sql: `${head} SET (${set.join(', ')})` });
  return steps;
}

// ---------------------------------------------------------------------------------------------
// Columns

export const columnPlanner: KindPlanner = {
  changeMode(ctx, c, t) {
    const a = parseColumn(c.ddl);
    const b = parseColumn(t.ddl);
    if (b.generated && (!a.generated || (a.generated.expr !== b.generated.expr && !ctx.atLeast(170000)) || a.generated.kind !== b.generated.kind)) {
      return 'recreate';
    }
    return 'alter';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const table = (t ?? c)!.table!;
    const steps: Step[] = [];
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) {
      steps.push({ stage: 'drop', sql: `ALTER TABLE ${table} DROP COLUMN ${lastPart(c!.name)}` });
    }
    if ((mode === 'create' || mode === 'recreate') && !ctx.madeByParent(key)) {
      const tableKey = relationKey(ctx.targetIndex, table);
      // A column of a table the down creates is part of its CREATE TABLE.
      if (tableKey && ctx.mode(tableKey) === 'create') return steps;
      const def = parseColumn(t!.ddl);
      steps.push({ stage: 'create', sql: `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(def)}` });
      steps.push(...columnSettings(table, def, undefined, ctx));
    }
    // A partition's (or child's) column changes with its parent's: ALTER TABLE recurses, and
    // PostgreSQL refuses to change an inherited column on its own.
    const parent = ctx.inheritedFrom(key, 'target');
    const sameAsParent = parent !== undefined && ctx.mode(parent) === 'alter' && ctx.c(parent)?.ddl === c?.ddl && ctx.t(parent)?.ddl === t?.ddl;
    if (mode === 'alter' && !sameAsParent) steps.push(...alterColumn(ctx, key, table, parseColumn(c!.ddl), parseColumn(t!.ddl)));
    return steps;
  },
};

/** Settings CREATE TABLE and ADD COLUMN cannot carry on every version: storage, statistics, options. */
function columnSettings(table: string, col: ColumnDef, before: ColumnDef | undefined, ctx: PlanContext): Step[] {
  const steps: Step[] = [];
  const alter = (clause: string) => steps.push({ stage: 'create', sql: `ALTER TABLE ${table} ALTER COLUMN ${col.name} ${clause}` });
  if (col.storage !== before?.storage) {
    if (col.storage) alter(`SET STORAGE ${col.storage}`);
    else {
      // Back to the type's default: named DEFAULT from PostgreSQL 16; before, the default of
      // common built-in types is known, anything else is left to the author.
      const known = typeStorage(col.type);
      const version = ctx.options.serverVersionNum;
      if (version === undefined || version >= 160000) alter(known ? `SET STORAGE ${known}` : 'SET STORAGE DEFAULT');
      else if (known) alter(`SET STORAGE ${known}`);
      else ctx.fail(`column ${table}.${col.name}`, `its storage must go back to its type's default, which PostgreSQL ${Math.floor(version / 10000)} cannot name (SET STORAGE DEFAULT is 16+); set it by hand`);
    }
  }
  if (col.statistics !== before?.statistics) alter(`SET STATISTICS ${col.statistics ?? '-1'}`);
  const optionsBefore = before?.options ? splitTopLevel(before.options) : [];
  const optionsAfter = col.options ? splitTopLevel(col.options) : [];
  for (const step of optionSteps(`ALTER TABLE ${table} ALTER COLUMN ${col.name}`, optionsBefore, optionsAfter)) steps.push(step);
  if (col.fdwOptions !== before?.fdwOptions) {
    ctx.fail(`column ${table}.${col.name}`, 'its foreign-data options changed; set them back with ALTER FOREIGN TABLE … OPTIONS by hand');
  }
  return steps;
}

/** The default storage of common built-in types (pg_type.typstorage), for servers before 16. */
function typeStorage(type: string): string | undefined {
  if (type.endsWith('[]')) return 'EXTENDED';
  const base = type.replace(/\(.*\)/, '').trim();
  if (['text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'xml', 'tsvector', 'tsquery', 'bit varying', 'path', 'polygon'].includes(base)) return 'EXTENDED';
  if (['numeric', 'inet', 'cidr'].includes(base)) return 'MAIN';
  if (['smallint', 'integer', 'bigint', 'real', 'double precision', 'boolean', 'date', 'uuid', 'money', 'oid', 'interval', 'point',
    'time without time zone', 'time with time zone', 'timestamp without time zone', 'timestamp with time zone', 'macaddr', '"char"'].includes(base)) return 'PLAIN';
  return undefined;
}

function alterColumn(ctx: PlanContext, key: string, table: string, a: ColumnDef, b: ColumnDef): Step[] {
  const steps: Step[] = [];
  const head = `ALTER TABLE ${table} ALTER COLUMN ${b.name}`;
  const drop = (clause: string) => steps.push({ stage: 'drop', sql: `${head} ${clause}` });
  const create = (clause: string, note?: string) => steps.push({ stage: 'create', sql: `${head} ${clause}`, ...(note ? { note } : {}) });
  const retypeTo = ctx.retype.get(key);
  const typeChanges = a.type !== b.type || a.collate !== b.collate || retypeTo !== undefined;
  const defaultChanges = a.default !== b.default || ctx.detachDefault.has(key) || (typeChanges && a.default !== undefined);

  // Detach first: what goes away must be gone before what it used is dropped.
  if (a.default !== undefined && defaultChanges) drop('DROP DEFAULT');
  if (a.identity && !b.identity) drop('DROP IDENTITY');
  if (a.generated && !b.generated) drop('DROP EXPRESSION');
  if (a.notNull && !b.notNull) drop('DROP NOT NULL');

  if (typeChanges) {
    const collate = a.collate !== b.collate ? ` COLLATE ${b.collate ?? '"default"'}` : '';
    let using = '';
    if (retypeTo !== undefined) {
      const array = b.type.endsWith('[]');
      using = ` USING ${b.name}::text${array ? '[]' : ''}::${b.type}`;
    } else if (a.type !== b.type) using = ` USING ${b.name}::${b.type}`;
    create(`TYPE ${b.type}${collate}${using}`);
  }
  if (b.default !== undefined && defaultChanges) create(`SET DEFAULT ${b.default}`);
  if (b.notNull && !a.notNull) create('SET NOT NULL');
  if (b.generated && a.generated && a.generated.expr !== b.generated.expr) create(`SET EXPRESSION AS (${b.generated.expr})`);
  if (b.identity && !a.identity) {
    create(`ADD ${identityClause(b)}`);
    steps.push({
      stage: 'create',
      sql: `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(${stringLiteral(table)}, ${stringLiteral(unquoteIdent(b.name))}), max(${b.name})) FROM ${table} HAVING max(${b.name}) IS NOT NULL`,
      note: 'the identity is new: continue after the values the column already holds',
    });
  } else if (a.identity && b.identity) {
    if (a.identity.always !== b.identity.always) create(`SET GENERATED ${b.identity.always ? 'ALWAYS' : 'BY DEFAULT'}`);
    const changes = identityChanges(a.identity.params, b.identity.params);
    if (changes.length) create(changes.join(' '));
  }
  if (a.compression !== b.compression) create(`SET COMPRESSION ${b.compression ?? 'default'}`);
  steps.push(...columnSettings(table, b, a, ctx));
  return steps;
}

function identityChanges(a: SequenceParams | undefined, b: SequenceParams | undefined): string[] {
  if (!a || !b) return [];
  const out: string[] = [];
  if (a.increment !== b.increment) out.push(`SET INCREMENT BY ${b.increment}`);
  if (a.min !== b.min) out.push(`SET MINVALUE ${b.min}`);
  if (a.max !== b.max) out.push(`SET MAXVALUE ${b.max}`);
  if (a.start !== b.start) out.push(`SET START WITH ${b.start}`);
  if (a.cache !== b.cache) out.push(`SET CACHE ${b.cache}`);
  if (a.cycle !== b.cycle) out.push(b.cycle ? 'SET CYCLE' : 'SET NO CYCLE');
  return out;
}

/** The parts of a column's text, for telling a reference in its default from one in its type. */
export function columnParts(ddl: string): { type: string; default: string; generated: string } {
  const c = parseColumn(ddl);
  return { type: `${c.type} ${c.collate ?? ''}`, default: c.default ?? '', generated: c.generated?.expr ?? '' };
}

// ---------------------------------------------------------------------------------------------
// Constraints

function constraintBody(ddl: string, name: string): string {
  return ddl.slice(`CONSTRAINT ${lastPart(name)} `.length);
}

export const constraintPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    const before = constraintBody(c.ddl, c.name);
    const after = constraintBody(t.ddl, t.name);
    return `${after} NOT VALID` === before && c.table === t.table ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps: Step[] = [];
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) {
      steps.push({ stage: 'drop', sql: `ALTER TABLE ${c!.table} DROP CONSTRAINT ${lastPart(c!.name)}` });
    }
    if ((mode === 'create' || mode === 'recreate') && !ctx.madeByParent(key)) steps.push({ stage: 'create', sql: `ALTER TABLE ${t!.table} ADD ${t!.ddl}` });
    if (mode === 'alter') steps.push({ stage: 'create', sql: `ALTER TABLE ${t!.table} VALIDATE CONSTRAINT ${lastPart(t!.name)}` });
    return steps;
  },
};

// ---------------------------------------------------------------------------------------------
// Indexes and extended statistics

function indexParts(ddl: string): { def: string; tablespace?: string; invalid: boolean } {
  const lines = ddl.split('\n');
  const tablespace = lines.find((l) => l.startsWith('  TABLESPACE '))?.slice('  TABLESPACE '.length);
  return { def: lines[0]!, ...(tablespace ? { tablespace } : {}), invalid: lines.some((l) => l.startsWith('-- INVALID')) };
}

export const indexPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    const a = indexParts(c.ddl);
    const b = indexParts(t.ddl);
    return a.def === b.def && a.invalid === b.invalid && c.table === t.table ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps: Step[] = [];
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) steps.push({ stage: 'drop', sql: `DROP INDEX ${c!.name}` });
    if ((mode === 'create' || mode === 'recreate') && !ctx.madeByParent(key)) {
      const parts = indexParts(t!.ddl);
      if (parts.invalid) ctx.fail(t!, 'it is INVALID in the state to restore (a failed CREATE INDEX CONCURRENTLY); an index cannot be created invalid on purpose');
      // ON ONLY (a partitioned table's index as pg_get_indexdef prints it) would leave the index
      // invalid until every partition's index is attached; without ONLY, PostgreSQL attaches the
      // partitions' matching indexes itself.
      steps.push({ stage: 'create', sql: parts.def.replace(/^(CREATE (?:UNIQUE )?INDEX \S+ ON )ONLY /, '$1') });
      if (parts.tablespace) steps.push({ stage: 'create', sql: `ALTER INDEX ${t!.name} SET TABLESPACE ${parts.tablespace}` });
    }
    if (mode === 'alter') {
      const tablespace = indexParts(t!.ddl).tablespace;
      steps.push({ stage: 'create', sql: `ALTER INDEX ${t!.name} SET TABLESPACE ${tablespace ?? 'pg_default'}` });
    }
    return steps;
  },
};

function statisticsParts(ddl: string): { def: string; target?: string } {
  const [def, target] = ddl.split('\n');
  return { def: def!, ...(target ? { target: target.slice('STATISTICS '.length) } : {}) };
}

export const statisticsPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return statisticsParts(c.ddl).def === statisticsParts(t.ddl).def ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps: Step[] = [];
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) steps.push({ stage: 'drop', sql: `DROP STATISTICS ${c!.name}` });
    if (mode === 'create' || mode === 'recreate') {
      const parts = statisticsParts(t!.ddl);
      steps.push({ stage: 'create', sql: parts.def });
      if (parts.target) steps.push({ stage: 'create', sql: `ALTER STATISTICS ${t!.name} SET STATISTICS ${parts.target}` });
    }
    if (mode === 'alter') steps.push({ stage: 'create', sql: `ALTER STATISTICS ${t!.name} SET STATISTICS ${statisticsParts(t!.ddl).target ?? '-1'}` });
    return steps;
  },
};

// ---------------------------------------------------------------------------------------------
// Sequences

export const sequencePlanner: KindPlanner = {
  changeMode() {
    return 'alter';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    if (mode === 'drop') return ctx.dropIsImplicit(key) ? [] : [{ stage: 'drop', sql: `DROP SEQUENCE ${c!.name}` }];
    if (mode === 'create') return createSequence(ctx, key);
    if (mode === 'alter') return alterSequence(ctx, key);
    return [];
  },
};

function createSequence(ctx: PlanContext, key: string): Step[] {
  const t = ctx.t(key)!;
  const def = parseSequence(t.ddl);
  const options = def.params ? sequenceOptions(def.params, 'bigint') : [def.paramsText];
  const steps: Step[] = [{ stage: 'create', sql: `CREATE ${def.unlogged ? 'UNLOGGED ' : ''}SEQUENCE ${t.name}${options.length ? ` ${options.join(' ')}` : ''}` }];
  // An owned sequence must have its table's owner before OWNED BY links them.
  const owner = ctx.ownerStatement(`ALTER SEQUENCE ${t.name}`, t.ddl);
  if (owner) steps.push({ stage: 'create', sql: owner });
  if (def.ownedBy) steps.push(...ownedBySteps(ctx, t.name, def.ownedBy));
  return steps;
}

/** OWNED BY, and (when the column already holds values) setval past them. */
function ownedBySteps(ctx: PlanContext, sequence: string, ownedBy: string): Step[] {
  const columnKey = `column ${ownedBy}`;
  const table = withoutLastPart(ownedBy);
  const column = lastPart(ownedBy);
  const steps: Step[] = [{ stage: 'post', sql: `ALTER SEQUENCE ${sequence} OWNED BY ${ownedBy}`, needs: [columnKey] }];
  if (ctx.liveOld(columnKey)) {
    steps.push({
      stage: 'post',
      sql: `SELECT pg_catalog.setval(${stringLiteral(sequence)}, max(${column})) FROM ${table} HAVING max(${column}) IS NOT NULL`,
      note: `the sequence is new but ${ownedBy} already holds values: continue after them`,
      needs: [columnKey],
    });
  }
  return steps;
}

function alterSequence(ctx: PlanContext, key: string): Step[] {
  const t = ctx.t(key)!;
  const c = ctx.c(key)!;
  const a = parseSequence(c.ddl);
  const b = parseSequence(t.ddl);
  const steps: Step[] = [];
  const q = t.name;
  if (a.unlogged !== b.unlogged) steps.push({ stage: 'create', sql: `ALTER SEQUENCE ${q} SET ${b.unlogged ? 'UNLOGGED' : 'LOGGED'}` });
  if (a.params && b.params) {
    const p = b.params;
    const changes: string[] = [];
    if (a.params.type !== p.type) changes.push(`AS ${p.type}`);
    if (a.params.increment !== p.increment) changes.push(`INCREMENT BY ${p.increment}`);
    // Changing AS moves MINVALUE/MAXVALUE that sat at the old type's limits, so say them outright.
    if (a.params.min !== p.min || a.params.type !== p.type) changes.push(`MINVALUE ${p.min}`);
    if (a.params.max !== p.max || a.params.type !== p.type) changes.push(`MAXVALUE ${p.max}`);
    if (a.params.start !== p.start) changes.push(`START WITH ${p.start}`);
    if (a.params.cache !== p.cache) changes.push(`CACHE ${p.cache}`);
    if (a.params.cycle !== p.cycle) changes.push(p.cycle ? 'CYCLE' : 'NO CYCLE');
    if (changes.length) steps.push({ stage: 'create', sql: `ALTER SEQUENCE ${q} ${changes.join(' ')}` });
  }
  if (a.ownedBy !== b.ownedBy) {
    // Unlink first: dropping the old owning column would otherwise drop the sequence with it.
    if (a.ownedBy) steps.push({ stage: 'drop', sql: `ALTER SEQUENCE ${q} OWNED BY NONE` });
    if (b.ownedBy) steps.push({ stage: 'post', sql: `ALTER SEQUENCE ${q} OWNED BY ${b.ownedBy}`, needs: [`column ${b.ownedBy}`] });
  }
  if (!b.ownedBy || !a.ownedBy) {
    const owner = ctx.ownerStatement(`ALTER SEQUENCE ${q}`, t.ddl, c.ddl);
    if (owner) steps.push({ stage: 'create', sql: owner });
  }
  return steps;
}

/** The column a sequence is OWNED BY in a snapshot's text, as a key. */
export function sequenceOwnerKey(ddl: string): string | undefined {
  const owned = parseSequence(ddl).ownedBy;
  return owned ? `column ${owned}` : undefined;
}

/** Parent table of a partition or inheritance child, from its table text. */
export function tableParents(ddl: string): string[] {
  const def = parseTable(ddl);
  if (def.partitionOf) return [def.partitionOf.parent];
  return def.inherits ? splitTopLevel(def.inherits) : [];
}
