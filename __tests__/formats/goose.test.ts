import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { endsWithSemicolon, parseGooseSql } from '../../src/formats/goose-parser.js';
import { goose } from '../../src/formats/goose.js';
import { files, sql, thrown } from './files.js';

describe('goose splitter (internal/sqlparser/parser.go)', () => {
  it('drops leading comments, keeps comments inside a statement, and records lines', () => {
    const r = parseGooseSql(
      ['-- +goose Up', '-- leading comment', '', 'CREATE TABLE a (', '  -- inner comment', '  id int', ');', 'SELECT 1; -- trailing', '-- +goose Down', 'DROP TABLE a;'].join('\n'),
    );
    expect(r.up).toEqual([
      { sql: 'CREATE TABLE a (\n  -- inner comment\n  id int\n);', line: 4 },
      { sql: 'SELECT 1; -- trailing', line: 8 },
    ]);
    expect(r.down).toEqual([{ sql: 'DROP TABLE a;', line: 10 }]);
    expect(r.useTx).toBe(true);
  });

  it('splits only where a line ends with ; — even inside a dollar-quoted body', () => {
    const r = parseGooseSql('-- +goose Up\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND $$ LANGUAGE plpgsql;\n');
    expect(r.up.map((s) => s.sql)).toEqual(['CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;', 'END $$ LANGUAGE plpgsql;']);
  });

  it('does not split at ; in the middle of a line', () => {
    const r = parseGooseSql('-- +goose Up\nSELECT 1; SELECT 2;\nSELECT 3\n;\n');
    expect(r.up.map((s) => s.sql)).toEqual(['SELECT 1; SELECT 2;', 'SELECT 3\n;']);
  });

  it('keeps StatementBegin … StatementEnd together', () => {
    const r = parseGooseSql(
      '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND $$ LANGUAGE plpgsql;\n-- +goose StatementEnd\nSELECT 2;\n',
    );
    expect(r.up).toEqual([
      { sql: 'CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND $$ LANGUAGE plpgsql;', line: 3 },
      { sql: 'SELECT 2;', line: 8 },
    ]);
  });

  it('reads NO TRANSACTION and matches annotations case-insensitively', () => {
    const r = parseGooseSql('-- +goose NO TRANSACTION\n-- +goose up\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- +goose DOWN\nDROP INDEX i;\n');
    expect(r.useTx).toBe(false);
    expect(r.up).toHaveLength(1);
    expect(r.down).toHaveLength(1);
  });

  it('endsWithSemicolon looks at the last word before a -- word', () => {
    expect(endsWithSemicolon('SELECT 1; -- x')).toBe(true);
    expect(endsWithSemicolon("SELECT ';' -- ;")).toBe(false);
    expect(endsWithSemicolon('SELECT 1;--x')).toBe(false);
  });
});

describe('goose format', () => {
  it('orders numerically, wraps by default and gives statements', () => {
    const ms = goose.parse(
      files({
        '10_b.sql': '-- +goose Up\nSELECT 10;\n-- +goose Down\nSELECT -10;\n',
        '2_a.sql': '-- +goose Up\nSELECT 2;\n',
        'helpers.go': 'package x',
        'notes.txt': '',
      }),
      'db',
    );
    expect(ms.map((m) => m.id)).toEqual(['2', '10']);
    expect(ms[1]).toMatchObject({
      name: 'b',
      up: { file: 'db/10_b.sql', text: 'SELECT 10;', line: 2, transaction: 'wrap', statements: [{ sql: 'SELECT 10;', line: 2 }] },
      down: { text: 'SELECT -10;\n', line: 4, statements: [{ sql: 'SELECT -10;', line: 4 }] },
    });
    expect(ms[0]!.down).toBeUndefined();
  });

  it('uses none for NO TRANSACTION and passes an empty Down section through', () => {
    const [m] = goose.parse(files({ '1_a.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nSELECT 1;\n-- +goose Down\n' }), '.');
    expect(sql(m!.up).transaction).toBe('none');
    expect(m!.down).toMatchObject({ text: '', statements: [] });
  });

  it('rejects .go migrations, naming the file, but skips _test.go', () => {
    const err = thrown(() => goose.parse(files({ '3_seed.go': 'package m', '1_a_test.go': '' }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('db/3_seed.go');
    expect(goose.parse(files({ '1_a_test.go': '' }), 'db')).toEqual([]);
  });

  it.each([
    ['no Up annotation', 'SELECT 1;\n', /must start with '-- \+goose Up'/],
    ['a missing semicolon', '-- +goose Up\nSELECT 1\n', /missing semicolon/],
    ['a missing semicolon before Down', '-- +goose Up\nSELECT 1\n-- +goose Down\n', /:2: .*missing semicolon/],
    ['an unknown annotation', '-- +goose Up\n-- +goose Sideways\n', /:2: .*unknown annotation/],
    ['an indented annotation', '-- +goose Up\n  -- +goose Down\n', /leading whitespace/],
    ['an unclosed StatementBegin', '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n', /StatementEnd/],
    ['two Up annotations', '-- +goose Up\n-- +goose Up\n', /duplicate/],
  ])('rejects a file with %s', (_, body, message) => {
    const err = thrown(() => goose.parse(files({ '1_a.sql': body }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('db/1_a.sql');
    expect(err.message).toMatch(message);
  });

  it('rejects two files with one version and version 0', () => {
    expect(() => goose.parse(files({ '1_a.sql': '-- +goose Up\n', '01_b.sql': '-- +goose Up\n' }), '.')).toThrow(/claim version/);
    expect(() => goose.parse(files({ '0_a.sql': '-- +goose Up\n' }), '.')).toThrow(ConfigError);
  });

  it('detects by the +goose Up annotation', () => {
    expect(goose.detect(files({ '1_a.sql': '-- +goose Up\n' }))).toBe(true);
    expect(goose.detect(files({ '1_a.sql': '-- migrate:up\n' }))).toBe(false);
  });
});

describe('goose statement lines', () => {
  it('start at the first line with content when whitespace-only lines open the buffer', () => {
    const r = parseGooseSql('-- +goose Up\n   \n-- kept comment\nSELECT 1;\n');
    expect(r.up).toEqual([{ sql: '-- kept comment\nSELECT 1;', line: 3 }]);
  });
});
