/** Schemas, extensions and comments. */
import { splitOwner } from '../canonical.js';
import type { Step } from '../context.js';
import { commentParts } from '../references.js';
import type { KindPlanner } from './planner.js';

export const schemaPlanner: KindPlanner = {
  changeMode() {
    return 'alter';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    switch (ctx.mode(key)) {
      case 'create': {
        const owner = splitOwner(t!.ddl).owner;
        return [{ stage: 'create', sql: `CREATE SCHEMA ${t!.name}${owner && owner !== ctx.defaultOwner ? ` AUTHORIZATION ${owner}` : ''}` }];
      }
      // Last: everything in it is dropped first (never DROP SCHEMA … CASCADE).
      case 'drop':
        return [{ stage: 'cleanup', sql: `DROP SCHEMA ${c!.name}` }];
      case 'alter': {
        const owner = ctx.ownerStatement(`ALTER SCHEMA ${t!.name}`, t!.ddl, c!.ddl);
        return owner ? [{ stage: 'create', sql: owner }] : [];
      }
      default:
        return [];
    }
  },
};

function extensionParts(ddl: string): { schema: string; version: string } {
  const m = / WITH SCHEMA (.+) VERSION (.+)$/.exec(ddl)!;
  return { schema: m[1]!, version: m[2]! };
}

export const extensionPlanner: KindPlanner = {
  changeMode() {
    return 'alter';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    switch (ctx.mode(key)) {
      case 'create':
        return [{ stage: 'create', sql: t!.ddl }];
      // Last: objects that use the extension's types or functions are gone by then.
      case 'drop':
        return [{ stage: 'cleanup', sql: `DROP EXTENSION ${c!.name}` }];
      case 'alter': {
        const a = extensionParts(c!.ddl);
        const b = extensionParts(t!.ddl);
        const steps: Step[] = [];
        if (a.version !== b.version) steps.push({ stage: 'create', sql: `ALTER EXTENSION ${t!.name} UPDATE TO ${b.version}` });
        if (a.schema !== b.schema) steps.push({ stage: 'create', sql: `ALTER EXTENSION ${t!.name} SET SCHEMA ${b.schema}` });
        return steps;
      }
      default:
        return [];
    }
  },
};

/** The schema an extension's objects live in, for ordering. */
export function extensionSchema(ddl: string): string {
  return extensionParts(ddl).schema;
}

export const commentPlanner: KindPlanner = {
  changeMode() {
    return 'alter';
  },
  emit(ctx, key) {
    const t = ctx.t(key);
    const c = ctx.c(key);
    const mode = ctx.mode(key);
    if (t) {
      const parts = commentParts(t.name, t.ddl, ctx.targetIndex);
      if (!ctx.liveOld(key) || ctx.c(key)?.ddl !== t.ddl) return [{ stage: 'create', sql: `${parts.head} IS ${parts.literal}` }];
      return [];
    }
    if (mode === 'drop' && !ctx.dropIsImplicit(key)) {
      const parts = commentParts(c!.name, c!.ddl, ctx.fromIndex);
      return [{ stage: 'create', sql: `${parts.head} IS NULL` }];
    }
    return [];
  },
};
