/**
 * The seeding scope end to end, on a real server: a pull request touching 2 tables of a 50-table
 * baseline seeds those 2 and the foreign-key parent one of them needs, nothing else; a down that
 * loses data in a touched table is still an error naming it, and the near miss passes.
 */
import { usePostgres } from '../helpers/postgres.js';
import { verify, writeGitProject } from '../helpers/migrations.js';

const server = usePostgres();
const url = () => server.server().adminUrl;

const TABLES = 50;
const name = (i: number) => `t${String(i).padStart(2, '0')}`;
// t02 → t01 (a foreign-key parent), the others stand alone.
const baselineUp = Array.from({ length: TABLES }, (_, k) => {
  const i = k + 1;
  const fk = i === 2 ? `, parent_id int NOT NULL REFERENCES ${name(1)}(id)` : '';
  return `CREATE TABLE ${name(i)} (id int PRIMARY KEY, label text NOT NULL${fk});`;
}).join('\n');
const baselineDown = Array.from({ length: TABLES }, (_, k) => `DROP TABLE ${name(TABLES - k)};`).join('\n');

const base = { 'db/1_baseline.up.sql': `${baselineUp}\n`, 'db/1_baseline.down.sql': `${baselineDown}\n` };

/** The PR: one migration on t02 (child of t01) and "T30" written in mixed case, unquoted. */
function pr(down: string) {
  return {
    'db/2_touch.up.sql': 'ALTER TABLE t02 ADD COLUMN note text;\nUPDATE public.T30 SET label = label;\n',
    'db/2_touch.down.sql': down,
  };
}

describe('seeding only the tables the new migrations reach', () => {
  test('near miss: the 2 touched tables and the parent are seeded, nothing else, and the exact down passes', async () => {
    const root = writeGitProject(base, pr('ALTER TABLE t02 DROP COLUMN note;\n'));
    const r = await verify(root, 'db', url(), { base: 'HEAD' });
    expect(r.seeded.map((s) => s.table).sort()).toEqual(['public.t01', 'public.t02', 'public.t30']);
    expect(r.seeded.every((s) => s.rows === 20)).toBe(true);
    expect(r.notes.join('\n')).toContain("Seeded 3 of the baseline's 50 tables: the 2 the new migrations reach and 1 foreign-key parent of theirs; the others stay empty");
    expect(r.problems).toEqual([]);
    expect(r.status).toBe('pass');
  });

  test('defect: a down that loses data in a touched table is still an error naming it', async () => {
    const root = writeGitProject(base, pr('ALTER TABLE t02 DROP COLUMN note;\nDELETE FROM t30 WHERE id % 2 = 0;\n'));
    const r = await verify(root, 'db', url(), { base: 'HEAD' });
    expect(r.seeded.map((s) => s.table).sort()).toEqual(['public.t01', 'public.t02', 'public.t30']);
    expect(r.problems.filter((p) => p.kind === 'data-loss')).toEqual([expect.objectContaining({ severity: 'error', object: 'table public.t30' })]);
    expect(r.status).toBe('fail');
  });
});
