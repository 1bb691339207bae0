/**
 * The tool's own bookkeeping (Migration.toolState, e.g. `alembic_version`): after a down, the tool
 * must again believe what it believed before the up, or the next deploy runs the wrong migrations.
 */
import type pg from 'pg';
import type { Problem } from '../../result/types.js';
import { whoIs, type Check, type CheckPoint } from '../check.js';

export class ToolStateCheck implements Check {
  readonly name = 'tool-state';
  private before?: { id: string; value: string };

  async beforeUp(at: CheckPoint): Promise<void> {
    this.before = undefined;
    const m = at.migrations[0]!;
    if (at.group || !m.toolState) return;
    this.before = { id: m.id, value: await at.db.use((c) => readToolState(c, m.toolState!.sql)) };
  }

  async afterDown(at: CheckPoint): Promise<Problem[]> {
    const m = at.migrations[0]!;
    if (at.group || !m.toolState || !this.before || this.before.id !== m.id) return [];
    const before = this.before.value;
    const after = await at.db.use((c) => readToolState(c, m.toolState!.sql));
    if (after === before) return [];
    const show = (v: string) => (v === '' ? 'nothing' : `'${v}'`);
    return [{
      kind: 'rollback-residue', severity: 'error', migration: m.id, object: `table ${m.toolState.table}`, file: m.down?.file,
      message: `after the down of ${whoIs(at)}, ${m.toolState.table} holds ${show(after)} instead of ${show(before)} (what it held before the up): the tool would consider the wrong migrations applied`,
    }];
  }
}

/** Reads a migration tool's bookkeeping; a table not created yet reads as ''. */
async function readToolState(c: pg.Client, sql: string): Promise<string> {
  try {
    const r = await c.query<Record<string, unknown>>(sql);
    const row = r.rows[0];
    return row ? String(Object.values(row)[0] ?? '') : '';
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return '';
    throw err;
  }
}
