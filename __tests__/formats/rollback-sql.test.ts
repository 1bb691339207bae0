import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { rollbackSql } from '../../src/formats/rollback-sql.js';
import { files, thrown } from './files.js';

describe('rollback-sql', () => {
  it('pairs <n>_<name>.sql with .rollback.sql, numeric order, wrapped', () => {
    const ms = rollbackSql.parse(
      files({ '10_b.sql': 'SELECT 10;', '2_a.sql': 'SELECT 2;', '2_a.rollback.sql': 'SELECT -2;', 'notes.md': '' }),
      'db',
    );
    expect(ms.map((m) => m.id)).toEqual(['2', '10']);
    expect(ms[0]).toMatchObject({
      name: 'a',
      files: ['2_a.sql', '2_a.rollback.sql'],
      up: { file: 'db/2_a.sql', transaction: 'wrap' },
      down: { file: 'db/2_a.rollback.sql', text: 'SELECT -2;', transaction: 'wrap' },
    });
    expect(ms[1]!.down).toBeUndefined();
  });

  it('rejects a rollback without its migration and two files for one number', () => {
    const err = thrown(() => rollbackSql.parse(files({ '3_c.rollback.sql': '' }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('db/3_c.rollback.sql is a down migration without an up');
    expect(() => rollbackSql.parse(files({ '1_a.sql': '', '01_b.sql': '' }), 'db')).toThrow(/claim version/);
  });

  it('detects .rollback.sql files', () => {
    expect(rollbackSql.detect(files({ '1_a.sql': '', '1_a.rollback.sql': '' }))).toBe(true);
    expect(rollbackSql.detect(files({ '1_a.sql': '' }))).toBe(false);
  });
});
