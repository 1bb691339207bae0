/**
 * SQL expressions that generate one column's value from the row number, evaluated by PostgreSQL
 * inside `INSERT … SELECT … FROM generate_series`. Values are injective in the row number where
 * the type allows, so UNIQUE and primary keys (also composite ones) hold without bookkeeping;
 * CHECK shapes narrow them (see check-shapes.ts); what still collides or violates is skipped by
 * the insert itself (ON CONFLICT DO NOTHING, a row filter).
 *
 * Ordered values (numbers, dates, times) grow with the column's position, so the most common
 * multi-column check, `ends_at > starts_at` with the columns declared in that order, holds too.
 */
import type { TypeInfo } from './catalog.js';
import { quoteLiteral } from './catalog.js';
import type { ColumnShape } from './check-shapes.js';

export interface ValueRequest {
  type: number;
  typmod: number;
  column: string;
  /** Column position: offsets ordered values (see above). */
  position: number;
  /** SQL expression of the row number (bigint, from 1). */
  i: string;
  shape?: ColumnShape;
  /** Largest row number, for fitting digits into short strings. */
  maxRow: number;
}

const MAX_DEPTH = 4;

/**
 * Types whose bare name means length 1 (`character`, `bit`): cast to a type without a length
 * instead; the insert casts to the declared type at the end.
 */
const UNSIZED_CAST: Record<string, string> = { bpchar: 'text', bit: 'varbit' };

/**
 * The expression for a value of `type` (a domain's base type: the caller casts to the domain after
 * filtering, so a violated domain check skips the row instead of failing the insert), or
 * undefined when the type is not one we can generate.
 */
export function valueExpression(types: Map<number, TypeInfo>, req: ValueRequest, depth = 0): string | undefined {
  const info = types.get(req.type);
  if (!info || depth > MAX_DEPTH) return undefined;
  if (info.kind === 'd') return valueExpression(types, { ...req, type: info.base, typmod: info.baseTypmod }, depth + 1);
  const shape = req.shape ?? {};
  if (shape.inList) return `(${shape.inList})[1 + ((${req.i}) % cardinality(${shape.inList}))::int]::${info.sqlName}`;
  if (info.kind === 'e') return enumValue(info, req);
  if (info.category === 'A' && info.elem) return arrayValue(types, info, req, depth);
  if (info.kind === 'c') return compositeValue(types, info, req, depth);
  if (info.kind === 'r' && info.subtype) return rangeValue(types, info, req, depth);
  const builtin = builtinValue(info.name, req);
  if (builtin) return `(${builtin})::${UNSIZED_CAST[info.name] ?? info.sqlName}`;
  // Types from extensions (citext, …): fall back on the category PostgreSQL gives them.
  if (info.category === 'S') return `(${stringValue(req)})::${info.sqlName}`;
  if (info.category === 'N') return `(${numberValue('numeric', req)})::text::${info.sqlName}`;
  return undefined;
}

function enumValue(info: TypeInfo, req: ValueRequest): string | undefined {
  const labels = info.labels ?? [];
  if (labels.length === 0) return undefined;
  const list = `ARRAY[${labels.map(quoteLiteral).join(', ')}]`;
  return `(${list})[1 + ((${req.i}) % ${labels.length})::int]::${info.sqlName}`;
}

function arrayValue(types: Map<number, TypeInfo>, info: TypeInfo, req: ValueRequest, depth: number): string | undefined {
  // An array column's typmod applies to its elements (varchar(10)[]); checks on arrays are not shapes.
  const elem = (offset: number) =>
    valueExpression(types, { ...req, type: info.elem, shape: undefined, i: `(${req.i} + ${offset})` }, depth + 1);
  const a = elem(0);
  const b = elem(7);
  return a && b ? `ARRAY[${a}, ${b}]::${info.sqlName}` : undefined;
}

function compositeValue(types: Map<number, TypeInfo>, info: TypeInfo, req: ValueRequest, depth: number): string | undefined {
  const fields: string[] = [];
  for (const [index, attr] of (info.attributes ?? []).entries()) {
    const v = valueExpression(
      types,
      { ...req, type: attr.type, typmod: attr.typmod, column: attr.name, position: index + 1, shape: undefined },
      depth + 1,
    );
    if (!v) return undefined;
    fields.push(v);
  }
  return fields.length ? `ROW(${fields.join(', ')})::${info.sqlName}` : undefined;
}

function rangeValue(types: Map<number, TypeInfo>, info: TypeInfo, req: ValueRequest, depth: number): string | undefined {
  const sub = (offset: number) =>
    valueExpression(types, { ...req, type: info.subtype!, typmod: -1, shape: undefined, i: `(${req.i} * 10 + ${offset})` }, depth + 1);
  const lo = sub(0);
  const hi = sub(5);
  // The constructor function is named like the range type (int4range(lo, hi), tstzrange(lo, hi)).
  // Wrapping values (dates cycle through ten years) can put hi before lo: order them.
  return lo && hi ? `${info.sqlName}(least(${lo}, ${hi}), greatest(${lo}, ${hi}))` : undefined;
}

type OrderedKind = 'integer' | 'decimal' | 'float' | 'date' | 'timestamp' | 'time' | 'interval';

const ORDERED: Record<string, OrderedKind> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  oid: 'integer',
  numeric: 'decimal',
  money: 'decimal',
  float4: 'float',
  float8: 'float',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  time: 'time',
  timetz: 'time',
  interval: 'interval',
};

const STRINGS = new Set(['text', 'varchar', 'bpchar', 'name', 'char']);

function builtinValue(name: string, req: ValueRequest): string | undefined {
  const kind = ORDERED[name];
  if (kind) return kind === 'interval' ? intervalValue(req) : numberValue(name, req);
  if (STRINGS.has(name)) return stringValue(req, name === 'char' ? 1 : lengthLimit(name, req.typmod));
  const i = req.i;
  switch (name) {
    case 'bool':
      return `(${i}) % 2 = 0`;
    case 'uuid':
      return `md5((${i})::text || ${quoteLiteral(req.column)})::uuid`;
    case 'json':
    case 'jsonb':
      return `json_build_object('id', ${i}, 'name', ${quoteLiteral(req.column)} || ' ' || (${i}), 'tags', json_build_array('a', (${i}) % 7))`;
    case 'bytea':
      return `decode(md5((${i})::text), 'hex')`;
    case 'inet':
    case 'cidr':
      return `('10.' || ((${i}) >> 16) % 256 || '.' || ((${i}) >> 8) % 256 || '.' || (${i}) % 256)`;
    case 'macaddr':
      return `lpad(to_hex(${i}), 12, '0')`;
    case 'macaddr8':
      return `lpad(to_hex(${i}), 16, '0')`;
    case 'xml':
      return `xmlparse(content '<v>' || (${i}) || '</v>')`;
    case 'tsvector':
      return `to_tsvector('simple', ${quoteLiteral(req.column)} || ' word' || (${i}))`;
    case 'tsquery':
      return `('word' || (${i}))`;
    case 'point':
      return `point(${i}, ${i})`;
    case 'bit':
    case 'varbit': {
      const n = req.typmod > 0 ? req.typmod : name === 'bit' ? 1 : 32;
      return bitValue(i, n);
    }
    default:
      return undefined;
  }
}

function bitValue(i: string, n: number): string {
  // Take the low n bits of the row number, padding with zeros when n exceeds 64.
  const bits = `right(repeat('0', ${n}) || ((${i})::int8::bit(64))::text, ${n})`;
  return `${bits}::varbit`;
}

function lengthLimit(name: string, typmod: number): number | undefined {
  if ((name === 'varchar' || name === 'bpchar') && typmod > 4) return typmod - 4;
  if (name === 'bpchar') return 1;
  return undefined;
}

function intervalValue(req: ValueRequest): string {
  return `((${req.i}) % 1000 + ${req.position}) * interval '1 minute'`;
}

/** A string built around the row number, fitted to the length limits and LIKE pattern. */
function stringValue(req: ValueRequest, typeLimit?: number): string {
  const shape = req.shape ?? {};
  const limit = Math.min(typeLimit ?? Infinity, shape.maxLen ?? Infinity);
  const digits = String(req.maxRow).length;
  const n = `(${req.i})::text`;
  let expr: string;
  if (shape.like !== undefined) expr = likeValue(shape.like, n);
  else if (/mail/i.test(req.column) && limit >= digits + 16) expr = `'user' || ${n} || '@example.com'`;
  else {
    const prefix = `${req.column.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim() || 'value'} `;
    if (limit >= prefix.length + digits) expr = `${quoteLiteral(prefix)} || ${n}`;
    else if (limit >= digits) expr = `${quoteLiteral(prefix.slice(0, limit - digits))} || ${n}`;
    else expr = `right(${n}, ${Number.isFinite(limit) ? limit : digits})`;
  }
  if (shape.minLen) expr = `(SELECT rpad(v, greatest(length(v), ${shape.minLen}), 'x') FROM (SELECT ${expr} AS v) AS pad)`;
  if (Number.isFinite(limit)) expr = `left(${expr}, ${limit})`;
  return expr;
}

/** The row number in place of the first `%`, nothing for the others, `x` for each `_`. */
function likeValue(pattern: string, n: string): string {
  const literal = (text: string) => quoteLiteral(text.replace(/%/g, '').replace(/_/g, 'x'));
  const first = pattern.indexOf('%');
  if (first < 0) return literal(pattern);
  return `${literal(pattern.slice(0, first))} || ${n} || ${literal(pattern.slice(first + 1))}`;
}

interface Natural {
  lo: string;
  hi: string;
  /** Step between consecutive values. */
  unit: string;
  /** How far apart rows are, in units (room for the column offset). */
  rowStep: number;
  /** How many values before wrapping when nothing bounds the column above. */
  wrap?: number;
}

function natural(name: string, typmod: number): Natural {
  switch (name) {
    case 'int2':
      return { lo: '1', hi: '32767', unit: '1', rowStep: 1 };
    case 'int4':
    case 'oid':
      return { lo: '1', hi: '2147483647', unit: '1', rowStep: 1 };
    case 'int8':
      return { lo: '1', hi: '9000000000000000000', unit: '1', rowStep: 1 };
    case 'numeric': {
      if (typmod < 4) return { lo: '1', hi: '1000000000000', unit: '0.01', rowStep: 100 };
      const precision = ((typmod - 4) >> 16) & 0xffff;
      const scale = (typmod - 4) & 0xffff;
      if (scale > precision) return { lo: '0', hi: '0', unit: '1', rowStep: 1 }; // negative scale etc.: rare
      const unit = scale === 0 ? '1' : `0.${'0'.repeat(Math.min(scale, 2) - 1)}1`;
      const maxInt = `1${'0'.repeat(Math.min(precision - scale, 15))}`;
      return { lo: scale === precision ? unit : '1', hi: `(${maxInt} - ${unit})`, unit, rowStep: scale === 0 ? 1 : 100 };
    }
    case 'money':
      return { lo: '1', hi: '1000000000000', unit: '0.01', rowStep: 100 };
    case 'float4':
      return { lo: '1', hi: '1000000', unit: '0.25', rowStep: 4 };
    case 'float8':
      return { lo: '1', hi: '1000000000000', unit: '0.25', rowStep: 4 };
    case 'date':
      return { lo: `'2020-01-01'::date`, hi: `'9999-12-31'::date`, unit: '1', rowStep: 1, wrap: 3650 };
    case 'timestamp':
      return { lo: `'2020-01-01 00:00:00'::timestamp`, hi: `'9999-12-31'::timestamp`, unit: `interval '1 minute'`, rowStep: 10 };
    case 'timestamptz':
      return { lo: `'2020-01-01 00:00:00+00'::timestamptz`, hi: `'9999-12-31'::timestamptz`, unit: `interval '1 minute'`, rowStep: 10 };
    case 'time':
    case 'timetz':
    default:
      return { lo: `'00:00:00'::time`, hi: `'23:59:59'::time`, unit: `interval '1 second'`, rowStep: 10 };
  }
}

/**
 * lo + (k mod count) × unit, where k is the row number scaled by the row step plus the column
 * position, and [lo, hi] is the type's natural range narrowed by the column's check bounds.
 */
function numberValue(name: string, req: ValueRequest): string {
  const kind = ORDERED[name] ?? 'decimal';
  const nat = natural(name === 'timetz' ? 'time' : name, req.typmod);
  const shape = req.shape ?? {};
  const cast = castFor(name);
  const unit = nat.unit;
  const lo = shape.lo ? `(${shape.lo.sql})::${cast}${shape.lo.inclusive ? '' : ` + ${unit}`}` : undefined;
  const hi = shape.hi ? `(${shape.hi.sql})::${cast}${shape.hi.inclusive ? '' : ` - ${unit}`}` : undefined;
  const from = lo ?? (hi ? `least(${nat.lo}, ${hi} - 1000 * ${unit})` : nat.lo);
  const to = hi ?? (lo && kind !== 'date' && kind !== 'time' ? `greatest(${nat.hi}, ${lo})` : nat.hi);
  const k = `((${req.i}) * ${nat.rowStep} + ${req.position})`;
  const count = countBetween(kind, from, to, unit, !hi && nat.wrap ? nat.wrap : undefined);
  if (kind === 'date') return `(${from}) + ((${k}) % ${count})::int`;
  if (kind === 'timestamp' || kind === 'time') return `(${from}) + ((${k}) % ${count}) * ${unit}`;
  return `(${from}) + ((${k}) % ${count}) * ${unit}`;
}

function castFor(name: string): string {
  return name === 'timetz' ? 'time' : name === 'money' ? 'numeric' : name === 'oid' ? 'int8' : name;
}

/** How many unit steps fit in [from, to] (at least 1, so an empty range yields filtered rows, not errors). */
function countBetween(kind: OrderedKind, from: string, to: string, unit: string, wrap?: number): string {
  let span: string;
  if (kind === 'date') span = `((${to}) - (${from}))::numeric`;
  else if (kind === 'timestamp' || kind === 'time')
    span = `floor(extract(epoch from (${to}) - (${from})) / extract(epoch from ${unit}))`;
  else span = `floor(((${to})::numeric - (${from})::numeric) / ${unit})`;
  const count = `greatest(${span} + 1, 1)`;
  return wrap ? `least(${count}, ${wrap})::int8` : `least(${count}, 9000000000000000000)::int8`;
}
