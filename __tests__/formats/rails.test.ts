/** Rails parsing, pure over the files (the app root is found on disk): order, steps, downs, errors. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat } from '../../src/formats/index.js';
import { rails } from '../../src/formats/rails.js';
import type { CommandScript, ParseContext } from '../../src/formats/types.js';
import { MIGRATIONS_DIR_VARIABLE } from '../../src/tools/framework-runner.js';
import { files, readDir, thrown } from './files.js';

let app: string;
let context: ParseContext;
beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'rv-rails-parse-'));
  mkdirSync(join(app, 'bin'));
  mkdirSync(join(app, 'db', 'migrate'), { recursive: true });
  mkdirSync(join(app, 'config'));
  writeFileSync(join(app, 'bin', 'rails'), '#!/usr/bin/env ruby\n');
  writeFileSync(join(app, 'config', 'application.rb'), '');
  context = { absDir: join(app, 'db', 'migrate'), cwd: app, tool: {} };
});
afterAll(() => rmSync(app, { recursive: true, force: true }));

const migration = (cls: string, body: string) => `class ${cls} < ActiveRecord::Migration[6.1]\n${body}end\n`;
const change = (cls: string) => migration(cls, '  def change\n    create_table :t\n  end\n');

test('versions order numerically, steps are db:migrate:up/down VERSION=… in the app root', () => {
  const ms = rails.parse(
    files({
      '20240102000000_b.rb': change('B'),
      '9_early.rb': change('Early'),
      'nested/20240101000000_a.rb': change('A'),
    }),
    'db/migrate',
    context,
  );
  // Rails sorts by version as a number (9 before 2024…) and globs subdirectories too.
  expect(ms.map((m) => [m.id, m.name])).toEqual([['9', 'early'], ['20240101000000', 'a'], ['20240102000000', 'b']]);
  const up = ms[1]!.up as CommandScript;
  expect(up).toMatchObject({
    kind: 'command',
    launcher: 'rails',
    argv: ['bin/rails', 'db:migrate:up', 'VERSION=20240101000000'],
    cwd: app,
    file: 'db/migrate/nested/20240101000000_a.rb',
    line: 2,
    env: { [MIGRATIONS_DIR_VARIABLE]: join(app, 'db', 'migrate') },
  });
  expect((ms[1]!.down as CommandScript).argv).toEqual(['bin/rails', 'db:migrate:down', 'VERSION=20240101000000']);
  expect(ms[0]!.toolState).toEqual({ sql: expect.stringContaining('FROM schema_migrations'), table: 'public.schema_migrations' });
  expect(rails.bookkeepingTables).toEqual(['public.schema_migrations', 'public.ar_internal_metadata']);
});

test('change is reverted by Rails; up without down, or an empty down, has no down', () => {
  const ms = rails.parse(
    files({
      '1_with_change.rb': change('WithChange'),
      '2_up_only.rb': migration('UpOnly', '  def up\n    add_column :t, :c, :text\n  end\n'),
      '3_empty_down.rb': migration('EmptyDown', '  def up\n    add_column :t, :d, :text\n  end\n\n  def down\n    # nothing yet\n  end\n'),
      '4_up_down.rb': migration('UpDown', '  def self.up\n    add_column :t, :e, :text\n  end\n\n  def self.down\n    remove_column :t, :e\n  end\n'),
    }),
    'db/migrate',
    context,
  );
  expect(ms.map((m) => m.down !== undefined)).toEqual([true, false, false, true]);
  expect(ms[1]!.missingDownHint).toMatch(/def down/);
  expect((ms[3]!.down as CommandScript).line).toBe(6);
  expect((ms[3]!.down as CommandScript).source).toContain('remove_column :t, :e');
});

test('raise ActiveRecord::IrreversibleMigration in down, or the marker, declares it irreversible at that line', () => {
  const ms = rails.parse(
    files({
      '1_one_way.rb': migration('OneWay', '  def up\n    drop_table :t\n  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\n'),
      '2_inline.rb': migration('Inline', '  def up\n    drop_table :u\n  end\n\n  def down; raise ActiveRecord::IrreversibleMigration; end\n'),
      '3_marked.rb': migration('Marked', '  # rollback-verify: irreversible\n  def change\n    remove_column :t, :c\n  end\n'),
      '4_plain.rb': change('Plain'),
    }),
    'db/migrate',
    context,
  );
  expect(ms.map((m) => m.markers.irreversible)).toEqual([
    { file: 'db/migrate/1_one_way.rb', line: 7 },
    { file: 'db/migrate/2_inline.rb', line: 6 },
    { file: 'db/migrate/3_marked.rb', line: 2 },
    undefined,
  ]);
  // A declared-irreversible down still counts as a down (the protocol reports it irreversible).
  expect(ms[0]!.down).toBeDefined();
});

test('file names Rails refuses, and duplicates, are errors naming the files', () => {
  expect(thrown(() => rails.parse(files({ '1_AddUsers.rb': change('AddUsers') }), 'db/migrate', context)).message).toMatch(
    /db\/migrate\/1_AddUsers\.rb: Rails refuses this migration file name/,
  );
  expect(thrown(() => rails.parse(files({ '1_a.rb': change('A'), '01_b.rb': change('B') }), 'db/migrate', context)).message).toMatch(
    /db\/migrate\/1_a\.rb and db\/migrate\/01_b\.rb have the same version|db\/migrate\/01_b\.rb and db\/migrate\/1_a\.rb have the same version/,
  );
  expect(thrown(() => rails.parse(files({ '1_add_x.rb': change('AddX'), '2_add_x.rb': change('AddX') }), 'db/migrate', context)).message).toMatch(
    /both define AddX/,
  );
  // Files Rails does not glob are not migrations.
  expect(rails.parse(files({ '1_a.rb': change('A'), 'helper.rb': 'module H; end', 'README.md': '#' }), 'db/migrate', context)).toHaveLength(1);
});

test('without bin/rails above the directory: a configuration error saying where to point', () => {
  const bare = mkdtempSync(join(tmpdir(), 'rv-rails-bare-'));
  try {
    const err = thrown(() => rails.parse(files({ '1_a.rb': change('A') }), 'migrate', { absDir: bare, cwd: bare, tool: {} }));
    expect(err.message).toBe("no Rails app around 'migrate': no directory at or above it holds bin/rails and config/application.rb; point the migrations directory at the app's db/migrate");
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

test('detected from ActiveRecord::Migration files, and the example app parses as rails', () => {
  expect(rails.detect(files({ '20240101000000_a.rb': change('A') }))).toBe(true);
  expect(rails.detect(files({ '20240101000000_a.rb': 'puts 1' }))).toBe(false);
  const dir = join('examples', 'rails', 'db', 'migrate');
  const found = detectFormat(readDir(dir), dir);
  expect(found.name).toBe('rails');
  const ms = found.parse(readDir(dir), dir);
  expect(ms.map((m) => m.name)).toEqual(['create_customers', 'create_orders', 'create_shipments']);
  expect((ms[0]!.up as CommandScript).cwd).toBe(join(process.cwd(), 'examples', 'rails'));
});
