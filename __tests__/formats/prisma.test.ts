import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { prisma } from '../../src/formats/prisma.js';
import { files, thrown } from './files.js';

describe('prisma', () => {
  it('reads migration.sql and down.sql per folder, in folder-name order, as one implicit message', () => {
    const ms = prisma.parse(
      files({
        'migration_lock.toml': 'provider = "postgresql"',
        '20240201000000_b/migration.sql': 'SELECT 2;',
        '20240101000000_a/migration.sql': 'SELECT 1;',
        '20240101000000_a/down.sql': 'SELECT -1;',
        '20240101000000_a/README.md': 'notes',
      }),
      'prisma/migrations',
    );
    expect(ms.map((m) => m.id)).toEqual(['20240101000000', '20240201000000']);
    expect(ms[0]).toMatchObject({
      name: 'a',
      files: ['20240101000000_a/migration.sql', '20240101000000_a/down.sql'],
      up: { file: 'prisma/migrations/20240101000000_a/migration.sql', text: 'SELECT 1;', transaction: 'implicit' },
      down: { file: 'prisma/migrations/20240101000000_a/down.sql', transaction: 'implicit' },
    });
    expect(ms[0]!.up).not.toHaveProperty('statements');
    expect(ms[1]!.down).toBeUndefined();
  });

  it('rejects a down.sql without migration.sql', () => {
    const err = thrown(() => prisma.parse(files({ '1_a/down.sql': '' }), 'pm'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('pm/1_a/down.sql is a down migration without an up');
  });

  it('rejects SQL in a folder without migration.sql, and badly named folders', () => {
    expect(() => prisma.parse(files({ '1_a/up.sql': '' }), 'pm')).toThrow(/pm\/1_a\/up.sql/);
    expect(() => prisma.parse(files({ 'init/migration.sql': '' }), 'pm')).toThrow(/pm\/init/);
  });

  it('rejects two folders with one timestamp', () => {
    expect(() => prisma.parse(files({ '1_a/migration.sql': '', '1_b/migration.sql': '' }), 'pm')).toThrow(/claim timestamp 1/);
  });

  it('detects <n>_<name>/migration.sql', () => {
    expect(prisma.detect(files({ '1_a/migration.sql': '' }))).toBe(true);
    expect(prisma.detect(files({ '1_a/up.sql': '' }))).toBe(false);
  });
});
