/**
 * The project's own installed tool comes first (issue 12, point 14): a bare name is looked up in
 * `node_modules/.bin` from the migrations directory upward, the way `npm run` does, before PATH
 * (where another version, or a bundled fallback, may live). Near miss: a project without the
 * tool installed gets the one on PATH.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram } from '../../src/tools/find-program.js';

function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

describe('findProgram', () => {
  const root = mkdtempSync(join(tmpdir(), 'rv-find-program-'));
  const onPath = join(root, 'usr-bin');
  const globalKnex = executable(join(onPath, 'knex'));
  const globalPgm = executable(join(onPath, 'node-pg-migrate'));

  test("the project's node_modules/.bin wins over PATH, found from the migrations directory upward", () => {
    const project = join(root, 'app');
    const own = executable(join(project, 'node_modules', '.bin', 'knex'));
    mkdirSync(join(project, 'db', 'migrations'), { recursive: true });
    expect(findProgram('knex', join(project, 'db', 'migrations'), onPath)).toBe(own);
    // A workspace package uses the hoisted tool of the monorepo root, still before PATH.
    const hoisted = executable(join(root, 'mono', 'node_modules', '.bin', 'node-pg-migrate'));
    mkdirSync(join(root, 'mono', 'packages', 'api', 'migrations'), { recursive: true });
    expect(findProgram('node-pg-migrate', join(root, 'mono', 'packages', 'api', 'migrations'), onPath)).toBe(hoisted);
  });

  test('near miss: a project without the tool installed gets the one on PATH; none anywhere is undefined', () => {
    const bare = join(root, 'bare', 'migrations');
    mkdirSync(bare, { recursive: true });
    expect(findProgram('knex', bare, onPath)).toBe(globalKnex);
    expect(findProgram('node-pg-migrate', bare, onPath)).toBe(globalPgm);
    expect(findProgram('no-such-tool', bare, onPath)).toBeUndefined();
  });

  test('a file in node_modules/.bin that is not executable is passed over', () => {
    const project = join(root, 'broken');
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(project, 'node_modules', '.bin', 'knex'), 'not a program\n');
    expect(findProgram('knex', project, onPath)).toBe(globalKnex);
  });
});
