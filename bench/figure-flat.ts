/**
 * Figure 7: flatness. The same 10-migration PR on a baseline of 1,000 tables and on one of 100
 * (quick: 400 and 40): what verification adds over the raw replay (verify − raw, measured in the
 * same round) should grow with the change, not with the schema. The headline is the ratio of the
 * two overheads; the target is ≤ 2× for 10× the schema.
 */
import { largeSchema } from './figure-snapshot.js';
import type { GeneratedMigration } from './history.js';
import { writeGitProject } from './project.js';
import { rawReplay } from './raw-replay.js';
import { measurePair, summarize, type PairSample } from './stats.js';
import { type BenchContext, type FigureResult, verifyProject, withDatabase } from './context.js';

/** The baseline: `tables` tables of figure 3's shape, 50 per migration (as a long history would hold them). */
export function flatBaseline(tables: number): GeneratedMigration[] {
  const statements = largeSchema(tables);
  const out: GeneratedMigration[] = [];
  // Each table's group is one statement of largeSchema; views and functions follow every 10th.
  for (let i = 0; i < statements.length; i += 60) {
    out.push({ name: `baseline_${out.length + 1}`, up: statements.slice(i, i + 60).join('\n'), down: '' });
  }
  return out;
}

/**
 * Ten migrations a real PR might hold, touching only the first tables (present at every size):
 * new tables with foreign keys into the baseline, columns, indexes, a constraint, a view, a rename.
 */
export function flatPr(): GeneratedMigration[] {
  return [
    { name: 'create_invoices', up: 'CREATE TABLE invoices (id bigserial PRIMARY KEY, big_id bigint NOT NULL REFERENCES big_1 (id), total numeric(12,2) NOT NULL DEFAULT 0, issued_at timestamptz NOT NULL DEFAULT now());', down: 'DROP TABLE invoices;' },
    { name: 'invoices_issued_idx', up: 'CREATE INDEX invoices_issued_idx ON invoices (issued_at);', down: 'DROP INDEX invoices_issued_idx;' },
    { name: 'big_2_add_note', up: 'ALTER TABLE big_2 ADD COLUMN note text;', down: 'ALTER TABLE big_2 DROP COLUMN note;' },
    { name: 'big_3_add_status', up: "ALTER TABLE big_3 ADD COLUMN status text NOT NULL DEFAULT 'new';", down: 'ALTER TABLE big_3 DROP COLUMN status;' },
    { name: 'big_4_quantity_idx', up: 'CREATE INDEX big_4_quantity_idx ON big_4 (quantity);', down: 'DROP INDEX big_4_quantity_idx;' },
    { name: 'big_5_quantity_check', up: 'ALTER TABLE big_5 ADD CONSTRAINT big_5_quantity_check CHECK (quantity IS NULL OR quantity >= 0);', down: 'ALTER TABLE big_5 DROP CONSTRAINT big_5_quantity_check;' },
    { name: 'create_payments', up: 'CREATE TABLE payments (id bigserial PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices (id), amount numeric(12,2) NOT NULL);', down: 'DROP TABLE payments;' },
    { name: 'invoice_totals_view', up: 'CREATE VIEW invoice_totals AS SELECT i.big_id, sum(p.amount) AS paid FROM invoices i JOIN payments p ON p.invoice_id = i.id GROUP BY i.big_id;', down: 'DROP VIEW invoice_totals;' },
    { name: 'big_6_rename_code', up: 'ALTER TABLE big_6 RENAME COLUMN code TO sku;', down: 'ALTER TABLE big_6 RENAME COLUMN sku TO code;' },
    { name: 'big_7_email_idx', up: 'CREATE INDEX big_7_email_idx ON big_7 (lower(email));', down: 'DROP INDEX big_7_email_idx;' },
  ];
}

async function overhead(ctx: BenchContext, tables: number): Promise<{ pair: PairSample; overhead: number[] }> {
  const baseline = flatBaseline(tables);
  const fresh = flatPr();
  const project = writeGitProject(baseline, fresh);
  const steps = [...baseline.map((m) => m.up), ...fresh.flatMap((m) => [m.up, m.down, m.up])];
  try {
    const pair = await measurePair(
      ctx.plan,
      async () => (await verifyProject(ctx.server, project.root, project.dir, { base: 'main' })).ms,
      () => withDatabase(ctx.server, (url) => rawReplay(url, steps)),
      (round) => ctx.progress(`flatness, ${tables} tables: round ${round + 1}/${ctx.plan.warmup + ctx.plan.runs}`),
    );
    return { pair, overhead: pair.subject.samples.map((v, i) => v - pair.baseline.samples[i]!) };
  } finally {
    project.dispose();
  }
}

export async function flatnessFigure(ctx: BenchContext): Promise<FigureResult> {
  const [small, large] = ctx.quick ? [40, 400] : [100, 1000];
  const s = await overhead(ctx, small);
  const l = await overhead(ctx, large);
  const smallOverhead = summarize(s.overhead);
  const largeOverhead = summarize(l.overhead);
  const value = Math.round((largeOverhead.median / smallOverhead.median) * 100) / 100;
  const target = { max: 2, unit: 'x' as const };
  return {
    id: '7',
    title: `Flatness: 10-migration PR, overhead at ${large} ÷ at ${small} tables`,
    value,
    unit: 'x',
    target,
    met: value <= target.max,
    subject: `(verify − raw) of rollback-verify --base main, default options, on a ${large}-table baseline`,
    baseline: `the same on a ${small}-table baseline`,
    // The rollback-verify column shows the large baseline's overhead in ms.
    sample: largeOverhead,
    extra: {
      [`overhead ms at ${small}`]: smallOverhead.median,
      [`overhead ms at ${large}`]: largeOverhead.median,
      [`ratio to raw at ${small}`]: s.pair.ratio.median,
      [`ratio to raw at ${large}`]: l.pair.ratio.median,
      [`raw ms at ${large}`]: l.pair.baseline.median,
    },
    notes: [],
  };
}
