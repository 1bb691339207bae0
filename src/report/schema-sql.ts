/**
 * The schema changes of a PR as DDL a reviewer can read and paste: the snapshot's canonical text
 * (one clause per line, built for exact comparison) turned back into statements — `CREATE TABLE …
 * ( … );` with its columns, `bigserial` instead of a sequence and its default, identity columns
 * without their default sequence parameters, no `OWNER TO`, no blank lines — in an order
 * PostgreSQL accepts (types before tables, referenced tables before their foreign keys, functions
 * before the triggers that call them). Changed columns become `ALTER COLUMN` statements; other
 * changed objects are replaced; removed objects are dropped. Pure: SchemaChange values in, text out.
 */
import { createTwoFilesPatch } from 'diff';
import { dropStatement, nameParts, splitObject } from '../result/objects.js';
import type { SchemaChange } from '../result/types.js';

/** Buckets of the script, in the order they must run. */
const Step = { Drop: 0, Types: 1, Tables: 2, Routines: 3, Views: 4, Attached: 5, ForeignKeys: 6, Access: 7 } as const;
type Step = (typeof Step)[keyof typeof Step];

interface Script {
  add(step: Step, sql: string): void;
}

/** The DDL script for `changes`, without a trailing newline; '' when there is nothing to show. */
export function schemaChangesSql(changes: readonly SchemaChange[]): string {
  const steps = new Map<Step, string[]>();
  const script: Script = { add: (step, sql) => steps.set(step, [...(steps.get(step) ?? []), sql]) };
  const serials = serialSequences(changes);
  const drops = changes.filter((c) => c.change === 'removed').reverse();
  for (const c of drops) script.add(Step.Drop, dropStatement(c.object) ?? `-- removed: ${c.object}`);

  // Tables first, so each step reads in the order a person writes a migration.
  const tables = orderTables(changes.filter((c) => c.change === 'added' && splitObject(c.object).kind === 'table'));
  const created = new Set<string>();
  const addedTables = new Set(tables.map((t) => splitObject(t.object).name));
  for (const t of tables) {
    addTable(script, t, serials, { added: addedTables, created });
    created.add(splitObject(t.object).name);
  }
  for (const c of changes) {
    const { kind } = splitObject(c.object);
    if (c.change === 'removed' || (c.change === 'added' && kind === 'table')) continue;
    if (kind === 'sequence' && serials.has(splitObject(c.object).name)) continue;
    if (c.change === 'added') addedObject(script, c, serials);
    else changedObject(script, c);
  }
  const ordered = [...steps.entries()].sort(([a], [b]) => a - b).flatMap(([, list]) => list);
  return ordered.join('\n');
}

/** The changes a reader names: a serial column's own sequence is part of its table, not an object of its own. */
export function namedChanges(changes: readonly SchemaChange[]): SchemaChange[] {
  const serials = serialSequences(changes);
  return changes.filter((c) => !(c.change === 'added' && c.object.startsWith('sequence ') && serials.has(splitObject(c.object).name)));
}

/** The changed objects as one diff (before → after) of their cleaned-up text; '' when none changed. */
export function changedObjectsDiff(changes: readonly SchemaChange[]): string {
  return changes
    .filter((c) => c.change === 'changed')
    .map((c) => {
      const before = cleanLines(sideOf(c.diff, 'before')).join('\n');
      const after = cleanLines(sideOf(c.diff, 'after')).join('\n');
      const patch = createTwoFilesPatch(c.object, c.object, `${before}\n`, `${after}\n`, 'before', 'after', { context: 3 });
      return patch.replace(/^Index: .*\n/, '').replace(/^=+\n/, '').trimEnd();
    })
    .join('\n');
}

/** One side of a unified diff of canonical text: the lines it had before or has after. */
export function sideOf(diff: string, side: 'before' | 'after'): string {
  const keep = side === 'before' ? '-' : '+';
  const lines: string[] = [];
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('@@')) {
      inHunk = true;
      continue;
    }
    if (!inHunk || line.startsWith('\\')) continue;
    if (line.startsWith(keep) || line.startsWith(' ')) lines.push(line.slice(1));
  }
  return lines.join('\n');
}

/** Canonical lines without what a reviewer never writes: owners, column positions, blank lines. */
function cleanLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !/^OWNER TO /.test(l) && !/^-- position \d+ among/.test(l));
}

/** Ends a statement with exactly one semicolon. */
function statement(text: string): string {
  const t = text.replace(/\s+$/, '');
  return t.endsWith(';') ? t : `${t};`;
}

// ---------------------------------------------------------------- tables

const TYPE_MAX: Record<string, string> = { smallint: '32767', integer: '2147483647', bigint: '9223372036854775807' };
const TYPE_MIN: Record<string, string> = { smallint: '-32768', integer: '-2147483648', bigint: '-9223372036854775808' };
const SERIAL: Record<string, string> = { smallint: 'smallserial', integer: 'serial', bigint: 'bigserial' };
const SEQUENCE_PARAMS = /AS (smallint|integer|bigint) INCREMENT BY (-?\d+) MINVALUE (-?\d+) MAXVALUE (-?\d+) START WITH (-?\d+) CACHE (\d+) (NO CYCLE|CYCLE)/;

/** Sequence parameters other than the defaults for their type, as CREATE SEQUENCE spells them. */
function sequenceOptions(params: string, keepType: boolean): string[] {
  const m = SEQUENCE_PARAMS.exec(params);
  if (!m) return [params];
  const [, type, inc, min, max, start, cache, cycle] = m as unknown as [string, string, string, string, string, string, string, string];
  const down = inc.startsWith('-');
  const opts: string[] = [];
  if (keepType && type !== 'bigint') opts.push(`AS ${type}`);
  if (inc !== '1') opts.push(`INCREMENT BY ${inc}`);
  if (min !== (down ? TYPE_MIN[type] : '1')) opts.push(`MINVALUE ${min}`);
  if (max !== (down ? '-1' : TYPE_MAX[type])) opts.push(`MAXVALUE ${max}`);
  if (start !== (down ? max : min)) opts.push(`START WITH ${start}`);
  if (cache !== '1') opts.push(`CACHE ${cache}`);
  if (cycle === 'CYCLE') opts.push('CYCLE');
  return opts;
}

/** `GENERATED ALWAYS AS IDENTITY (AS bigint INCREMENT BY 1 …)` → `GENERATED ALWAYS AS IDENTITY`. */
function cleanColumn(def: string): string {
  return def.replace(/ AS IDENTITY \(([^)]*)\)/, (_all, params: string) => {
    const opts = sequenceOptions(params, false);
    return opts.length ? ` AS IDENTITY (${opts.join(' ')})` : ' AS IDENTITY';
  });
}

/**
 * Added sequences that are a serial column's: default parameters, owned by a column of an added
 * table whose default is their nextval. Name → the column's serial type.
 */
function serialSequences(changes: readonly SchemaChange[]): Map<string, string> {
  const out = new Map<string, string>();
  const addedTables = changes.filter((c) => c.change === 'added' && splitObject(c.object).kind === 'table').map((c) => sideOf(c.diff, 'after'));
  for (const c of changes) {
    const { kind, name } = splitObject(c.object);
    if (c.change !== 'added' || kind !== 'sequence') continue;
    const text = sideOf(c.diff, 'after');
    const params = SEQUENCE_PARAMS.exec(text);
    const owner = /^\s*OWNED BY (\S+)$/m.exec(text)?.[1];
    if (!params || !owner || sequenceOptions(params[0], false).length) continue;
    const column = nameParts(owner).pop()!;
    const usesIt = addedTables.some((t) =>
      t.split('\n').some((l) => l.startsWith(`${column} ${params[1]} `) && l.includes(`DEFAULT nextval('${name}'::regclass)`)),
    );
    if (usesIt) out.set(name, SERIAL[params[1]!]!);
  }
  return out;
}

/** Added tables, each after the added tables its foreign keys reference (as far as no cycle stops it). */
function orderTables(tables: readonly SchemaChange[]): SchemaChange[] {
  const names = new Map(tables.map((t) => [splitObject(t.object).name, t]));
  const refs = new Map(tables.map((t) => [t, [...sideOf(t.diff, 'after').matchAll(/REFERENCES (\S+?)\(/g)].map((m) => m[1]!).filter((n) => names.has(n) && n !== splitObject(t.object).name)]));
  const out: SchemaChange[] = [];
  const done = new Set<string>();
  let pending = [...tables];
  while (pending.length) {
    const ready = pending.filter((t) => refs.get(t)!.every((r) => done.has(r)));
    const next = ready.length ? ready : [pending[0]!];
    for (const t of next) {
      out.push(t);
      done.add(splitObject(t.object).name);
    }
    pending = pending.filter((t) => !next.includes(t));
  }
  return out;
}

/** Lines of a table-level setting turned into ALTER TABLE (what CREATE TABLE cannot say). */
const TABLE_SETTINGS = /^(ENABLE ROW LEVEL SECURITY|FORCE ROW LEVEL SECURITY|REPLICA IDENTITY .*|CLUSTER ON .*)$/;

function addTable(script: Script, c: SchemaChange, serials: Map<string, string>, tables: { added: Set<string>; created: Set<string> }): void {
  const name = splitObject(c.object).name;
  // Parts of a folded table are separated by blank lines; the first is the table's own text.
  const parts = sideOf(c.diff, 'after').split(/\n[ \t]*\n/).map((p) => p.replace(/^\n+|\n+$/g, '')).filter(Boolean);
  const head = cleanLines(parts[0] ?? '');
  const create = head[0] ?? `CREATE TABLE ${name}`;
  const clauses = head.slice(1).filter((l) => l.startsWith('  ')).map((l) => l.trim());
  const settings = head.slice(1).filter((l) => TABLE_SETTINGS.test(l));
  const partitionOf = clauses.find((l) => l.startsWith('PARTITION OF '));
  const columns: string[] = [];
  const constraints: string[] = [];
  for (const part of parts.slice(1)) {
    const lines = cleanLines(part);
    if (!lines.length) continue;
    const first = lines[0]!;
    if (/^[a-z_"]/.test(first) && lines.length === 1) {
      // A column (canonical column text starts with its name, never an upper-case keyword).
      columns.push(serialColumn(cleanColumn(first), serials));
    } else if (first.startsWith('CONSTRAINT ')) {
      const target = /REFERENCES (\S+?)\(/.exec(first)?.[1];
      // A reference to an added table not created yet waits for it, as pg_dump does.
      if (target && target !== name && tables.added.has(target) && !tables.created.has(target)) {
        script.add(Step.ForeignKeys, statement(`ALTER TABLE ${name} ADD ${first}`));
      } else constraints.push(first);
    } else {
      attachedStatement(script, lines, name);
    }
  }
  const rest = clauses.filter((l) => l !== partitionOf);
  const inherits = rest.filter((l) => l.startsWith('INHERITS '));
  const after = rest.filter((l) => !l.startsWith('INHERITS '));
  // A partition takes its columns from its parent: listing them again is an error.
  const body = partitionOf ? '' : ` (\n${[...columns, ...constraints].map((l) => `  ${l}`).join(',\n')}\n)`;
  const tail = [partitionOf, ...inherits, ...after].filter(Boolean).join(' ');
  script.add(Step.Tables, statement(`${create}${body}${tail ? ` ${tail}` : ''}`));
  if (partitionOf) for (const k of constraints) script.add(Step.ForeignKeys, statement(`ALTER TABLE ${name} ADD ${k}`));
  for (const s of settings) script.add(Step.Attached, statement(`ALTER TABLE ${name} ${s}`));
}

/** `id bigint NOT NULL DEFAULT nextval('public.t_id_seq'::regclass)` → `id bigserial`. */
function serialColumn(def: string, serials: Map<string, string>): string {
  const m = /^(\S+) (smallint|integer|bigint)(.*) DEFAULT nextval\('([^']+)'::regclass\)(.*)$/.exec(def);
  if (!m || !serials.has(m[4]!)) return def;
  const rest = `${m[3]}${m[5]}`.replace(/ NOT NULL\b/, '');
  return `${m[1]} ${serials.get(m[4]!)}${rest}`;
}

/** A statement that hangs off a table (index, trigger, policy, rule, grant, statistics). */
function attachedStatement(script: Script, lines: string[], table: string): void {
  const first = lines[0]!;
  if (/^(GRANT|REVOKE) /.test(first)) {
    for (const l of lines) script.add(Step.Access, statement(l));
    return;
  }
  if (/^CONSTRAINT /.test(first)) {
    script.add(/REFERENCES /.test(first) ? Step.ForeignKeys : Step.Tables, statement(`ALTER TABLE ${table} ADD ${first}`));
    return;
  }
  // A trailing DISABLE / ENABLE REPLICA / ENABLE ALWAYS belongs to a trigger or rule.
  const state = lines.length > 1 && /^(DISABLE|ENABLE REPLICA|ENABLE ALWAYS)$/.test(lines[lines.length - 1]!) ? lines.pop()! : undefined;
  const text = lines.filter((l) => !/^-- INVALID/.test(l)).join('\n');
  script.add(Step.Attached, statement(text));
  if (state) {
    const what = /^CREATE (?:CONSTRAINT )?TRIGGER (\S+)/.exec(first) ?? /^CREATE (?:OR REPLACE )?RULE (\S+)/.exec(first);
    const word = first.includes('TRIGGER') ? 'TRIGGER' : 'RULE';
    if (what) script.add(Step.Attached, statement(`ALTER TABLE ${table} ${state.replace(/^(ENABLE|DISABLE)/, '$1')} ${word} ${what[1]}`));
  }
}

// ---------------------------------------------------------------- other objects

function addedObject(script: Script, c: SchemaChange, serials: Map<string, string>): void {
  const { kind, name } = splitObject(c.object);
  const lines = cleanLines(sideOf(c.diff, 'after'));
  if (!lines.length) return;
  const parts = nameParts(name);
  const table = parts.slice(0, -1).join('.');
  switch (kind) {
    case 'column':
      script.add(Step.Tables, statement(`ALTER TABLE ${table} ADD COLUMN ${serialColumn(cleanColumn(lines.join(' ')), serials)}`));
      return;
    case 'constraint':
      script.add(/REFERENCES /.test(lines[0]!) ? Step.ForeignKeys : Step.Tables, statement(`ALTER TABLE ${table} ADD ${lines.join(' ')}`));
      return;
    case 'sequence': {
      const params = lines.find((l) => SEQUENCE_PARAMS.test(l));
      const opts = params ? sequenceOptions(params.trim(), true) : [];
      script.add(Step.Types, statement(`${lines[0]}${opts.length ? ` ${opts.join(' ')}` : ''}`));
      const owned = lines.find((l) => /^\s*OWNED BY /.test(l));
      if (owned) script.add(Step.ForeignKeys, statement(`ALTER SEQUENCE ${name} ${owned.trim()}`));
      return;
    }
    case 'view':
    case 'materialized view':
      script.add(Step.Views, statement(viewText(lines)));
      return;
    case 'function':
    case 'procedure':
    case 'aggregate':
      script.add(Step.Routines, statement(lines.join('\n')));
      return;
    case 'schema':
    case 'extension':
    case 'collation':
    case 'type':
    case 'domain':
      script.add(Step.Types, statement(joinClauses(lines)));
      return;
    case 'privilege':
      for (const l of lines) script.add(Step.Access, statement(l));
      return;
    case 'comment':
      script.add(Step.Access, statement(lines.join('\n')));
      return;
    case 'index':
    case 'trigger':
    case 'rule':
    case 'policy':
    case 'statistics':
      attachedStatement(script, lines, table);
      return;
    default:
      script.add(Step.Attached, statement(lines.join('\n')));
  }
}

/** `CREATE VIEW v` / `  WITH (…)` / `AS` / body → `CREATE VIEW v WITH (…) AS` / body. */
function viewText(lines: string[]): string {
  const as = lines.findIndex((l) => l === 'AS');
  if (as < 0) return lines.join('\n');
  return `${lines.slice(0, as).map((l) => l.trim()).join(' ')} AS\n${lines.slice(as + 1).join('\n')}`;
}

/** Indented continuation clauses joined onto their statement's line. */
function joinClauses(lines: string[]): string {
  return lines.map((l, i) => (i > 0 && l.startsWith('  ') ? ` ${l.trim()}` : `${i > 0 ? '\n' : ''}${l}`)).join('');
}

function changedObject(script: Script, c: SchemaChange): void {
  const { kind, name } = splitObject(c.object);
  const before = cleanLines(sideOf(c.diff, 'before'));
  const after = cleanLines(sideOf(c.diff, 'after'));
  const parts = nameParts(name);
  const table = parts.slice(0, -1).join('.');
  switch (kind) {
    case 'column': {
      const alters = columnAlters(before.join(' '), after.join(' '));
      if (alters.length) script.add(Step.Tables, statement(`ALTER TABLE ${table}\n${alters.map((a) => `  ${a}`).join(',\n')}`));
      else script.add(Step.Tables, `-- ${c.object}: only its position changed`);
      return;
    }
    case 'index':
      script.add(Step.Attached, statement(`DROP INDEX ${name}`));
      attachedStatement(script, after, table);
      return;
    case 'trigger':
    case 'policy':
    case 'rule':
      script.add(Step.Attached, dropStatement(c.object) ?? `-- changed: ${c.object}`);
      attachedStatement(script, after, table);
      return;
    case 'constraint':
      script.add(Step.ForeignKeys, statement(`ALTER TABLE ${table} DROP CONSTRAINT ${parts[parts.length - 1]}, ADD ${after.join(' ')}`));
      return;
    case 'view':
      script.add(Step.Views, statement(viewText(after).replace(/^CREATE VIEW/, 'CREATE OR REPLACE VIEW')));
      return;
    case 'function':
    case 'procedure':
      script.add(Step.Routines, statement(after.join('\n')));
      return;
    case 'comment':
      script.add(Step.Access, statement(after.join('\n')));
      return;
    case 'table': {
      const added = after.filter((l) => TABLE_SETTINGS.test(l) && !before.includes(l));
      for (const l of added) script.add(Step.Attached, statement(`ALTER TABLE ${name} ${l}`));
      if (!added.length) script.add(Step.Attached, `-- changed: ${c.object} (see the diff)`);
      return;
    }
    default:
      script.add(Step.Access, `-- changed: ${c.object} (see the diff)`);
  }
}

/** The ALTER COLUMN actions that turn one canonical column definition into another. */
function columnAlters(before: string, after: string): string[] {
  const a = parseColumn(before);
  const b = parseColumn(after);
  const out: string[] = [];
  if (a.type !== b.type) out.push(`ALTER COLUMN ${b.name} TYPE ${b.type}`);
  if (a.notNull !== b.notNull) out.push(`ALTER COLUMN ${b.name} ${b.notNull ? 'SET' : 'DROP'} NOT NULL`);
  if (a.default !== b.default) out.push(b.default ? `ALTER COLUMN ${b.name} SET DEFAULT ${b.default}` : `ALTER COLUMN ${b.name} DROP DEFAULT`);
  if (!out.length && a.rest !== b.rest) out.push(`-- ${b.name}: ${b.rest || 'options'} (see the diff)`);
  return out;
}

const COLUMN_CLAUSES = / (?=COLLATE |COMPRESSION |STORAGE |NOT NULL|DEFAULT |GENERATED |STATISTICS |WITH \(|OPTIONS \()/;

function parseColumn(def: string): { name: string; type: string; notNull: boolean; default?: string; rest: string } {
  const space = def.startsWith('"') ? def.indexOf('" ') + 1 : def.indexOf(' ');
  const name = def.slice(0, space);
  const after = def.slice(space + 1);
  const cut = after.search(COLUMN_CLAUSES);
  const type = cut < 0 ? after : after.slice(0, cut);
  const clauses = cut < 0 ? '' : after.slice(cut + 1);
  const dflt = /DEFAULT (.*?)(?= GENERATED | STATISTICS | WITH \(| OPTIONS \(|$)/.exec(clauses)?.[1];
  const rest = clauses.replace(/NOT NULL ?/, '').replace(/DEFAULT .*?(?= GENERATED | STATISTICS | WITH \(| OPTIONS \(|$)/, '').trim();
  return { name, type, notNull: /(^| )NOT NULL\b/.test(clauses), ...(dflt ? { default: dflt } : {}), rest };
}
