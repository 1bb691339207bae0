import { createPrRepo, gitIn, type PrRepo } from '../../__fixtures__/git-repo.js';
import { resolveBase } from '../../src/github/base.js';
import type { RunContext } from '../../src/github/context.js';
import { ConfigError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';

let repo: PrRepo;
beforeAll(() => {
  repo = createPrRepo({ 'db/1_a.up.sql': 'select 1;\n' }, { 'db/2_b.up.sql': 'select 2;\n' });
});
afterAll(() => repo.cleanup());

const prContext = (baseSha: string): RunContext => ({
  eventName: 'pull_request',
  repo: { owner: 'acme', repo: 'shop' },
  pullRequest: { number: 1, baseSha, baseRef: 'main', headSha: repo.headSha, fromFork: false },
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
});

describe('base resolution', () => {
  test('a pull request in a full checkout: the base commit is there', async () => {
    const dir = repo.checkout();
    expect(await resolveBase(prContext(repo.baseSha), undefined, dir, silentLogger)).toEqual({ sha: repo.baseSha, ref: 'main', source: 'pull-request', fetched: false });
  });

  test('a shallow checkout fetches just the base commit', async () => {
    const dir = repo.checkout({ shallow: true });
    expect(() => gitIn(dir, 'cat-file', '-e', `${repo.baseSha}^{commit}`)).toThrow();
    const got = await resolveBase(prContext(repo.baseSha), undefined, dir, silentLogger);
    expect(got).toEqual({ sha: repo.baseSha, ref: 'main', source: 'pull-request', fetched: true });
    expect(gitIn(dir, 'cat-file', '-t', repo.baseSha)).toBe('commit');
    expect(gitIn(dir, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  test('base-ref wins, also as a branch name that must be fetched', async () => {
    const dir = repo.checkout({ shallow: true });
    const got = await resolveBase({ ...prContext('0'.repeat(40)), eventName: 'push', pullRequest: undefined }, 'main', dir, silentLogger);
    expect(got).toMatchObject({ sha: repo.baseSha, ref: 'main', source: 'base-ref', fetched: true });
  });

  test('push without base-ref: no base, every migration is new', async () => {
    const got = await resolveBase({ ...prContext(repo.baseSha), eventName: 'push', pullRequest: undefined }, undefined, repo.checkout(), silentLogger);
    expect(got).toEqual({ source: 'none', fetched: false });
  });

  test('an unreachable base says what to add to the workflow', async () => {
    const dir = repo.checkout({ shallow: true });
    gitIn(dir, 'remote', 'set-url', 'origin', `file://${repo.root}/nowhere.git`);
    const err = await resolveBase(prContext(repo.baseSha), undefined, dir, silentLogger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/base commit [0-9a-f]{12} \(main\) is not in this checkout and `git fetch --depth=1 origin [0-9a-f]{40}` failed .*add `fetch-depth: 0` under `with:` of the actions\/checkout step$/);
  });
});
