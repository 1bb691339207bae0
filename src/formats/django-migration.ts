/**
 * Reads a Django migration module without running Python: the class attributes Django's loader
 * and executor read (`dependencies`, `replaces`, `run_before`, `atomic`) and the operations that
 * make the migration irreversible (django/db/migrations/operations/special.py: RunPython without
 * `reverse_code` and RunSQL without `reverse_sql` have `reversible = False`, and `migrate`
 * raises IrreversibleError before unapplying anything). Pure.
 */
import { ConfigError } from '../errors.js';
import { callsIn, PyParser, tokenize, type PyNode } from './python-expr.js';

/** A dependency as written: `('app', 'name')`, or a swappable one whose app only settings know. */
export type Dependency = { app: string; name: string } | { swappable: true };

export interface DjangoMigrationFile {
  /** 1-based line of `class Migration(`. */
  classLine: number;
  dependencies: Dependency[];
  replaces: Array<{ app: string; name: string }>;
  runBefore: Array<{ app: string; name: string }>;
  /** Where the first operation without a reverse is, when there is one. */
  irreversible?: { line: number; operation: string };
  /** The text of the `operations` list (what the migration runs, for edit detection). */
  operationsText: string;
}

/**
 * Parses one migration module; ConfigError naming the file and line when it has no Migration
 * class or its dependencies are not literal (the order could not be known without running it).
 */
export function readDjangoMigration(content: string, file: string): DjangoMigrationFile {
  const tokens = tokenize(content);
  const classAt = tokens.findIndex((t, i) => t.kind === 'name' && t.text === 'class' && tokens[i + 1]?.text === 'Migration' && t.depth === 0);
  if (classAt < 0) throw new ConfigError(`${file} is in a migrations package but defines no 'class Migration' (Django refuses it: BadMigrationError)`);
  const parser = new PyParser(tokens);
  const attributes = new Map<string, { node: PyNode; start: number; end: number }>();
  for (let i = classAt; i < tokens.length - 2; i++) {
    const t = tokens[i]!;
    // `name = …` at the start of a logical line, outside brackets.
    if (t.kind !== 'name' || t.depth !== 0 || tokens[i - 1]?.kind !== 'newline') continue;
    if (tokens[i + 1]!.kind !== 'op' || tokens[i + 1]!.text !== '=') continue;
    if (attributes.has(t.text)) continue;
    const e = parser.expression(i + 2);
    attributes.set(t.text, { node: e.node, start: i + 2, end: e.next });
  }
  const pairs = (name: string, allowSwappable: boolean): Dependency[] => {
    const attr = attributes.get(name);
    if (!attr) return [];
    const fail = (line: number) =>
      new ConfigError(`${file}:${line}: ${name} must list ('app_label', 'migration_name') tuples${allowSwappable ? ' or migrations.swappable_dependency(…)' : ''} for rollback-verify to order the migrations`);
    if (attr.node.kind !== 'seq') throw fail(attr.node.line);
    return attr.node.items.map((item): Dependency => {
      if (item.kind === 'seq' && item.items.length === 2 && item.items.every((x) => x.kind === 'str')) {
        return { app: (item.items[0] as { value: string }).value, name: (item.items[1] as { value: string }).value };
      }
      if (allowSwappable && item.kind === 'call' && /(^|\.)swappable_dependency$/.test(item.func)) return { swappable: true };
      throw fail(item.line);
    });
  };
  const named = (deps: Dependency[]) => deps.filter((d): d is { app: string; name: string } => 'app' in d);
  const operations = attributes.get('operations');
  const opsText = operations ? content.split('\n').slice(operations.node.line - 1, (tokens[operations.end - 1]?.line ?? operations.node.line)).join('\n') : '';
  return {
    classLine: tokens[classAt]!.line,
    dependencies: pairs('dependencies', true),
    replaces: named(pairs('replaces', false)),
    runBefore: named(pairs('run_before', false)),
    ...(operations ? irreversibleOperation(operations.node) : {}),
    operationsText: opsText,
  };
}

/** The first RunPython / RunSQL that has no reverse (none given, or None). */
function irreversibleOperation(operations: PyNode): { irreversible?: { line: number; operation: string } } {
  for (const call of callsIn(operations)) {
    const op = /(?:^|\.)(RunPython|RunSQL)$/.exec(call.func)?.[1];
    if (!op || call.starred) continue;
    const keyword = op === 'RunPython' ? 'reverse_code' : 'reverse_sql';
    const reverse = call.kwargs.find((k) => k.name === keyword)?.value ?? call.args[1];
    if (!reverse || (reverse.kind === 'const' && reverse.value === 'None')) {
      return { irreversible: { line: call.line, operation: `${op} without ${keyword}` } };
    }
  }
  return {};
}
