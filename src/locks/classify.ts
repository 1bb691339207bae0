/**
 * What a statement is, read from its parse tree: how it must be sent (inside a transaction block
 * or not), whether it destroys data, whether it sets lock_timeout, and what it asks PostgreSQL to
 * do that the trace should explain (validate a constraint, build an index, change a type).
 * The trace itself measures what happened; this only names it and picks the hint.
 */
import type { ParsedStatement } from './parser.js';
import { isTransactionControl } from '../sql/lexer.js';

type Node = Record<string, unknown>;

export interface StatementInfo {
  /** `ALTER TABLE`, `CREATE INDEX CONCURRENTLY`, … for the report. */
  tag: string;
  /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT, …: the script manages its own transactions. */
  transactionControl: boolean;
  /**
   * Must be sent on its own, outside a transaction block, to behave as under the real tool:
   * CONCURRENTLY, VACUUM, CREATE DATABASE, CALL/DO that may COMMIT.
   */
  sendAlone: boolean;
  /** `SET TRANSACTION …`: must be the first statement of its transaction. */
  setsTransaction: boolean;
  /** SET [LOCAL] lock_timeout, or set_config('lock_timeout', …). */
  setsLockTimeout: boolean;
  /** The statement adds constraints PostgreSQL checks against existing rows right away. */
  validates: Array<'not-null' | 'check' | 'foreign-key' | 'validate' | 'primary-key'>;
  /** Builds an index without CONCURRENTLY (CREATE INDEX, ADD PRIMARY KEY/UNIQUE/EXCLUDE, REINDEX). */
  buildsIndex: boolean;
  concurrent: boolean;
  /** ADD COLUMN with a DEFAULT (a volatile one rewrites the table). */
  addsColumnWithDefault: boolean;
  /** ALTER COLUMN … TYPE. */
  changesType: boolean;
  /** DROP TABLE/COLUMN, TRUNCATE, a lossy type change: what it destroys, for the reviewer. */
  destructive?: string;
}

const TAGS: Record<string, string> = {
  AlterTableStmt: 'ALTER TABLE',
  IndexStmt: 'CREATE INDEX',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  TruncateStmt: 'TRUNCATE',
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  SelectStmt: 'SELECT',
  VariableSetStmt: 'SET',
  ViewStmt: 'CREATE VIEW',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateTrigStmt: 'CREATE TRIGGER',
  RenameStmt: 'RENAME',
  CommentStmt: 'COMMENT',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  ReindexStmt: 'REINDEX',
  VacuumStmt: 'VACUUM',
  ClusterStmt: 'CLUSTER',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateEnumStmt: 'CREATE TYPE',
  AlterEnumStmt: 'ALTER TYPE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  GrantStmt: 'GRANT',
  LockStmt: 'LOCK',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
};

/** Node types PostgreSQL refuses inside a transaction block (PreventInTransactionBlock). */
const NEVER_IN_BLOCK = new Set(['VacuumStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt', 'CreateSubscriptionStmt', 'DropSubscriptionStmt']);

/** Classifies a statement; statements from the fallback splitter get a keyword reading. */
export function classifyStatement(stmt: ParsedStatement): StatementInfo {
  return stmt.tree ? classifyTree(stmt.tree) : classifyText(stmt.sql);
}

function blank(tag: string): StatementInfo {
  return {
    tag, transactionControl: false, sendAlone: false, setsTransaction: false, setsLockTimeout: false, validates: [], buildsIndex: false,
    concurrent: false, addsColumnWithDefault: false, changesType: false,
  };
}

function classifyTree(tree: Node): StatementInfo {
  const type = Object.keys(tree)[0] ?? 'Unknown';
  const body = (tree[type] ?? {}) as Node;
  const info = blank(TAGS[type] ?? humanize(type));
  switch (type) {
    case 'TransactionStmt':
      info.transactionControl = true;
      info.tag = String(body.kind ?? '').replace(/^TRANS_STMT_/, '').replace(/_/g, ' ');
      break;
    case 'VariableSetStmt':
      if (body.name === 'lock_timeout') info.setsLockTimeout = true;
      if (body.kind === 'VAR_SET_MULTI' && String(body.name).startsWith('TRANSACTION')) info.setsTransaction = true;
      break;
    case 'IndexStmt':
      info.concurrent = body.concurrent === true;
      info.buildsIndex = !info.concurrent;
      info.sendAlone = info.concurrent;
      info.tag = `CREATE ${body.unique ? 'UNIQUE ' : ''}INDEX${info.concurrent ? ' CONCURRENTLY' : ''}`;
      break;
    case 'ReindexStmt': {
      const params = (body.params as Node[] | undefined) ?? [];
      info.concurrent = params.some((p) => (p.DefElem as Node | undefined)?.defname === 'concurrently');
      info.buildsIndex = !info.concurrent;
      // REINDEX … CONCURRENTLY, and REINDEX SYSTEM/DATABASE, refuse a transaction block.
      info.sendAlone = info.concurrent || /SYSTEM|DATABASE/.test(String(body.kind));
      break;
    }
    case 'DropStmt':
      info.tag = `DROP ${objectWord(body.removeType)}`;
      info.concurrent = body.concurrent === true;
      info.sendAlone = info.concurrent;
      if (body.removeType === 'OBJECT_TABLE' || (body.removeType === 'OBJECT_SCHEMA' && body.behavior === 'DROP_CASCADE')) {
        info.destructive = `${info.tag} ${namesOf(body.objects).join(', ')}${body.behavior === 'DROP_CASCADE' ? ' CASCADE' : ''}`;
      }
      break;
    case 'TruncateStmt':
      info.destructive = `TRUNCATE ${((body.relations as Node[] | undefined) ?? []).map((r) => rangeVarName(r.RangeVar as Node)).join(', ')}`;
      break;
    case 'AlterTableStmt':
      classifyAlterTable(body, info);
      break;
    case 'CallStmt':
      // A procedure may COMMIT, which it can only do when called outside a transaction block.
      info.sendAlone = true;
      break;
    case 'DoStmt':
      if (/\b(COMMIT|ROLLBACK)\b/i.test(JSON.stringify(body.args ?? ''))) info.sendAlone = true;
      break;
    case 'AlterTableMoveAllStmt':
      break;
    default:
      if (NEVER_IN_BLOCK.has(type)) info.sendAlone = !(type === 'VacuumStmt' && body.is_vacuumcmd === false);
  }
  if (mentionsSetConfigLockTimeout(tree)) info.setsLockTimeout = true;
  return info;
}

function classifyAlterTable(body: Node, info: StatementInfo): void {
  const table = rangeVarName(body.relation as Node | undefined);
  if (body.objtype === 'OBJECT_INDEX') info.tag = 'ALTER INDEX';
  const destroyed: string[] = [];
  for (const c of (body.cmds as Node[] | undefined) ?? []) {
    const cmd = (c.AlterTableCmd ?? {}) as Node;
    const sub = String(cmd.subtype);
    const def = (cmd.def ?? {}) as Node;
    if (sub === 'AT_DropColumn') destroyed.push(`DROP COLUMN ${table}.${String(cmd.name)}`);
    if (sub === 'AT_SetNotNull') info.validates.push('not-null');
    if (sub === 'AT_ValidateConstraint') info.validates.push('validate');
    if (sub === 'AT_DetachPartition' && (def.PartitionCmd as Node | undefined)?.concurrent) info.sendAlone = true;
    if (sub === 'AT_AddConstraint') addConstraint(def.Constraint as Node | undefined, info);
    if (sub === 'AT_AddColumn') {
      const col = (def.ColumnDef ?? {}) as Node;
      for (const k of (col.constraints as Node[] | undefined) ?? []) {
        const con = (k.Constraint ?? {}) as Node;
        if (con.contype === 'CONSTR_DEFAULT') info.addsColumnWithDefault = true;
        else addConstraint(con, info);
      }
      // serial/bigserial columns get a nextval() default: a volatile default, so a rewrite.
      if (/serial/i.test(typeName(col.typeName as Node | undefined))) info.addsColumnWithDefault = true;
    }
    if (sub === 'AT_AlterColumnType') {
      info.changesType = true;
      const col = (def.ColumnDef ?? {}) as Node;
      const target = typeName(col.typeName as Node | undefined);
      if (col.raw_default || LOSSY_TARGET.test(target)) destroyed.push(`ALTER COLUMN ${table}.${String(cmd.name)} TYPE ${target}${col.raw_default ? ' USING …' : ''}`);
    }
  }
  if (destroyed.length) info.destructive = destroyed.join('; ');
}

/**
 * Target types that can hold less than what they replace: narrower integers and floats, bounded
 * strings, numerics with a scale, dates. A USING expression can discard anything. A heuristic:
 * the report says "may discard data"; widening to these from narrower types is still flagged.
 */
const LOSSY_TARGET = /^(int2|int4|float4|date|bool|bpchar|bit)\b|^(varchar|numeric|bpchar|char)\(/;

function addConstraint(con: Node | undefined, info: StatementInfo): void {
  if (!con) return;
  const skip = con.skip_validation === true;
  switch (con.contype) {
    case 'CONSTR_NOTNULL':
      if (!skip) info.validates.push('not-null');
      break;
    case 'CONSTR_CHECK':
      if (!skip) info.validates.push('check');
      break;
    case 'CONSTR_FOREIGN':
      if (!skip) info.validates.push('foreign-key');
      break;
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION':
      // USING INDEX adopts an index built beforehand (possibly CONCURRENTLY): no build here.
      if (!con.indexname) info.buildsIndex = true;
      if (con.contype === 'CONSTR_PRIMARY') info.validates.push('primary-key');
      break;
  }
}

function mentionsSetConfigLockTimeout(tree: Node): boolean {
  const text = JSON.stringify(tree);
  return /"sval":"set_config"/.test(text) && /"sval":"lock_timeout"/.test(text);
}

function typeName(t: Node | undefined): string {
  if (!t) return '';
  const names = ((t.names as Node[] | undefined) ?? []).map((n) => String((n.String as Node | undefined)?.sval ?? ''));
  const base = names.filter((n) => n !== 'pg_catalog').join('.');
  const mods = ((t.typmods as Node[] | undefined) ?? []).map((m) => String((((m.A_Const as Node | undefined)?.ival as Node | undefined)?.ival) ?? ''));
  return mods.length ? `${base}(${mods.join(',')})` : base;
}

function rangeVarName(r: Node | undefined): string {
  if (!r) return '?';
  return [r.schemaname, r.relname].filter(Boolean).map(String).join('.');
}

function namesOf(objects: unknown): string[] {
  return ((objects as Node[] | undefined) ?? []).map((o) =>
    (((o.List as Node | undefined)?.items as Node[] | undefined) ?? []).map((i) => String((i.String as Node | undefined)?.sval ?? '')).join('.'),
  );
}

function objectWord(removeType: unknown): string {
  return String(removeType ?? '').replace(/^OBJECT_/, '').replace(/_/g, ' ');
}

function humanize(type: string): string {
  return type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

/** A keyword reading for when libpg-query is unavailable: enough to send statements right. */
function classifyText(sql: string): StatementInfo {
  const s = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ').trim();
  const words = s.split(' ', 3).join(' ').toUpperCase();
  const info = blank(words);
  info.transactionControl = isTransactionControl(sql);
  info.concurrent = /\bCONCURRENTLY\b/i.test(s);
  info.sendAlone = info.concurrent || /^(VACUUM|CREATE DATABASE|DROP DATABASE|ALTER SYSTEM|CALL)\b/i.test(s);
  info.setsTransaction = /^SET TRANSACTION\b/i.test(s);
  info.setsLockTimeout = /\block_timeout\b/i.test(s) && /^SET\b|set_config/i.test(s);
  info.buildsIndex = /^CREATE (UNIQUE )?INDEX\b/i.test(s) && !info.concurrent;
  if (!/\bNOT VALID\b/i.test(s) && /^ALTER TABLE\b/i.test(s)) {
    if (/\bSET NOT NULL\b/i.test(s)) info.validates.push('not-null');
    if (/\bADD\b[^;]*\b(CHECK)\b/i.test(s)) info.validates.push('check');
    if (/\b(FOREIGN KEY|REFERENCES)\b/i.test(s)) info.validates.push('foreign-key');
  }
  info.addsColumnWithDefault = /\bADD (COLUMN )?[^;]*\bDEFAULT\b/i.test(s);
  info.changesType = /\bTYPE\b/i.test(s) && /^ALTER TABLE\b/i.test(s);
  if (/^(DROP TABLE|TRUNCATE)\b/i.test(s) || /\bDROP COLUMN\b/i.test(s)) info.destructive = s.slice(0, 120);
  return info;
}

/**
 * What a statement can change rows of, read from its parse tree, so the tracer counts a table's
 * rows before the statement that may write it (its count as the phase began) and only then:
 * - `names`: the relations it names (RangeVars, and DROP's name lists), `[schema, name]`;
 * - `funcs`: the functions it calls (a user function may write any table);
 * - `dml`: it writes rows of what it names (INSERT/UPDATE/DELETE/MERGE/COPY/TRUNCATE), so the
 *   triggers, rules and view bases behind those names count too;
 * - `drops`: it drops tables (gone after it, with their partitions);
 * - `defines`: names of functions it creates or renames to (a later statement's call may be one);
 * - `opaque`: what it writes cannot be read from its text (no parse tree, DO, CALL, EXECUTE,
 *   an extension's script, DROP … CASCADE, DROP SCHEMA/OWNED): every table counts.
 */
export interface StatementReach {
  names: Array<[string | null, string]>;
  funcs: Array<[string | null, string]>;
  dml: boolean;
  drops: boolean;
  defines: string[];
  opaque: boolean;
}

/**
 * Whether the statement can change how many rows a table that existed before it has. Other
 * statements (ALTER TABLE, CREATE INDEX, … calling only built-in functions) leave every count as
 * it was. `userFunctions`: names of the functions outside pg_catalog, or 'any' when unknown.
 */
export function canChangeRows(reach: StatementReach, userFunctions: ReadonlySet<string> | 'any'): boolean {
  return reach.dml || reach.drops || reach.opaque || reach.funcs.some(([, name]) => userFunctions === 'any' || userFunctions.has(name));
}

const WRITES_ROWS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'TruncateStmt']);
const OPAQUE = new Set(['DoStmt', 'CallStmt', 'ExecuteStmt', 'CreateExtensionStmt', 'AlterExtensionStmt', 'AlterExtensionContentsStmt', 'DropOwnedStmt', 'ReassignOwnedStmt']);
const DROPS_RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE']);

/** The relations and functions a statement names; `tree` undefined (fallback splitter) is opaque. */
export function statementReach(tree: Record<string, unknown> | undefined): StatementReach {
  const reach: StatementReach = { names: [], funcs: [], dml: false, drops: false, defines: [], opaque: tree === undefined };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const obj = node as Node;
    // A RangeVar appears wrapped ({ RangeVar: {...} }) in lists and bare in fields (relation, pktable).
    if (typeof obj.relname === 'string') reach.names.push([typeof obj.schemaname === 'string' ? obj.schemaname : null, obj.relname]);
    for (const [key, value] of Object.entries(obj)) {
      if (WRITES_ROWS.has(key)) reach.dml = true;
      if (OPAQUE.has(key)) reach.opaque = true;
      if (key === 'FuncCall') {
        const parts = (((value as Node).funcname as Node[] | undefined) ?? []).map((n) => String((n.String as Node | undefined)?.sval ?? ''));
        const name = parts[parts.length - 1];
        if (name) reach.funcs.push([parts.length > 1 ? parts[parts.length - 2]! : null, name]);
      }
      if (key === 'CreateFunctionStmt') {
        const parts = (((value as Node).funcname as Node[] | undefined) ?? []).map((n) => String((n.String as Node | undefined)?.sval ?? ''));
        if (parts.length) reach.defines.push(parts[parts.length - 1]!);
      }
      if (key === 'RenameStmt' && typeof (value as Node).newname === 'string') reach.defines.push(String((value as Node).newname));
      if (key === 'DropStmt') {
        const drop = value as Node;
        if (drop.behavior === 'DROP_CASCADE' || drop.removeType === 'OBJECT_SCHEMA') reach.opaque = true;
        else if (DROPS_RELATIONS.has(String(drop.removeType))) {
          // Dropping an index, view or sequence removes no table rows; its name is still read.
          if (drop.removeType === 'OBJECT_TABLE') reach.drops = true;
          for (const name of namesOf(drop.objects)) {
            const parts = name.split('.');
            reach.names.push([parts.length > 1 ? parts[parts.length - 2]! : null, parts[parts.length - 1]!]);
          }
        }
      }
      walk(value);
    }
  };
  walk(tree);
  return reach;
}
