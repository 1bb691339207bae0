/**
 * The one git module: the base as the action names it (baseRequestFor: base-ref, the PR's base
 * commit, none) resolved in full and shallow checkouts, through child_process and through
 * @actions/exec (the action's runner); files read at a commit byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrRepo, gitIn, type PrRepo } from '../../__fixtures__/git-repo.js';
import { baseRequestFor, type RunContext } from '../../src/github/context.js';
import { execGit } from '../../src/github/exec-git.js';
import { readFilesAtCommit, resolveBase, spawnGit, type GitRunner } from '../../src/plan/git.js';
import { ConfigError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';

let repo: PrRepo;
beforeAll(() => {
  repo = createPrRepo({ 'db/1_a.up.sql': 'select 1;\n', 'db/ü ß.sql': 'select \'ü\';\n' }, { 'db/2_b.up.sql': 'select 2;\n' });
});
afterAll(() => repo.cleanup());

const prContext = (baseSha: string): RunContext => ({
  eventName: 'pull_request',
  repo: { owner: 'acme', repo: 'shop' },
  pullRequest: { number: 1, baseSha, baseRef: 'main', headSha: repo.headSha, fromFork: false },
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
});
const push = (): RunContext => ({ ...prContext(repo.baseSha), eventName: 'push', pullRequest: undefined });

describe.each([
  ['child_process', spawnGit],
  ['@actions/exec', execGit],
] as Array<[string, GitRunner]>)('base resolution through %s', (_name, git) => {
  const resolve = (ctx: RunContext, baseRef: string | undefined, dir: string) => {
    const req = baseRequestFor(ctx, baseRef);
    return req ? resolveBase(dir, req, silentLogger, git) : Promise.resolve(undefined);
  };

  test('a pull request in a full checkout: the base commit is there, named by the base branch', async () => {
    expect(await resolve(prContext(repo.baseSha), undefined, repo.checkout())).toEqual({ sha: repo.baseSha, ref: 'main', fetched: false });
  });

  test('a shallow checkout fetches just the base commit', async () => {
    const dir = repo.checkout({ shallow: true });
    expect(() => gitIn(dir, 'cat-file', '-e', `${repo.baseSha}^{commit}`)).toThrow();
    expect(await resolve(prContext(repo.baseSha), undefined, dir)).toEqual({ sha: repo.baseSha, ref: 'main', fetched: true });
    expect(gitIn(dir, 'cat-file', '-t', repo.baseSha)).toBe('commit');
    expect(gitIn(dir, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  test('base-ref wins, also as a branch name that must be fetched', async () => {
    const got = await resolve({ ...prContext('0'.repeat(40)), eventName: 'push', pullRequest: undefined }, 'main', repo.checkout({ shallow: true }));
    expect(got).toMatchObject({ sha: repo.baseSha, ref: 'main', fetched: true });
  });

  test('push without base-ref: no base, every migration is new', async () => {
    expect(baseRequestFor(push(), undefined)).toBeUndefined();
  });

  test('an unreachable base says what to add to the workflow', async () => {
    const dir = repo.checkout({ shallow: true });
    gitIn(dir, 'remote', 'set-url', 'origin', `file://${repo.root}/nowhere.git`);
    const err = await resolve(prContext(repo.baseSha), undefined, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/base commit [0-9a-f]{12} \(main\) is not in this checkout and `git fetch --depth=1 origin [0-9a-f]{40}` failed .*add `fetch-depth: 0` under `with:` of the actions\/checkout step$/);
  });

  test('files at the base commit, byte for byte, without the head-only ones', async () => {
    const dir = repo.checkout();
    writeFileSync(join(dir, 'db', 'untracked.sql'), 'select 3;\n');
    const files = await readFilesAtCommit(dir, repo.baseSha, join(dir, 'db'), 'db', git);
    expect(files?.map((f) => [f.path, f.content]).sort()).toEqual([
      ['1_a.up.sql', 'select 1;\n'],
      ['ü ß.sql', "select 'ü';\n"],
    ]);
    expect(await readFilesAtCommit(dir, repo.baseSha, join(dir, 'nope'), 'nope', git)).toBeUndefined();
  });
});

test('the CLI never fetches: a missing ref is a config error saying how to fetch it', async () => {
  const dir = repo.checkout({ shallow: true });
  const err = await resolveBase(dir, { ref: 'origin/main~5', describe: "--base 'origin/main~5'", hint: 'fetch it' }, silentLogger).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toBe("--base 'origin/main~5' is not a commit in this repository; fetch it");
});

test('outside a repository', async () => {
  const err = await resolveBase('/', { ref: 'main', describe: "--base 'main'", hint: 'x' }, silentLogger).catch((e: unknown) => e);
  expect((err as Error).message).toBe("--base 'main' needs a git repository, and '/' is not inside one");
});
