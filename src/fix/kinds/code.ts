/**
 * Views, materialized views, functions, procedures, aggregates, triggers, rules, event triggers,
 * policies and publications: objects whose definition PostgreSQL prints whole (pg_get_viewdef,
 * pg_get_functiondef, pg_get_triggerdef, pg_get_ruledef), so a change is a CREATE OR REPLACE where
 * PostgreSQL allows one, and otherwise a drop and a create.
 */
import { parseOptionList, parseView, splitEnabledState, splitOwner, withoutArguments } from '../canonical.js';
import type { PlanContext, Step } from '../context.js';
import { lastPart } from '../identifiers.js';
import { optionSteps } from './relations.js';
import type { KindPlanner } from './planner.js';

/** Drop (unless it goes with what it belongs to) and create, per the mode. */
function dropAndCreate(ctx: PlanContext, key: string, dropSql: (name: string) => string, create: () => Step[]): Step[] {
  const mode = ctx.mode(key);
  const steps: Step[] = [];
  if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) steps.push({ stage: 'drop', sql: dropSql(ctx.c(key)!.name) });
  if (mode === 'create' || mode === 'recreate') steps.push(...create());
  return steps;
}

function stripSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

// ---------------------------------------------------------------------------------------------
// Views

export const viewPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    const a = parseView(c.ddl);
    const b = parseView(t.ddl);
    return a.query === b.query && a.accessMethod === b.accessMethod ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const word = (t ?? c)!.kind === 'view' ? 'VIEW' : 'MATERIALIZED VIEW';
    if (ctx.mode(key) === 'alter') {
      const a = parseView(c!.ddl);
      const b = parseView(t!.ddl);
      const steps = optionSteps(`ALTER ${word} ${t!.name}`, a.options, b.options);
      if (a.tablespace !== b.tablespace) steps.push({ stage: 'create', sql: `ALTER ${word} ${t!.name} SET TABLESPACE ${b.tablespace ?? 'pg_default'}` });
      const owner = ctx.ownerStatement(`ALTER ${word} ${t!.name}`, t!.ddl, c!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    }
    return dropAndCreate(ctx, key, (name) => `DROP ${word} ${name}`, () => {
      const v = parseView(t!.ddl);
      const clauses = [
        v.accessMethod ? `USING ${v.accessMethod}` : '',
        v.options.length ? `WITH (${v.options.join(', ')})` : '',
        v.tablespace ? `TABLESPACE ${v.tablespace}` : '',
      ].filter(Boolean);
      const steps: Step[] = [{ stage: 'create', sql: `CREATE ${word} ${t!.name}${clauses.length ? ` ${clauses.join(' ')}` : ''} AS\n${stripSemicolon(v.query)}` }];
      const owner = ctx.ownerStatement(`ALTER ${word} ${t!.name}`, t!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Functions and procedures

/** The lines of pg_get_functiondef that CREATE OR REPLACE cannot change: the signature and RETURNS. */
function routineHeader(ddl: string): string {
  const lines = splitOwner(ddl).body.split('\n');
  return [lines[0], lines.find((l) => l.startsWith(' RETURNS '))].join('\n');
}

export const routinePlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return routineHeader(c.ddl) === routineHeader(t.ddl) ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const word = (t ?? c)!.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
    const body = (ddl: string) => splitOwner(ddl).body;
    if (ctx.mode(key) === 'alter') {
      const steps: Step[] = [];
      if (body(c!.ddl) !== body(t!.ddl)) steps.push({ stage: 'create', sql: body(t!.ddl) });
      const owner = ctx.ownerStatement(`ALTER ${word} ${t!.name}`, t!.ddl, c!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    }
    return dropAndCreate(ctx, key, (name) => `DROP ${word} ${name}`, () => {
      const steps: Step[] = [{ stage: 'create', sql: body(t!.ddl) }];
      const owner = ctx.ownerStatement(`ALTER ${word} ${t!.name}`, t!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    });
  },
};

/** True for a LANGUAGE sql routine with a string body: PostgreSQL checks such a body when it is created. */
export function hasSqlStringBody(ddl: string): boolean {
  return /\n LANGUAGE sql\n/.test(ddl) && /\nAS \$/.test(ddl);
}

// ---------------------------------------------------------------------------------------------
// Aggregates

const FUNCTION_OPTIONS = new Set(['SFUNC', 'FINALFUNC', 'COMBINEFUNC', 'SERIALFUNC', 'DESERIALFUNC', 'MSFUNC', 'MINVFUNC', 'MFINALFUNC']);
const MODIFY = { r: 'READ_ONLY', s: 'SHAREABLE', w: 'READ_WRITE' } as Record<string, string>;

/** CREATE AGGREGATE from the snapshot's text: function options name functions without their argument types. */
export function aggregateCreate(ddl: string): string {
  const body = splitOwner(ddl).body;
  const head = body.slice(0, body.indexOf(') (') + 1);
  const options = parseOptionList(body).map(({ key, value }) => {
    if (FUNCTION_OPTIONS.has(key)) return `${key} = ${withoutArguments(value)}`;
    if (key === 'FINALFUNC_MODIFY') return `${key} = ${MODIFY[value] ?? value}`;
    if (key === 'SORTOP') return `${key} = ${value.slice(0, value.indexOf('('))}`;
    return value === '' ? key : `${key} = ${value}`;
  });
  return `${head} (${options.join(', ')})`;
}

export const aggregatePlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return splitOwner(c.ddl).body === splitOwner(t.ddl).body ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    if (ctx.mode(key) === 'alter') {
      const owner = ctx.ownerStatement(`ALTER AGGREGATE ${t!.name}`, t!.ddl, ctx.c(key)!.ddl);
      return owner ? [{ stage: 'create', sql: owner }] : [];
    }
    return dropAndCreate(ctx, key, (name) => `DROP AGGREGATE ${name}`, () => {
      const steps: Step[] = [{ stage: 'create', sql: aggregateCreate(t!.ddl) }];
      const owner = ctx.ownerStatement(`ALTER AGGREGATE ${t!.name}`, t!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Triggers and rules

function enableClause(state: string | undefined, what: 'TRIGGER' | 'RULE', name: string): string {
  if (state === 'DISABLE') return `DISABLE ${what} ${name}`;
  if (state === 'ENABLE REPLICA') return `ENABLE REPLICA ${what} ${name}`;
  if (state === 'ENABLE ALWAYS') return `ENABLE ALWAYS ${what} ${name}`;
  return `ENABLE ${what} ${name}`;
}

function tableChildPlanner(what: 'TRIGGER' | 'RULE'): KindPlanner {
  return {
    changeMode(_ctx, c, t) {
      return splitEnabledState(c.ddl).def === splitEnabledState(t.ddl).def ? 'alter' : 'recreate';
    },
    emit(ctx, key) {
      const t = ctx.t(key);
      const c = ctx.c(key);
      const name = lastPart((t ?? c)!.name);
      if (ctx.mode(key) === 'alter') {
        return [{ stage: 'create', sql: `ALTER TABLE ${t!.table} ${enableClause(splitEnabledState(t!.ddl).state, what, name)}` }];
      }
      return dropAndCreate(ctx, key, () => `DROP ${what} ${name} ON ${c!.table}`, () => {
        if (ctx.madeByParent(key)) return []; // a partition's clone of its parent's trigger
        const { def, state } = splitEnabledState(t!.ddl);
        const steps: Step[] = [{ stage: 'create', sql: stripSemicolon(def) }];
        if (state) steps.push({ stage: 'create', sql: `ALTER TABLE ${t!.table} ${enableClause(state, what, name)}` });
        return steps;
      });
    },
  };
}

export const triggerPlanner = tableChildPlanner('TRIGGER');
export const rulePlanner = tableChildPlanner('RULE');

// ---------------------------------------------------------------------------------------------
// Event triggers

function eventTriggerParts(ddl: string): { create: string; state?: string } {
  const { body } = splitOwner(ddl);
  const lines = body.split('\n');
  const state = ['DISABLE', 'ENABLE REPLICA', 'ENABLE ALWAYS'].find((s) => lines[lines.length - 1] === s);
  const createLines = state ? lines.slice(0, -1) : lines;
  return { create: createLines.map((l) => l.trim()).join(' '), ...(state ? { state } : {}) };
}

export const eventTriggerPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return eventTriggerParts(c.ddl).create === eventTriggerParts(t.ddl).create ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const head = (name: string) => `ALTER EVENT TRIGGER ${name}`;
    const stateSql = (name: string, state: string | undefined) => `${head(name)} ${state ?? 'ENABLE'}`;
    if (ctx.mode(key) === 'alter') {
      const steps: Step[] = [];
      const a = eventTriggerParts(c!.ddl);
      const b = eventTriggerParts(t!.ddl);
      if (a.state !== b.state) steps.push({ stage: 'create', sql: stateSql(t!.name, b.state) });
      const owner = ctx.ownerStatement(head(t!.name), t!.ddl, c!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    }
    return dropAndCreate(ctx, key, (name) => `DROP EVENT TRIGGER ${name}`, () => {
      const parts = eventTriggerParts(t!.ddl);
      const steps: Step[] = [{ stage: 'create', sql: parts.create }];
      if (parts.state) steps.push({ stage: 'create', sql: stateSql(t!.name, parts.state) });
      const owner = ctx.ownerStatement(head(t!.name), t!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    });
  },
};

// ---------------------------------------------------------------------------------------------
// Policies

export const policyPlanner: KindPlanner = {
  changeMode() {
    return 'recreate';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    return dropAndCreate(ctx, key, () => `DROP POLICY ${lastPart(c!.name)} ON ${c!.table}`, () => [
      { stage: 'create', sql: t!.ddl.split('\n').map((l) => l.trim()).join(' ') },
    ]);
  },
};

// ---------------------------------------------------------------------------------------------
// Publications

/** CREATE PUBLICATION from the snapshot's layout (one line per table or schema). */
export function publicationCreate(ddl: string): string {
  const lines = splitOwner(ddl).body.split('\n');
  const head = lines[0]!;
  const objects = lines.filter((l) => l.startsWith('  TABLE ') || l.startsWith('  TABLES IN SCHEMA ')).map((l) => l.trim());
  const withLine = lines.find((l) => l.startsWith('  WITH ('))?.trim();
  return `${head}${objects.length ? ` FOR ${objects.join(', ')}` : ''}${withLine ? ` ${withLine}` : ''}`;
}

export const publicationPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return splitOwner(c.ddl).body === splitOwner(t.ddl).body ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    if (ctx.mode(key) === 'alter') {
      const owner = ctx.ownerStatement(`ALTER PUBLICATION ${t!.name}`, t!.ddl, ctx.c(key)!.ddl);
      return owner ? [{ stage: 'create', sql: owner }] : [];
    }
    return dropAndCreate(ctx, key, (name) => `DROP PUBLICATION ${name}`, () => {
      const steps: Step[] = [{ stage: 'create', sql: publicationCreate(t!.ddl) }];
      const owner = ctx.ownerStatement(`ALTER PUBLICATION ${t!.name}`, t!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
      return steps;
    });
  },
};
