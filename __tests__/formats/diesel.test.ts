import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { diesel, runInTransaction } from '../../src/formats/diesel.js';
import { files, sql, thrown } from './files.js';

describe('diesel', () => {
  it('reads folders in version order with dashes removed, wrapped by default', () => {
    const ms = diesel.parse(
      files({
        '2024-02-01-000000_b/up.sql': 'SELECT 2;',
        '2024-01-01-000000_a/up.sql': 'SELECT 1;',
        '2024-01-01-000000_a/down.sql': 'SELECT -1;',
        '.keep': '',
        'README.md': '',
      }),
      'migrations',
    );
    expect(ms.map((m) => m.id)).toEqual(['20240101000000', '20240201000000']);
    expect(ms[0]).toMatchObject({
      name: 'a',
      up: { file: 'migrations/2024-01-01-000000_a/up.sql', transaction: 'wrap' },
      down: { file: 'migrations/2024-01-01-000000_a/down.sql', transaction: 'wrap' },
    });
    expect(ms[1]!.down).toBeUndefined();
  });

  it('does not wrap when metadata.toml says run_in_transaction = false', () => {
    const [m] = diesel.parse(
      files({ '1_a/up.sql': 'CREATE INDEX CONCURRENTLY i ON t (x);', '1_a/down.sql': 'x', '1_a/metadata.toml': 'run_in_transaction = false\n' }),
      '.',
    );
    expect(sql(m!.up).transaction).toBe('implicit');
    expect(sql(m!.down).transaction).toBe('implicit');
    expect(m!.files).toContain('1_a/metadata.toml');
  });

  it("follows diesel's TomlMetadata defaults", () => {
    expect(runInTransaction(undefined)).toBe(true);
    expect(runInTransaction('run_in_transaction = true # yes')).toBe(true);
    expect(runInTransaction('# empty')).toBe(false); // parses, key absent: serde default false
    expect(runInTransaction('run_in_transaction = "no"')).toBe(true); // type error: default
    expect(runInTransaction('this is not toml')).toBe(true);
    expect(runInTransaction('[other]\nrun_in_transaction = false')).toBe(false);
  });

  it('rejects folders without up.sql, empty up.sql and duplicate versions', () => {
    const err = thrown(() => diesel.parse(files({ '1_a/down.sql': '' }), 'm'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('m/1_a/down.sql is a down migration without an up');
    expect(() => diesel.parse(files({ '1_a/notes.txt': '' }), 'm')).toThrow(/m\/1_a: diesel requires up.sql/);
    expect(() => diesel.parse(files({ '1_a/up.sql': '' }), 'm')).toThrow(/empty migration/);
    expect(() => diesel.parse(files({ '2024-01-01_a/up.sql': 'x', '20240101_b/up.sql': 'x' }), 'm')).toThrow(/claim version 20240101/);
  });

  it('detects <version>/up.sql', () => {
    expect(diesel.detect(files({ '2024-01-01-000000_a/up.sql': '' }))).toBe(true);
    expect(diesel.detect(files({ '1_a/migration.sql': '' }))).toBe(false);
  });
});
