/**
 * rollback-verify reads sqitch.plan itself; when Sqitch is installed (Debian: apt-get install
 * sqitch), the real `sqitch plan` must list the same changes in the same order.
 */
import { execFileSync } from 'node:child_process';
import { sqitch } from '../../src/formats/sqitch.js';
import { findProgram } from '../../src/tools/find-program.js';
import { readDir } from '../formats/files.js';
import { writeProject } from '../helpers/migrations.js';

const hasSqitch = findProgram('sqitch', process.cwd()) !== undefined;
const at = '2024-01-01T00:00:00Z Marge <marge@example.com>';

(hasSqitch ? test : test.skip)('the change order agrees with the real sqitch plan (tags, dependencies, rework)', () => {
  const root = writeProject({
    'sqitch.conf': '[core]\n\tengine = pg\n',
    'sqitch.plan': ['%syntax-version=1.0.0', '%project=flipr', '', `appschema ${at} # schema`, `users [appschema] ${at}`, `@v1.0 ${at}`, `flips [users] ${at}`, `users [users@v1.0] ${at} # rework`, `@v1.1 ${at}`, `+hashtags [flips] ${at}`, ''].join('\n'),
    'deploy/appschema.sql': '', 'deploy/users.sql': '', 'deploy/users@v1.0.sql': '', 'deploy/flips.sql': '', 'deploy/hashtags.sql': '',
  });
  const real = execFileSync('sqitch', ['plan', '--no-headers', '--format', 'format:%n'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  const ours = sqitch.parse(readDir(root), '.', { absDir: root, cwd: root, tool: {} });
  expect(ours.map((m) => m.name)).toEqual(real);
  expect(ours.map((m) => m.id)).toEqual(['appschema', 'users', 'flips', 'users#2', 'hashtags']);
  expect(ours[1]!.up.file).toBe('deploy/users@v1.0.sql');
});
