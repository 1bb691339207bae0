/**
 * Privileges and default privileges. The snapshot records an object's ACL as its difference from
 * PostgreSQL's built-in default (GRANT lines for what was added, REVOKE lines for what was taken
 * away), per grantee; the statements here move one such difference to another. An object the
 * down creates starts from what ALTER DEFAULT PRIVILEGES gives new objects, not from nothing.
 */
import { parseDefaultPrivilegeLines, parsePrivilegeLines } from '../canonical.js';
import type { PlanContext, Step } from '../context.js';
import { schemaOf } from '../identifiers.js';
import { privilegeTarget } from '../references.js';
import type { KindPlanner } from './planner.js';

/** Per privilege item: granted (with or without grant option) or revoked from the default. */
type AclState = Map<string, { op: 'GRANT' | 'REVOKE'; grantable: boolean }>;

function stateOf(ddl: string | undefined, target: string): AclState {
  const state: AclState = new Map();
  if (ddl === undefined) return state;
  for (const line of parsePrivilegeLines(ddl, target)) for (const item of line.items) state.set(item, { op: line.op, grantable: line.grantable });
  return state;
}

/** Statements that turn ACL difference `a` into `b` for one grantee on one target. */
function aclDelta(a: AclState, b: AclState, target: string, grantee: string): { grants: string[]; revokes: string[] } {
  const grant: string[] = [];
  const grantWithOption: string[] = [];
  const revoke: string[] = [];
  const revokeOption: string[] = [];
  for (const item of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(item);
    const y = b.get(item);
    if (x?.op === y?.op && x?.grantable === y?.grantable) continue;
    if (!y) {
      // Back to the default: undo a grant, or restore what was revoked from the default.
      if (x!.op === 'GRANT') revoke.push(item);
      else grant.push(item);
    } else if (y.op === 'REVOKE') {
      revoke.push(item);
    } else if (x?.op === 'GRANT' && x.grantable && !y.grantable) {
      revokeOption.push(item);
    } else {
      (y.grantable ? grantWithOption : grant).push(item);
    }
  }
  const grants = [
    ...(grant.length ? [`GRANT ${grant.join(', ')} ON ${target} TO ${grantee}`] : []),
    ...(grantWithOption.length ? [`GRANT ${grantWithOption.join(', ')} ON ${target} TO ${grantee} WITH GRANT OPTION`] : []),
  ];
  const revokes = [
    ...(revoke.length ? [`REVOKE ${revoke.join(', ')} ON ${target} FROM ${grantee}`] : []),
    ...(revokeOption.length ? [`REVOKE GRANT OPTION FOR ${revokeOption.join(', ')} ON ${target} FROM ${grantee}`] : []),
  ];
  return { grants, revokes };
}

/** ALTER DEFAULT PRIVILEGES object class for a privilege object's type. */
const DEFAULT_ACL_CLASS: Record<string, string> = {
  table: 'tables', view: 'tables', 'materialized view': 'tables', 'foreign table': 'tables',
  sequence: 'sequences', function: 'functions', procedure: 'functions', aggregate: 'functions',
  type: 'types', domain: 'types', schema: 'schemas',
};

/** Privileges PostgreSQL gives PUBLIC on a new object of a class (acldefault). */
const PUBLIC_DEFAULT: Record<string, string[]> = { functions: ['EXECUTE'], types: ['USAGE'] };

/**
 * The ACL difference a new object gets for `grantee` from ALTER DEFAULT PRIVILEGES as the target
 * has them (they are restored before objects are created): the global entry replaces the built-in
 * default, a schema's entry adds to it.
 */
function initialState(ctx: PlanContext, objtype: string, objname: string, grantee: string): AclState {
  const objectClass = DEFAULT_ACL_CLASS[objtype];
  if (!objectClass) return new Map();
  const role = ctx.defaultOwner;
  const schema = objtype === 'schema' ? undefined : schemaOf(objname);
  const entry = (inSchema: string | undefined) =>
    ctx.t(`default privileges for role ${role}${inSchema ? ` in schema ${inSchema}` : ''} on ${objectClass}`);
  const global = entry(undefined);
  const local = schema ? entry(schema) : undefined;
  const builtin = grantee === 'PUBLIC' ? PUBLIC_DEFAULT[objectClass] ?? [] : [];
  if (grantee === role) return new Map();
  const granted = new Map<string, boolean>();
  if (global) for (const [p, g] of parseDefaultPrivilegeLines(global.ddl).get(grantee) ?? []) granted.set(p, g);
  else for (const p of builtin) granted.set(p, false);
  if (local) for (const [p, g] of parseDefaultPrivilegeLines(local.ddl).get(grantee) ?? []) granted.set(p, g || (granted.get(p) ?? false));
  const state: AclState = new Map();
  for (const [p, grantable] of granted) if (!builtin.includes(p) || grantable) state.set(p, { op: 'GRANT', grantable });
  for (const p of builtin) if (!granted.has(p)) state.set(p, { op: 'REVOKE', grantable: false });
  return state;
}

/** Privilege-object type and GRANT target word per kind of object that carries an ACL. */
const ACL_KINDS: Record<string, { objtype: string; word: string }> = {
  table: { objtype: 'table', word: 'TABLE' },
  view: { objtype: 'view', word: 'TABLE' },
  'materialized view': { objtype: 'materialized view', word: 'TABLE' },
  sequence: { objtype: 'sequence', word: 'SEQUENCE' },
  function: { objtype: 'function', word: 'FUNCTION' },
  procedure: { objtype: 'procedure', word: 'PROCEDURE' },
  aggregate: { objtype: 'aggregate', word: 'FUNCTION' },
  type: { objtype: 'type', word: 'TYPE' },
  domain: { objtype: 'domain', word: 'DOMAIN' },
  schema: { objtype: 'schema', word: 'SCHEMA' },
};

/**
 * Revokes for an object the down creates: ALTER DEFAULT PRIVILEGES may grant a new object what the
 * target's copy had revoked (the target then lists no privilege for that grantee, so no privilege
 * object would undo it).
 */
export function defaultPrivilegeRevokes(ctx: PlanContext, key: string): Step[] {
  const mode = ctx.mode(key);
  const t = ctx.t(key);
  if (!t || (mode !== 'create' && mode !== 'recreate' && mode !== 'rename')) return [];
  const kind = ACL_KINDS[t.kind];
  const objectClass = kind ? DEFAULT_ACL_CLASS[kind.objtype] : undefined;
  if (!kind || !objectClass) return [];
  const objtype = t.kind === 'table' && t.ddl.startsWith('CREATE FOREIGN TABLE ') ? 'foreign table' : kind.objtype;
  const entries = [
    ctx.t(`default privileges for role ${ctx.defaultOwner} on ${objectClass}`),
    t.kind === 'schema' ? undefined : ctx.t(`default privileges for role ${ctx.defaultOwner} in schema ${schemaOf(t.name)} on ${objectClass}`),
  ];
  const grantees = new Set<string>();
  for (const e of entries) if (e) for (const g of parseDefaultPrivilegeLines(e.ddl).keys()) grantees.add(g);
  if (entries[0]) grantees.add('PUBLIC'); // a global entry may take PUBLIC's built-in privilege away
  const target = `${kind.word} ${t.name}`;
  const steps: Step[] = [];
  for (const grantee of [...grantees].sort()) {
    if (grantee === ctx.defaultOwner || ctx.t(`privilege ${objtype} ${t.name} to ${grantee}`)) continue;
    const { grants, revokes } = aclDelta(initialState(ctx, objtype, t.name, grantee), new Map(), target, grantee);
    for (const sql of [...revokes, ...grants]) steps.push({ stage: 'create', sql, note: 'ALTER DEFAULT PRIVILEGES gives new objects more than this one had' });
  }
  return steps;
}

export const privilegePlanner: KindPlanner = {
  changeMode() {
    return 'alter';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const mode = ctx.mode(key);
    if (mode === 'drop' && ctx.dropIsImplicit(key)) return [];
    const { target, grantee, key: targetKey, objtype, objname } = privilegeTarget((t ?? c)!.name, t ? ctx.targetIndex : ctx.fromIndex);
    // A target the down creates (or recreates) starts with the privileges new objects get.
    const targetNew = targetKey !== undefined && (ctx.mode(targetKey) === 'create' || ctx.removed(targetKey) || ctx.goesWithParent(targetKey));
    const before = !targetNew ? stateOf(c?.ddl, target) : objtype !== 'column' ? initialState(ctx, objtype, objname, grantee) : new Map();
    const after = stateOf(t?.ddl, target);
    const { grants, revokes } = aclDelta(before, after, target, grantee);
    return [...revokes.map((sql): Step => ({ stage: 'create', sql })), ...grants.map((sql): Step => ({ stage: 'create', sql }))];
  },
};

// ---------------------------------------------------------------------------------------------
// Default privileges

const CLASS_PRIVILEGES: Record<string, string[]> = {
  tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  sequences: ['SELECT', 'UPDATE', 'USAGE'],
  functions: ['EXECUTE'],
  types: ['USAGE'],
  schemas: ['USAGE', 'CREATE'],
};

function parseDefaultPrivilegesName(name: string): { role: string; schema?: string; objectClass: string } {
  const m = /^for role (.+?)(?: in schema (.+))? on (\S+)$/.exec(name)!;
  return { role: m[1]!, ...(m[2] ? { schema: m[2] } : {}), objectClass: m[3]! };
}

export const defaultPrivilegesPlanner: KindPlanner = {
  changeMode() {
    return 'alter';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const { role, schema, objectClass } = parseDefaultPrivilegesName((t ?? c)!.name);
    const mentionsMaintain = [t?.ddl, c?.ddl].some((d) => d?.includes('GRANT MAINTAIN '));
    const baseline = (): Map<string, Map<string, boolean>> => {
      if (schema) return new Map();
      const all = [...(CLASS_PRIVILEGES[objectClass] ?? []), ...(objectClass === 'tables' && (mentionsMaintain || ctx.atLeast(170000)) ? ['MAINTAIN'] : [])];
      const base = new Map([[role, new Map(all.map((p) => [p, false]))]]);
      for (const p of PUBLIC_DEFAULT[objectClass] ?? []) base.set('PUBLIC', new Map([[p, false]]));
      return base;
    };
    const a = c ? parseDefaultPrivilegeLines(c.ddl) : baseline();
    const b = t ? parseDefaultPrivilegeLines(t.ddl) : baseline();
    const head = `ALTER DEFAULT PRIVILEGES FOR ROLE ${role}${schema ? ` IN SCHEMA ${schema}` : ''}`;
    const word = objectClass.toUpperCase();
    const steps: Step[] = [];
    for (const grantee of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = a.get(grantee) ?? new Map<string, boolean>();
      const y = b.get(grantee) ?? new Map<string, boolean>();
      const revoke = [...x.keys()].filter((p) => !y.has(p));
      const revokeOption = [...x.keys()].filter((p) => y.has(p) && x.get(p) && !y.get(p));
      const grant = [...y.keys()].filter((p) => !x.has(p) && !y.get(p));
      const grantWithOption = [...y.keys()].filter((p) => y.get(p) && !x.get(p));
      if (revoke.length) steps.push({ stage: 'create', sql: `${head} REVOKE ${revoke.join(', ')} ON ${word} FROM ${grantee}` });
      if (revokeOption.length) steps.push({ stage: 'create', sql: `${head} REVOKE GRANT OPTION FOR ${revokeOption.join(', ')} ON ${word} FROM ${grantee}` });
      if (grant.length) steps.push({ stage: 'create', sql: `${head} GRANT ${grant.join(', ')} ON ${word} TO ${grantee}` });
      if (grantWithOption.length) steps.push({ stage: 'create', sql: `${head} GRANT ${grantWithOption.join(', ')} ON ${word} TO ${grantee} WITH GRANT OPTION` });
    }
    return steps;
  },
};
