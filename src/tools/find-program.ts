/**
 * Finds the program a step runs the way npm scripts do: a bare name is looked up in
 * `node_modules/.bin` from the project directory upward (the project's own knex or
 * node-pg-migrate, at the version it pins), then on PATH.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The program's absolute path, or undefined when it is installed nowhere we look. */
export function findProgram(name: string, fromDir: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) {
    const path = isAbsolute(name) ? name : resolve(fromDir, name);
    return isExecutableFile(path) ? path : undefined;
  }
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', name);
    if (isExecutableFile(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  for (const entry of pathEnv.split(delimiter)) {
    if (!entry) continue;
    const candidate = join(entry, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** How to install each tool a format runs, for the one-line error when it is missing. */
export const INSTALL_HINTS: Record<string, string> = {
  alembic: 'install it as the project does (pip install -r requirements.txt), or on Debian/Ubuntu: apt-get install alembic python3-psycopg2',
  psql: 'install the PostgreSQL client (apt-get install postgresql-client); Sqitch runs every script through psql too',
  knex: "install the project's packages first (npm ci): knex runs from the project's node_modules/.bin",
  'node-pg-migrate': "install the project's packages first (npm ci): node-pg-migrate runs from the project's node_modules/.bin",
};
