/**
 * What the `postgres` OS user can reach when we run as root (src/postgres/reach.ts), asked of the
 * kernel as that user: a 0700 directory blocks; the data dir falls back to a reachable temp dir or
 * the error names the blocking directory; self-contained binaries are mirrored, others are not.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../src/errors.js';
import { firstBlocked, reachableBinaries, reachableParent } from '../../src/postgres/reach.js';

const asRoot = process.getuid?.() === 0;
const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : {};

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'rv-reach-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

(asRoot ? describe : describe.skip)('as root, for the postgres OS user', () => {
  test('a 0700 directory on the way blocks; 0755 does not', () => {
    mkdirSync(join(home, 'a', 'b'), { recursive: true });
    chmodSync(home, 0o755);
    expect(firstBlocked(join(home, 'a', 'b'), ids)).toBeUndefined();
    chmodSync(join(home, 'a'), 0o700);
    expect(firstBlocked(join(home, 'a', 'b'), ids)).toBe(join(home, 'a'));
  });

  test('the data dir falls back to a reachable dir, or the error names the blocking one', () => {
    chmodSync(home, 0o700);
    const logged: string[] = [];
    const logger = { info: (m: string) => logged.push(m), warning() {}, debug() {} };
    expect(reachableParent(home, ids, logger)).toBe('/tmp');
    expect(logged[0]).toContain(`cannot enter ${home} (mode 0700, owner uid 0): its data directory goes to /tmp`);
    const err = (() => {
      try {
        return reachableParent(home, ids, logger, []);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(
      `PostgreSQL refuses to run as root, so it runs as the postgres OS user, who cannot enter ${home} (mode 0700, owner uid 0) on the way to the temp dir ${home}; set TMPDIR to a directory that user can reach, or let it in (chmod o+x ${home})`,
    );
  });

  test('self-contained binaries are mirrored (linked) into the cluster dir; others are an error naming the directory', () => {
    const tree = join(home, 'pkg', 'native');
    for (const d of ['bin', 'lib', 'share']) mkdirSync(join(tree, d), { recursive: true });
    writeFileSync(join(tree, 'bin', 'initdb'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(tree, 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(tree, 'lib', 'libpq.so'), 'x', { mode: 0o600 });
    chmodSync(home, 0o700);
    const cluster = mkdtempSync(join('/tmp', 'rv-reach-cluster-'));
    // As local-cluster.ts does: the cluster's dir belongs to the server user.
    chownSync(cluster, ids.uid!, ids.gid!);
    try {
      const got = reachableBinaries({ initdb: join(tree, 'bin', 'initdb'), postgres: join(tree, 'bin', 'postgres') }, cluster, ids);
      expect(got).toEqual({ initdb: join(cluster, 'pg', 'bin', 'initdb'), postgres: join(cluster, 'pg', 'bin', 'postgres') });
      expect(firstBlocked(got.initdb, ids)).toBeUndefined();
      // Linked, not copied, when others may already read and run it; a private file is copied readable.
      expect(statSync(got.initdb).ino).toBe(statSync(join(tree, 'bin', 'initdb')).ino);
      expect(statSync(join(cluster, 'pg', 'lib', 'libpq.so')).mode & 0o044).toBe(0o044);
      expect(statSync(join(tree, 'lib', 'libpq.so')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(cluster, { recursive: true, force: true });
    }
    mkdirSync(join(home, 'bare'));
    writeFileSync(join(home, 'bare', 'initdb'), '', { mode: 0o755 });
    expect(() => reachableBinaries({ initdb: join(home, 'bare', 'initdb'), postgres: join(home, 'bare', 'postgres') }, home, ids)).toThrow(
      new RegExp(`cannot enter ${home} \\(mode 0700, owner uid 0\\) on the way to ${home}/bare/initdb; let it in \\(chmod o\\+x ${home}\\)`),
    );
    expect(existsSync(join(home, 'pg'))).toBe(false);
  });
});

test('not root: nothing is blocked (the server runs as ourselves)', () => {
  expect(firstBlocked(home, {})).toBeUndefined();
});
