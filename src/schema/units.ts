/**
 * Units of re-reading: every snapshot row belongs to exactly one catalog object, its *unit*, and a
 * changed schema is patched unit by unit (all rows of a unit are read again together).
 *
 * The unit of a row is the object a reader thinks of as owning it: a table owns its columns,
 * constraints, indexes, triggers, rules, policies, statistics, identity sequences, column
 * privileges and the comments on all of these; a type owns its array type, its multirange, its
 * domain constraints and (composite) its attributes; a publication owns its table and schema
 * entries. Everything else is its own unit. Units are named by (catalog OID, object OID), which
 * never changes for the lifetime of an object, so a unit survives renames.
 *
 * `unitOfSql` is the one mapping from any catalog object to its unit. The snapshot fragments label
 * their rows with the same units (snapshot-sql-*.ts), the change detector maps changed catalog rows
 * through it (changes.ts), and the event trigger maps what a DDL command touched through it
 * (tracking.ts), so the three agree by construction.
 */
import { sql } from './snapshot-sql-common.js';

/** A catalog's OID as an SQL constant (parsed once, so the planner can fold comparisons with it). */
export function catalog(name: string): string {
  return `'pg_catalog.${name}'::regclass::oid`;
}

/** `${classOid}/${objectOid}`: the key of a unit in a tracked snapshot. */
export type UnitKey = string;

/** The key of the unit (class OID, object OID). */
export function unitKey(classOid: number | string, objectOid: number | string): UnitKey {
  return `${classOid}/${objectOid}`;
}

/** The (class OID, object OID) of a unit key. */
export function parseUnitKey(key: UnitKey): [number, number] {
  const [c, o] = key.split('/');
  return [Number(c), Number(o)];
}

/**
 * A LATERAL subquery `(uclass, uoid)`: the unit of the catalog object (classExpr, oidExpr), which
 * must exist. Three steps: a part to its parent (a constraint to its table or domain, a trigger to
 * its table, ...), a type to the type a user declared (an array to its element, a multirange to its
 * range, a table's row type to the table), a relation to the object it belongs to (an index to its
 * table, an identity sequence to its table, a composite type's relation to the type). Each step is a
 * UNION ALL of branches guarded by a constant comparison of the class, so only one branch runs.
 */
export function unitOfSql(classExpr: string, oidExpr: string, alias: string): string {
  const c = classExpr;
  const o = oidExpr;
  const part = sql`
    SELECT 1 AS prio, ${catalog('pg_class')} AS c, ${alias}_ad.adrelid AS o FROM pg_catalog.pg_attrdef ${alias}_ad WHERE ${c} = ${catalog('pg_attrdef')} AND ${alias}_ad.oid = ${o}
    UNION ALL SELECT 1, CASE WHEN ${alias}_co.conrelid <> 0 THEN ${catalog('pg_class')} ELSE ${catalog('pg_type')} END,
                        CASE WHEN ${alias}_co.conrelid <> 0 THEN ${alias}_co.conrelid ELSE ${alias}_co.contypid END
      FROM pg_catalog.pg_constraint ${alias}_co WHERE ${c} = ${catalog('pg_constraint')} AND ${alias}_co.oid = ${o} AND (${alias}_co.conrelid <> 0 OR ${alias}_co.contypid <> 0)
    UNION ALL SELECT 1, ${catalog('pg_class')}, ${alias}_tg.tgrelid FROM pg_catalog.pg_trigger ${alias}_tg WHERE ${c} = ${catalog('pg_trigger')} AND ${alias}_tg.oid = ${o}
    UNION ALL SELECT 1, ${catalog('pg_class')}, ${alias}_rw.ev_class FROM pg_catalog.pg_rewrite ${alias}_rw WHERE ${c} = ${catalog('pg_rewrite')} AND ${alias}_rw.oid = ${o}
    UNION ALL SELECT 1, ${catalog('pg_class')}, ${alias}_po.polrelid FROM pg_catalog.pg_policy ${alias}_po WHERE ${c} = ${catalog('pg_policy')} AND ${alias}_po.oid = ${o}
    UNION ALL SELECT 1, ${catalog('pg_class')}, ${alias}_st.stxrelid FROM pg_catalog.pg_statistic_ext ${alias}_st WHERE ${c} = ${catalog('pg_statistic_ext')} AND ${alias}_st.oid = ${o}
    UNION ALL SELECT 1, ${catalog('pg_publication')}, ${alias}_pr.prpubid FROM pg_catalog.pg_publication_rel ${alias}_pr WHERE ${c} = ${catalog('pg_publication_rel')} AND ${alias}_pr.oid = ${o}
    UNION ALL SELECT 1, ${catalog('pg_publication')}, ${alias}_pn.pnpubid FROM pg_catalog.pg_publication_namespace ${alias}_pn WHERE ${c} = ${catalog('pg_publication_namespace')} AND ${alias}_pn.oid = ${o}
    -- Range constructors come with their range type.
    UNION ALL SELECT 1, ${catalog('pg_type')}, ${alias}_d.refobjid FROM pg_catalog.pg_depend ${alias}_d
      WHERE ${c} = ${catalog('pg_proc')} AND ${alias}_d.classid = ${catalog('pg_proc')} AND ${alias}_d.objid = ${o}
        AND ${alias}_d.refclassid = ${catalog('pg_type')} AND ${alias}_d.deptype = 'i'
    UNION ALL SELECT 2, ${c}, ${o}`;
  // An array's element, then a multirange's range (arrays of multiranges exist), then a row type's table.
  const type = sql`
    SELECT CASE WHEN ${alias}_rt.typrelid <> 0 AND ${alias}_rtc.relkind <> 'c' THEN ${catalog('pg_class')} ELSE ${catalog('pg_type')} END AS c,
           CASE WHEN ${alias}_rt.typrelid <> 0 AND ${alias}_rtc.relkind <> 'c' THEN ${alias}_rt.typrelid ELSE ${alias}_rt.oid END AS o
    FROM (SELECT coalesce(
            (SELECT ${alias}_rg.rngtypid FROM pg_catalog.pg_range ${alias}_rg WHERE ${alias}_rg.rngmultitypid = ${alias}_el.o),
            ${alias}_el.o) AS o
          FROM (SELECT coalesce(
                  (SELECT ${alias}_e.oid FROM pg_catalog.pg_type ${alias}_arr JOIN pg_catalog.pg_type ${alias}_e ON ${alias}_e.oid = ${alias}_arr.typelem AND ${alias}_e.typarray = ${alias}_arr.oid
                   WHERE ${alias}_arr.oid = ${alias}_p.o),
                  ${alias}_p.o) AS o) ${alias}_el) ${alias}_m
    JOIN pg_catalog.pg_type ${alias}_rt ON ${alias}_rt.oid = ${alias}_m.o
    LEFT JOIN pg_catalog.pg_class ${alias}_rtc ON ${alias}_rtc.oid = ${alias}_rt.typrelid
    WHERE ${alias}_p.c = ${catalog('pg_type')}
    UNION ALL SELECT ${alias}_p.c, ${alias}_p.o WHERE ${alias}_p.c <> ${catalog('pg_type')}
      OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type ${alias}_ty WHERE ${alias}_ty.oid = ${alias}_p.o)`;
  const relation = sql`
    SELECT 1 AS prio, ${catalog('pg_class')} AS c, ${alias}_ix.indrelid AS o FROM pg_catalog.pg_index ${alias}_ix
      WHERE ${alias}_t.c = ${catalog('pg_class')} AND ${alias}_ix.indexrelid = ${alias}_t.o
    UNION ALL SELECT 1, ${catalog('pg_type')}, ${alias}_rc.reltype FROM pg_catalog.pg_class ${alias}_rc
      WHERE ${alias}_t.c = ${catalog('pg_class')} AND ${alias}_rc.oid = ${alias}_t.o AND ${alias}_rc.relkind = 'c'
    UNION ALL SELECT 1, ${catalog('pg_class')}, ${alias}_d.refobjid FROM pg_catalog.pg_depend ${alias}_d
      WHERE ${alias}_t.c = ${catalog('pg_class')} AND ${alias}_d.classid = ${catalog('pg_class')} AND ${alias}_d.objid = ${alias}_t.o
        AND ${alias}_d.objsubid = 0 AND ${alias}_d.refclassid = ${catalog('pg_class')} AND ${alias}_d.deptype = 'i'
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_class ${alias}_sq WHERE ${alias}_sq.oid = ${alias}_d.objid AND ${alias}_sq.relkind = 'S')
    UNION ALL SELECT 2, ${alias}_t.c, ${alias}_t.o`;
  return sql`LATERAL (SELECT ${alias}_pp.c, ${alias}_pp.o FROM (${part}) ${alias}_pp ORDER BY ${alias}_pp.prio LIMIT 1) ${alias}_p,
  LATERAL (${type}) ${alias}_t,
  LATERAL (SELECT ${alias}_r.c AS uclass, ${alias}_r.o AS uoid FROM (${relation}) ${alias}_r ORDER BY ${alias}_r.prio LIMIT 1) ${alias}`;
}

/**
 * Classes whose objects are snapshot units of their own: a change to one is re-read as that unit.
 * Any other class (operators, languages, casts, foreign servers, ...) never has rows of its own
 * except comments, but its name is printed by objects that depend on it.
 */
export const SNAPSHOT_UNIT_CLASSES = [
  'pg_namespace',
  'pg_extension',
  'pg_class',
  'pg_proc',
  'pg_type',
  'pg_collation',
  'pg_event_trigger',
  'pg_publication',
  'pg_default_acl',
] as const;
