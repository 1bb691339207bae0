/**
 * Django end to end: the real Django (Debian's python3-django 3.2 with python3-psycopg2, or the
 * project's own) against real PostgreSQL, through runVerification, on copies of examples/django.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { EnvironmentError } from '../../src/errors.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify } from '../helpers/migrations.js';
import { alive, appRepo, boots, djangoPython, tempDir, usePythonOnPath, workTreeChanges } from './framework-app.js';

const suite = djangoPython ? describe : describe.skip;
if (!djangoPython) {
  // eslint-disable-next-line no-console
  console.warn('Django tests skipped: no Python imports django and psycopg2 (apt-get install -y python3-django python3-psycopg2)');
}

const EXAMPLE = join(process.cwd(), 'examples', 'django');
const BROKEN = join(process.cwd(), '__fixtures__', 'formats', 'django-broken');
const DIR = 'shop/migrations';
const SETTINGS = 'shop_site/settings.py';
const exampleSettings = readFileSync(join(EXAMPLE, SETTINGS), 'utf8');

/** The example's settings plus a line recording each time they are imported (pid per line). */
const settingsWithBootLog = (log: string, extra = '') =>
  `import os\n${exampleSettings}${extra}\nwith open(${JSON.stringify(log)}, "a") as f:\n    f.write("%d\\n" % os.getpid())\n`;

/** A migration module as makemigrations writes one. */
const module = (deps: string[], operations: string[], head = '') =>
  `from django.db import migrations, models\n${head}\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n${deps.map((d) => `        ${d},\n`).join('')}    ]\n\n    operations = [\n${operations.map((o) => `        ${o},\n`).join('')}    ]\n`;

suite('django (real Django, real PostgreSQL)', () => {
  usePythonOnPath(djangoPython);
  const server = usePostgres();
  const url = () => server.server().adminUrl;

  test('the example verifies: one setup for the whole run, the configured host never used, no bytecode in the tree', async () => {
    const log = join(tempDir('rv-boots-'), 'boots');
    // settings.py names host `db`, which does not resolve here.
    const root = appRepo(EXAMPLE, { [SETTINGS]: settingsWithBootLog(log) });
    const r = await verify(root, DIR, url());
    expect(r.format).toBe('django');
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([
      ['0001_customer', 'ok'],
      ['0002_order', 'ok'],
      ['0003_order_status_idx', 'ok'],
    ]);
    // auth and contenttypes (0001_customer depends on the user model) are the baseline's.
    expect(r.schemaChanges.map((c) => c.object).sort()).toEqual(['sequence public.shop_customer_id_seq', 'sequence public.shop_order_id_seq', 'table public.shop_customer', 'table public.shop_order']);
    // The content types and permissions post_migrate adds are Django's rows, not lost data.
    expect(r.seeded.length).toBeGreaterThan(0);
    expect(workTreeChanges(root)).toBe('');
    const pids = boots(log);
    expect(pids).toHaveLength(1);
    expect(alive(Number(pids[0]))).toBe(false);
  });

  test('RunSQL with reverse_sql=RunSQL.noop that creates an index fails naming the index', async () => {
    const root = appRepo(BROKEN);
    const r = await verify(root, DIR, url());
    expect(r.status).toBe('fail');
    expect(r.problems.find((p) => p.kind === 'rollback-residue')).toMatchObject({
      object: 'index public.order_status_lower_idx',
      migration: '0003_order_status_idx',
      file: 'shop/migrations/0003_order_status_idx.py',
    });
    expect(workTreeChanges(root)).toBe('');
  });

  test("a new migration that depends on another app's: that app's migration is baseline, the new one alone is verified", async () => {
    const root = appRepo(EXAMPLE, {
      [SETTINGS]: exampleSettings.replace('"shop",', '"shop",\n    "billing",'),
      'billing/__init__.py': '',
      'billing/models.py': 'from django.db import models\n\n\nclass Invoice(models.Model):\n    number = models.TextField(unique=True)\n',
      'billing/migrations/__init__.py': '',
      'billing/migrations/0001_initial.py': module([], ["migrations.CreateModel(name='Invoice', fields=[('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)), ('number', models.TextField(unique=True))])"]),
      'shop/migrations/0004_order_invoice.py': module(
        ["('shop', '0003_order_status_idx')", "('billing', '0001_initial')"],
        ["migrations.AddField(model_name='order', name='invoice', field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to='billing.invoice'))"],
      ),
    });
    const r = await verify(root, DIR, url(), { base: 'main' });
    expect(r.problems).toEqual([]);
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([['0004_order_invoice', 'ok']]);
    // Three baseline migrations of shop, then the step that applied billing.0001_initial.
    expect(r.baselineCount).toBe(4);
    // billing's table is not a change of this PR's migration: it was there before the up.
    expect(r.schemaChanges.map((c) => c.object)).toEqual([
      'column public.shop_order.invoice_id',
      'constraint public.shop_order.shop_order_invoice_id_7c6878f3_fk_billing_invoice_id',
      'index public.shop_order_invoice_id_7c6878f3',
    ]);
  });

  test('RunPython without reverse_code, and an operation Django refuses to reverse at run time, are irreversible', async () => {
    const root = appRepo(EXAMPLE, {
      'shop/migrations/0004_backfill.py': module(["('shop', '0003_order_status_idx')"], ['migrations.RunPython(backfill)'], '\n\ndef backfill(apps, schema_editor):\n    apps.get_model("shop", "Order").objects.filter(status="").update(status="pending")\n'),
      'shop/migrations/0005_comment.py': module(
        ["('shop', '0004_backfill')"],
        ['OneWay()'],
        `from django.db.migrations.operations.base import Operation


class OneWay(Operation):
    reversible = False

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute("COMMENT ON TABLE shop_order IS 'one way'")

    def describe(self):
        return "one way"
`,
      ),
    });
    const r = await verify(root, DIR, url(), { base: 'main' });
    expect(r.migrations.map((m) => [m.id, m.status])).toEqual([
      ['0004_backfill', 'irreversible'],
      ['0005_comment', 'irreversible'],
    ]);
    expect(r.problems.map((p) => [p.kind, p.severity, p.migration, p.file])).toEqual([
      ['irreversible', 'warning', '0004_backfill', 'shop/migrations/0004_backfill.py'],
      ['irreversible', 'warning', '0005_comment', 'shop/migrations/0005_comment.py'],
    ]);
    expect(r.problems[0]!.line).toBe(15);
    expect(r.problems[1]!.message).toContain('IrreversibleError: Operation <OneWay > in shop.0005_comment is not reversible');
    expect(r.status).toBe('pass');
    expect(workTreeChanges(root)).toBe('');
  });

  test("the project's own database is never used, even when it is reachable", async () => {
    const { hostname, port, username, password } = new URL(url());
    const admin = new pg.Client({ connectionString: url() });
    await admin.connect();
    const appDb = `rv_django_app_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS ${appDb}`);
    await admin.query(`CREATE DATABASE ${appDb}`);
    try {
      const settings = exampleSettings
        .replace('"HOST": "db"', `"HOST": ${JSON.stringify(hostname)}, "PORT": ${JSON.stringify(port)}`)
        .replace('"NAME": "shop_development"', `"NAME": ${JSON.stringify(appDb)}`)
        .replace('"USER": "shop"', `"USER": ${JSON.stringify(decodeURIComponent(username))}`)
        .replace('"PASSWORD": "shop"', `"PASSWORD": ${JSON.stringify(decodeURIComponent(password))}`);
      const root = appRepo(EXAMPLE, { [SETTINGS]: settings });
      const r = await verify(root, DIR, url());
      expect(r.status).toBe('pass');
      const c = new pg.Client({ connectionString: Object.assign(new URL(url()), { pathname: `/${appDb}` }).toString() });
      await c.connect();
      try {
        expect((await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(0);
      } finally {
        await c.end();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${appDb} WITH (FORCE)`);
      await admin.end();
    }
  });

  test('settings that fail to import, or no Django for the Python on PATH, are one environment error saying what to do', async () => {
    const root = appRepo(EXAMPLE, { [SETTINGS]: `import environ\n${exampleSettings}` });
    const err = await verify(root, DIR, url()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(
      /^shop\/migrations\/0001_customer\.py: '.*python3? manage\.py migrate' could not set up Django: ModuleNotFoundError: No module named 'environ' \(shop_site\/settings\.py:1\) — the module 'environ' is not installed: install the project's requirements/,
    );
    expect(workTreeChanges(root)).toBe('');

    const saved = process.env.PATH;
    const bin = tempDir('rv-nodjango-');
    writeFileSync(join(bin, 'python3'), '#!/bin/sh\necho "ModuleNotFoundError: No module named django" >&2\nexit 1\n', { mode: 0o755 });
    const app = appRepo(EXAMPLE);
    process.env.PATH = bin;
    try {
      const none = await verify(app, DIR, url()).catch((e: unknown) => e);
      expect(none).toBeInstanceOf(EnvironmentError);
      expect((none as Error).message).toBe(
        `shop/migrations/0001_customer.py: 'python manage.py migrate' needs Django, which is not importable by ${join(bin, 'python3')}: install the project's requirements into the Python on PATH (pip install -r requirements.txt) or activate its virtualenv; Debian/Ubuntu: apt-get install python3-django python3-psycopg2, for /usr/bin/python3`,
      );
    } finally {
      process.env.PATH = saved;
    }
  });
});
