/**
 * What the new migrations' SQL names, read from PostgreSQL's own parse tree (libpg-query): the
 * relations (every RangeVar, and the names a DROP lists), the types they alter, the functions
 * they call, and the identifiers of text the parser cannot see into (DO blocks, function bodies,
 * statements it rejects). Seeding every table of a 1,000-table baseline for a 3-migration pull
 * request costs seconds the verdict does not need: a table no new migration can reach keeps its
 * rows whatever the migrations do (see seed-scope.ts for how these names become tables).
 *
 * Errs on the side of naming too much: opaque text contributes every identifier it holds (string
 * literals included, so `EXECUTE 'DELETE FROM ' || 'orders'` names orders), and anything whose
 * reach cannot be bounded from names (a tool-driven migration, DROP OWNED, DROP FUNCTION …
 * CASCADE) makes the whole schema in scope.
 */
import type { Migration, Script } from '../formats/types.js';
import { loadParser } from '../locks/parser.js';

type Node = Record<string, unknown>;

/** A relation as a statement names it; `schema` absent when unqualified (resolved by name in any schema). */
export interface RelationName {
  schema?: string;
  name: string;
}

export interface References {
  /** RangeVars and DROP/COMMENT targets: tables, views, sequences, indexes alike. */
  relations: RelationName[];
  /** Schemas a statement drops: every table in them is reached. */
  schemas: Set<string>;
  /** Bare names of types (enums, domains, composites) a statement alters or drops: tables with columns of them are reached. */
  types: Set<string>;
  /** Bare names of functions and procedures called: a user routine's body reaches what it names. */
  functions: Set<string>;
  /** Identifiers from text the parse tree does not resolve (DO, function bodies, unparsable SQL), case-folded as PostgreSQL would. */
  words: Set<string>;
  /** Set when names cannot bound what the migrations reach: why the whole schema is in scope. */
  everything?: string;
}

/** An empty set of references. */
export function noReferences(): References {
  return { relations: [], schemas: new Set(), types: new Set(), functions: new Set(), words: new Set() };
}

/**
 * Identifiers in free text: quoted ones as written, unquoted ones lower-cased (PostgreSQL's
 * folding). String literals are not skipped on purpose: dynamic SQL builds names in them.
 */
export function identifierWords(text: string, into: Set<string> = new Set()): Set<string> {
  for (const m of text.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)/g)) {
    into.add(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
  }
  return into;
}

/** DROP … CASCADE of these removes columns (and their values) of tables the statement does not name. */
const CASCADE_REACHES_COLUMNS = new Set(['OBJECT_FUNCTION', 'OBJECT_PROCEDURE', 'OBJECT_ROUTINE', 'OBJECT_EXTENSION', 'OBJECT_COLLATION', 'OBJECT_OPERATOR', 'OBJECT_OPCLASS', 'OBJECT_OPFAMILY', 'OBJECT_CONVERSION', 'OBJECT_TSCONFIGURATION', 'OBJECT_TSDICTIONARY', 'OBJECT_TSPARSER', 'OBJECT_TSTEMPLATE', 'OBJECT_FOREIGN_SERVER', 'OBJECT_FDW', 'OBJECT_ACCESS_METHOD', 'OBJECT_CAST', 'OBJECT_TRANSFORM', 'OBJECT_AGGREGATE']);
const TYPE_OBJECTS = new Set(['OBJECT_TYPE', 'OBJECT_DOMAIN', 'OBJECT_ATTRIBUTE', 'OBJECT_DOMCONSTRAINT']);
/** Statements whose reach is the whole database whatever they name. */
const EVERYTHING = new Set(['DropOwnedStmt', 'AlterExtensionStmt', 'AlterExtensionContentsStmt', 'ImportForeignSchemaStmt']);

function strings(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) strings(n, into);
  else if (node && typeof node === 'object') {
    const o = node as Node;
    if (o.String && typeof (o.String as Node).sval === 'string') into.push((o.String as Node).sval as string);
    else for (const v of Object.values(o)) strings(v, into);
  }
  return into;
}

/** A qualified name given as a list of String nodes: the last part is the name, the one before the schema. */
function nameOf(parts: string[]): RelationName | undefined {
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1]!;
  return parts.length >= 2 ? { schema: parts[parts.length - 2]!, name } : { name };
}

/** Walks one statement's parse tree, adding what it names to `refs`. */
export function collectFromTree(tree: unknown, refs: References): void {
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Node;
    // A RangeVar appears wrapped ({ RangeVar: {...} }) in node lists and bare in typed fields
    // (AlterTableStmt.relation, Constraint.pktable): relname identifies it either way.
    if (typeof o.relname === 'string') {
      refs.relations.push(typeof o.schemaname === 'string' && o.schemaname ? { schema: o.schemaname, name: o.relname } : { name: o.relname });
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === 'DoStmt') {
        identifierWords(strings(v).join(' '), refs.words);
        continue;
      }
      if (k === 'CreateFunctionStmt' || k === 'CreateTrigStmt') {
        // The body (a string the parser does not read here) may name anything; a trigger names its table by RangeVar.
        const body = ((v as Node).options as unknown[] | undefined)?.filter((d) => ((d as Node).DefElem as Node | undefined)?.defname === 'as');
        identifierWords(strings(body ?? []).join(' '), refs.words);
      }
      if (k === 'FuncCall' || k === 'CallStmt') {
        const names = k === 'FuncCall' ? strings((v as Node).funcname) : strings(((v as Node).funccall as Node | undefined)?.funcname);
        if (names.length) refs.functions.add(names[names.length - 1]!);
      }
      if (EVERYTHING.has(k)) refs.everything ??= `a ${k.replace(/Stmt$/, '')} statement`;
      if (k === 'DropStmt') {
        const d = v as Node;
        const type = d.removeType as string;
        const objects = (d.objects as unknown[] | undefined) ?? [];
        if (type === 'OBJECT_SCHEMA') for (const s of strings(objects)) refs.schemas.add(s);
        else if (TYPE_OBJECTS.has(type)) for (const o2 of objects) addType(strings(o2), refs);
        else if (d.behavior === 'DROP_CASCADE' && CASCADE_REACHES_COLUMNS.has(type)) refs.everything ??= `DROP ${type.replace('OBJECT_', '')} … CASCADE`;
        else if (type !== 'OBJECT_FUNCTION' && type !== 'OBJECT_PROCEDURE' && type !== 'OBJECT_ROUTINE') {
          // DROP TABLE/VIEW/INDEX/SEQUENCE list qualified names, not RangeVars; a DROP TRIGGER's list ends with the trigger's name.
          for (const o2 of objects) {
            const parts = strings(o2);
            if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_RULE' || type === 'OBJECT_POLICY') parts.pop();
            const n = nameOf(parts);
            if (n) refs.relations.push(n);
          }
        }
      }
      if (k === 'AlterEnumStmt' || k === 'AlterDomainStmt' || k === 'CompositeTypeStmt' || k === 'AlterTypeStmt') {
        addType(strings((v as Node).typeName ?? (v as Node).typevar ?? []), refs);
      }
      if (k === 'RenameStmt' || k === 'AlterObjectSchemaStmt' || k === 'AlterOwnerStmt' || k === 'CommentStmt') {
        const r = v as Node;
        const type = (r.renameType ?? r.objectType ?? r.objtype) as string;
        if (TYPE_OBJECTS.has(type) || (k === 'RenameStmt' && TYPE_OBJECTS.has(r.relationType as string))) addType(strings(r.object ?? []), refs);
        else if (k === 'CommentStmt' && r.object) {
          const n = nameOf(strings(r.object));
          if (n) refs.relations.push(n);
        }
      }
      walk(v, k);
    }
    void key;
  };
  walk(tree);
}

function addType(parts: string[], refs: References): void {
  const n = nameOf(parts);
  if (n) refs.types.add(n.name);
}

/** The text of a script for the fallback reading (a tool's statements when it splits them). */
function scriptText(script: Script): string {
  return script.kind === 'sql' ? script.text : '';
}

/**
 * Everything the scripts of `migrations` (up and down) name. A `command` script (Alembic, Rails,
 * Knex, …) runs code the parser cannot read: `everything` says so.
 */
export async function migrationReferences(migrations: readonly Migration[]): Promise<References> {
  const refs = noReferences();
  const lib = await loadParser();
  for (const m of migrations) {
    for (const script of [m.up, m.down]) {
      if (!script) continue;
      if (script.kind === 'command') {
        refs.everything ??= `migration ${m.id} runs a tool's code (${script.file}), which names no tables the parser can read`;
        continue;
      }
      const text = scriptText(script);
      const pieces = script.statements?.length ? script.statements.map((s) => s.sql) : [text];
      for (const sql of pieces) {
        if (!lib) {
          identifierWords(sql, refs.words);
          continue;
        }
        try {
          for (const s of lib.parseSync(sql).stmts ?? []) collectFromTree(s.stmt, refs);
        } catch {
          // PostgreSQL would reject it too, or it holds psql meta-commands: every identifier counts.
          identifierWords(sql, refs.words);
        }
      }
    }
  }
  return refs;
}
