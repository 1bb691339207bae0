import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { dbmate } from '../../src/formats/dbmate.js';
import { files, sql, thrown } from './files.js';

const file = (body: string) => files({ '20240101000000_add_users.sql': body });

describe('dbmate', () => {
  it('splits the file into up and down sections with their lines, directives included', () => {
    const [m] = dbmate.parse(file('-- a comment\n-- migrate:up\nCREATE TABLE u (id int);\n\n-- migrate:down\nDROP TABLE u;\n'), 'db');
    expect(m).toMatchObject({
      id: '20240101000000',
      name: 'add_users',
      files: ['20240101000000_add_users.sql'],
      up: { file: 'db/20240101000000_add_users.sql', text: '-- migrate:up\nCREATE TABLE u (id int);\n\n', line: 2, transaction: 'wrap' },
      down: { text: '-- migrate:down\nDROP TABLE u;\n', line: 5, transaction: 'wrap' },
    });
    expect(m!.up).not.toHaveProperty('statements');
  });

  it('runs a transaction:false section as one message without BEGIN (implicit)', () => {
    const [m] = dbmate.parse(file('-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON u (id);\n-- migrate:down\nDROP INDEX i;\n'), '.');
    expect(sql(m!.up).transaction).toBe('implicit');
    expect(sql(m!.down).transaction).toBe('wrap');
  });

  it('ignores options other than transaction:false', () => {
    const [m] = dbmate.parse(file('-- migrate:up foo:bar transaction:true\nSELECT 1;\n-- migrate:down\n'), '.');
    expect(sql(m!.up).transaction).toBe('wrap');
  });

  it('gives repeated sections as separate statements, each its own transaction', () => {
    const [m] = dbmate.parse(
      file('-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT -1;\n-- migrate:up transaction:false\nSELECT 2;\n-- migrate:down\nSELECT -2;\n'),
      '.',
    );
    expect(m!.up).toMatchObject({
      transaction: 'none',
      statements: [
        { sql: '-- migrate:up\nSELECT 1;\n', line: 1 },
        { sql: '-- migrate:up transaction:false\nSELECT 2;\n', line: 5 },
      ],
    });
    expect(sql(m!.down).statements!.map((s) => s.line)).toEqual([3, 7]);
  });

  it('orders files by name and ignores files without a leading number', () => {
    const ms = dbmate.parse(
      files({ '2_b.sql': '-- migrate:up\n-- migrate:down\n', '10_a.sql': '-- migrate:up\n-- migrate:down\n', 'schema.sql': 'x' }),
      '.',
    );
    expect(ms.map((m) => m.id)).toEqual(['10', '2']);
  });

  it('passes an empty down section through', () => {
    const [m] = dbmate.parse(file('-- migrate:up\nSELECT 1;\n-- migrate:down\n'), '.');
    expect(sql(m!.down).text).toBe('-- migrate:down\n');
  });

  it.each([
    ['no up', 'SELECT 1;\n', /define an up block/],
    ['no down', '-- migrate:up\nSELECT 1;\n', /define a down block/],
    ['SQL before up', 'SELECT 0;\n-- migrate:up\n-- migrate:down\n', /preceding/],
    ['two downs', '-- migrate:up\n-- migrate:down\n-- migrate:down\n', /preceded by a '-- migrate:up'/],
  ])('rejects a file with %s', (_, body, message) => {
    const err = thrown(() => dbmate.parse(file(body), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
    expect(err.message).toContain('db/20240101000000_add_users.sql');
  });

  it('rejects two files with one version', () => {
    expect(() =>
      dbmate.parse(files({ '1_a.sql': '-- migrate:up\n-- migrate:down\n', '1_b.sql': '-- migrate:up\n-- migrate:down\n' }), '.'),
    ).toThrow(/two migration files claim version 1/);
  });

  it('detects by the migrate:up directive', () => {
    expect(dbmate.detect(file('-- migrate:up\n'))).toBe(true);
    expect(dbmate.detect(file('-- +goose Up\n'))).toBe(false);
  });
});
