/**
 * `--fix` for frameworks whose down is code (src/fix/code-writers.ts), on the broken examples: the
 * SQL goes after what the down already does (Django: first operation, run last when unapplying),
 * exactly as text the language reads back (quotes, backslashes, `${`, heredoc lines). The real
 * frameworks run the result in fix-cli.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillDjangoOperations, fillLaravelDown, fillRailsDown, fillSequelizeDown, fillTypeormDown, type CodeEdit } from '../../src/fix/code-writers.js';

const fixture = (path: string) => readFileSync(join(process.cwd(), '__fixtures__', 'formats', path), 'utf8');
const content = { statements: [{ sql: 'DROP INDEX public.orders_status_idx' }, { sql: "COMMENT ON TABLE public.t IS 'it''s `x` ${y} \\ z'" }] };
const after = (e: CodeEdit) => {
  if ('unsupported' in e) throw new Error(e.unsupported);
  return e.after;
};

test('TypeORM: queryRunner.query calls at the end of down()', () => {
  const out = after(fillTypeormDown(fixture('typeorm-broken/src/migrations/1700000000004-CustomerOrderTotals.ts'), content));
  expect(out).toContain(
    "    // forgot: await queryRunner.dropIndex('orders', 'orders_status_idx');\n" +
      '    // Added by rollback-verify --fix: restores the schema as it was before the up.\n' +
      '    await queryRunner.query(`DROP INDEX public.orders_status_idx`);\n' +
      "    await queryRunner.query(`COMMENT ON TABLE public.t IS 'it''s \\`x\\` \\${y} \\\\ z'`);\n  }\n}\n",
  );
});

test('Sequelize: queryInterface.sequelize.query calls at the end of down()', () => {
  const out = after(fillSequelizeDown(fixture('sequelize-broken/migrations/20240101000004-customer-order-totals.js'), content));
  expect(out).toMatch(/removeIndex\('orders', 'orders_status_idx'\);\n {4}\/\/ Added by rollback-verify --fix[^\n]*\n {4}await queryInterface\.sequelize\.query\(`DROP INDEX public\.orders_status_idx`\);\n/);
  expect(out.endsWith('  },\n};\n')).toBe(true);
});

test('Laravel: DB::statement calls at the end of down(), PHP single-quoted', () => {
  const out = after(fillLaravelDown(fixture('laravel-broken/database/migrations/2024_01_01_000004_customer_order_totals.php'), content));
  expect(out).toContain("        DB::statement('DROP INDEX public.orders_status_idx');\n        DB::statement('COMMENT ON TABLE public.t IS \\'it\\'\\'s `x` ${y} \\\\ z\\'');\n    }\n};\n");
  expect(out.match(/^use Illuminate\\Support\\Facades\\DB;/gm)).toHaveLength(1);
  const noImport = after(fillLaravelDown("<?php\n\nuse Illuminate\\Database\\Migrations\\Migration;\n\nreturn new class extends Migration\n{\n    public function down(): void\n    {\n    }\n};\n", content));
  expect(noImport).toMatch(/^use Illuminate\\Database\\Migrations\\Migration;\nuse Illuminate\\Support\\Facades\\DB;\n/m);
});

test("Rails: execute <<~'SQL' at the end of def down; a change migration is refused with a reason", () => {
  const out = after(fillRailsDown(fixture('rails-broken/db/migrate/20240103120000_create_shipments.rb'), content));
  expect(out).toContain("    remove_column :orders, :shipped_at\n    # Added by rollback-verify --fix: restores the schema as it was before the up.\n    execute <<~'SQL'\n      DROP INDEX public.orders_status_idx\n    SQL\n");
  expect(out).toMatch(/ {4}SQL\n {2}end\nend\n$/);
  expect(fillRailsDown('class A < ActiveRecord::Migration[6.1]\n  def change\n    add_column :t, :c, :text\n  end\nend\n', content)).toEqual({ unsupported: expect.stringMatching(/`change` migration/) });
});

test('Django: a RunSQL(noop, reverse_sql=[...]) first in operations', () => {
  const out = after(fillDjangoOperations(fixture('django-broken/shop/migrations/0003_order_status_idx.py'), content));
  expect(out).toContain('    operations = [\n        # Added by rollback-verify --fix: restores the schema as it was before the up.\n        migrations.RunSQL(\n            sql=migrations.RunSQL.noop,\n            reverse_sql=[\n                "DROP INDEX public.orders_status_idx",\n');
  expect(out.indexOf('reverse_sql=[')).toBeLessThan(out.indexOf("sql='CREATE INDEX"));
});
