/**
 * Verified fixes through the engine (src/verify/suggest.ts): for every object kind of the schema
 * snapshot, a migration whose down forgets something gets a suggestion that the protocol has run
 * (up → down + suggestion → compare → up → compare); `--fix` writes it into the down and a second
 * run passes. The near miss: the right down gets no suggestion. Cases whose restore needs more
 * than one statement per object (dependencies, recreate patterns, data) come from the generator's
 * own cases (__tests__/fix/fix-cases.ts). A case PostgreSQL has no way back for says why.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { ROLLBACK_CASES } from '../schema/rollback-cases.js';
import { FIX_CASES } from '../fix/fix-cases.js';
import type { VerifyResult } from '../../src/result/types.js';

const pg_ = usePostgres();
const url = () => pg_.server().adminUrl;

/** A golang-migrate project: the base as migration 1 (the baseline), the change as migration 2. */
function project(base: string | undefined, up: string, down: string | undefined): string {
  return writeProject({
    'db/000001_base.up.sql': `${base ?? 'SELECT 1'};\n`,
    'db/000001_base.down.sql': '',
    'db/000002_change.up.sql': `${up};\n`,
    ...(down !== undefined ? { 'db/000002_change.down.sql': down.trim() ? `${down};\n` : '' } : {}),
  });
}

/**
 * Differences the engine deliberately does not report (a constraint that only lost NOT VALID; a
 * primary key's fillfactor put back by the up's own re-creation): nothing to fix, nothing suggested.
 */
const UNREPORTED = new Set(['NOT VALID state of a constraint', 'primary key changed under a foreign key that stays']);

const errors = (r: VerifyResult) => r.problems.filter((p) => p.severity === 'error').map((p) => `${p.kind} ${p.object ?? ''}: ${p.message}`);

/** The wrong down gets a verified suggestion naming the problems it fixes; --fix writes it; the second run passes. */
async function fixedBySuggestion(base: string | undefined, up: string, badDown: string | undefined, opts: { skipUnreported?: boolean; strictPass?: boolean } = {}): Promise<void> {
  const { skipUnreported = false, strictPass = true } = opts;
  const root = project(base, up, badDown);
  const first = await verify(root, 'db', url(), { from: '000002', fix: true });
  if (skipUnreported) {
    expect(first.status).toBe('pass');
    // A difference the engine does not report (a constraint that only lost NOT VALID, an index
    // option the catalog does not show): nothing to fix, so nothing may be suggested.
    expect(first.suggestions).toBeUndefined();
    return;
  }
  expect(first.status).toBe('fail');
  const fixable = first.problems.filter((p) => p.migration === '000002' && ['rollback-residue', 'missing-down', 'reapply-drift'].includes(p.kind) && p.severity === 'error');
  expect(fixable.length).toBeGreaterThan(0);
  expect(fixable.map((p) => p.noFix)).toEqual(fixable.map(() => undefined));
  expect(first.suggestions).toHaveLength(1);
  const s = first.suggestions![0]!;
  expect(s).toMatchObject({ migration: '000002', file: 'db/000002_change.down.sql', verified: true });
  expect(s.sql).not.toMatch(/^DROP\b[^;]*\bCASCADE\s*;/im);
  expect(s.fixes).toEqual(expect.arrayContaining(fixable.filter((p) => p.object).map((p) => `${p.kind}:${p.object}`)));
  // --fix appended exactly the suggested SQL to the down file.
  expect(readFileSync(join(root, 'db/000002_change.down.sql'), 'utf8')).toContain(s.sql.trim());
  expect(first.notes.join('\n')).toMatch(/--fix: (added .* to|created) db\/000002_change\.down\.sql/);

  const second = await verify(root, 'db', url(), { from: '000002' });
  // Rows of what the author's down drops cannot come back from a schema fix: data-loss may stay.
  expect(errors(second).filter((e) => !e.startsWith('data-loss '))).toEqual([]);
  if (strictPass) expect(second.status).toBe('pass');
  expect(second.suggestions).toBeUndefined();
}

describe('every object kind: a wrong down is fixed by the verified suggestion', () => {
  test.each(ROLLBACK_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await fixedBySuggestion(c.base, c.up, c.badDown, { skipUnreported: UNREPORTED.has(c.name) });
  });
});

describe('near misses: the right down gets no suggestion', () => {
  test.each(ROLLBACK_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await verify(project(c.base, c.up, c.down), 'db', url(), { from: '000002' });
    expect(errors(r)).toEqual([]);
    expect(r.suggestions).toBeUndefined();
  });
});

describe('dependencies, recreate patterns and data', () => {
  test.each(FIX_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    // Some wrong downs here drop tables with rows: the fix brings the tables back, not the rows.
    await fixedBySuggestion(c.base, c.up, c.badDown, { strictPass: false, skipUnreported: UNREPORTED.has(c.name) });
  });
});

test('a missing down file: the whole down is suggested, --fix creates the file', async () => {
  await fixedBySuggestion('CREATE TABLE t (id int)', 'CREATE INDEX t_id ON t (id)', undefined);
});

test('no faithful way back (a table becomes partitioned): no suggestion, and the problem says why', async () => {
  const r = await verify(
    project('CREATE TABLE t (d date NOT NULL, v int)', 'DROP TABLE t; CREATE TABLE t (d date NOT NULL, v int) PARTITION BY RANGE (d)', ''),
    'db',
    url(),
    { from: '000002' },
  );
  expect(r.suggestions).toBeUndefined();
  const p = r.problems.find((x) => x.kind === 'missing-down')!;
  expect(p.noFix).toMatch(/no faithful way back for table public\.t \(its partitioning changed/);
});

test('data-loss gets no suggestion of its own: its help says what would have to be restored', async () => {
  const r = await verify(
    project('CREATE TABLE t (id int PRIMARY KEY, v text)', 'ALTER TABLE t ALTER COLUMN v TYPE varchar(3) USING left(v, 3)', 'ALTER TABLE t ALTER COLUMN v TYPE text'),
    'db',
    url(),
    { from: '000002' },
  );
  const loss = r.problems.filter((p) => p.kind === 'data-loss');
  expect(loss.length).toBeGreaterThan(0);
  expect(loss[0]!.help).toMatch(/Restore the values in the down/);
  expect(r.suggestions).toBeUndefined();
});
