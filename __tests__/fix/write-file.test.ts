/** The --fix write: atomic, and never over a file that changed since the run read it. */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, writeFixFile } from '../../src/fix/write-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rv-fix-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test('rewrites a file that still holds what the run read, keeping its mode, with no temporary file left', async () => {
  const path = join(dir, '000004_x.down.sql');
  writeFileSync(path, 'DROP VIEW v;\n');
  chmodSync(path, 0o640);
  expect(await writeFixFile(path, 'DROP VIEW v;\nDROP INDEX i;\n', contentHash('DROP VIEW v;\n'))).toBe('updated');
  expect(readFileSync(path, 'utf8')).toBe('DROP VIEW v;\nDROP INDEX i;\n');
  expect(statSync(path).mode & 0o777).toBe(0o640);
  expect(leftovers()).toEqual([]);
});

test('leaves a file alone when it changed since the run read it', async () => {
  const path = join(dir, 'down.sql');
  writeFileSync(path, 'DROP VIEW v; -- edited meanwhile\n');
  expect(await writeFixFile(path, 'new', contentHash('DROP VIEW v;\n'))).toBe('changed-since-run');
  expect(readFileSync(path, 'utf8')).toBe('DROP VIEW v; -- edited meanwhile\n');
  expect(leftovers()).toEqual([]);
});

test('creates a missing file (and its folder), but not one that appeared since the run looked', async () => {
  const path = join(dir, '20240101_init', 'down.sql');
  expect(await writeFixFile(path, 'DROP TABLE t;\n', undefined)).toBe('created');
  expect(readFileSync(path, 'utf8')).toBe('DROP TABLE t;\n');
  expect(await writeFixFile(path, 'other\n', undefined)).toBe('changed-since-run');
  expect(readFileSync(path, 'utf8')).toBe('DROP TABLE t;\n');
  expect(leftovers()).toEqual([]);
});

test('a file that disappeared since the run read it is not recreated', async () => {
  const path = join(dir, 'gone.sql');
  expect(await writeFixFile(path, 'x', contentHash('was here'))).toBe('changed-since-run');
  expect(existsSync(path)).toBe(false);
});

test('nothing to write when the content is already there', async () => {
  const path = join(dir, 'same.sql');
  writeFileSync(path, 'same');
  expect(await writeFixFile(path, 'same', contentHash('same'))).toBe('unchanged');
});
