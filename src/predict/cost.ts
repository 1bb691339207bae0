/**
 * What a traced statement costs as its tables grow, read from what the tracer saw it do (not from
 * its text): it rewrote a table's storage, built an index, scanned a table to validate a
 * constraint, did row work (UPDATE, INSERT … SELECT, a tool's script), or only changed the
 * catalog. The kind picks the model fitted to the trials (fit.ts) and the tables whose size
 * drives it.
 */
import type { CostKind, StatementTrace } from '../locks/types.js';

/** What a statement's cost grows with. */
export interface StatementCost {
  cost: CostKind;
  /** Tables whose size drives the cost, `schema.table`; empty for metadata-only statements. */
  tables: string[];
}

/** Relation kinds that hold rows (the tracer's names for them). */
const ROW_KINDS = new Set(['table', 'partitioned table', 'materialized view']);

/**
 * Statements that read or write rows without leaving a mark the tracer can name (a rewrite, a
 * build, a validation scan): their cost is measured and fitted linearly; one that turns out not
 * to grow (an UPDATE by primary key) fits as constant. Tags as classify.ts spells them, and the
 * first words of the splitter's fallback reading.
 */
const ROW_WORK = /^(UPDATE|DELETE|INSERT|SELECT|WITH|MERGE|COPY|CREATE TABLE AS|CREATE MATERIALIZED VIEW|REFRESH|CLUSTER|VACUUM|ANALYZE|DO|CALL|SCRIPT|COMMAND)\b/i;

/**
 * Classifies one traced statement. `tables` names relations known to be tables (the listed
 * production tables): the trace lists rewritten relations by name only, tables and indexes alike,
 * and a table locked by an earlier statement of the transaction is not among this one's locks.
 */
export function classifyCost(trace: StatementTrace, tables: ReadonlySet<string> = new Set()): StatementCost {
  const lockedTables = unique(trace.locks.filter((l) => ROW_KINDS.has(l.relkind)).map((l) => l.relation));
  const isTable = (name: string) => tables.has(name) || lockedTables.includes(name);
  const rewritten = unique(trace.rewrites.filter(isTable));
  if (rewritten.length) return { cost: 'rewrite', tables: rewritten };
  const built = trace.indexBuilds.length ? unique(trace.indexBuilds.map((b) => b.table)) : [];
  if (built.length) return { cost: 'index-build', tables: built };
  // Only indexes got new storage (REINDEX, a rebuild of an index alone): sorting the table's rows.
  if (trace.rewrites.length && lockedTables.length) return { cost: 'index-build', tables: lockedTables };
  // A foreign key's check may read the referencing table through an index (no sequential scan
  // to count): the tables it locked are in play too.
  if (trace.validations.length) return { cost: 'validate', tables: unique([...trace.validations, ...lockedTables]) };
  if (ROW_WORK.test(trace.tag) && lockedTables.length) return { cost: 'scan', tables: lockedTables };
  return { cost: 'metadata', tables: [] };
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}
