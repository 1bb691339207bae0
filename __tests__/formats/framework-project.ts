/**
 * Framework projects for end-to-end tests: an example project copied into a fresh git repository
 * (committed, node_modules ignored as in any Node project), with a node_modules link to this
 * repository's installed packages, so TypeORM and sequelize-cli load from the project exactly as
 * after `npm ci`. `workTree` lists everything git sees, ignored files included, to prove a run
 * leaves the checkout as it was.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git, writeProject } from '../helpers/migrations.js';

/** Copies `exampleDir` (relative to the repository root), applies `changes` (null deletes), commits. */
export function frameworkProject(exampleDir: string, changes: Record<string, string | null> = {}, options: { nodeModules?: boolean } = {}): string {
  const root = writeProject({});
  cpSync(join(process.cwd(), exampleDir), root, { recursive: true });
  for (const [path, content] of Object.entries(changes)) {
    const full = join(root, path);
    if (content === null) rmSync(full);
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
  writeFileSync(join(root, '.gitignore'), 'node_modules\n');
  if (options.nodeModules !== false) symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'), 'dir');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'app');
  return root;
}

/** Everything git sees in the work tree: changes, untracked and ignored files. */
export function workTree(root: string): string {
  return git(root, 'status', '--porcelain', '--untracked-files=all', '--ignored');
}
