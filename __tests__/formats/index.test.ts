import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { detectFormat, FORMATS, getFormat } from '../../src/formats/index.js';
import { files, thrown } from './files.js';

describe('format registry', () => {
  it('lists the eight SQL formats, then the tool-driven ones, and finds them by name', () => {
    expect(FORMATS.map((f) => f.name)).toEqual([
      'golang-migrate', 'dbmate', 'goose', 'flyway', 'prisma', 'rollback-sql', 'diesel', 'pop',
      'alembic', 'sqitch', 'node-pg-migrate', 'knex', 'typeorm', 'sequelize', 'laravel', 'rails', 'django', 'commands',
    ]);
    expect(getFormat('goose').name).toBe('goose');
    const err = thrown(() => getFormat('liquibase'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("unknown format 'liquibase'");
  });
});

describe('detectFormat', () => {
  it.each([
    ['golang-migrate', { '1_a.up.sql': '', '1_a.down.sql': '' }],
    ['dbmate', { '1_a.sql': '-- migrate:up\n-- migrate:down\n' }],
    ['goose', { '1_a.sql': '-- +goose Up\n' }],
    ['flyway', { 'V1__a.sql': '' }],
    ['prisma', { 'migration_lock.toml': '', '1_a/migration.sql': '' }],
    ['rollback-sql', { '1_a.sql': '', '1_a.rollback.sql': '' }],
    ['diesel', { '2024-01-01-000000_a/up.sql': '' }],
    ['pop', { '20240101000000_a.postgres.up.sql': '', '20240101000000_a.up.sql': '' }],
    ['alembic', { 'alembic.ini': '', 'migrations/versions/a_x.py': '' }],
    ['sqitch', { 'sqitch.plan': '', 'deploy/a.sql': '' }],
    ['node-pg-migrate', { '1700000000000_a.js': 'exports.up = (pgm) => {};' }],
    ['knex', { 'knexfile.js': '', 'migrations/1_a.js': '' }],
    ['rails', { '20240101000000_a.rb': 'class A < ActiveRecord::Migration[7.1]\nend\n' }],
    ['django', { '__init__.py': '', '0001_initial.py': 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    pass\n' }],
  ])('recognises %s', (name, spec) => {
    expect(detectFormat(files(spec)).name).toBe(name);
  });

  it('leaves plain .up.sql files to golang-migrate even with 14-digit timestamps', () => {
    expect(detectFormat(files({ '20240101000000_a.up.sql': '' })).name).toBe('golang-migrate');
  });

  it('names the directory and the expected shapes when nothing matches', () => {
    const err = thrown(() => detectFormat(files({ 'README.md': '' }), 'db/migrations'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^no migration format recognised in db\/migrations: expected golang-migrate \(/);
  });

  it('names both formats and --format when two match', () => {
    const err = thrown(() => detectFormat(files({ '1_a.up.sql': '', 'V1__a.sql': '' }), 'db'));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('golang-migrate and flyway');
    expect(err.message).toContain('--format');
  });
});
