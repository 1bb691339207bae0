/**
 * Types (enums, composites, ranges, base types), domains and collations.
 *
 * Enums grow in place (ALTER TYPE … ADD VALUE … BEFORE, RENAME VALUE). PostgreSQL cannot remove a
 * label or reorder them, so then the enum is recreated under its name, the way hand-written downs
 * do it: the old type is renamed away, the new one created, every column moved over with
 * `USING col::text::type` (defaults dropped and set again around it), and the old type dropped.
 */
import {
  parseCompositeAttributes,
  parseDomain,
  parseEnumLabels,
  parseOptionList,
  splitOwner,
  withoutArguments,
} from '../canonical.js';
import type { PlanContext, Step } from '../context.js';
import { lastPart, quoteIdent, schemaOf, unquoteIdent } from '../identifiers.js';
import type { KindPlanner } from './planner.js';

type TypeForm = 'enum' | 'composite' | 'range' | 'base';

function typeForm(ddl: string): TypeForm {
  const first = ddl.split('\n', 1)[0]!;
  if (first.includes(' AS ENUM (')) return 'enum';
  if (first.includes(' AS RANGE (')) return 'range';
  if (/^CREATE TYPE \S+ AS \(/.test(first) || first.includes(' AS (')) return 'composite';
  return 'base';
}

/** Statements that turn enum labels `a` into `b` in place, or undefined when PostgreSQL cannot. */
export function enumChanges(q: string, a: readonly string[], b: readonly string[]): string[] | undefined {
  if (a.every((label) => b.includes(label))) {
    // The old labels must keep their relative order among the new ones.
    const kept = b.filter((label) => a.includes(label));
    if (kept.join('\0') !== a.join('\0')) return undefined;
    const out: string[] = [];
    // From the end, so the label each new one goes BEFORE is already there.
    for (let i = b.length - 1; i >= 0; i--) {
      if (a.includes(b[i]!)) continue;
      out.push(i < b.length - 1 ? `ALTER TYPE ${q} ADD VALUE ${b[i]} BEFORE ${b[i + 1]}` : `ALTER TYPE ${q} ADD VALUE ${b[i]}`);
    }
    return out;
  }
  if (a.length === b.length) {
    const out: string[] = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (b.includes(a[i]!) || a.includes(b[i]!)) return undefined;
      out.push(`ALTER TYPE ${q} RENAME VALUE ${a[i]} TO ${b[i]}`);
    }
    return out;
  }
  return undefined;
}

/** A name for the old enum while its replacement takes its name, unused in either snapshot. */
function renamedAwayName(ctx: PlanContext, q: string): string {
  const schema = schemaOf(q);
  const base = unquoteIdent(lastPart(q));
  for (let n = 1; ; n++) {
    const candidate = quoteIdent(`${base}_old${n === 1 ? '' : n}`.slice(0, 63));
    const qualified = `${schema}.${candidate}`;
    if (!ctx.target.objects.has(`type ${qualified}`) && !ctx.from.objects.has(`type ${qualified}`) &&
      !ctx.targetIndex.named.has(qualified) && !ctx.fromIndex.named.has(qualified)) return candidate;
  }
}

function attributeName(attribute: string): string {
  const m = /^("(?:[^"]|"")+"|\S+) /.exec(attribute);
  return m ? m[1]! : attribute;
}

function compositeChanges(a: readonly string[], b: readonly string[]): { clauses: string[]; adds: boolean } {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  const ra = a.slice(k);
  const rb = b.slice(k);
  if (ra.map(attributeName).join('\0') === rb.map(attributeName).join('\0')) {
    const clauses = rb.flatMap((attr, i) => (attr === ra[i] ? [] : [`ALTER ATTRIBUTE ${attributeName(attr)} TYPE ${attr.slice(attributeName(attr).length + 1)}`]));
    return { clauses, adds: clauses.length > 0 };
  }
  const clauses = [...ra.reverse().map((attr) => `DROP ATTRIBUTE ${attributeName(attr)}`), ...rb.map((attr) => `ADD ATTRIBUTE ${attr}`)];
  return { clauses, adds: rb.length > 0 };
}

/** CREATE TYPE for a range: function options name functions without their argument types. */
function rangeCreate(ddl: string): string {
  const first = splitOwner(ddl).body;
  const head = first.slice(0, first.indexOf(' AS RANGE (') + ' AS RANGE'.length);
  const options = parseOptionList(first).map(({ key, value }) =>
    key === 'CANONICAL' || key === 'SUBTYPE_DIFF' ? `${key} = ${withoutArguments(value)}` : `${key} = ${value}`,
  );
  return `${head} (${options.join(', ')})`;
}

export const typePlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    const form = typeForm(t.ddl);
    if (form !== typeForm(c.ddl)) return 'recreate';
    const same = splitOwner(c.ddl).body === splitOwner(t.ddl).body;
    if (same) return 'alter';
    if (form === 'enum') return enumChanges(t.name, parseEnumLabels(c.ddl)!, parseEnumLabels(t.ddl)!) ? 'alter' : 'rename';
    if (form === 'composite') return 'alter';
    return 'recreate';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps: Step[] = [];
    const ownerOf = (name: string, ddl: string, before?: string) => {
      const owner = ctx.ownerStatement(`ALTER TYPE ${name}`, ddl, before);
      if (owner) steps.push({ stage: 'create', sql: owner });
    };
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) steps.push({ stage: 'drop', sql: `DROP TYPE ${c!.name}` });
    if (mode === 'rename') {
      const away = ctx.renamedAway.get(key) ?? renamedAwayName(ctx, t!.name);
      ctx.renamedAway.set(key, away);
      steps.push({
        stage: 'drop',
        sql: `ALTER TYPE ${c!.name} RENAME TO ${away}`,
        note: `PostgreSQL cannot remove or reorder enum labels: recreate ${t!.name}${[...ctx.retype.values()].includes(key) ? ' and move its columns over' : ''}`,
      });
      steps.push({ stage: 'cleanup', sql: `DROP TYPE ${schemaOf(c!.name)}.${away}` });
    }
    if (mode === 'create' || mode === 'recreate' || mode === 'rename') {
      const form = typeForm(t!.ddl);
      if (form === 'base') {
        ctx.fail(t!, 'it is a base type, which needs input and output functions written in C; recreate it by hand');
        return steps;
      }
      steps.push({ stage: 'create', sql: form === 'range' ? rangeCreate(t!.ddl) : splitOwner(t!.ddl).body });
      ownerOf(t!.name, t!.ddl);
    }
    if (mode === 'alter') {
      const form = typeForm(t!.ddl);
      if (form === 'enum') {
        for (const sql of enumChanges(t!.name, parseEnumLabels(c!.ddl)!, parseEnumLabels(t!.ddl)!) ?? []) steps.push({ stage: 'create', sql });
      } else if (form === 'composite') {
        const { clauses, adds } = compositeChanges(parseCompositeAttributes(c!.ddl)!, parseCompositeAttributes(t!.ddl)!);
        const users = ctx.dependentsOf(key).filter((k) => k.startsWith('column ') && !ctx.removed(k));
        if (adds && users.length > 0) {
          ctx.fail(t!, `${users[0]} uses it, and PostgreSQL cannot add or retype attributes of a composite type a column uses; change the column or the type by hand`);
        }
        if (clauses.length) steps.push({ stage: 'create', sql: `ALTER TYPE ${t!.name} ${clauses.join(', ')}` });
      }
      ownerOf(t!.name, t!.ddl, c!.ddl);
    }
    return steps;
  },
};

// ---------------------------------------------------------------------------------------------
// Domains

export const domainPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return parseDomain(c.ddl).head === parseDomain(t.ddl).head ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps: Step[] = [];
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) steps.push({ stage: 'drop', sql: `DROP DOMAIN ${c!.name}` });
    if (mode === 'create' || mode === 'recreate') {
      const d = parseDomain(t!.ddl);
      const clauses = [
        d.default !== undefined ? `DEFAULT ${d.default}` : '',
        d.notNull ? 'NOT NULL' : '',
        ...d.constraints.map((k) => `CONSTRAINT ${k.name} ${k.def}`),
      ].filter(Boolean);
      steps.push({ stage: 'create', sql: `CREATE DOMAIN ${d.head}${clauses.length ? ` ${clauses.join(' ')}` : ''}` });
      const owner = ctx.ownerStatement(`ALTER DOMAIN ${t!.name}`, t!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
    }
    if (mode === 'alter') {
      const a = parseDomain(c!.ddl);
      const b = parseDomain(t!.ddl);
      const q = t!.name;
      const recreated = (text: string) => ctx.recreatedIn(text);
      const defaultChanges = a.default !== b.default || (a.default !== undefined && recreated(a.default));
      if (a.default !== undefined && defaultChanges) steps.push({ stage: 'drop', sql: `ALTER DOMAIN ${q} DROP DEFAULT` });
      if (b.default !== undefined && defaultChanges) steps.push({ stage: 'create', sql: `ALTER DOMAIN ${q} SET DEFAULT ${b.default}` });
      if (a.notNull !== b.notNull) steps.push({ stage: b.notNull ? 'create' : 'drop', sql: `ALTER DOMAIN ${q} ${b.notNull ? 'SET' : 'DROP'} NOT NULL` });
      for (const k of a.constraints) {
        const kept = b.constraints.find((x) => x.name === k.name && x.def === k.def);
        if (!kept || recreated(k.def)) steps.push({ stage: 'drop', sql: `ALTER DOMAIN ${q} DROP CONSTRAINT ${k.name}` });
      }
      for (const k of b.constraints) {
        const had = a.constraints.find((x) => x.name === k.name && x.def === k.def);
        if (!had || recreated(k.def)) steps.push({ stage: 'create', sql: `ALTER DOMAIN ${q} ADD CONSTRAINT ${k.name} ${k.def}` });
      }
      const owner = ctx.ownerStatement(`ALTER DOMAIN ${q}`, t!.ddl, c!.ddl);
      if (owner) steps.push({ stage: 'create', sql: owner });
    }
    return steps;
  },
};

// ---------------------------------------------------------------------------------------------
// Collations

const PROVIDERS: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin', d: 'libc' };

/** CREATE COLLATION from pg_collation's columns as the snapshot lists them. */
function collationCreate(name: string, ddl: string): string {
  const values = new Map(parseOptionList(splitOwner(ddl).body).map(({ key, value }) => [key, value]));
  const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const provider = PROVIDERS[values.get('collprovider') ?? 'c'] ?? 'libc';
  const options = [`provider = ${provider}`];
  const locale = values.get('colllocale') ?? values.get('colliculocale');
  if (provider === 'libc') {
    if (values.get('collcollate')) options.push(`lc_collate = ${literal(values.get('collcollate')!)}`);
    if (values.get('collctype')) options.push(`lc_ctype = ${literal(values.get('collctype')!)}`);
  } else if (locale) options.push(`locale = ${literal(locale)}`);
  if (values.get('collisdeterministic') === 'false') options.push('deterministic = false');
  if (values.get('collicurules')) options.push(`rules = ${literal(values.get('collicurules')!)}`);
  return `CREATE COLLATION ${name} (${options.join(', ')})`;
}

export const collationPlanner: KindPlanner = {
  changeMode(_ctx, c, t) {
    return splitOwner(c.ddl).body === splitOwner(t.ddl).body ? 'alter' : 'recreate';
  },
  emit(ctx, key) {
    const mode = ctx.mode(key);
    const t = ctx.t(key);
    const c = ctx.c(key);
    const steps: Step[] = [];
    if ((mode === 'drop' || mode === 'recreate') && !ctx.dropIsImplicit(key)) steps.push({ stage: 'drop', sql: `DROP COLLATION ${c!.name}` });
    if (mode === 'create' || mode === 'recreate') steps.push({ stage: 'create', sql: collationCreate(t!.name, t!.ddl) });
    const owner = t ? ctx.ownerStatement(`ALTER COLLATION ${t.name}`, t.ddl, mode === 'alter' ? c!.ddl : undefined) : undefined;
    if (owner && mode !== 'drop') steps.push({ stage: 'create', sql: owner });
    return steps;
  },
};
