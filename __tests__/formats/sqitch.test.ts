/** Sqitch plan reading and step building, pure. */
import { sqitch } from '../../src/formats/sqitch.js';
import { parseSqitchPlan } from '../../src/formats/sqitch-plan.js';
import type { CommandScript } from '../../src/formats/types.js';
import { files, thrown } from './files.js';

const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';
const plan = (...lines: string[]) => ['%syntax-version=1.0.0', '%project=flipr', '%uri=https://example.com/', '', ...lines].join('\n');

describe('sqitch plan', () => {
  test('changes, dependencies, tags, notes and blank lines', () => {
    const p = parseSqitchPlan(plan(`appschema ${at} # schema`, `users [appschema] ${at}`, '', `@v1.0 ${at} # release`, `+flips [users appschema !old otherproj:thing] ${at} # flips`), 'sqitch.plan');
    expect(p.project).toBe('flipr');
    expect(p.changes.map((c) => [c.name, c.requires, c.tags])).toEqual([
      ['appschema', [], []],
      ['users', ['appschema'], ['v1.0']],
      ['flips', ['users', 'appschema', 'otherproj:thing'], []],
    ]);
  });

  test('a rework takes the tags between its instances, newest first', () => {
    const p = parseSqitchPlan(plan(`f ${at}`, `@v1 ${at}`, `g ${at}`, `@v2 ${at}`, `f [f@v1] ${at}`), 'sqitch.plan');
    expect(p.changes[0]).toMatchObject({ name: 'f', reworkTags: ['v2', 'v1'], instance: 0 });
    expect(p.changes[2]).toMatchObject({ name: 'f', reworkTags: [], instance: 1 });
  });

  test('what Sqitch rejects is a ConfigError with the line', () => {
    expect(thrown(() => parseSqitchPlan(plan(`users [nope] ${at}`), 'db/sqitch.plan')).message).toBe('db/sqitch.plan:5: change "users" requires "nope", which is not planned before it');
    expect(thrown(() => parseSqitchPlan(plan(`f ${at}`, `f ${at}`), 'p')).message).toContain('declared again without an intervening tag');
    expect(thrown(() => parseSqitchPlan(`f ${at}`, 'p')).message).toBe('p: missing %project pragma');
  });
});

describe('sqitch format', () => {
  test('deploy (+verify) and revert through psql; reworked instances use their @tag scripts', () => {
    const ms = sqitch.parse(
      files({
        'sqitch.plan': plan(`f ${at}`, `@v1 ${at}`, `f [f@v1] ${at}`, `g ${at}`),
        'deploy/f@v1.sql': 'CREATE TABLE f ();',
        'revert/f@v1.sql': 'DROP TABLE f;',
        'deploy/f.sql': 'ALTER TABLE f ADD x int;',
        'revert/f.sql': 'ALTER TABLE f DROP x;',
        'verify/f.sql': 'SELECT x FROM f;',
        'deploy/g.sql': 'CREATE TABLE g ();',
        'revert/g.sql': '-- Revert g\nBEGIN;\n-- XXX Add DDLs here.\nCOMMIT;\n',
      }),
      'db',
      { absDir: '/repo/db', cwd: '/repo', tool: {} },
    );
    expect(ms.map((m) => m.id)).toEqual(['f', 'f#2', 'g']);
    expect(ms[0]!.up).toMatchObject({ file: 'db/deploy/f@v1.sql', cwd: '/repo/db', env: { PGCLIENTENCODING: 'UTF8' } });
    expect((ms[0]!.down as CommandScript).argv.slice(-2)).toEqual(['--file', 'revert/f@v1.sql']);
    const up = ms[1]!.up as CommandScript;
    expect(up.argv).toEqual(['psql', '--no-psqlrc', '--quiet', '--no-align', '--tuples-only', '--set', 'ON_ERROR_STOP=1', '--set', 'registry=sqitch', '--file', 'deploy/f.sql', '--file', 'verify/f.sql']);
    expect(up.extraFiles).toEqual(['db/verify/f.sql']);
    // The template revert (BEGIN; comment; COMMIT;) undoes nothing: a down that does nothing,
    // judged by what it leaves.
    expect((ms[2]!.down as CommandScript).empty).toBe(true);
    expect(ms[2]!.downPath).toBe('db/revert/g.sql');
  });

  test('detects sqitch.plan, also where sqitch.conf moves it', () => {
    expect(sqitch.detect(files({ 'sqitch.plan': '' }))).toBe(true);
    expect(sqitch.detect(files({ 'sqitch.conf': '[core]\n\ttop_dir = db\n', 'db/sqitch.plan': '' }))).toBe(true);
    expect(sqitch.detect(files({ 'deploy/x.sql': '' }))).toBe(false);
  });
});
