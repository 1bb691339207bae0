import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { parseFlywaySql } from '../../src/formats/flyway-parser.js';
import { compareFlywayVersions, parseFlywayVersion } from '../../src/formats/flyway-version.js';
import { flyway } from '../../src/formats/flyway.js';
import { files, sql, thrown } from './files.js';

const v = (s: string) => parseFlywayVersion(s)!;

describe('Flyway versions (MigrationVersion.java)', () => {
  it('orders 1.10 after 1.9 and treats _ as .', () => {
    const sorted = ['1.10', '1.9', '2', '1_2', '1'].map(v).sort(compareFlywayVersions).map((x) => x.display);
    expect(sorted).toEqual(['1', '1.2', '1.9', '1.10', '2']);
  });

  it('treats trailing zeros as equal and rejects non-numeric parts', () => {
    expect(compareFlywayVersions(v('1.0.0'), v('1'))).toBe(0);
    expect(parseFlywayVersion('1.a')).toBeUndefined();
    expect(parseFlywayVersion('')).toBeUndefined();
  });
});

describe('Flyway statement parser', () => {
  const split = (sql: string) => parseFlywaySql(sql).map((s) => s.sql);

  it('drops the delimiter, keeps leading comments, and reports the line where the text starts', () => {
    expect(parseFlywaySql('\n-- note\nCREATE TABLE a (id int);\n\nSELECT 1')).toEqual([
      { sql: '-- note\nCREATE TABLE a (id int)', line: 2, canExecuteInTransaction: true },
      { sql: 'SELECT 1', line: 5, canExecuteInTransaction: true },
    ]);
  });

  it('drops comments before a lone ; and after the last statement', () => {
    expect(split('SELECT 1;\n-- lone\n;\nSELECT 2;\n-- tail\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('does not split inside strings, comments, parentheses, dollar quotes or BEGIN ATOMIC', () => {
    expect(split("SELECT 'a;b', E'c\\';d', \"e;f\" /* g; /* h; */ */;SELECT 2")).toEqual([
      "SELECT 'a;b', E'c\\';d', \"e;f\" /* g; /* h; */ */",
      'SELECT 2',
    ]);
    expect(split('CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql; SELECT 2')).toHaveLength(2);
    expect(split('CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3')).toEqual([
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END',
      'SELECT 3',
    ]);
  });

  it('reproduces Flyway treating any $ as a dollar quote opener (so $1 swallows text)', () => {
    expect(split('PREPARE p AS SELECT $1; SELECT 2;')).toEqual(['PREPARE p AS SELECT $1; SELECT 2;']);
    // The "tag" runs from $1 to the next $, and its closing copy never comes.
    expect(split('SELECT $1; SELECT $$x$$;')).toEqual(['SELECT $1; SELECT $$x$$;']);
  });

  it('reproduces Flyway reading only upper-case E as an escape string', () => {
    // e'\'' is read as e + '\' + '…', so the backslash does not escape.
    expect(split("SELECT e'a\\'; SELECT 2")).toEqual(["SELECT e'a\\'", 'SELECT 2']);
  });

  it('marks PostgreSQL non-transactional statements', () => {
    const flags = (sql: string) => parseFlywaySql(sql).map((s) => s.canExecuteInTransaction);
    expect(flags('CREATE INDEX CONCURRENTLY i ON t (x); create unique index concurrently j on t (y); DROP INDEX CONCURRENTLY i; VACUUM; CREATE INDEX i ON t (x)')).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(flags('ALTER SYSTEM SET work_mem = 1; CREATE DATABASE d; REINDEX SCHEMA s; DISCARD ALL; REINDEX TABLE t')).toEqual([false, false, false, false, true]);
  });

  it('rejects COPY FROM STDIN and incomplete statements', () => {
    expect(() => parseFlywaySql('COPY t (a) FROM STDIN;\n1\n\\.\n')).toThrow(/COPY/);
    expect(() => parseFlywaySql('SELECT (1;')).toThrow(/Incomplete/);
  });
});

describe('Flyway format', () => {
  it('pairs V and U scripts, orders by version, and wraps', () => {
    const ms = flyway.parse(
      files({
        'V1.10__ten.sql': 'SELECT 10;',
        'V1.9__nine.sql': 'SELECT 9;',
        'U1.9__nine.sql': 'SELECT -9;',
        'sub/V1__add_users_table.sql': 'CREATE TABLE u (id int);\nCREATE TABLE v (id int);',
        'R__views.sql': 'CREATE VIEW x AS SELECT 1;',
        'afterMigrate.sql': 'SELECT 0;',
        'Views.sql': '',
        'README.md': '',
      }),
      'sql',
    );
    expect(ms.map((m) => m.id)).toEqual(['1', '1.9', '1.10']);
    expect(ms[0]).toMatchObject({
      name: 'add users table',
      files: ['sub/V1__add_users_table.sql'],
      up: {
        file: 'sql/sub/V1__add_users_table.sql',
        transaction: 'wrap',
        statements: [
          { sql: 'CREATE TABLE u (id int)', line: 1 },
          { sql: 'CREATE TABLE v (id int)', line: 2 },
        ],
      },
    });
    expect(ms[1]!.down).toMatchObject({ file: 'sql/U1.9__nine.sql', statements: [{ sql: 'SELECT -9' }] });
    expect(ms[0]!.down).toBeUndefined();
  });

  it('runs a script of only non-transactional statements without a transaction', () => {
    const [m] = flyway.parse(files({ 'V1__idx.sql': 'CREATE INDEX CONCURRENTLY i ON t (x);' }), '.');
    expect(sql(m!.up).transaction).toBe('none');
  });

  it('refuses mixed scripts unless a .conf sets executeInTransaction', () => {
    const mixed = 'CREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY i ON t (x);';
    const err = thrown(() => flyway.parse(files({ 'V1__m.sql': mixed }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('db/V1__m.sql:2');
    const [m] = flyway.parse(files({ 'V1__m.sql': mixed, 'V1__m.sql.conf': '# no tx\nexecuteInTransaction=false\n' }), 'db');
    expect(sql(m!.up).transaction).toBe('none');
    expect(m!.files).toEqual(['V1__m.sql', 'V1__m.sql.conf']);
    const [w] = flyway.parse(files({ 'V1__w.sql': 'SELECT 1;', 'V1__w.sql.conf': 'executeInTransaction = true' }), 'db');
    expect(sql(w!.up).transaction).toBe('wrap');
    expect(() => flyway.parse(files({ 'V1__w.sql': '', 'V1__w.sql.conf': 'executeInTransaction=maybe' }), 'db')).toThrow(/V1__w.sql.conf:1/);
  });

  it('rejects two scripts with one version (1 and 1.0 are equal)', () => {
    const err = thrown(() => flyway.parse(files({ 'V1__a.sql': '', 'V1.0__b.sql': '' }), 'db'));
    expect(err.message).toContain('db/V1__a.sql');
    expect(err.message).toContain('db/V1.0__b.sql');
  });

  it('rejects an undo without a versioned migration', () => {
    expect(() => flyway.parse(files({ 'U2__x.sql': '' }), 'db')).toThrow(/db\/U2__x.sql is a down migration without an up/);
  });

  it('rejects a V/U name Flyway would silently skip', () => {
    expect(() => flyway.parse(files({ 'V1_init.sql': '' }), 'db')).toThrow(/db\/V1_init.sql: not a valid Flyway migration name/);
    expect(() => flyway.parse(files({ 'V1.x__init.sql': '' }), 'db')).toThrow(ConfigError);
  });

  it('turns parser errors into ConfigErrors with file and line', () => {
    expect(() => flyway.parse(files({ 'V1__a.sql': 'SELECT 1;\nSELECT (2;' }), 'db')).toThrow(/db\/V1__a.sql:2/);
  });

  it('detects V scripts at any depth', () => {
    expect(flyway.detect(files({ 'a/b/V1__x.sql': '' }))).toBe(true);
    expect(flyway.detect(files({ 'U1__x.sql': '', 'R__x.sql': '' }))).toBe(false);
  });
});
