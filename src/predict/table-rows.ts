/**
 * Production table sizes as a team gives them: a JSON object (`{"public.events": 40000000}`, or
 * `{"events": {"rows": 40000000, "bytes": 12884901888}}`) or the CSV that the production query
 * (production-query.ts) prints with `psql --csv`. Pure: text in, sizes out, or a ConfigError
 * naming the file, the line and what to do.
 *
 * Names are matched as the catalog spells them (`n.nspname || '.' || c.relname`, the way the lock
 * tracer names relations): no case folding, since Prisma and others create `"User"`. A name
 * without a schema means the first schema of the search path (`public` unless told otherwise);
 * double quotes allow a name with a dot in it (`"my.schema".events`).
 */
import { ConfigError } from '../errors.js';
import type { TableSize } from './types.js';

/** Where the text came from (for messages) and how to qualify bare names. */
export interface TableRowsSource {
  /** The file as the user named it, for messages. */
  file: string;
  /** Schema of unqualified names: the first schema of the search path. Default `public`. */
  defaultSchema?: string;
}

/** Reads JSON or CSV (told apart by the first character) into sizes keyed by `schema.table`. */
export function parseTableRows(text: string, source: TableRowsSource): Map<string, TableSize> {
  const body = text.replace(/^\uFEFF/, '');
  const start = body.search(/\S/);
  if (start < 0) throw fail(source, 1, 'is empty', 'give a JSON object {"public.events": 40000000} or the CSV of the production query');
  return body[start] === '{' || body[start] === '[' ? parseJson(body, source) : parseCsv(body, source);
}

function fail(source: TableRowsSource, line: number, what: string, todo: string): ConfigError {
  return new ConfigError(`table-rows ${source.file}:${line}: ${what}; ${todo}`);
}

// ---------------------------------------------------------------------------------------------
// JSON

function parseJson(text: string, source: TableRowsSource): Map<string, TableSize> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? lineAt(text, Number(at[1])) : 1;
    throw fail(source, line, `is not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '')})`, 'fix the JSON, e.g. {"public.events": 40000000}');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail(source, lineAt(text, text.search(/\S/)), 'must be a JSON object of table → rows', 'write it as {"public.events": 40000000, "users": 1200000}');
  }
  const out = new Map<string, TableSize>();
  const seenAt = new Map<string, number>();
  const lines = topLevelKeyLines(text);
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const at = lines.get(key) ?? [1];
    // JSON.parse keeps the last of two equal keys without a word: refuse, as two sizes for one table.
    if (at.length > 1) throw fail(source, at[1]!, `"${key}" is given twice (first at line ${at[0]})`, 'keep one entry per table');
    const line = at[0]!;
    const name = qualifyName(key, source, line);
    const size = jsonSize(raw, key, source, line);
    addTable(out, seenAt, name, size, key, source, line);
  }
  return out;
}

function jsonSize(raw: unknown, key: string, source: TableRowsSource, line: number): TableSize {
  if (typeof raw === 'number') return { rows: count(raw, `rows of "${key}"`, source, line) };
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => k !== 'rows' && k !== 'bytes');
    if (unknown.length) throw fail(source, line, `"${key}" has ${unknown.map((k) => `"${k}"`).join(', ')}`, 'give only "rows" and, optionally, "bytes"');
    if (typeof o.rows !== 'number') throw fail(source, line, `"${key}" has no number "rows"`, `write it as "${key}": {"rows": 40000000, "bytes": 12884901888}`);
    const rows = count(o.rows, `rows of "${key}"`, source, line);
    if (o.bytes === undefined) return { rows };
    if (typeof o.bytes !== 'number') throw fail(source, line, `bytes of "${key}" is ${JSON.stringify(o.bytes)}`, 'give a whole number of bytes (pg_table_size) or leave "bytes" out');
    return { rows, bytes: count(o.bytes, `bytes of "${key}"`, source, line) };
  }
  throw fail(source, line, `rows of "${key}" is ${JSON.stringify(raw)}`, `give a whole number of rows, e.g. "${key}": 40000000`);
}

/** Lines of the keys of the top-level object (JSON.parse keeps no positions, and drops duplicates). */
function topLevelKeyLines(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let depth = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') line++;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const literal = text.slice(i, j + 1);
      const colon = /\s*:/y;
      colon.lastIndex = j + 1;
      if (depth === 1 && colon.test(text)) {
        const key = JSON.parse(literal) as string;
        out.set(key, [...(out.get(key) ?? []), line]);
      }
      i = j;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Header names accepted per column; the production query prints the first of each. */
const COLUMNS = {
  schema: ['schema', 'schemaname', 'table_schema', 'nspname'],
  table: ['table', 'relname', 'table_name', 'tablename'],
  rows: ['rows', 'reltuples', 'n_live_tup', 'row_count'],
  bytes: ['bytes', 'table_bytes', 'pg_table_size'],
} as const;

function parseCsv(text: string, source: TableRowsSource): Map<string, TableSize> {
  const records = csvRecords(text, source);
  const header = records.shift();
  if (!header) throw fail(source, 1, 'is empty', 'give the CSV of the production query (psql --csv)');
  if (/^\s*-+\+-/m.test(text) || header.fields.some((f) => f.includes('|'))) {
    throw fail(source, header.line, "looks like psql's aligned output, not CSV", 'run the production query with psql --csv');
  }
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const index = (aliases: readonly string[]) => names.findIndex((n) => aliases.includes(n));
  const col = { schema: index(COLUMNS.schema), table: index(COLUMNS.table), rows: index(COLUMNS.rows), bytes: index(COLUMNS.bytes) };
  if (col.table < 0 || col.rows < 0) {
    throw fail(source, header.line, `the header "${header.fields.join(',')}" has no ${col.table < 0 ? 'table' : 'rows'} column`, 'start with the header schema,table,rows,bytes (the production query prints it)');
  }
  const out = new Map<string, TableSize>();
  const seenAt = new Map<string, number>();
  for (const record of records) {
    const f = record.fields;
    if (f.length === 1 && f[0]!.trim() === '') continue;
    if (f.length !== names.length) {
      throw fail(source, record.line, `has ${f.length} fields, the header has ${names.length}`, 'quote fields that contain commas ("…"), as psql --csv does');
    }
    const table = f[col.table]!.trim();
    if (!table) throw fail(source, record.line, 'has no table name', 'fill the table column or remove the line');
    const schema = col.schema >= 0 ? f[col.schema]!.trim() : '';
    const name = schema ? `${schema}.${table}` : qualifyName(table, source, record.line);
    const label = schema ? `${schema}.${table}` : table;
    const rows = count(csvNumber(f[col.rows]!, `rows of ${label}`, source, record.line), `rows of ${label}`, source, record.line);
    const bytesText = col.bytes >= 0 ? f[col.bytes]!.trim() : '';
    const size: TableSize = bytesText ? { rows, bytes: count(csvNumber(bytesText, `bytes of ${label}`, source, record.line), `bytes of ${label}`, source, record.line) } : { rows };
    addTable(out, seenAt, name, size, label, source, record.line);
  }
  if (out.size === 0) throw fail(source, header.line + 1, 'lists no table', 'run the production query on the production database (it lists every user table)');
  return out;
}

function csvNumber(text: string, what: string, source: TableRowsSource, line: number): number {
  const t = text.trim();
  // Decimal or exponent notation: reltuples is a float4 and prints as 4e+07 when not cast.
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw fail(source, line, `${what} is "${t}"`, 'give a whole number (the production query prints one)');
  }
  return Number(t);
}

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** RFC 4180 records (quoted fields may hold commas, quotes as "", and newlines), with their lines. */
function csvRecords(text: string, source: TableRowsSource): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
    i++;
  }
  if (quoted) throw fail(source, quoteLine, 'has a quoted field that never ends', 'close the quote (") or remove it');
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

// ---------------------------------------------------------------------------------------------
// Shared

/** Whole, non-negative, finite: reltuples is an estimate and may be fractional, so round it. */
function count(value: number, what: string, source: TableRowsSource, line: number): number {
  if (!Number.isFinite(value)) throw fail(source, line, `${what} is not a finite number`, 'give a whole number');
  if (value < 0) {
    throw fail(source, line, `${what} is ${value}`, 'give a number ≥ 0 (reltuples is -1 for a table never analyzed: ANALYZE it on production, or use the production query, which falls back to n_live_tup)');
  }
  if (value > Number.MAX_SAFE_INTEGER) throw fail(source, line, `${what} is ${value}`, 'give a number below 2^53');
  return Math.round(value);
}

/** `table`, `schema.table`, `"my.schema"."Table"` → `schema.table` as the catalog spells it. */
export function qualifyName(name: string, source: TableRowsSource, line: number): string {
  const parts = splitName(name.trim());
  if (!parts || parts.some((p) => p === '')) {
    throw fail(source, line, `"${name}" is not a table name`, 'write schema.table or table (double-quote a name that contains a dot)');
  }
  if (parts.length > 2) throw fail(source, line, `"${name}" has ${parts.length} parts`, 'write schema.table or table, without the database name');
  return parts.length === 2 ? `${parts[0]}.${parts[1]}` : `${source.defaultSchema ?? 'public'}.${parts[0]}`;
}

/** Splits at dots outside double quotes; undefined on an unbalanced quote. */
function splitName(name: string): string[] | undefined {
  const parts: string[] = [];
  let part = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '"') {
      if (quoted && name[i + 1] === '"') {
        part += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted) {
      parts.push(part);
      part = '';
    } else part += ch;
  }
  if (quoted) return undefined;
  parts.push(part);
  return parts;
}

function addTable(out: Map<string, TableSize>, seenAt: Map<string, number>, name: string, size: TableSize, label: string, source: TableRowsSource, line: number): void {
  const earlier = seenAt.get(name);
  if (earlier !== undefined) throw fail(source, line, `"${label}" is ${name}, already given at line ${earlier}`, 'keep one entry per table');
  seenAt.set(name, line);
  out.set(name, size);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text[i] === '\n') line++;
  return line;
}
