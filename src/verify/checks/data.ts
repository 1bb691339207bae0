/**
 * The data check: row fingerprints of every table before each up, compared after the down
 * (`data-loss`), and the seeding of the tables a migration created once it stays applied, so later
 * migrations run on data too. Seeding and hashing live in src/data; this only places them in the
 * protocol. Per migration only: chain mode verifies the group's schema, not its data.
 */
import type { Problem } from '../../result/types.js';
import type { Check, CheckPoint } from '../check.js';
import type { DataHooks } from '../hooks.js';

export class DataCheck implements Check {
  readonly name = 'data';
  private before?: { id: string; fingerprints: unknown };

  constructor(private readonly data: DataHooks) {}

  async beforeUp(at: CheckPoint): Promise<void> {
    this.before = undefined;
    if (at.group) return;
    const m = at.migrations[0]!;
    this.before = { id: m.id, fingerprints: await at.db.use((c) => this.data.beforeUp(c, m)) };
  }

  /** The row fingerprints taken before the up of migration `id` (for a trial of a generated down, suggest.ts). */
  fingerprintsBefore(id: string): unknown {
    return this.before?.id === id ? this.before.fingerprints : undefined;
  }

  async afterDown(at: CheckPoint): Promise<Problem[]> {
    const m = at.migrations[0]!;
    if (at.group || !this.before || this.before.id !== m.id) return [];
    const problems = await at.db.use((c) => this.data.afterDown(c, m, this.before!.fingerprints));
    if (!at.emptyDown) return problems;
    // A down that deliberately does nothing after a data fix (normalising values, deleting junk
    // rows): the change stays, by design; a reviewer should still see what it was.
    return problems.map((p) => (p.severity === 'error' ? { ...p, severity: 'warning' as const, message: `${p.message} (the down does nothing by design: the up's data change stays)` } : p));
  }

  async settled(at: CheckPoint): Promise<void> {
    if (at.group) return;
    const m = at.migrations[0]!;
    at.record.seeded(await at.db.use((c) => this.data.afterReup(c, m)));
  }
}
