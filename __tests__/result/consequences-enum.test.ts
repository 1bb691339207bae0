/**
 * An enum value added by the up and left by the down (ALTER TYPE … ADD VALUE, which no down
 * undoes) makes the re-up fail with `enum label "x" already exists`: the same root cause as the
 * type residue, so one error, the re-up failure folded into it (found on ente's history: five
 * migrations each reported twice). Near misses: a label the residue does not show, and a
 * residue on another kind of object, keep the re-up failure its own error.
 */
import { foldConsequences } from '../../src/result/consequences.js';
import type { Problem } from '../../src/result/types.js';
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeProject } from '../helpers/migrations.js';

const server = usePostgres();

describe('a re-up that trips on an enum label the down left', () => {
  test('is folded into the residue on the enum type (engine, golang-migrate files)', async () => {
    const r = await verify(
      writeProject({
        'db/1_mood.up.sql': "CREATE TYPE mood AS ENUM ('happy', 'sad');\n",
        'db/1_mood.down.sql': 'DROP TYPE mood;\n',
        'db/2_copies.up.sql': "CREATE TABLE copies (id int);\nALTER TYPE mood ADD VALUE 'meh';\n",
        'db/2_copies.down.sql': 'DROP TABLE copies;\n',
      }),
      'db',
      server.server().adminUrl,
    );
    expect(r.problems.map((p) => [p.kind, p.object])).toEqual([['rollback-residue', 'type public.mood']]);
    expect(r.problems[0]!.consequences).toEqual([expect.objectContaining({ kind: 'reup-failed', message: expect.stringContaining('enum label "meh" already exists') })]);
  });

  const typeResidue = (diff: string): Problem => ({ kind: 'rollback-residue', severity: 'error', migration: '2', object: 'type public.mood', message: 'type public.mood differs after the down of 2', diff });
  const reup: Problem = { kind: 'reup-failed', severity: 'error', migration: '2', phase: 'reup', sqlstate: '42710', message: 're-applying 2 after its down failed: enum label "meh" already exists' };

  test('unit: folded when the residue shows the label', () => {
    const out = foldConsequences([typeResidue("-CREATE TYPE public.mood AS ENUM ('happy')\n+CREATE TYPE public.mood AS ENUM ('happy', 'meh')\n"), reup]);
    expect(out.map((p) => p.kind)).toEqual(['rollback-residue']);
  });

  test('near miss: a label the residue does not show, or a residue on a table, keeps the re-up failure', () => {
    expect(foldConsequences([typeResidue("+CREATE TYPE public.mood AS ENUM ('happy', 'other')\n"), reup]).map((p) => p.kind)).toEqual(['rollback-residue', 'reup-failed']);
    const table: Problem = { kind: 'rollback-residue', severity: 'error', migration: '2', object: 'table public.copies', message: 'x', diff: "'meh'" };
    expect(foldConsequences([table, reup]).map((p) => p.kind)).toEqual(['rollback-residue', 'reup-failed']);
  });
});
