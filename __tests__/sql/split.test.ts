import { describe, expect, it } from '@jest/globals';
import { isEffectivelyEmpty, splitStatements } from '../../src/sql/split.js';

/** Non-whitespace characters, in order: splitting must neither lose nor duplicate any. */
const ink = (s: string) => s.replace(/\s+/g, '');
const sqls = (text: string) => splitStatements(text).map((s) => s.sql);

describe('splitStatements', () => {
  it('splits at semicolons and reports start lines', () => {
    const text = 'CREATE TABLE a (id int);\n\nCREATE TABLE b (id int);\nSELECT 1';
    expect(splitStatements(text)).toEqual([
      { sql: 'CREATE TABLE a (id int);', line: 1 },
      { sql: 'CREATE TABLE b (id int);', line: 3 },
      { sql: 'SELECT 1', line: 4 },
    ]);
  });

  it('offsets lines by startLine', () => {
    expect(splitStatements('\n\nSELECT 1;\nSELECT 2;', 10).map((s) => s.line)).toEqual([12, 13]);
  });

  it('ignores semicolons in -- comments and keeps the comment with the next statement', () => {
    expect(splitStatements('-- a; b\nSELECT 1;')).toEqual([{ sql: '-- a; b\nSELECT 1;', line: 1 }]);
  });

  it('keeps a comment on the same line as ; with its statement', () => {
    expect(sqls('SELECT 1; -- one\nSELECT 2;')).toEqual(['SELECT 1; -- one', 'SELECT 2;']);
  });

  it('handles nested block comments', () => {
    expect(sqls('/* a /* b; */ c; */ SELECT 1; SELECT 2;')).toEqual(['/* a /* b; */ c; */ SELECT 1;', 'SELECT 2;']);
  });

  it('handles doubled quotes in strings', () => {
    expect(sqls("SELECT 'it''s; fine'; SELECT 2;")).toEqual(["SELECT 'it''s; fine';", 'SELECT 2;']);
  });

  it("handles E'' strings with backslash-escaped quotes", () => {
    expect(sqls("SELECT E'a\\'; b'; SELECT 2;")).toEqual(["SELECT E'a\\'; b';", 'SELECT 2;']);
    // In a standard string the backslash is literal, so the quote ends the string.
    expect(sqls("SELECT 'a\\'; SELECT 2;")).toEqual(["SELECT 'a\\';", 'SELECT 2;']);
  });

  it('handles quoted identifiers containing semicolons and doubled quotes', () => {
    expect(sqls('CREATE TABLE "a;""b" (id int); SELECT 2;')).toEqual(['CREATE TABLE "a;""b" (id int);', 'SELECT 2;']);
  });

  it('handles $$ and $tag$ dollar quoting', () => {
    const fn = 'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END; $fn$;';
    expect(sqls(`${fn}\nSELECT $$a;b$$;`)).toEqual([fn, 'SELECT $$a;b$$;']);
    expect(sqls('SELECT $a$ $$ ; $$ $a$; SELECT 2;')).toEqual(['SELECT $a$ $$ ; $$ $a$;', 'SELECT 2;']);
  });

  it('does not mistake $1 parameters or a$b identifiers for dollar quotes', () => {
    expect(sqls('PREPARE p AS SELECT $1; SELECT 2; -- $1')).toEqual(['PREPARE p AS SELECT $1;', 'SELECT 2; -- $1']);
    expect(sqls('SELECT a$b$ FROM t; SELECT 2;')).toEqual(['SELECT a$b$ FROM t;', 'SELECT 2;']);
  });

  it('does not split inside parentheses', () => {
    expect(sqls('CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3;')).toEqual([
      'CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);',
      'SELECT 3;',
    ]);
  });

  it('keeps BEGIN ATOMIC bodies together, CASE … END included', () => {
    const fn = [
      'CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql',
      'BEGIN ATOMIC',
      '  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;',
      '  SELECT 2;',
      'END;',
    ].join('\n');
    expect(sqls(`${fn}\nSELECT 3;`)).toEqual([fn, 'SELECT 3;']);
    // BEGIN in an ordinary statement is a transaction command and ends at its semicolon.
    expect(sqls('BEGIN; SELECT 1; END;')).toEqual(['BEGIN;', 'SELECT 1;', 'END;']);
  });

  it('merges stray semicolons and trailing comments into neighbours, losing nothing', () => {
    expect(sqls(';; SELECT 1;; -- tail\n/* end */')).toEqual([';; SELECT 1;; -- tail\n/* end */']);
    expect(sqls('-- only a comment')).toEqual(['-- only a comment']);
    expect(sqls('   \n  ')).toEqual([]);
  });

  it('never loses or duplicates non-whitespace characters', () => {
    const samples = [
      "SELECT 'x;y'; /* ; */ SELECT \"q;\"; -- c;\nSELECT $t$ ; $t$;;\n\n-- end",
      'CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END; CALL p();',
      "SELECT E'\\\\'; SELECT 'unterminated;",
    ];
    for (const text of samples) expect(ink(sqls(text).join(''))).toBe(ink(text));
  });

  it('treats an unterminated string as running to the end', () => {
    expect(sqls("SELECT 'a; SELECT 2;")).toEqual(["SELECT 'a; SELECT 2;"]);
  });
});

describe('isEffectivelyEmpty', () => {
  it('is true for whitespace, comments and semicolons only', () => {
    expect(isEffectivelyEmpty('')).toBe(true);
    expect(isEffectivelyEmpty(' -- nothing\n/* here */ ;\n')).toBe(true);
  });

  it('is false when any SQL is present, even in a comment-like string', () => {
    expect(isEffectivelyEmpty('-- x\nSELECT 1;')).toBe(false);
    expect(isEffectivelyEmpty("'-- not a comment'")).toBe(false);
  });
});
