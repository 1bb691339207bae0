/** The commands format, pure: argv building, globbing, list output, ids. */
import { commandArgv, commands } from '../../src/formats/commands.js';
import { globToRegExp } from '../../src/formats/glob.js';
import type { CommandScript, ParseContext } from '../../src/formats/types.js';
import { files, thrown } from './files.js';

const ctx = (tool: Record<string, string>): ParseContext => ({ absDir: '/repo/db', cwd: '/repo', tool });

describe('commands format', () => {
  test('plain commands run without a shell; shell syntax goes through sh -c with quoted values', () => {
    const values = { id: '001', name: 'add users', file: "db/it's.sql" };
    expect(commandArgv('bin/migrate up {id} --file {file}', values)).toEqual(['bin/migrate', 'up', '001', '--file', "db/it's.sql"]);
    expect(commandArgv('cd app && rails db:migrate:up VERSION={id} # {name}', values)).toEqual(['/bin/sh', '-c', "cd app && rails db:migrate:up VERSION=001 # 'add users'"]);
  });

  test('files matching --list-glob in natural order, ids from the leading number', () => {
    const ms = commands.parse(files({ 'V10_b.sql': '', 'V9_a.sql': '', '2_two.rb': '', '10_ten.rb': '', 'notes.md': '' }), 'db', ctx({ 'up-command': 'up {file}', 'down-command': 'down {id}', 'list-glob': '*.rb' }));
    expect(ms.map((m) => [m.id, m.name])).toEqual([['2', 'two'], ['10', 'ten']]);
    expect((ms[1]!.up as CommandScript).argv).toEqual(['up', 'db/10_ten.rb']);
    expect((ms[1]!.down as CommandScript)).toMatchObject({ argv: ['down', '10'], cwd: '/repo' });
  });

  test('--list-command output: files of the directory or bare ids, in the printed order', () => {
    const ms = commands.parse(files({ 'b.sql': '', 'a.sql': '' }), 'db', ctx({ 'up-command': 'up {id}', 'list-output': 'b.sql\na.sql\nmissing.sql\n0003_named\n' }));
    expect(ms.map((m) => [m.id, m.files])).toEqual([['b', ['b.sql']], ['a', ['a.sql']], ['0003', []]]);
    expect(ms[0]!.down).toBeUndefined();
  });

  test('markers in any comment style; no --up-command is a ConfigError; never auto-detected', () => {
    const ms = commands.parse(files({ '1_x.rb': 'x\n# rollback-verify: irreversible\n' }), '.', ctx({ 'up-command': 'u', 'down-command': 'd' }));
    expect(ms[0]!.markers.irreversible).toEqual({ file: '1_x.rb', line: 2 });
    expect(thrown(() => commands.parse(files({ a: '' }), '.', ctx({}))).message).toContain('--format commands needs --up-command');
    expect(commands.detect(files({ 'a.sql': '' }))).toBe(false);
  });

  test('glob: * within a segment, ** across, {a,b}', () => {
    expect(globToRegExp('*.sql').test('a.sql')).toBe(true);
    expect(globToRegExp('*.sql').test('x/a.sql')).toBe(false);
    expect(globToRegExp('**/*.{rb,py}').test('x/y/a.py')).toBe(true);
    expect(globToRegExp('**/*.{rb,py}').test('a.rb')).toBe(true);
  });
});
