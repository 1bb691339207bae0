/**
 * Reads the canonical text of snapshot objects back into parts. The snapshot prints each object
 * with the catalog's own deparsers (pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef,
 * pg_get_functiondef, format_type, pg_get_expr, …) in a fixed layout (src/schema/snapshot-sql-*.ts);
 * these parsers follow that layout, so the generator can reuse PostgreSQL's text verbatim instead of
 * rebuilding definitions by hand. Pure.
 */
import { tokenizeSql, isTrivia } from '../sql/lexer.js';

/** A token of canonical text, trivia dropped, with its source text. */
interface Tok {
  kind: string;
  text: string;
  start: number;
  end: number;
}

function tokens(text: string): Tok[] {
  return tokenizeSql(text)
    .filter((t) => !isTrivia(t.kind))
    .map((t) => ({ kind: t.kind, text: text.slice(t.start, t.end), start: t.start, end: t.end }));
}

/** Splits `text` at commas outside parentheses, quotes and strings; parts are trimmed. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const t of tokenizeSql(text)) {
    if (t.kind === 'open-paren') depth++;
    else if (t.kind === 'close-paren') depth--;
    else if (t.kind === 'other' && depth === 0 && text.slice(t.start, t.end) === separator) {
      parts.push(text.slice(start, t.start).trim());
      start = t.end;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

/** Splits off a trailing `OWNER TO role` line (every owned object's text ends with one). */
export function splitOwner(ddl: string): { body: string; owner?: string } {
  const at = ddl.lastIndexOf('\nOWNER TO ');
  if (at < 0) return { body: ddl };
  const tail = ddl.slice(at + 1);
  if (tail.includes('\n')) return { body: ddl };
  return { body: ddl.slice(0, at), owner: tail.slice('OWNER TO '.length) };
}

/** Sequence parameters as the snapshot prints them (sequenceParameters in snapshot-sql-common.ts). */
export interface SequenceParams {
  type: string;
  increment: string;
  min: string;
  max: string;
  start: string;
  cache: string;
  cycle: boolean;
}

const SEQUENCE_PARAMS = /^AS (.+) INCREMENT BY (-?\d+) MINVALUE (-?\d+) MAXVALUE (-?\d+) START WITH (-?\d+) CACHE (\d+) (NO CYCLE|CYCLE)$/;

export function parseSequenceParams(text: string): SequenceParams | undefined {
  const m = SEQUENCE_PARAMS.exec(text.trim());
  if (!m) return undefined;
  return { type: m[1]!, increment: m[2]!, min: m[3]!, max: m[4]!, start: m[5]!, cache: m[6]!, cycle: m[7] === 'CYCLE' };
}

const TYPE_RANGE: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/** What PostgreSQL picks for parameters left out, for a sequence of `type` stepping by `increment`. */
export function defaultSequenceParams(type: string, increment: string): SequenceParams {
  const [typeMin, typeMax] = TYPE_RANGE[type] ?? TYPE_RANGE.bigint!;
  const ascending = !increment.startsWith('-');
  const min = ascending ? '1' : typeMin;
  const max = ascending ? typeMax : '-1';
  return { type, increment, min, max, start: ascending ? min : max, cache: '1', cycle: false };
}

/**
 * Sequence options that differ from what PostgreSQL would pick anyway, in CREATE SEQUENCE order,
 * so a reviewer reads `START WITH 1000`, not seven defaults. `defaultType` is the type assumed when
 * `AS` is left out (bigint for CREATE SEQUENCE, the column's type for an identity).
 */
export function sequenceOptions(p: SequenceParams, defaultType: string): string[] {
  const d = defaultSequenceParams(p.type, p.increment);
  const options: string[] = [];
  if (p.type !== defaultType) options.push(`AS ${p.type}`);
  if (p.increment !== '1') options.push(`INCREMENT BY ${p.increment}`);
  if (p.min !== d.min) options.push(`MINVALUE ${p.min}`);
  if (p.max !== d.max) options.push(`MAXVALUE ${p.max}`);
  const defaultStart = p.increment.startsWith('-') ? p.max : p.min;
  if (p.start !== defaultStart) options.push(`START WITH ${p.start}`);
  if (p.cache !== '1') options.push(`CACHE ${p.cache}`);
  if (p.cycle) options.push('CYCLE');
  return options;
}

/** A column as the snapshot prints it (COLUMNS in snapshot-sql-relations.ts). */
export interface ColumnDef {
  /** quote_ident form. */
  name: string;
  type: string;
  collate?: string;
  compression?: string;
  storage?: string;
  notNull: boolean;
  default?: string;
  generated?: { expr: string; kind: string };
  identity?: { always: boolean; params?: SequenceParams; paramsText: string };
  statistics?: string;
  /** Attribute options, the text inside `WITH (…)`. */
  options?: string;
  /** Foreign-data options, the text inside `OPTIONS (…)`. */
  fdwOptions?: string;
}

const COLUMN_KEYWORDS = new Set(['COLLATE', 'COMPRESSION', 'STORAGE', 'NOT', 'DEFAULT', 'GENERATED', 'STATISTICS', 'WITH', 'OPTIONS']);

/**
 * Parses a column's canonical text. Keywords the snapshot adds are upper case and at parenthesis
 * depth 0, while format_type prints types in lower case (`timestamp with time zone`) and
 * pg_get_expr keeps expressions' own keywords inside parentheses or lower case, so the clauses
 * separate unambiguously.
 */
export function parseColumn(text: string): ColumnDef {
  const toks = tokens(text);
  let i = 0;
  const name = toks[i++]!.text;
  const isClauseStart = (at: number): boolean => {
    const t = toks[at];
    if (!t || t.kind !== 'word' || !COLUMN_KEYWORDS.has(t.text)) return false;
    if (t.text === 'NOT') return toks[at + 1]?.text === 'NULL';
    if (t.text === 'WITH' || t.text === 'OPTIONS') return toks[at + 1]?.kind === 'open-paren';
    return true;
  };
  /** Reads tokens up to the next clause keyword at depth 0; returns the source text between. */
  const readUntilClause = (stopAt: (at: number) => boolean): string => {
    const from = i;
    let depth = 0;
    while (i < toks.length) {
      const t = toks[i]!;
      if (depth === 0 && i > from && stopAt(i)) break;
      if (t.kind === 'open-paren') depth++;
      if (t.kind === 'close-paren') depth--;
      i++;
    }
    return from < i ? text.slice(toks[from]!.start, toks[i - 1]!.end) : '';
  };
  /** Reads one balanced parenthesised group starting at `(`; returns the text inside. */
  const readParens = (): string => {
    const open = toks[i]!;
    let depth = 0;
    for (; i < toks.length; i++) {
      if (toks[i]!.kind === 'open-paren') depth++;
      if (toks[i]!.kind === 'close-paren' && --depth === 0) {
        const inner = text.slice(open.end, toks[i]!.start);
        i++;
        return inner;
      }
    }
    return text.slice(open.end);
  };
  const type = readUntilClause(isClauseStart);
  const column: ColumnDef = { name, type, notNull: false };
  while (i < toks.length) {
    const word = toks[i]!.text;
    if (word === 'COLLATE') {
      i++;
      column.collate = readUntilClause(isClauseStart);
    } else if (word === 'COMPRESSION') {
      column.compression = toks[i + 1]!.text;
      i += 2;
    } else if (word === 'STORAGE') {
      column.storage = toks[i + 1]!.text;
      i += 2;
    } else if (word === 'NOT') {
      column.notNull = true;
      i += 2;
    } else if (word === 'DEFAULT') {
      i++;
      column.default = readUntilClause((at) => {
        const t = toks[at]!;
        if (t.kind !== 'word') return false;
        if (t.text === 'GENERATED' || t.text === 'STATISTICS') return true;
        return (t.text === 'WITH' || t.text === 'OPTIONS') && toks[at + 1]?.kind === 'open-paren';
      });
    } else if (word === 'GENERATED') {
      // GENERATED ALWAYS AS (expr) STORED|VIRTUAL, or GENERATED ALWAYS|BY DEFAULT AS IDENTITY (params)
      const always = toks[i + 1]!.text === 'ALWAYS';
      i += always ? 2 : 3; // past ALWAYS, or past BY DEFAULT
      i++; // AS
      if (toks[i]!.text === 'IDENTITY') {
        i++;
        const paramsText = toks[i]?.kind === 'open-paren' ? readParens() : '';
        const params = parseSequenceParams(paramsText);
        column.identity = { always, paramsText, ...(params ? { params } : {}) };
      } else {
        const expr = readParens();
        column.generated = { expr, kind: toks[i]?.text ?? 'STORED' };
        i++;
      }
    } else if (word === 'STATISTICS') {
      // The lexer reads a number as one token per digit: take the text up to the next clause.
      i++;
      column.statistics = readUntilClause(isClauseStart).replace(/\s+/g, '');
    } else if (word === 'WITH') {
      i++;
      column.options = readParens();
    } else if (word === 'OPTIONS') {
      i++;
      column.fdwOptions = readParens();
    } else {
      i++; // unknown: skip rather than loop
    }
  }
  return column;
}

/** The clauses of a column definition that CREATE TABLE / ADD COLUMN accept (no STORAGE: PG16+). */
export function columnDefinition(c: ColumnDef, options: { withIdentity?: boolean } = {}): string {
  const parts = [c.name, c.type];
  if (c.collate) parts.push(`COLLATE ${c.collate}`);
  if (c.compression) parts.push(`COMPRESSION ${c.compression}`);
  if (c.notNull) parts.push('NOT NULL');
  if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
  if (c.generated) parts.push(`GENERATED ALWAYS AS (${c.generated.expr}) ${c.generated.kind}`);
  if (c.identity && options.withIdentity !== false) parts.push(identityClause(c));
  return parts.join(' ');
}

/** `GENERATED … AS IDENTITY [(options)]` with only the options that differ from the defaults. */
export function identityClause(c: ColumnDef): string {
  const id = c.identity!;
  const head = `GENERATED ${id.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (!id.params) return id.paramsText ? `${head} (${id.paramsText})` : head;
  const options = sequenceOptions(id.params, c.type);
  return options.length ? `${head} (${options.join(' ')})` : head;
}

/** A table's canonical text (TABLES in snapshot-sql-relations.ts). */
export interface TableDef {
  unlogged: boolean;
  foreign: boolean;
  partitionOf?: { parent: string; bound: string };
  inherits?: string;
  partitionBy?: string;
  accessMethod?: string;
  options: string[];
  tablespace?: string;
  server?: string;
  owner?: string;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  replicaIdentity?: string;
  clusterOn?: string;
}

export function parseTable(ddl: string): TableDef {
  const lines = ddl.split('\n');
  const first = lines[0]!;
  const table: TableDef = {
    unlogged: first.startsWith('CREATE UNLOGGED '),
    foreign: first.includes(' FOREIGN TABLE '),
    options: [],
    rowSecurity: false,
    forceRowSecurity: false,
  };
  for (const line of lines.slice(1)) {
    if (line.startsWith('  PARTITION OF ')) {
      const rest = line.slice('  PARTITION OF '.length);
      const end = qualifiedNameEnd(rest);
      table.partitionOf = { parent: rest.slice(0, end), bound: rest.slice(end).trim() };
    } else if (line.startsWith('  INHERITS (')) table.inherits = line.slice('  INHERITS ('.length, -1);
    else if (line.startsWith('  PARTITION BY ')) table.partitionBy = line.slice('  PARTITION BY '.length);
    else if (line.startsWith('  USING ')) table.accessMethod = line.slice('  USING '.length);
    else if (line.startsWith('  WITH (')) table.options = splitTopLevel(line.slice('  WITH ('.length, -1));
    else if (line.startsWith('  TABLESPACE ')) table.tablespace = line.slice('  TABLESPACE '.length);
    else if (line.startsWith('  SERVER ')) table.server = line.slice('  SERVER '.length);
    else if (line.startsWith('OWNER TO ')) table.owner = line.slice('OWNER TO '.length);
    else if (line === 'ENABLE ROW LEVEL SECURITY') table.rowSecurity = true;
    else if (line === 'FORCE ROW LEVEL SECURITY') table.forceRowSecurity = true;
    else if (line.startsWith('REPLICA IDENTITY ')) table.replicaIdentity = line.slice('REPLICA IDENTITY '.length);
    else if (line.startsWith('CLUSTER ON ')) table.clusterOn = line.slice('CLUSTER ON '.length);
  }
  return table;
}

/** Length of the (possibly quoted, dotted) name `text` starts with. */
export function qualifiedNameEnd(text: string): number {
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
      i++;
    } else {
      while (i < text.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[i]!)) i++;
    }
    if (text[i] !== '.') return i;
    i++;
  }
}

/** A sequence's canonical text (SEQUENCES in snapshot-sql-relations.ts). */
export interface SequenceDef {
  unlogged: boolean;
  params?: SequenceParams;
  paramsText: string;
  ownedBy?: string;
  owner?: string;
}

export function parseSequence(ddl: string): SequenceDef {
  const lines = ddl.split('\n');
  const def: SequenceDef = { unlogged: lines[0]!.startsWith('CREATE UNLOGGED '), paramsText: '' };
  for (const line of lines.slice(1)) {
    if (line.startsWith('  AS ')) {
      def.paramsText = line.trim();
      const params = parseSequenceParams(line);
      if (params) def.params = params;
    } else if (line.startsWith('  OWNED BY ')) def.ownedBy = line.slice('  OWNED BY '.length);
    else if (line.startsWith('OWNER TO ')) def.owner = line.slice('OWNER TO '.length);
  }
  return def;
}

/** A view's or materialized view's canonical text (VIEWS in snapshot-sql-relations.ts). */
export interface ViewDef {
  materialized: boolean;
  accessMethod?: string;
  options: string[];
  tablespace?: string;
  /** pg_get_viewdef output, ending with `;`. */
  query: string;
  owner?: string;
}

export function parseView(ddl: string): ViewDef {
  const { body, owner } = splitOwner(ddl);
  const lines = body.split('\n');
  const view: ViewDef = { materialized: lines[0]!.startsWith('CREATE MATERIALIZED VIEW '), options: [], query: '' };
  let i = 1;
  for (; i < lines.length && lines[i] !== 'AS'; i++) {
    const line = lines[i]!;
    if (line.startsWith('  USING ')) view.accessMethod = line.slice('  USING '.length);
    else if (line.startsWith('  WITH (')) view.options = splitTopLevel(line.slice('  WITH ('.length, -1));
    else if (line.startsWith('  TABLESPACE ')) view.tablespace = line.slice('  TABLESPACE '.length);
  }
  view.query = lines.slice(i + 1).join('\n');
  if (owner !== undefined) view.owner = owner;
  return view;
}

/** A domain's canonical text (DOMAIN_DEF in snapshot-sql-types.ts). */
export interface DomainDef {
  /** `public.d AS text [COLLATE x]`: what follows CREATE DOMAIN. */
  head: string;
  baseType: string;
  default?: string;
  notNull: boolean;
  constraints: Array<{ name: string; def: string }>;
  owner?: string;
}

export function parseDomain(ddl: string): DomainDef {
  const { body, owner } = splitOwner(ddl);
  const lines = body.split('\n');
  const head = lines[0]!.slice('CREATE DOMAIN '.length);
  const asAt = head.indexOf(' AS ', qualifiedNameEnd(head));
  const domain: DomainDef = { head, baseType: head.slice(asAt + 4), notNull: false, constraints: [] };
  for (const line of lines.slice(1)) {
    if (line.startsWith('  DEFAULT ')) domain.default = line.slice('  DEFAULT '.length);
    else if (line === '  NOT NULL') domain.notNull = true;
    else if (line.startsWith('  CONSTRAINT ')) {
      const rest = line.slice('  CONSTRAINT '.length);
      const end = qualifiedNameEnd(rest);
      domain.constraints.push({ name: rest.slice(0, end), def: rest.slice(end + 1) });
    }
  }
  if (owner !== undefined) domain.owner = owner;
  return domain;
}

/** Enum labels as quoted literals, in sort order (ENUM_DEF in snapshot-sql-types.ts). */
export function parseEnumLabels(ddl: string): string[] | undefined {
  const first = splitOwner(ddl).body;
  const at = first.indexOf(' AS ENUM (');
  if (at < 0) return undefined;
  return tokens(first.slice(at)).filter((t) => t.kind === 'string').map((t) => t.text);
}

/** Attributes of a composite type (`name type [COLLATE x]`), in order. */
export function parseCompositeAttributes(ddl: string): string[] | undefined {
  const first = splitOwner(ddl).body;
  const at = first.indexOf(' AS (');
  if (at < 0 || first.includes(' AS ENUM (') || first.includes(' AS RANGE (')) return undefined;
  const inner = first.slice(at + ' AS ('.length, -1);
  return inner.trim() === '' ? [] : splitTopLevel(inner);
}

/**
 * The `key = value` items of the last parenthesised option list of a text (CREATE TYPE … AS RANGE
 * (…), CREATE AGGREGATE f(args) (…), CREATE COLLATION c (…)), split at top-level commas.
 */
export function parseOptionList(text: string): Array<{ key: string; value: string }> {
  const toks = tokens(text);
  let close = toks.length - 1;
  while (close >= 0 && toks[close]!.kind !== 'close-paren') close--;
  let depth = 0;
  let open = close;
  for (; open >= 0; open--) {
    if (toks[open]!.kind === 'close-paren') depth++;
    if (toks[open]!.kind === 'open-paren' && --depth === 0) break;
  }
  if (open < 0 || close < 0) return [];
  const inner = text.slice(toks[open]!.end, toks[close]!.start);
  return splitTopLevel(inner).map((item) => {
    const eq = item.indexOf(' = ');
    return eq < 0 ? { key: item, value: '' } : { key: item.slice(0, eq), value: item.slice(eq + 3) };
  });
}

/** `public.f(integer,integer)` (regprocedure) → `public.f`: option values that name a function take no arguments. */
export function withoutArguments(regprocedure: string): string {
  const end = qualifiedNameEnd(regprocedure);
  return regprocedure.slice(0, end);
}

/** Splits a trailing enable-state line (DISABLE / ENABLE REPLICA / ENABLE ALWAYS) off a trigger or rule. */
export function splitEnabledState(ddl: string): { def: string; state?: string } {
  const at = ddl.lastIndexOf('\n');
  if (at < 0) return { def: ddl };
  const last = ddl.slice(at + 1);
  if (last === 'DISABLE' || last === 'ENABLE REPLICA' || last === 'ENABLE ALWAYS') return { def: ddl.slice(0, at), state: last };
  return { def: ddl };
}

/** A privilege object's lines (PRIVILEGES in snapshot-sql-security.ts) as priv → state. */
export interface PrivilegeLine {
  op: 'GRANT' | 'REVOKE';
  /** Privilege items, e.g. `SELECT`, `UPDATE (email)`. */
  items: string[];
  grantable: boolean;
}

/**
 * Parses `GRANT a, b ON <target> TO <grantee> [WITH GRANT OPTION]` / `REVOKE … FROM …` lines.
 * `target` is the exact `TABLE public.t` text the line carries (known from the object's name).
 */
export function parsePrivilegeLines(ddl: string, target: string): PrivilegeLine[] {
  const lines: PrivilegeLine[] = [];
  for (const line of ddl.split('\n')) {
    const op = line.startsWith('GRANT ') ? 'GRANT' : line.startsWith('REVOKE ') ? 'REVOKE' : undefined;
    if (!op) continue;
    const on = line.indexOf(` ON ${target} `);
    if (on < 0) continue;
    const items = splitTopLevel(line.slice(op.length + 1, on));
    lines.push({ op, items, grantable: line.endsWith(' WITH GRANT OPTION') });
  }
  return lines;
}

/** Default-privilege lines `GRANT x TO grantee [WITH GRANT OPTION]` as grantee → privilege → grantable. */
export function parseDefaultPrivilegeLines(ddl: string): Map<string, Map<string, boolean>> {
  const byGrantee = new Map<string, Map<string, boolean>>();
  for (const line of ddl.split('\n')) {
    const m = /^GRANT (\S+(?: \S+)*?) TO (.+?)( WITH GRANT OPTION)?$/.exec(line);
    if (!m) continue;
    const privileges = byGrantee.get(m[2]!) ?? new Map<string, boolean>();
    privileges.set(m[1]!, m[3] !== undefined);
    byGrantee.set(m[2]!, privileges);
  }
  return byGrantee;
}
