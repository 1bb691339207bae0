/** Django parsing, pure over the migration modules (manage.py is found on disk): graph order, steps, irreversibility. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { django } from '../../src/formats/django.js';
import { readDjangoMigration } from '../../src/formats/django-migration.js';
import { detectFormat } from '../../src/formats/index.js';
import type { CommandScript, Migration, ParseContext } from '../../src/formats/types.js';
import { files, readDir, thrown } from './files.js';

let project: string;
let context: ParseContext;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'rv-django-parse-'));
  mkdirSync(join(project, 'shop', 'migrations'), { recursive: true });
  writeFileSync(join(project, 'manage.py'), '');
  context = { absDir: join(project, 'shop', 'migrations'), cwd: project, tool: {} };
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** A migration module as makemigrations writes one. */
function module(deps: string[], operations: string[], extra = ''): string {
  return `from django.db import migrations, models


class Migration(migrations.Migration):
${extra}
    dependencies = [
${deps.map((d) => `        ${d},`).join('\n')}
    ]

    operations = [
${operations.map((o) => `        ${o},`).join('\n')}
    ]
`;
}

const parse = (spec: Record<string, string>): Migration[] => django.parse(files({ '__init__.py': '', ...spec }), 'shop/migrations', context);
const argv = (m: Migration, d: 'up' | 'down') => (m[d] as CommandScript).argv;

test('the graph gives the order; up is migrate <app> <name>, down is migrate <app> <parent> (zero for the first)', () => {
  const ms = parse({
    '0003_merge.py': module(["('shop', '0002_tags')", "('shop', '0002_orders')"], []),
    '0002_tags.py': module(["('shop', '0001_initial')"], ["migrations.CreateModel(name='Tag', fields=[])"]),
    '0002_orders.py': module(["('shop', '0001_initial')", "('auth', '0012_alter_user_first_name_max_length')"], ["migrations.CreateModel(name='Order', fields=[])"]),
    '0001_initial.py': module(['migrations.swappable_dependency(settings.AUTH_USER_MODEL)'], ["migrations.CreateModel(name='Customer', fields=[])"]),
  });
  expect(ms.map((m) => m.id)).toEqual(['0001_initial', '0002_orders', '0002_tags', '0003_merge']);
  expect(ms.map((m) => m.name)).toEqual(['initial', 'orders', 'tags', 'merge']);
  expect(argv(ms[1]!, 'up')).toEqual(['manage.py', 'migrate', 'shop', '0002_orders']);
  expect(argv(ms[0]!, 'down')).toEqual(['manage.py', 'migrate', 'shop', 'zero']);
  expect(argv(ms[1]!, 'down')).toEqual(['manage.py', 'migrate', 'shop', '0001_initial']);
  // A merge steps back to its first parent, which unapplies the merge alone.
  expect(argv(ms[3]!, 'down')).toEqual(['manage.py', 'migrate', 'shop', '0002_tags']);
  expect(ms[0]!.up).toMatchObject({ launcher: 'django', cwd: project, file: 'shop/migrations/0001_initial.py', line: 4 });
  expect(ms[0]!.toolState!.table).toBe('public.django_migrations');
  expect(django.bookkeepingTables).toEqual(['public.django_migrations', 'public.django_content_type', 'public.auth_permission']);
});

test("other apps' dependencies of the new migrations become one baseline step; none without them", () => {
  const ms = parse({
    '0001_initial.py': module([], ["migrations.CreateModel(name='Customer', fields=[])"]),
    '0002_orders.py': module(["('shop', '0001_initial')", "('billing', '0003_invoice')"], []),
    '0003_note.py': module(["('shop', '0002_orders')"], []),
  });
  const steps = django.baselineSteps!(ms.slice(1));
  expect(steps).toHaveLength(1);
  expect(argv(steps[0]!, 'up')).toEqual(['manage.py', 'migrate', '--dependencies-of', 'shop', '0002_orders', '0003_note']);
  expect(steps[0]!.down).toBeUndefined();
  expect(django.baselineSteps!(ms.slice(2))).toEqual([]);
});

test('RunPython without reverse_code and RunSQL without reverse_sql (or with None) are irreversible at their line', () => {
  const ms = parse({
    '0001_a.py': module([], ['migrations.RunPython(forwards)']),
    '0002_b.py': module(["('shop', '0001_a')"], ["migrations.RunSQL('CREATE INDEX i ON t (c)', reverse_sql=None)"]),
    '0003_c.py': module(["('shop', '0002_b')"], ['migrations.RunPython(forwards, migrations.RunPython.noop)', "migrations.RunSQL(sql='SELECT 1', reverse_sql=migrations.RunSQL.noop)"]),
    '0004_d.py': module(["('shop', '0003_c')"], ["migrations.SeparateDatabaseAndState(database_operations=[migrations.RunSQL(\n            'ALTER TABLE t ADD c int',\n        )])"]),
    '0005_e.py': module(["('shop', '0004_d')"], ['migrations.RunPython(code=forwards, reverse_code=backwards)']),
  });
  expect(ms.map((m) => m.markers.irreversible?.line)).toEqual([11, 11, undefined, 11, undefined]);
  expect(ms[0]!.markers.irreversible!.file).toBe('shop/migrations/0001_a.py');
});

test('a squashed migration stands for the ones it replaces (the graph Django uses on an empty database)', () => {
  const ms = parse({
    '0001_initial.py': module([], []),
    '0002_more.py': module(["('shop', '0001_initial')"], []),
    '0001_squashed_0002_more.py': module([], [], "    replaces = [('shop', '0001_initial'), ('shop', '0002_more')]\n"),
    '0003_after.py': module(["('shop', '0002_more')"], []),
  });
  expect(ms.map((m) => m.id)).toEqual(['0001_squashed_0002_more', '0003_after']);
  expect(argv(ms[1]!, 'down')).toEqual(['manage.py', 'migrate', 'shop', '0001_squashed_0002_more']);
});

test("the app label comes from the dependencies when an AppConfig renames it", () => {
  const ms = parse({
    '0001_initial.py': module([], []),
    '0002_b.py': module(["('store', '0001_initial')"], []),
  });
  expect(argv(ms[1]!, 'up')).toEqual(['manage.py', 'migrate', 'store', '0002_b']);
  expect(argv(ms[1]!, 'down')).toEqual(['manage.py', 'migrate', 'store', '0001_initial']);
});

test('two leaf migrations added by a PR are an order problem suggesting makemigrations --merge', () => {
  const base = parse({ '0001_initial.py': module([], []) });
  const head = parse({
    '0001_initial.py': module([], []),
    '0002_ours.py': module(["('shop', '0001_initial')"], []),
    '0002_theirs.py': module(["('shop', '0001_initial')"], []),
  });
  const problems = django.planProblems!(head, base);
  expect(problems.map((p) => [p.kind, p.migration])).toEqual([['order', '0002_ours'], ['order', '0002_theirs']]);
  expect(problems[0]!.message).toContain('python manage.py makemigrations --merge shop');
  expect(django.planProblems!(head.slice(0, 2), base)).toEqual([]);
});

test('modules Django would refuse, or dependencies that are not literal, are errors naming the file and line', () => {
  expect(thrown(() => parse({ '0001_a.py': 'from django.db import migrations\n' })).message).toMatch(/shop\/migrations\/0001_a\.py .*defines no 'class Migration'/);
  expect(thrown(() => parse({ '0001_a.py': module(['*OTHER_DEPS'], []) })).message).toMatch(/shop\/migrations\/0001_a\.py:7: dependencies must list/);
  expect(thrown(() => parse({ '0002_b.py': module(["('shop', '0001_gone')"], []) })).message).toMatch(/depends on \('shop', '0001_gone'\), which is not a migration/);
  const bare = mkdtempSync(join(tmpdir(), 'rv-django-bare-'));
  try {
    expect(thrown(() => django.parse(files({ '0001_a.py': module([], []) }), 'x/migrations', { absDir: join(bare, 'x', 'migrations'), cwd: bare, tool: {} })).message).toBe(
      "no manage.py above 'x/migrations': point the migrations directory at one app's migrations/ folder inside a Django project",
    );
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

test('the reader keeps strings with commas, comments and brackets out of the structure', () => {
  const read = readDjangoMigration(
    module(["('shop', '0001_a')  # a comment, with ) brackets ("], [`migrations.RunSQL("""\n            SELECT ')', "(" -- not a reverse_sql=\n        """, reverse_sql="SELECT 1")`]),
    'f.py',
  );
  expect(read.dependencies).toEqual([{ app: 'shop', name: '0001_a' }]);
  expect(read.irreversible).toBeUndefined();
});

test('the examples parse as django, the broken one only differs in its last reverse', () => {
  const dir = join('examples', 'django', 'shop', 'migrations');
  const found = detectFormat(readDir(dir), dir);
  expect(found.name).toBe('django');
  const good = found.parse(readDir(dir), dir);
  expect(good.map((m) => m.id)).toEqual(['0001_customer', '0002_order', '0003_order_status_idx']);
  expect(good.every((m) => !m.markers.irreversible)).toBe(true);
  const brokenDir = join('__fixtures__', 'formats', 'django-broken', 'shop', 'migrations');
  const broken = django.parse(readDir(brokenDir), brokenDir);
  expect(broken.map((m) => m.id)).toEqual(good.map((m) => m.id));
  expect((broken[2]!.up as CommandScript).source).toContain('reverse_sql=migrations.RunSQL.noop');
});
