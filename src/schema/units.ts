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
 * A LATERAL item `alias(uclass, uoid)`: the unit of the catalog object (classExpr, oidExpr). Three steps: a part to its parent (a constraint to its table or domain, a trigger to its
 * table, ...), a type to the type a user declared (an array to its element, a multirange to its
 * range, a table's row type to the table), a relation to the object it belongs to (an index to its
 * table, an identity sequence to its table, a composite type's relation to the type). An object
 * that no longer exists is its own unit.
 *
 * Each step is a projection of CASE expressions whose branches are scalar subqueries, so per object
 * only the lookups of its own catalog run (index probes): the snapshot maps every comment through
 * this, and a schema may comment every column. `OFFSET 0` keeps each step a subquery of its own:
 * flattened, every reference to a step would copy its expressions (and subqueries) into the next.
 */
export function unitOfSql(classExpr: string, oidExpr: string, alias: string): string {
  const c = classExpr;
  const o = oidExpr;
  const a = alias;
  const K = catalog;
  // Step 1: a part's parent, or NULL when the object is no part (or is gone).
  const partClass = sql`CASE ${c}
      WHEN ${K('pg_attrdef')} THEN ${K('pg_class')}
      WHEN ${K('pg_trigger')} THEN ${K('pg_class')}
      WHEN ${K('pg_rewrite')} THEN ${K('pg_class')}
      WHEN ${K('pg_policy')} THEN ${K('pg_class')}
      WHEN ${K('pg_statistic_ext')} THEN ${K('pg_class')}
      WHEN ${K('pg_publication_rel')} THEN ${K('pg_publication')}
      WHEN ${K('pg_publication_namespace')} THEN ${K('pg_publication')}
      WHEN ${K('pg_constraint')} THEN (SELECT CASE WHEN x.conrelid <> 0 THEN ${K('pg_class')} WHEN x.contypid <> 0 THEN ${K('pg_type')} END
                                       FROM pg_catalog.pg_constraint x WHERE x.oid = ${o})
      WHEN ${K('pg_proc')} THEN ${K('pg_type')} END`;
  const partOid = sql`CASE ${c}
      WHEN ${K('pg_attrdef')} THEN (SELECT x.adrelid FROM pg_catalog.pg_attrdef x WHERE x.oid = ${o})
      WHEN ${K('pg_trigger')} THEN (SELECT x.tgrelid FROM pg_catalog.pg_trigger x WHERE x.oid = ${o})
      WHEN ${K('pg_rewrite')} THEN (SELECT x.ev_class FROM pg_catalog.pg_rewrite x WHERE x.oid = ${o})
      WHEN ${K('pg_policy')} THEN (SELECT x.polrelid FROM pg_catalog.pg_policy x WHERE x.oid = ${o})
      WHEN ${K('pg_statistic_ext')} THEN (SELECT x.stxrelid FROM pg_catalog.pg_statistic_ext x WHERE x.oid = ${o})
      WHEN ${K('pg_publication_rel')} THEN (SELECT x.prpubid FROM pg_catalog.pg_publication_rel x WHERE x.oid = ${o})
      WHEN ${K('pg_publication_namespace')} THEN (SELECT x.pnpubid FROM pg_catalog.pg_publication_namespace x WHERE x.oid = ${o})
      WHEN ${K('pg_constraint')} THEN (SELECT nullif(CASE WHEN x.conrelid <> 0 THEN x.conrelid ELSE x.contypid END, 0)
                                       FROM pg_catalog.pg_constraint x WHERE x.oid = ${o})
      -- Range constructors come with their range type.
      WHEN ${K('pg_proc')} THEN (SELECT x.refobjid FROM pg_catalog.pg_depend x
                                 WHERE x.classid = ${K('pg_proc')} AND x.objid = ${o} AND x.objsubid = 0
                                   AND x.refclassid = ${K('pg_type')} AND x.deptype = 'i' LIMIT 1) END`;
  // Step 2 (types): an array's element, a multirange's range (in that order: arrays of multiranges
  // exist), then a table's row type to the table.
  const element = sql`coalesce((SELECT e.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND e.typarray = t.oid
                      WHERE t.oid = ${a}_p.o), ${a}_p.o)`;
  const declared = sql`coalesce((SELECT r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngmultitypid = ${a}_e.o), ${a}_e.o)`;
  const rowOf = sql`(SELECT t.typrelid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_class r ON r.oid = t.typrelid
                      WHERE t.oid = ${a}_d.o AND r.relkind <> 'c')`;
  // Step 3 (relations): by relkind, an index to its table, a composite type's relation to the
  // type, an identity sequence to its table.
  const relationClass = sql`CASE ${a}_k.relkind WHEN 'c' THEN ${K('pg_type')} ELSE ${K('pg_class')} END`;
  const relationOid = sql`CASE ${a}_k.relkind
      WHEN 'i' THEN (SELECT x.indrelid FROM pg_catalog.pg_index x WHERE x.indexrelid = ${a}_t.o)
      WHEN 'I' THEN (SELECT x.indrelid FROM pg_catalog.pg_index x WHERE x.indexrelid = ${a}_t.o)
      WHEN 'c' THEN ${a}_k.reltype
      WHEN 'S' THEN coalesce((SELECT x.refobjid FROM pg_catalog.pg_depend x
                               WHERE x.classid = ${K('pg_class')} AND x.objid = ${a}_t.o AND x.objsubid = 0
                                 AND x.refclassid = ${K('pg_class')} AND x.deptype = 'i' LIMIT 1), ${a}_t.o)
      ELSE ${a}_t.o END`;
  // Tables, views, materialized views and foreign tables are their own unit and what most
  // objects handed to this are (comments on columns): they skip the steps.
  const chain = sql`
    LATERAL (SELECT ${partClass} AS c, ${partOid} AS o OFFSET 0) ${a}_q,
    LATERAL (SELECT CASE WHEN ${a}_q.o IS NULL THEN ${a}_f.c ELSE ${a}_q.c END AS c, coalesce(${a}_q.o, ${a}_f.o) AS o OFFSET 0) ${a}_p,
    LATERAL (SELECT CASE WHEN ${a}_p.c = ${K('pg_type')} THEN ${element} ELSE ${a}_p.o END AS o OFFSET 0) ${a}_e,
    LATERAL (SELECT CASE WHEN ${a}_p.c = ${K('pg_type')} THEN ${declared} ELSE ${a}_e.o END AS o OFFSET 0) ${a}_d,
    LATERAL (SELECT CASE WHEN ${a}_p.c = ${K('pg_type')} THEN ${rowOf} END AS relid OFFSET 0) ${a}_w,
    LATERAL (SELECT CASE WHEN ${a}_w.relid IS NOT NULL THEN ${K('pg_class')} ELSE ${a}_p.c END AS c,
                    coalesce(${a}_w.relid, ${a}_d.o) AS o OFFSET 0) ${a}_t,
    LATERAL (SELECT (SELECT x.relkind FROM pg_catalog.pg_class x WHERE ${a}_t.c = ${K('pg_class')} AND x.oid = ${a}_t.o) AS relkind,
                    (SELECT x.reltype FROM pg_catalog.pg_class x WHERE ${a}_t.c = ${K('pg_class')} AND x.oid = ${a}_t.o) AS reltype OFFSET 0) ${a}_k`;
  return sql`LATERAL (
  SELECT coalesce(${a}_g.uclass, ${a}_f.c) AS uclass, coalesce(${a}_g.uoid, ${a}_f.o) AS uoid
  FROM (SELECT ${c} AS c, ${o} AS o,
               (SELECT x.relkind FROM pg_catalog.pg_class x WHERE ${c} = ${K('pg_class')} AND x.oid = ${o}) AS relkind OFFSET 0) ${a}_f
  LEFT JOIN LATERAL (
    SELECT CASE WHEN ${a}_k.relkind IS NULL THEN ${a}_t.c ELSE ${relationClass} END AS uclass,
           CASE WHEN ${a}_k.relkind IS NULL THEN ${a}_t.o ELSE ${relationOid} END AS uoid
    FROM ${chain}
    WHERE ${a}_f.relkind IS NULL OR ${a}_f.relkind NOT IN ('r', 'p', 'v', 'm', 'f')
  ) ${a}_g ON true
) ${a}`;
}
