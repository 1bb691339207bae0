/**
 * Rails end to end: the real Rails (Debian's ruby-rails 6.1 with ruby-pg, or the app's bundle)
 * against real PostgreSQL, through runVerification, on copies of examples/rails.
 */
import { join } from 'node:path';
import pg from 'pg';
import { EnvironmentError } from '../../src/errors.js';
import { delimiter } from 'node:path';
import { usePostgres } from '../helpers/postgres.js';
import { verify } from '../helpers/migrations.js';
import { alive, appRepo, boots, hasRails, tempDir, workTreeChanges } from './framework-app.js';

const suite = hasRails ? describe : describe.skip;
if (!hasRails) {
  // eslint-disable-next-line no-console
  console.warn('Rails tests skipped: ruby with rails and pg is not installed (apt-get install -y ruby-rails ruby-pg)');
}

const EXAMPLE = join(process.cwd(), 'examples', 'rails');
const BROKEN = join(process.cwd(), '__fixtures__', 'formats', 'rails-broken');
const DIR = 'db/migrate';

/** An initializer that records each boot of the app (pid per line) in `log`, outside the app. */
const bootLogger = (log: string) => `File.open(${JSON.stringify(log)}, "a") { |f| f.puts Process.pid }\n`;

const migration = (cls: string, body: string) => `class ${cls} < ActiveRecord::Migration[6.1]\n${body}end\n`;

suite('rails (real Rails, real PostgreSQL)', () => {
  const server = usePostgres();
  const url = () => server.server().adminUrl;

  test('the example app verifies: one boot for the whole run, the configured host never used, the work tree untouched', async () => {
    const log = join(tempDir('rv-boots-'), 'boots');
    // config/database.yml names host `db`, which does not resolve here.
    const root = appRepo(EXAMPLE, { 'config/initializers/boot_log.rb': bootLogger(log) });
    const r = await verify(root, DIR, url());
    expect(r.format).toBe('rails');
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.migrations.map((m) => [m.id, m.name, m.status])).toEqual([
      ['20240101120000', 'create_customers', 'ok'],
      ['20240102120000', 'create_orders', 'ok'],
      ['20240103120000', 'create_shipments', 'ok'],
    ]);
    expect(r.schemaChanges.map((c) => c.object)).toEqual(expect.arrayContaining(['table public.customers', 'table public.orders', 'table public.shipments']));
    // schema_migrations and ar_internal_metadata are Rails' state, not the app's schema.
    expect(r.schemaChanges.some((c) => /schema_migrations|ar_internal_metadata/.test(c.object))).toBe(false);
    // No db/schema.rb, no log/, no tmp/, nothing at all.
    expect(workTreeChanges(root)).toBe('');
    const pids = boots(log);
    expect(pids).toHaveLength(1);
    expect(alive(Number(pids[0]))).toBe(false);
  });

  test('a down that forgets drop_table fails naming the table', async () => {
    const root = appRepo(BROKEN);
    const r = await verify(root, DIR, url());
    expect(r.status).toBe('fail');
    const residue = r.problems.filter((p) => p.kind === 'rollback-residue').map((p) => p.object);
    expect(residue).toContain('table public.shipments');
    expect(r.problems.find((p) => p.object === 'table public.shipments')).toMatchObject({ migration: '20240103120000', file: 'db/migrate/20240103120000_create_shipments.rb' });
    expect(workTreeChanges(root)).toBe('');
  });

  test('IrreversibleMigration raised by Rails for a change, or by the down, is irreversible; the next migration is still verified', async () => {
    const root = appRepo(EXAMPLE, {
      'db/migrate/20240104120000_drop_orders_total.rb': migration('DropOrdersTotal', '  def change\n    remove_column :orders, :total_cents\n  end\n'),
      'db/migrate/20240105120000_drop_shipments.rb': migration('DropShipments', '  def up\n    drop_table :shipments\n  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\n'),
      'db/migrate/20240106120000_add_orders_note.rb': migration('AddOrdersNote', '  def change\n    add_column :orders, :note, :text\n  end\n'),
    });
    const r = await verify(root, DIR, url(), { base: 'main' });
    expect(r.baselineCount).toBe(3);
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([
      ['20240104120000', 'irreversible'],
      ['20240105120000', 'irreversible'],
      ['20240106120000', 'ok'],
    ]);
    expect(r.problems).toEqual([
      expect.objectContaining({ kind: 'irreversible', severity: 'warning', migration: '20240104120000', file: 'db/migrate/20240104120000_drop_orders_total.rb', line: 3 }),
      expect.objectContaining({ kind: 'irreversible', severity: 'warning', migration: '20240105120000', file: 'db/migrate/20240105120000_drop_shipments.rb', line: 7 }),
    ]);
    expect(r.problems[0]!.message).toContain('remove_column is only reversible if given a type');
    expect(r.status).toBe('pass');
  });

  test('a down that fails is down-failed at its line with the SQLSTATE; schema_migrations left wrong is residue', async () => {
    const root = appRepo(EXAMPLE, {
      'db/migrate/20240104120000_add_note.rb': migration('AddNote', '  def up\n    add_column :orders, :note, :text\n  end\n\n  def down\n    remove_column :orders, :nope\n  end\n'),
      'db/migrate/20240105120000_add_tag.rb': migration(
        'AddTag',
        '  def up\n    add_column :orders, :tag, :text\n  end\n\n  def down\n    remove_column :orders, :tag\n    execute "INSERT INTO schema_migrations VALUES (\'20990101000000\')"\n  end\n',
      ),
    });
    const r = await verify(root, DIR, url(), { base: 'main' });
    const failed = r.problems.find((p) => p.kind === 'down-failed');
    expect(failed).toMatchObject({ migration: '20240104120000', file: 'db/migrate/20240104120000_add_note.rb', line: 7, sqlstate: '42703' });
    expect(failed!.message).toContain('column "nope" of relation "orders" does not exist');
    const state = r.problems.find((p) => p.object === 'table public.schema_migrations');
    expect(state).toMatchObject({ kind: 'rollback-residue', migration: '20240105120000' });
    // 20240104120000 stays applied: its down failed and rolled back.
    expect(state!.message).toContain(
      "holds '20240101120000 20240102120000 20240103120000 20240104120000 20990101000000' instead of '20240101120000 20240102120000 20240103120000 20240104120000'",
    );
  });

  test("the app's own database is never used, even when it is reachable", async () => {
    const { hostname, port, username, password } = new URL(url());
    const admin = new pg.Client({ connectionString: url() });
    await admin.connect();
    const appDb = `rv_rails_app_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${appDb}`);
    await admin.query(`CREATE DATABASE ${appDb}`);
    try {
      const yml = `development:\n  adapter: postgresql\n  host: ${hostname}\n  port: ${port}\n  username: ${decodeURIComponent(username)}\n  password: ${JSON.stringify(decodeURIComponent(password))}\n  database: ${appDb}\n`;
      const root = appRepo(EXAMPLE, { 'config/database.yml': yml });
      const r = await verify(root, DIR, url());
      expect(r.status).toBe('pass');
      const tables = async () => {
        const c = new pg.Client({ connectionString: Object.assign(new URL(url()), { pathname: `/${appDb}` }).toString() });
        await c.connect();
        try {
          return (await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n as number;
        } finally {
          await c.end();
        }
      };
      expect(await tables()).toBe(0);

      // An initializer that connects the app elsewhere is refused before anything connects.
      const elsewhere = appRepo(EXAMPLE, {
        'config/database.yml': yml,
        'config/initializers/connection.rb': `ActiveRecord::Base.establish_connection(ActiveRecord::Base.configurations.configs_for(env_name: "development").first.configuration_hash.merge(database: ${JSON.stringify(appDb)}, url: nil))\n`,
      });
      const err = await verify(elsewhere, DIR, url()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EnvironmentError);
      expect((err as Error).message).toBe(
        `db/migrate/20240101120000_create_customers.rb: the app's database configuration for development does not take DATABASE_URL: it would connect to ${appDb} on ${hostname}:${port} (config/database.yml or an initializer sets it)`,
      );
      expect(await tables()).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${appDb} WITH (FORCE)`);
      await admin.end();
    }
  });

  test('an app that cannot boot, or no Ruby at all, is one environment error saying what to install', async () => {
    const root = appRepo(EXAMPLE, { 'config/application.rb': 'require_relative "boot"\nrequire "active_record/railtie"\nrequire "sidekiq"\n' });
    const err = await verify(root, DIR, url()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(
      "db/migrate/20240101120000_create_customers.rb: 'bin/rails db:migrate:up' could not boot the Rails app: LoadError: cannot load such file -- sidekiq (config/application.rb:3) — a gem the app requires ('sidekiq') is not installed: bundle install (an app without a Gemfile: gem install, or the distribution's ruby-* package)",
    );

    // With a Gemfile, config/boot.rb sets up Bundler as bin/rails does: a gem not installed is named.
    const bundled = appRepo(EXAMPLE, {
      Gemfile: 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngem "nonexistent_gem_xyz"\n',
      'config/boot.rb': 'ENV["BUNDLE_GEMFILE"] ||= File.expand_path("../Gemfile", __dir__)\nrequire "bundler/setup"\n',
    });
    const gem = await verify(bundled, DIR, url()).catch((e: unknown) => e);
    expect(gem).toBeInstanceOf(EnvironmentError);
    expect((gem as Error).message).toMatch(
      /^db\/migrate\/20240101120000_create_customers\.rb: 'bin\/rails db:migrate:up' could not boot the Rails app: Bundler::GemNotFound: Could not find gem 'nonexistent_gem_xyz'.* \(config\/boot\.rb:2\) — install the app's gems first: bundle install/,
    );

    const app = appRepo(EXAMPLE);
    const saved = process.env.PATH;
    // A PATH without ruby.
    process.env.PATH = [tempDir('rv-empty-'), '/nonexistent'].join(delimiter);
    try {
      const none = await verify(app, DIR, url()).catch((e: unknown) => e);
      expect(none).toBeInstanceOf(EnvironmentError);
      expect((none as Error).message).toMatch(/^db\/migrate\/20240101120000_create_customers\.rb: 'bin\/rails db:migrate:up' needs Ruby, and 'ruby' was not found on PATH: install Ruby and the app's gems/);
    } finally {
      process.env.PATH = saved;
    }
  });

  test('a migration that kills the runner is up-failed, saying so', async () => {
    const root = appRepo(EXAMPLE, {
      'db/migrate/20240104120000_crash.rb': migration('Crash', '  def up\n    Process.kill("KILL", Process.pid)\n  end\n\n  def down\n  end\n'),
    });
    const r = await verify(root, DIR, url(), { base: 'main' });
    expect(r.problems.map((p) => [p.kind, p.migration, p.file])).toEqual([['up-failed', '20240104120000', 'db/migrate/20240104120000_crash.rb']]);
    expect(r.problems[0]!.message).toContain("the Rails runner was killed by SIGKILL during 'bin/rails db:migrate:up VERSION=20240104120000'");
  });

  test('a step that outlives its time limit is a timeout, and the runner is gone with everything it started', async () => {
    const log = join(tempDir('rv-boots-'), 'boots');
    const root = appRepo(EXAMPLE, {
      'config/initializers/boot_log.rb': bootLogger(log),
      'db/migrate/20240104120000_slow.rb': migration('Slow', '  def change\n    add_column :orders, :note, :text\n    sleep 600\n  end\n'),
    });
    const r = await verify(root, DIR, url(), { base: 'main', statementTimeoutSeconds: 5 });
    expect(r.problems.map((p) => [p.kind, p.migration])).toEqual([['timeout', '20240104120000']]);
    expect(r.problems[0]!.message).toContain("'bin/rails db:migrate:up VERSION=20240104120000' did not finish within 5 s");
    const pids = boots(log);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    expect(pids.filter((pid) => alive(Number(pid)))).toEqual([]);
  });
});
