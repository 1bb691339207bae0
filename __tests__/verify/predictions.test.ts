/**
 * Predictions through the engine, on a real server: with table-rows, every phase of a new
 * migration gets its prediction at the production size beside what was measured, and the limits
 * apply to it; without table-rows, the run is what it was (no copy, no trial, no `predicted`).
 * The production size here is small (3,000 rows), so the trials are the seed and that size: quick,
 * and the plumbing is the same as at 40 M.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { SCRATCH_PREFIX } from '../../src/postgres/scratch.js';
import { scratchDatabasesOn } from '../helpers/leftovers.js';
import { verify, writeProject } from '../helpers/migrations.js';
import { usePostgres } from '../helpers/postgres.js';

const pg = usePostgres();
const url = () => pg.server().adminUrl;

const project = () =>
  writeProject({
    'db/000001_events.up.sql': 'CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL);\n',
    'db/000001_events.down.sql': 'DROP TABLE events;\n',
    'db/000002_score.up.sql': "SET lock_timeout = '5s';\nALTER TABLE events ADD COLUMN score float8 DEFAULT random();\n",
    'db/000002_score.down.sql': 'ALTER TABLE events DROP COLUMN score;\n',
    'rows.json': '{"events": 3000}\n',
  });

async function trialCopies(): Promise<string[]> {
  return (await scratchDatabasesOn(url())).filter((n) => n.startsWith(SCRATCH_PREFIX) && n.includes('_trial_'));
}

describe('predictions in the engine', () => {
  test('with table-rows: each phase predicted at production size, beside the measured values', async () => {
    const root = project();
    const r = await verify(root, 'db', url(), { from: '000002', tableRows: 'rows.json' });
    expect(r.status).toBe('pass');
    const m = r.migrations.find((x) => x.id === '000002')!;
    for (const phase of ['up', 'down', 'reup'] as const) {
      expect(m.phases[phase]!.predicted).toEqual({ ms: expect.any(Number), basis: expect.stringMatching(/^(trials at 20 \/ 3,000 rows per table of public\.events|no statement scales)/) });
    }
    expect(m.phases.up!.predicted!.basis).toMatch(/^trials at 20 \/ 3,000 rows per table of public\.events \(3 runs each\); 1 statement scaled/);
    const alter = m.phases.up!.locks!.statements.find((s) => s.tag === 'ALTER TABLE')!;
    expect(alter.predicted).toMatchObject({ cost: 'rewrite', basis: expect.stringMatching(/^rewrite of public\.events: /) });
    expect(alter.locks.find((l) => l.relation === 'public.events' && l.mode === 'ACCESS EXCLUSIVE')!.predicted).toEqual({ rows: 3000, heldMs: expect.any(Number) });
    // The measured values stay: the prediction is beside them.
    expect(alter.locks.find((l) => l.relation === 'public.events')!.heldMs).toEqual(expect.any(Number));
    expect(await trialCopies()).toEqual([]);
  });

  test('without table-rows: nothing predicted, no copies, the same verdict', async () => {
    const root = project();
    const r = await verify(root, 'db', url(), { from: '000002', maxLockMs: 0 });
    expect(r.status).toBe('pass');
    expect(JSON.stringify(r)).not.toMatch(/predicted/i);
  });

  test('max-predicted-lock-ms: the rewrite\'s hold at production size over the limit is a lock error; an hour is a near miss', async () => {
    const root = project();
    // Rewriting 3,000 rows under ACCESS EXCLUSIVE takes well over a millisecond.
    const over = await verify(root, 'db', url(), { from: '000002', tableRows: 'rows.json', maxPredictedLockMs: 1 });
    expect(over.status).toBe('fail');
    // The up's rewrite (the down's DROP COLUMN is a catalog change whose short hold may pass 1 ms too).
    const p = over.problems.filter((x) => x.kind === 'lock' && x.phase === 'up');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ migration: '000002', phase: 'up', object: 'table public.events', line: 2, severity: 'error' });
    expect(p[0]!.message).toMatch(/^000002 score: at 3,000 rows the up is predicted to hold ACCESS EXCLUSIVE on public\.events for ~\S+ \S+ \(table rewrite\), over the 1 ms limit \(max-predicted-lock-ms\): ALTER TABLE at line 2$/);
    expect(over.limits).toMatchObject({ maxPredictedLockMs: 1 });

    const under = await verify(root, 'db', url(), { from: '000002', tableRows: 'rows.json', maxPredictedLockMs: 3_600_000 });
    expect(under.status).toBe('pass');
    expect(under.problems).toEqual([]);
  });

  test('a bad table-rows file stops the run before any server, naming the file and line', async () => {
    const root = project();
    writeFileSync(join(root, 'bad.json'), '{\n  "events": 3000,\n  "users": -4\n}\n');
    const err = await verify(root, 'db', 'postgres://u:p@127.0.0.1:1/nothing', { tableRows: 'bad.json' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^table-rows bad\.json:3: /);
    const missing = await verify(root, 'db', 'postgres://u:p@127.0.0.1:1/nothing', { tableRows: 'no-such.json' }).catch((e: unknown) => e);
    expect((missing as Error).message).toBe("table-rows file 'no-such.json' does not exist; give the JSON or the CSV of the production query");
  });
});
