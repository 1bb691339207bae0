/**
 * Django: the migrations directory is one app's `migrations/` package, inside a project whose
 * `manage.py` is found above it. Every module of the package (not starting with `_` or `~`) is a
 * migration, named by its module name (django/db/migrations/loader.py). The order is the
 * migration graph's: a migration comes after the ones of its app it depends on (`dependencies`,
 * `run_before`), ties broken by name; a squashed migration (`replaces`) stands for the ones it
 * replaces, as Django uses it on a database that has none of them applied (the scratch database).
 *
 * Each step is Django's own `migrate` command, run by one long-lived process per project
 * (src/tools/django-runner.py) against the scratch database, whatever settings.py names:
 * - up:   `manage.py migrate <app> <name>`
 * - down: `manage.py migrate <app> <previous>`, the migration it depends on in its app (its first
 *   parent for a merge migration), or `zero` for the app's first; Django unapplies exactly the
 *   migrations that depend on <previous> in the app, i.e. this one.
 * - the other apps' migrations the new ones depend on are applied before them, as part of the
 *   baseline (MigrationFormat.baselineSteps), so a new migration's up applies it alone.
 * - `django_migrations` must hold after each down what it held before the up. It, and the rows
 *   Django writes itself after every migrate (post_migrate: `django_content_type`,
 *   `auth_permission`), are left out of snapshots, seeding and data comparisons.
 *
 * RunPython without `reverse_code` and RunSQL without `reverse_sql` make a migration
 * irreversible (Django refuses to unapply it), as does `# rollback-verify: irreversible`;
 * Django's own IrreversibleError at run time (a custom operation) is reported the same way.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Problem } from '../result/types.js';
import { DEPENDENCIES_FLAG } from '../tools/django-launch.js';
import { MIGRATIONS_DIR_VARIABLE } from '../tools/framework-runner.js';
import { codeMarkers } from './code-markers.js';
import { readDjangoMigration, type DjangoMigrationFile } from './django-migration.js';
import { displayPath, isTopLevel } from './common.js';
import { headsOf, topologicalOrder, type RevisionNode } from './revision-graph.js';
import type { CommandScript, Migration, MigrationFormat, SourceFile } from './types.js';

const TABLE = 'public.django_migrations';
/** Tables whose rows Django writes itself after every migrate (post_migrate handlers). */
const FRAMEWORK_ROWS = ['public.django_content_type', 'public.auth_permission'];

interface Module {
  name: string;
  path: string;
  file: string;
  content: string;
  read: DjangoMigrationFile;
}

function isMigrationModule(f: SourceFile): boolean {
  return isTopLevel(f.path) && f.path.endsWith('.py') && !/^[_~]/.test(f.path);
}

function looksLikeDjango(f: SourceFile): boolean {
  return isMigrationModule(f) && /\bclass\s+Migration\s*\(\s*migrations\.Migration\s*\)/.test(f.content) && /\bfrom\s+django\.db\s+import\b/.test(f.content);
}

/** The project root: the nearest directory above the migrations directory holding manage.py. */
function projectRoot(absDir: string, displayDir: string): string {
  for (let dir = dirname(absDir); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'manage.py'))) return dir;
    if (dirname(dir) === dir) break;
  }
  throw new ConfigError(`no manage.py above '${displayDir}': point the migrations directory at one app's migrations/ folder inside a Django project`);
}

/**
 * The app label the dependencies use for this app: the one whose migration names are this
 * directory's modules (an AppConfig may set a label other than the folder's name).
 */
function appLabel(modules: readonly Module[], folder: string): string {
  const names = new Set(modules.map((m) => m.name));
  const votes = new Map<string, number>();
  for (const m of modules) {
    for (const d of [...m.read.dependencies, ...m.read.replaces]) {
      if ('app' in d && names.has(d.name)) votes.set(d.app, (votes.get(d.app) ?? 0) + 1);
    }
  }
  if (votes.has(folder) || votes.size === 0) return folder;
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

interface Graph {
  label: string;
  root: string;
  /** In migrate order, squashed ones replaced. */
  ordered: Array<Module & { parents: string[] }>;
}

function readGraph(files: readonly SourceFile[], displayDir: string, absDir: string): Graph {
  const modules: Module[] = files.filter(isMigrationModule).map((f) => {
    const file = displayPath(displayDir, f.path);
    return { name: f.path.replace(/\.py$/, ''), path: f.path, file, content: f.content, read: readDjangoMigration(f.content, file) };
  });
  const label = appLabel(modules, basename(dirname(absDir)));
  // A squashed migration replaces the ones it names on a database that has none of them applied.
  const replacedBy = new Map<string, string>();
  for (const m of modules) for (const r of m.read.replaces) if (r.app === label) replacedBy.set(r.name, m.name);
  const present = new Set(modules.map((m) => m.name));
  const live = modules.filter((m) => !replacedBy.has(m.name));
  const resolveName = (name: string) => replacedBy.get(name) ?? name;
  const parents = new Map<string, string[]>(live.map((m) => [m.name, [] as string[]]));
  for (const m of live) {
    for (const d of m.read.dependencies) {
      if (!('app' in d) || d.app !== label || d.name.startsWith('__')) continue;
      const p = resolveName(d.name);
      if (!present.has(d.name)) throw new ConfigError(`${m.file}: depends on ('${label}', '${d.name}'), which is not a migration in ${displayDir} (Django: NodeNotFoundError)`);
      if (p !== m.name && !parents.get(m.name)!.includes(p)) parents.get(m.name)!.push(p);
    }
  }
  const runBefore = new Map<string, string[]>();
  for (const m of live) {
    for (const r of m.read.runBefore) {
      if (r.app !== label || !present.has(r.name)) continue;
      const child = resolveName(r.name);
      runBefore.set(child, [...(runBefore.get(child) ?? []), m.name]);
    }
  }
  const nodes: RevisionNode[] = live.map((m) => ({ id: m.name, parents: parents.get(m.name)!, dependsOn: runBefore.get(m.name) ?? [], branchLabels: [], file: m.file }));
  const byName = new Map(live.map((m) => [m.name, m]));
  return {
    label,
    root: projectRoot(absDir, displayDir),
    ordered: topologicalOrder(nodes).map((n) => ({ ...byName.get(n.id)!, parents: n.parents })),
  };
}

/** `0002_add_status` → id `0002_add_status`, name `add_status` (the id alone is unique). */
function shortName(name: string): string {
  return /^\d+_(.+)$/.exec(name)?.[1] ?? name;
}

// What a migration needs beyond the Migration value: the app label and the other apps it names.
const detailsByMigration = new WeakMap<Migration, { label: string; crossApp: boolean; parents: string[]; step: (argv: string[]) => CommandScript }>();

export const django: MigrationFormat = {
  name: 'django',
  bookkeepingTables: [TABLE, ...FRAMEWORK_ROWS],
  detect(files) {
    return files.some(looksLikeDjango);
  },
  parse(files, displayDir, context) {
    const absDir = context?.absDir ?? resolve(displayDir);
    const { label, root, ordered } = readGraph(files, displayDir, absDir);
    return ordered.map((m): Migration => {
      const step = (argv: string[], line: number, source?: string): CommandScript => ({
        kind: 'command',
        launcher: 'django',
        file: m.file,
        line,
        argv: ['manage.py', 'migrate', ...argv],
        cwd: root,
        env: { [MIGRATIONS_DIR_VARIABLE]: absDir },
        ...(source !== undefined ? { source } : {}),
      });
      const markers = codeMarkers(m.content, m.file, ['#']);
      if (m.read.irreversible) markers.irreversible ??= { file: m.file, line: m.read.irreversible.line };
      const previous = m.parents[0] ?? 'zero';
      const migration: Migration = {
        id: m.name,
        name: shortName(m.name),
        up: step([label, m.name], m.read.classLine, m.content),
        down: step([label, previous], m.read.classLine),
        files: [m.path],
        markers,
        toolState: { sql: "SELECT coalesce(string_agg(app || '.' || name, ' ' ORDER BY app, name), '') FROM django_migrations", table: TABLE },
      };
      const crossApp = m.read.dependencies.some((d) => !('app' in d) || d.app !== label);
      detailsByMigration.set(migration, { label, crossApp, parents: m.parents, step: (argv) => step(argv, m.read.classLine) });
      return migration;
    });
  },
  planProblems: leafProblems,
  baselineSteps(fresh) {
    const details = fresh.map((m) => detailsByMigration.get(m)).filter((d) => d !== undefined);
    if (!details.some((d) => d.crossApp)) return [];
    const first = details[0]!;
    return [{
      id: 'dependencies',
      name: `other apps' migrations the new ${first.label} migrations depend on`,
      up: first.step([DEPENDENCIES_FLAG, first.label, ...fresh.map((m) => m.id)]),
      files: [],
      markers: {},
    }];
  },
};

/**
 * Two leaf migrations in the app (two PRs each added one on the same parent): every `migrate`
 * then stops with "Conflicting migrations detected". Leaves the base already had are left alone.
 */
function leafProblems(head: Migration[], baseline: Migration[]): Problem[] {
  const graph = (ms: Migration[]): RevisionNode[] => ms.map((m) => ({ id: m.id, parents: detailsByMigration.get(m)?.parents ?? [], dependsOn: [], branchLabels: [], file: m.up.file }));
  const leaves = headsOf(graph(head));
  if (leaves.length <= Math.max(1, headsOf(graph(baseline)).length)) return [];
  const baseIds = new Set(baseline.map((m) => m.id));
  const label = detailsByMigration.get(head[0]!)?.label ?? 'app';
  return leaves
    .filter((leaf) => !baseIds.has(leaf.id))
    .map((leaf): Problem => ({
      kind: 'order',
      severity: 'error',
      migration: leaf.id,
      file: leaf.file,
      line: 1,
      message:
        `${leaf.id} and ${leaves.filter((o) => o.id !== leaf.id).map((o) => o.id).join(', ')} are both leaf migrations of '${label}': Django's migrate stops with "Conflicting migrations detected" — ` +
        `merge them: python manage.py makemigrations --merge ${label}`,
    }));
}
