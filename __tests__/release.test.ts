/**
 * Ready to publish: action.yml passes the Marketplace's checks; every `uses:` of this action in
 * the docs and workflows names the coordinates in package.json (the one place they are written)
 * and pinning by tag and by commit is shown; the version has a changelog entry; the release
 * workflow checks, tests and moves the major tag — and scripts/release.sh, which it runs, does
 * that against a real repository with an origin.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_METADATA } from '../src/options/render.js';
import { VERSION } from '../src/version.js';

const root = process.cwd();
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string; repository: { url: string } };
/** owner/name, from package.json's repository URL. */
const COORDINATES = /github\.com\/([^/]+\/[^/.]+)(\.git)?$/.exec(pkg.repository.url)![1]!;
const DOCS = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'docs/bench.md'];

/** The `uses:` references of this action (not actions/*, not other vendors' actions). */
function ownUses(text: string): string[] {
  return [...text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@(\S+)/g)].filter((m) => m[1]!.startsWith(COORDINATES.split('/')[0]!) || m[1]!.includes('rollback')).map((m) => `${m[1]}@${m[2]}`);
}

describe('the Marketplace listing', () => {
  test('action.yml: description under 125 characters, branding with a known icon and color, node24', () => {
    const yml = read('action.yml');
    const description = JSON.parse(/^description: (".*")$/m.exec(yml)![1]!) as string;
    expect(description).toBe(ACTION_METADATA.description);
    expect(description.length).toBeLessThan(125);
    expect(yml).toMatch(/^branding:\n {2}icon: rotate-ccw\n {2}color: (white|black|yellow|blue|green|orange|red|purple|gray-dark)$/m);
    expect(yml).toMatch(/^name: rollback-verify$/m);
    expect(yml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
  });

  test('the coordinates: every use of this action in the docs and workflows names package.json repository', () => {
    expect(COORDINATES).toBe('rollback-verify/rollback-verify');
    const uses = DOCS.flatMap((f) => ownUses(read(f)));
    expect(uses.length).toBeGreaterThan(10);
    for (const u of uses) expect(u).toMatch(new RegExp(`^${COORDINATES}@(v\\d+(\\.\\d+\\.\\d+)?|<commit-sha>)$`));
    expect(read('action.yml')).toMatch(new RegExp(`^author: ${COORDINATES.split('/')[0]}$`, 'm'));
  });

  test('the README shows pinning by major tag, by exact tag and by commit', () => {
    const readme = read('README.md');
    expect(readme).toContain(`uses: ${COORDINATES}@v1 `);
    expect(readme).toContain(`uses: ${COORDINATES}@v${pkg.version} `);
    expect(readme).toMatch(new RegExp(`uses: ${COORDINATES}@<commit-sha>\\s+# v${pkg.version.replace(/\./g, '\\.')}`));
  });

  test('the version: package.json, the CLI and a changelog entry agree', () => {
    expect(VERSION).toBe(pkg.version);
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
  });
});

describe('the README is for users first; developers have CONTRIBUTING.md', () => {
  const commands = ['npm ci && node dist/cli.js examples/golang-migrate', 'npm test'];

  test('what it does and an example comment come before any set-up command; Develop keeps the two commands', () => {
    const readme = read('README.md');
    const firstCommand = Math.min(readme.indexOf(commands[0]!), readme.indexOf('npm test'));
    expect(readme.indexOf('**Example**')).toBeGreaterThan(0);
    expect(readme.indexOf('**Example**')).toBeLessThan(readme.indexOf('## Quick start'));
    expect(firstCommand).toBeGreaterThan(readme.indexOf('## Develop'));
    const develop = readme.slice(readme.indexOf('## Develop'));
    for (const c of commands) expect(develop).toContain(c);
    expect(readme).not.toMatch(/## Benchmarks/);
    expect(readme).not.toMatch(/schema\s+exclusions/);
  });

  test('CONTRIBUTING.md opens with the two commands; the benchmarks moved to docs/bench.md', () => {
    const contributing = read('CONTRIBUTING.md');
    const firstBlock = contributing.slice(contributing.indexOf('```sh'), contributing.indexOf('```', contributing.indexOf('```sh') + 5));
    for (const c of commands) expect(firstBlock).toContain(c);
    expect(contributing.indexOf('```sh')).toBeLessThan(200);
    expect(read('docs/bench.md')).toMatch(/^# Benchmarks\n[\s\S]*## Latest results/);
  });
});

describe('the release', () => {
  test('release.yml runs on a version tag: checks the tag, runs .ci/run (tests, dist/), releases, moves the major tag', () => {
    const wf = read('.github/workflows/release.yml');
    expect(wf).toMatch(/^on:\n {2}push:\n {4}tags: \['v\[0-9\]\+\.\[0-9\]\+\.\[0-9\]\+'\]$/m);
    expect(wf).toMatch(/contents: write/);
    const order = ['scripts/release.sh check', './.ci/run', 'scripts/release.sh notes', 'gh release create', 'scripts/release.sh move-major'].map((s) => wf.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(read('.ci/run')).toMatch(/npm run bundle\nif ! git diff --quiet -- dist; then/);
  });

  test('scripts/release.sh against a repository with an origin: check, notes, and v1 moved to the release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-release-'));
    try {
      const origin = join(dir, 'origin.git');
      const work = join(dir, 'work');
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd: work, encoding: 'utf8' }).trim();
      execFileSync('git', ['init', '-q', '--bare', origin]);
      mkdirSync(work);
      cpSync(join(root, 'scripts', 'release.sh'), join(work, 'release.sh'));
      const release = (...args: string[]) => spawnSync('bash', ['release.sh', ...args], { cwd: work, encoding: 'utf8' });
      const commit = (version: string, changelog: string) => {
        writeFileSync(join(work, 'package.json'), JSON.stringify({ version }));
        writeFileSync(join(work, 'CHANGELOG.md'), changelog);
        git('add', '-A');
        git('commit', '-qm', version);
        git('tag', `v${version}`);
        return git('rev-parse', 'HEAD');
      };
      git('init', '-q');
      git('remote', 'add', 'origin', origin);
      const first = commit('1.0.0', '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2025-06-01\n\n- First.\n');
      expect(release('check', 'v1.0.0').status).toBe(0);
      expect(release('notes', 'v1.0.0').stdout).toBe('\n- First.\n');
      expect(release('move-major', 'v1.0.0').status).toBe(0);
      const remoteV1 = () => execFileSync('git', ['ls-remote', origin, 'refs/tags/v1'], { encoding: 'utf8' }).split('\t')[0];
      expect(remoteV1()).toBe(first);

      const second = commit('1.1.0', '# Changelog\n\n## [1.1.0] - 2025-07-01\n\n- Second.\n\n## [1.0.0] - 2025-06-01\n\n- First.\n');
      expect(release('notes', 'v1.1.0').stdout).toBe('\n- Second.\n\n');
      expect(release('move-major', 'v1.1.0').status).toBe(0);
      expect(remoteV1()).toBe(second);

      // Refused: a tag that is not package.json's version, one without a changelog entry, a pre-release.
      expect(release('check', 'v1.2.0').stderr).toMatch(/tag v1\.2\.0, but package\.json's version is 1\.1\.0/);
      writeFileSync(join(work, 'CHANGELOG.md'), '# Changelog\n');
      expect(release('check', 'v1.1.0').stderr).toMatch(/CHANGELOG\.md has no '## \[1\.1\.0\]' section/);
      expect(release('check', 'v1.1.0-rc.1').stderr).toMatch(/release tags look like v1\.2\.3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
