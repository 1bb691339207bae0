import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { golangMigrate } from '../../src/formats/golang-migrate.js';
import { files, thrown } from './files.js';

describe('golang-migrate', () => {
  it('pairs up/down files and orders versions numerically, not as strings', () => {
    const ms = golangMigrate.parse(
      files({
        '10_c.up.sql': 'SELECT 10;',
        '9_b.up.sql': 'SELECT 9;',
        '9_b.down.sql': 'SELECT -9;',
        '1_a.up.sql': 'SELECT 1;',
      }),
      'db/migrations',
    );
    expect(ms.map((m) => m.id)).toEqual(['1', '9', '10']);
    expect(ms[1]).toMatchObject({
      name: 'b',
      files: ['9_b.up.sql', '9_b.down.sql'],
      up: { kind: 'sql', file: 'db/migrations/9_b.up.sql', text: 'SELECT 9;', line: 1, transaction: 'implicit' },
      down: { file: 'db/migrations/9_b.down.sql', text: 'SELECT -9;', transaction: 'implicit' },
    });
    expect(ms[1]!.up).not.toHaveProperty('statements');
    expect(ms[0]!.down).toBeUndefined();
  });

  it('keeps the version as written (leading zeros) and ignores other files and subdirectories', () => {
    const ms = golangMigrate.parse(
      files({ '000002_x.up.sql': '', 'README.md': '# hi', 'sub/3_y.up.sql': '', 'schema.sql': '' }),
      '.',
    );
    expect(ms.map((m) => [m.id, m.up.file])).toEqual([['000002', '000002_x.up.sql']]);
  });

  it('passes a comment-only down through', () => {
    const [m] = golangMigrate.parse(files({ '1_a.up.sql': 'SELECT 1;', '1_a.down.sql': '-- nothing\n' }), '.');
    expect(m!.down).toMatchObject({ text: '-- nothing\n' });
  });

  it('collects markers from both files', () => {
    const [m] = golangMigrate.parse(
      files({ '1_a.up.sql': 'SELECT 1;\n-- rollback-verify: irreversible', '1_a.down.sql': '' }),
      'db',
    );
    expect(m!.markers).toEqual({ irreversible: { file: 'db/1_a.up.sql', line: 2 } });
  });

  it('rejects two files for one version and direction (1 and 001 are one version)', () => {
    const err = thrown(() => golangMigrate.parse(files({ '1_a.up.sql': '', '001_b.up.sql': '' }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('db/1_a.up.sql');
    expect(err.message).toContain('db/001_b.up.sql');
  });

  it('rejects a down without an up', () => {
    const err = thrown(() => golangMigrate.parse(files({ '2_b.down.sql': '' }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/db\/2_b\.down\.sql is a down migration without an up/);
  });

  it('rejects versions beyond uint64', () => {
    expect(() => golangMigrate.parse(files({ '18446744073709551616_a.up.sql': '' }), 'db')).toThrow(ConfigError);
  });

  it('rejects an unknown marker', () => {
    expect(() => golangMigrate.parse(files({ '1_a.up.sql': '-- rollback-verify: maybe' }), 'db')).toThrow(/db\/1_a.up.sql:1/);
  });

  it('detects top-level up/down files only', () => {
    expect(golangMigrate.detect(files({ '1_a.up.sql': '' }))).toBe(true);
    expect(golangMigrate.detect(files({ 'x/1_a.up.sql': '', '1_a.sql': '' }))).toBe(false);
  });
});

describe('golang-migrate detection versus pop', () => {
  it('steps aside when pop-only names are present', () => {
    expect(golangMigrate.detect(files({ '1_a.up.sql': '', '1_a.postgres.up.sql': '' }))).toBe(false);
    expect(golangMigrate.detect(files({ '1_a.up.sql': '', '2_b.up.fizz': '' }))).toBe(false);
  });
});
