import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { pop } from '../../src/formats/pop.js';
import { files, sql, thrown } from './files.js';

describe('pop (ory popx)', () => {
  it('keeps postgres and dialect-less files, skips other and unknown dialects, walks subfolders', () => {
    const ms = pop.parse(
      files({
        '20240101000000_a.postgres.up.sql': 'PG UP',
        '20240101000000_a.up.sql': 'ALL UP',
        '20240101000000_a.down.sql': 'ALL DOWN',
        '20240101000000_a.mysql.up.sql': 'MY UP',
        '20240101000000_a.oracle.up.sql': 'unknown dialect',
        'sub/20240201000000_b.postgresql.up.sql': 'PG B',
        '20240301000000_c.cockroach.up.sql': 'CR C',
        'README.md': '',
      }),
      'persistence/sql/migrations',
    );
    expect(ms.map((m) => m.id)).toEqual(['20240101000000', '20240201000000']);
    expect(ms[0]).toMatchObject({
      name: 'a',
      up: { text: 'PG UP', file: 'persistence/sql/migrations/20240101000000_a.postgres.up.sql', transaction: 'wrap' },
      down: { text: 'ALL DOWN' },
      files: ['20240101000000_a.postgres.up.sql', '20240101000000_a.down.sql'],
    });
    expect(sql(ms[1]!.up).file).toBe('persistence/sql/migrations/sub/20240201000000_b.postgresql.up.sql');
  });

  it('runs .autocommit files as one message without a transaction', () => {
    const [m] = pop.parse(files({ '1_a.autocommit.up.sql': 'x', '1_a.postgres.autocommit.down.sql': 'y' }), '.');
    expect(sql(m!.up).transaction).toBe('implicit');
    expect(sql(m!.down).transaction).toBe('implicit');
  });

  it('orders versions as strings, as popx does', () => {
    const ms = pop.parse(files({ '9_a.up.sql': '', '10_b.up.sql': '' }), '.');
    expect(ms.map((m) => m.id)).toEqual(['10', '9']);
  });

  it('rejects fizz files, unmatched .sql files, duplicates and downs without ups', () => {
    const fizz = thrown(() => pop.parse(files({ '1_a.up.fizz': 'create_table("x")' }), 'm'));
    expect(fizz).toBeInstanceOf(ConfigError);
    expect(fizz.message).toContain('m/1_a.up.fizz is a fizz migration');
    expect(() => pop.parse(files({ 'seed.sql': '' }), 'm')).toThrow(/m\/seed.sql does not match/);
    expect(() => pop.parse(files({ '1_a.up.sql': '', '1_b.up.sql': '' }), 'm')).toThrow(/claim version 1/);
    expect(() => pop.parse(files({ '1_a.postgres.down.sql': '' }), 'm')).toThrow(/down migration without an up/);
  });

  it('detects only pop-specific names (dialect, autocommit, fizz)', () => {
    expect(pop.detect(files({ '1_a.postgres.up.sql': '' }))).toBe(true);
    expect(pop.detect(files({ '1_a.autocommit.up.sql': '' }))).toBe(true);
    expect(pop.detect(files({ '1_a.up.fizz': '' }))).toBe(true);
    expect(pop.detect(files({ '1_a.up.sql': '' }))).toBe(false);
  });
});
