/**
 * Which snapshot objects an object refers to, read from its canonical text. The snapshot prints
 * every user object schema-qualified (search_path = pg_catalog while it reads), so a qualified name
 * in a definition is a reference: `public.orders` in a view, `public.order_status` in a column type,
 * `public.touch()` in a trigger, `'public.t_id_seq'::regclass` in a default. Columns are matched as
 * identifiers of a referenced relation. This over-approximates pg_depend a little (a name in a
 * string literal counts), which only ever adds an ordering constraint or a recreation; it never
 * misses a dependency PostgreSQL enforces between objects the snapshot names.
 */
import type { ObjectKind, SchemaObject, Snapshot } from '../schema/model.js';
import { isTrivia, tokenizeSql } from '../sql/lexer.js';
import { lastPart, splitQualified, unquoteIdent, withoutLastPart } from './identifiers.js';

const RELATION_KINDS: readonly ObjectKind[] = ['table', 'view', 'materialized view', 'sequence'];
const NAMED_KINDS: readonly ObjectKind[] = [...RELATION_KINDS, 'type', 'domain', 'collation', 'index'];
const ROUTINE_KINDS: readonly ObjectKind[] = ['function', 'procedure', 'aggregate'];
/** Kinds that live in a schema (their name starts with it). */
const SCHEMA_CONTAINED: readonly ObjectKind[] = [...NAMED_KINDS, ...ROUTINE_KINDS, 'statistics'];

/** Look-up tables from names as they appear in definitions to snapshot keys. */
export interface NameIndex {
  /** `schema.name` → keys of relations, types, domains, collations, indexes. */
  named: Map<string, string[]>;
  /** `schema.name` → keys of routines with that name (any arguments). */
  routines: Map<string, string[]>;
  /** Relation name → its columns (key and raw name). */
  columnsOf: Map<string, Array<{ key: string; raw: string }>>;
  /** Raw unqualified relation name → relation keys, for SQL function bodies written without schema. */
  bareRelations: Map<string, string[]>;
  /** Quoted schema name → schema key. */
  schemas: Map<string, string>;
  objects: Map<string, SchemaObject>;
}

function push(map: Map<string, string[]>, name: string, key: string): void {
  const list = map.get(name);
  if (list) list.push(key);
  else map.set(name, [key]);
}

/** Builds the name look-ups of one snapshot. */
export function indexNames(snapshot: Snapshot): NameIndex {
  const index: NameIndex = {
    named: new Map(),
    routines: new Map(),
    columnsOf: new Map(),
    bareRelations: new Map(),
    schemas: new Map(),
    objects: snapshot.objects,
  };
  for (const [key, o] of snapshot.objects) {
    if (NAMED_KINDS.includes(o.kind)) push(index.named, o.name, key);
    if (RELATION_KINDS.includes(o.kind)) push(index.bareRelations, unquoteIdent(lastPart(o.name)), key);
    if (ROUTINE_KINDS.includes(o.kind)) push(index.routines, o.name.slice(0, o.name.indexOf('(')), key);
    if (o.kind === 'schema') index.schemas.set(o.name, key);
    if (o.kind === 'column' && o.table) {
      const list = index.columnsOf.get(o.table) ?? [];
      list.push({ key, raw: unquoteIdent(lastPart(o.name)) });
      index.columnsOf.set(o.table, list);
    }
  }
  return index;
}

/** The key of the relation (table, view, materialized view) named `name`, if any. */
export function relationKey(index: NameIndex, name: string): string | undefined {
  return index.named.get(name)?.find((k) => k.startsWith('table ') || k.startsWith('view ') || k.startsWith('materialized view '));
}

interface Scan {
  /** Dotted names, each with whether a `(` follows it. */
  dotted: Array<{ name: string; call: boolean }>;
  /** Identifiers (raw, case-folded when unquoted) appearing anywhere. */
  identifiers: Set<string>;
}

/** Dotted names and identifiers of a text, looking inside string literals too (regclass casts). */
function scan(text: string, intoStrings: boolean, intoDollarStrings: boolean, out: Scan = { dotted: [], identifiers: new Set() }): Scan {
  const toks = tokenizeSql(text).filter((t) => !isTrivia(t.kind) || t.kind === 'space');
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const raw = text.slice(t.start, t.end);
    if (t.kind === 'string' && intoStrings) {
      const body = raw.replace(/^[eE]?'/, '').replace(/'$/, '').replace(/''/g, "'");
      scan(body, false, false, out);
      continue;
    }
    if (t.kind === 'dollar-string' && intoDollarStrings) {
      const tag = /^\$[^$]*\$/.exec(raw)![0];
      scan(raw.slice(tag.length, raw.length - tag.length), true, false, out);
      continue;
    }
    if (t.kind !== 'word' && t.kind !== 'quoted-ident') continue;
    out.identifiers.add(t.kind === 'word' ? raw.toLowerCase() : unquoteIdent(raw));
    // A dotted name: ident (. ident)*, no spaces in between.
    const parts = [raw];
    let j = i;
    while (toks[j + 1]?.kind === 'other' && text.slice(toks[j + 1]!.start, toks[j + 1]!.end) === '.' &&
      (toks[j + 2]?.kind === 'word' || toks[j + 2]?.kind === 'quoted-ident')) {
      const next = toks[j + 2]!;
      const part = text.slice(next.start, next.end);
      parts.push(part);
      out.identifiers.add(next.kind === 'word' ? part.toLowerCase() : unquoteIdent(part));
      j += 2;
    }
    if (parts.length > 1) {
      const call = toks[j + 1]?.kind === 'open-paren';
      for (let n = 2; n <= parts.length; n++) out.dotted.push({ name: parts.slice(0, n).join('.'), call: call && n === parts.length });
    }
    i = j;
  }
  return out;
}

/** Options of `referencesIn`. */
export interface ReferenceOptions {
  /** Relations whose columns the text names without qualification (the table of a constraint). */
  implicitRelations?: string[];
  /** Also read unqualified relation names and the inside of dollar-quoted bodies (LANGUAGE sql). */
  sqlBody?: boolean;
}

/** Keys of the objects of `index` that `text` refers to. */
export function referencesIn(text: string, index: NameIndex, options: ReferenceOptions = {}): Set<string> {
  const found = scan(text, true, options.sqlBody ?? false);
  const refs = new Set<string>();
  const relations = new Set(options.implicitRelations ?? []);
  for (const { name, call } of found.dotted) {
    for (const key of index.named.get(name) ?? []) {
      refs.add(key);
      if (!key.startsWith('index ')) relations.add(name);
    }
    if (call) for (const key of index.routines.get(name) ?? []) refs.add(key);
    const schema = index.schemas.get(splitQualified(name)[0]!);
    if (schema) refs.add(schema);
    // `schema.table.column` (OWNED BY, comments) names a column directly.
    const owner = withoutLastPart(name);
    for (const c of index.columnsOf.get(owner) ?? []) if (c.raw === unquoteIdent(lastPart(name))) refs.add(c.key);
  }
  if (options.sqlBody) {
    for (const id of found.identifiers) {
      for (const key of index.bareRelations.get(id) ?? []) {
        refs.add(key);
        relations.add(index.objects.get(key)!.name);
      }
    }
  }
  for (const relation of relations) {
    for (const c of index.columnsOf.get(relation) ?? []) if (found.identifiers.has(c.raw)) refs.add(c.key);
  }
  return refs;
}

/** The object a privilege object is about: its snapshot key and the target text its lines carry. */
export function privilegeTarget(name: string, index: NameIndex): { key?: string; target: string; objtype: string; objname: string; grantee: string } {
  const kinds = ['materialized view', 'foreign table', 'table', 'view', 'sequence', 'column', 'schema', 'function', 'procedure', 'aggregate', 'type', 'domain'];
  const objtype = kinds.find((k) => name.startsWith(`${k} `)) ?? name.slice(0, name.indexOf(' '));
  const rest = name.slice(objtype.length + 1);
  const at = rest.lastIndexOf(' to ');
  const objname = rest.slice(0, at);
  const grantee = rest.slice(at + 4);
  const word: Record<string, string> = {
    'materialized view': 'TABLE', 'foreign table': 'TABLE', table: 'TABLE', view: 'TABLE', column: 'TABLE', sequence: 'SEQUENCE',
    schema: 'SCHEMA', function: 'FUNCTION', aggregate: 'FUNCTION', procedure: 'PROCEDURE', type: 'TYPE', domain: 'DOMAIN',
  };
  const targetName = objtype === 'column' ? withoutLastPart(objname) : objname;
  const target = `${word[objtype] ?? objtype.toUpperCase()} ${targetName}`;
  let key: string | undefined;
  if (objtype === 'column') key = index.objects.has(`column ${objname}`) ? `column ${objname}` : relationKey(index, targetName);
  else if (objtype === 'foreign table') key = `table ${objname}`;
  else key = `${objtype} ${objname}`;
  return { ...(key && index.objects.has(key) ? { key } : {}), target, objtype, objname, grantee };
}

/** A comment object read back: the statement head (`COMMENT ON …`) and the object it is on. */
export interface CommentParts {
  /** `COMMENT ON CONSTRAINT c ON public.t`: everything before ` IS `. */
  head: string;
  /** The quoted literal after ` IS `. */
  literal: string;
  /** Snapshot key of the object commented on, when it is one. */
  key?: string;
}

/** Reads a comment object (COMMENTS in snapshot-sql-misc.ts): `${objtype} ${identity}`. */
export function commentParts(name: string, ddl: string, index: NameIndex): CommentParts {
  // The statement is `COMMENT ON ${upper(objtype)} ${identity} IS literal`: find the split that fits.
  let objtype = '';
  let identity = '';
  for (let i = name.indexOf(' '); i > 0; i = name.indexOf(' ', i + 1)) {
    const type = name.slice(0, i);
    const id = name.slice(i + 1);
    if (ddl.startsWith(`COMMENT ON ${type.toUpperCase()} ${id} IS `)) {
      objtype = type;
      identity = id;
      break;
    }
  }
  const literal = ddl.slice(`COMMENT ON ${objtype.toUpperCase()} ${identity} IS `.length);
  const onTable = /^(.+) on (.+)$/.exec(identity);
  let head = `COMMENT ON ${objtype.toUpperCase()} ${identity}`;
  let key: string | undefined;
  switch (objtype) {
    case 'table constraint':
      head = `COMMENT ON CONSTRAINT ${onTable![1]} ON ${onTable![2]}`;
      key = `constraint ${onTable![2]}.${onTable![1]}`;
      break;
    case 'domain constraint':
      head = `COMMENT ON CONSTRAINT ${onTable![1]} ON DOMAIN ${onTable![2]}`;
      key = `domain ${onTable![2]}`;
      break;
    case 'trigger':
    case 'policy':
    case 'rule':
      head = `COMMENT ON ${objtype.toUpperCase()} ${onTable![1]} ON ${onTable![2]}`;
      key = `${objtype} ${onTable![2]}.${onTable![1]}`;
      break;
    case 'statistics object':
      head = `COMMENT ON STATISTICS ${identity}`;
      key = `statistics ${identity}`;
      break;
    case 'composite type':
      head = `COMMENT ON TYPE ${identity}`;
      key = `type ${identity}`;
      break;
    case 'foreign table':
      key = `table ${identity}`;
      break;
    case 'column':
      key = index.objects.has(`column ${identity}`)
        ? `column ${identity}`
        : relationKey(index, withoutLastPart(identity)) ?? `type ${withoutLastPart(identity)}`;
      break;
    case 'type':
      key = index.objects.has(`type ${identity}`) ? `type ${identity}` : `domain ${identity}`;
      break;
    default:
      key = `${objtype} ${identity}`;
  }
  return { head, literal, ...(key && index.objects.has(key) ? { key } : {}) };
}

/** The schema key an object lives in, for kinds named `schema.name…`. */
export function schemaKeyOf(o: SchemaObject, index: NameIndex): string | undefined {
  if (!SCHEMA_CONTAINED.includes(o.kind)) return undefined;
  return index.schemas.get(splitQualified(o.name)[0]!);
}
