/**
 * Node tool projects for tests: the files given plus a node_modules link to this repository's
 * installed packages, so knex and node-pg-migrate run from the project's node_modules/.bin
 * exactly as in a team's checkout after `npm ci`.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeProject } from '../helpers/migrations.js';

export function writeNodeProject(files: Record<string, string>): string {
  const root = writeProject({ 'package.json': '{ "name": "fixture", "private": true }\n', ...files });
  symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}
