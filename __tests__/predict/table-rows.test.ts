/**
 * Production sizes as teams give them: the JSON object and the production query's CSV. Every
 * bad input is a one-line ConfigError naming the file, the line and what to do.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { parseTableRows } from '../../src/predict/table-rows.js';
import { readTableRows } from '../../src/predict/read-table-rows.js';

const parse = (text: string, defaultSchema?: string) => Object.fromEntries(parseTableRows(text, { file: 'rows.json', ...(defaultSchema ? { defaultSchema } : {}) }));

/** The ConfigError's message, asserting it is one line. */
function errorOf(text: string, file = 'rows.json'): string {
  try {
    parseTableRows(text, { file });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\n/);
    return message;
  }
  throw new Error('expected a ConfigError');
}

describe('table-rows JSON', () => {
  it('reads qualified and unqualified names; unqualified ones get the default schema', () => {
    expect(parse('{"public.events": 40000000, "users": 1200000, "billing.invoices": 0}')).toEqual({
      'public.events': { rows: 40_000_000 },
      'public.users': { rows: 1_200_000 },
      'billing.invoices': { rows: 0 },
    });
    expect(parse('{"users": 5}', 'app')).toEqual({ 'app.users': { rows: 5 } });
  });

  it('reads rows and bytes given as an object, and rounds estimates', () => {
    expect(parse('{"events": {"rows": 4.0e7, "bytes": 12884901888}, "users": {"rows": 10.6}}')).toEqual({
      'public.events': { rows: 40_000_000, bytes: 12_884_901_888 },
      'public.users': { rows: 11 },
    });
  });

  it('keeps names as the catalog spells them: no case folding; quotes allow dots', () => {
    expect(parse('{"User": 3, "\\"my.schema\\".\\"Odd\\"\\"Name\\"": 4}')).toEqual({ 'public.User': { rows: 3 }, 'my.schema.Odd"Name': { rows: 4 } });
  });

  it('names the line of a JSON syntax error', () => {
    expect(errorOf('{\n  "events": 1,\n  "users": 2,,\n}')).toMatch(/^table-rows rows\.json:3: is not valid JSON .*; fix the JSON/);
  });

  it('names the line and the table of a bad value, and says what to give', () => {
    expect(errorOf('{\n  "events": 1,\n  "users": "many"\n}')).toBe('table-rows rows.json:3: rows of "users" is "many"; give a whole number of rows, e.g. "users": 40000000');
    expect(errorOf('{\n  "events": -1\n}')).toMatch(/^table-rows rows\.json:2: rows of "events" is -1; give a number ≥ 0 \(reltuples is -1 for a table never analyzed/);
    expect(errorOf('{"events": {"rows": 1, "size": 2}}')).toMatch(/:1: "events" has "size"; give only "rows" and, optionally, "bytes"$/);
    expect(errorOf('{"events": {"bytes": 2}}')).toMatch(/:1: "events" has no number "rows"/);
    expect(errorOf('{"events": {"rows": 1, "bytes": "2 GB"}}')).toMatch(/:1: bytes of "events" is "2 GB"; give a whole number of bytes/);
  });

  it('refuses two entries for one table, spelled alike or not', () => {
    expect(errorOf('{\n "events": 1,\n "users": 2,\n "events": 3\n}')).toBe('table-rows rows.json:4: "events" is given twice (first at line 2); keep one entry per table');
    expect(errorOf('{\n "events": 1,\n "public.events": 3\n}')).toBe('table-rows rows.json:3: "public.events" is public.events, already given at line 2; keep one entry per table');
    // A nested "rows" key is not a table: no false duplicate.
    expect(parse('{"rows": {"rows": 1}, "b": {"rows": 2}}')).toEqual({ 'public.rows': { rows: 1 }, 'public.b': { rows: 2 } });
  });

  it('refuses what is not an object of tables', () => {
    expect(errorOf('\n[1, 2]')).toMatch(/^table-rows rows\.json:2: must be a JSON object/);
    expect(errorOf('   \n')).toMatch(/^table-rows rows\.json:1: is empty; give a JSON object/);
    expect(errorOf('{"db.public.events": 1}')).toMatch(/"db\.public\.events" has 3 parts; write schema\.table or table, without the database name$/);
    expect(errorOf('{"public.": 1}')).toMatch(/"public\." is not a table name/);
  });
});

describe('table-rows CSV (the production query through psql --csv)', () => {
  const csv = (text: string, defaultSchema?: string) => Object.fromEntries(parseTableRows(text, { file: 'rows.csv', ...(defaultSchema ? { defaultSchema } : {}) }));

  it('reads schema, table, rows and bytes, in any column order, CRLF or LF', () => {
    expect(csv('schema,table,rows,bytes\r\npublic,events,40000000,12884901888\r\nbilling,invoices,0,8192\r\n')).toEqual({
      'public.events': { rows: 40_000_000, bytes: 12_884_901_888 },
      'billing.invoices': { rows: 0, bytes: 8192 },
    });
    expect(csv('rows,table\n7,users\n', 'app')).toEqual({ 'app.users': { rows: 7 } });
  });

  it('reads quoted fields (commas, quotes, case) and float estimates; an empty bytes is no bytes', () => {
    expect(csv('schemaname,relname,reltuples,bytes\npublic,"We, ""the"" Users",4e+07,\n')).toEqual({ 'public.We, "the" Users': { rows: 40_000_000 } });
  });

  it('takes qualified table names when there is no schema column', () => {
    expect(csv('table,rows\npublic.events,5\nusers,6\n')).toEqual({ 'public.events': { rows: 5 }, 'public.users': { rows: 6 } });
  });

  it('names the line of a bad record, counting lines inside quoted fields', () => {
    const bad = (text: string) => errorOf(text, 'rows.csv');
    expect(bad('schema,table,rows\npublic,"multi\nline",1\npublic,events,lots\n')).toBe('table-rows rows.csv:4: rows of public.events is "lots"; give a whole number (the production query prints one)');
    expect(bad('schema,table,rows\npublic,events,1,2\n')).toMatch(/^table-rows rows\.csv:2: has 4 fields, the header has 3; quote fields/);
    expect(bad('schema,table,rows\npublic,events,-1\n')).toMatch(/^table-rows rows\.csv:2: rows of public\.events is -1; give a number ≥ 0/);
    expect(bad('schema,table,rows\npublic,events,1\npublic,events,2\n')).toBe('table-rows rows.csv:3: "public.events" is public.events, already given at line 2; keep one entry per table');
    expect(bad('schema,table,rows\npublic,"events,1\n')).toMatch(/^table-rows rows\.csv:2: has a quoted field that never ends/);
  });

  it('says what is wrong with the header or the format', () => {
    const bad = (text: string) => errorOf(text, 'rows.csv');
    expect(bad('schema,name,count\npublic,events,1\n')).toMatch(/^table-rows rows\.csv:1: the header "schema,name,count" has no table column; start with the header schema,table,rows,bytes/);
    expect(bad(' schema | table  |  rows\n--------+--------+------\n public | events |   5\n(1 row)\n')).toBe("table-rows rows.csv:1: looks like psql's aligned output, not CSV; run the production query with psql --csv");
    expect(bad('schema,table,rows\n')).toMatch(/^table-rows rows\.csv:2: lists no table/);
  });
});

describe('readTableRows', () => {
  it('reads the file; a missing one or a directory is a ConfigError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-rows-'));
    try {
      writeFileSync(join(dir, 'rows.json'), '{"events": 3}');
      expect(Object.fromEntries(await readTableRows(join(dir, 'rows.json'), { file: 'rows.json', defaultSchema: 'app' }))).toEqual({ 'app.events': { rows: 3 } });
      await expect(readTableRows(join(dir, 'nope.json'), { file: 'nope.json' })).rejects.toThrow(new ConfigError("table-rows file 'nope.json' does not exist; give the JSON or the CSV of the production query"));
      await expect(readTableRows(dir)).rejects.toThrow(/is a directory/);
      writeFileSync(join(dir, 'bad.json'), '{"events": true}');
      await expect(readTableRows(join(dir, 'bad.json'), { file: 'bad.json' })).rejects.toThrow(/^table-rows bad\.json:1: rows of "events" is true/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
