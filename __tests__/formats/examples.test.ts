/**
 * Parses every example project and every broken fixture from disk: each must be detected as its
 * own format, give the four "shop" migrations in order with downs, and split the dollar-quoted
 * function into one statement wherever the tool splits.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, FORMATS, getFormat } from '../../src/formats/index.js';
import type { Migration, SqlScript } from '../../src/formats/types.js';
import { isEffectivelyEmpty, splitStatements } from '../../src/sql/split.js';
import { readDir } from './files.js';

// Jest runs from the repository root (see __tests__/e2e/harness.ts REPO_ROOT).
const root = process.cwd();
// Examples of the formats rollback-verify runs natively (no tool bookkeeping). Framework examples
// (TypeORM, Sequelize, …) are projects their own tool runs: verified end to end in their own tests.
const isSqlFormat = (dir: string) => FORMATS.some((f) => f.name === dir.replace(/-broken$/, '') && !f.bookkeepingTables);
const examples = readdirSync(join(root, 'examples')).filter(isSqlFormat).sort();
const broken = readdirSync(join(root, '__fixtures__', 'formats')).filter(isSqlFormat).sort();
const sql = (m: Migration, d: 'up' | 'down') => m[d] as SqlScript;

function load(dir: string, display: string): { format: string; migrations: Migration[] } {
  const files = readDir(dir);
  const format = detectFormat(files, display);
  return { format: format.name, migrations: format.parse(files, display) };
}

describe('examples/', () => {
  it('has one example per SQL format', () => {
    expect(examples).toEqual(['dbmate', 'diesel', 'flyway', 'golang-migrate', 'goose', 'pop', 'prisma', 'rollback-sql']);
  });

  it.each(examples)('%s parses as itself into the four shop migrations with downs', (name) => {
    const { format, migrations } = load(join(root, 'examples', name), `examples/${name}`);
    expect(format).toBe(name);
    expect(migrations.map((m) => m.name.replaceAll(' ', '_'))).toEqual([
      'create_customers',
      'create_orders',
      'touch_orders_updated_at',
      'customer_order_totals',
    ]);
    for (const m of migrations) {
      expect(m.down).toBeDefined();
      expect(isEffectivelyEmpty(sql(m, 'down').text)).toBe(false);
      expect(m.markers).toEqual({});
    }
    const fn = sql(migrations[2]!, 'up');
    const statements = fn.statements ?? splitStatements(fn.text, fn.line);
    expect(statements).toHaveLength(3);
    expect(statements[1]!.sql).toMatch(/CREATE FUNCTION touch_updated_at[\s\S]*END;\n\$\$;?$/);
  });
});

describe('__fixtures__/formats/', () => {
  it('has one broken variant per example', () => {
    expect(broken).toEqual(examples.map((e) => `${e}-broken`));
  });

  it.each(broken)('%s parses, and only the last down differs from the example', (name) => {
    const format = name.replace(/-broken$/, '');
    const bad = getFormat(format).parse(readDir(join(root, '__fixtures__', 'formats', name)), name).map((m) => m);
    const good = getFormat(format).parse(readDir(join(root, 'examples', format)), format);
    expect(bad.map((m) => m.id)).toEqual(good.map((m) => m.id));
    bad.forEach((m, i) => {
      expect(sql(m, 'up').text).toBe(sql(good[i]!, 'up').text);
      const same = sql(m, 'down').text === sql(good[i]!, 'down').text;
      expect(same).toBe(i < bad.length - 1);
    });
    expect(sql(bad[3]!, 'down').text).not.toMatch(/^DROP INDEX/m);
  });
});
