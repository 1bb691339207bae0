/**
 * Reshaping synthetic rows the way a failing constraint expects. When an up fails on the seeded
 * rows, the question is whether production would fail the same way: a NULL in a column the up
 * makes NOT NULL fails on any table that has such a row, but the seed put it there because the
 * column was nullable (production may have backfilled it outside migrations); a reference column
 * without a foreign key holds values pointing nowhere because nothing told the seed otherwise.
 * Each repair names the value class it changed and is the SQL that changed it, so the protocol can
 * say what was synthetic and replay the same repair when it restores a state.
 */
import type pg from 'pg';
import type { ScriptFailure } from '../result/outcome.js';
import { quoteIdent, readCatalog, type Catalog, type TableInfo } from './catalog.js';
import { valueExpression } from './values.js';

export interface SeedRepair {
  /** The synthetic values that broke the up, e.g. `NULLs in public.orders.note`. */
  valueClass: string;
  /** The statement that reshaped them (run once now, and again by a replay). */
  sql: string;
}

/**
 * The repair for this failure, when the failure names synthetic values the seeded tables hold;
 * undefined when it does not (the column is the up's own, the failure is of another kind).
 */
export async function planRepair(client: pg.ClientBase, failure: ScriptFailure, exclude: readonly string[]): Promise<SeedRepair | undefined> {
  const catalog = await readCatalog(client);
  const tables = catalog.tables.filter((t) => !exclude.some((e) => e === t.display || e === t.name));
  if (failure.sqlstate === '23502') return nullRepair(catalog, tables, failure);
  if (failure.sqlstate === '23503') return danglingRepair(tables, failure);
  return undefined;
}

/** NULLs in an existing nullable column: give those rows a generated value. */
function nullRepair(catalog: Catalog, tables: TableInfo[], f: ScriptFailure): SeedRepair | undefined {
  const named = /column "((?:[^"]|"")+)" of relation "((?:[^"]|"")+)"/.exec(f.message);
  const tableName = f.table ?? named?.[2];
  const columnName = f.column ?? named?.[1];
  if (!tableName || !columnName) return undefined;
  const table = findTable(tables, tableName, f.schema);
  const column = table?.columns.find((c) => c.name === columnName);
  // A column the up itself adds (ADD COLUMN … NOT NULL without a default) is not in the seeded
  // tables: no synthetic value is to blame, any row fails.
  if (!table || !column || column.notNull || column.generated) return undefined;
  // Row numbers far above the seed's, so generated values do not collide with seeded unique ones.
  const value = valueExpression(catalog.types, { type: column.type, typmod: column.typmod, column: column.name, position: column.num, i: 'r.n', maxRow: 10_000_000 });
  if (!value) return undefined;
  const c = quoteIdent(column.name);
  return {
    valueClass: `NULLs in ${table.display}.${column.name}`,
    sql:
      `UPDATE ${table.qualified} AS t SET ${c} = (r.v)::${column.decl} FROM (SELECT ctid AS tid, ${value} AS v FROM ` +
      `(SELECT ctid, 1000000 + row_number() OVER () AS n FROM ${table.qualified} WHERE ${c} IS NULL) AS r) AS r WHERE t.ctid = r.tid`,
  };
}

/**
 * References pointing nowhere (a foreign key added over a column the seed filled freely): point
 * them at existing rows of the referenced table's primary key, or delete them when it is empty.
 */
function danglingRepair(tables: TableInfo[], f: ScriptFailure): SeedRepair | undefined {
  const key = /Key \(((?:[^)])+)\)=\((?:.*)\) is not present in table "((?:[^"]|"")+)"/.exec(f.detail ?? f.message);
  if (!key || !f.table) return undefined;
  const child = findTable(tables, f.table, f.schema);
  const parent = findTable(tables, key[2]!, f.schema);
  if (!child || !parent) return undefined;
  const cols = key[1]!.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  const childCols = cols.map((n) => child.columns.find((c) => c.name === n));
  const pk = parent.constraints.find((c) => c.type === 'p');
  const refCols = (pk?.cols ?? []).map((n) => parent.columns.find((c) => c.num === n));
  if (childCols.some((c) => !c) || refCols.length !== cols.length || refCols.some((c) => !c)) return undefined;
  const own = childCols.map((c) => `t.${quoteIdent(c!.name)}`);
  const ref = refCols.map((c) => `p.${quoteIdent(c!.name)}`);
  const dangling = `${own.map((o) => `${o} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${parent.qualified} AS p WHERE ${own.map((o, k) => `${ref[k]} = ${o}`).join(' AND ')})`;
  const firstParent = `(SELECT ${ref.join(', ')} FROM ${parent.qualified} AS p ORDER BY ${ref.join(', ')} LIMIT 1)`;
  const set = cols.length === 1 ? `${quoteIdent(childCols[0]!.name)} = ${firstParent}` : `(${childCols.map((c) => quoteIdent(c!.name)).join(', ')}) = ${firstParent}`;
  return {
    valueClass: `references in ${child.display}.(${cols.join(', ')}) to rows of ${parent.display} that do not exist`,
    // Every dangling row points at the first parent row; with no parent rows, the rows go.
    sql:
      `DO $rv$ BEGIN IF EXISTS (SELECT 1 FROM ${parent.qualified}) THEN UPDATE ${child.qualified} AS t SET ${set} WHERE ${dangling}; ` +
      `ELSE DELETE FROM ${child.qualified} AS t WHERE ${dangling}; END IF; END $rv$`,
  };
}

/** The table an error names: schema-qualified when the error says the schema, else public first. */
function findTable(tables: readonly TableInfo[], name: string, schema: string | undefined): TableInfo | undefined {
  const candidates = tables.filter((t) => t.name === name && (!schema || t.schema === schema));
  return candidates.find((t) => t.schema === 'public') ?? candidates[0];
}
