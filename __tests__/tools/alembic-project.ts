/** Builds Alembic projects for tests: the fixture's alembic.ini and env.py plus revision files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProgram } from '../../src/tools/find-program.js';

const FIXTURE = join(process.cwd(), '__fixtures__', 'tools', 'alembic');

/** True when Alembic is installed (Debian: apt-get install -y alembic python3-alembic python3-psycopg2). */
export const hasAlembic = findProgram('alembic', process.cwd()) !== undefined;

export interface RevisionSpec {
  id: string;
  slug: string;
  parents?: string[];
  /** Python lines of upgrade()/downgrade(), without indentation. */
  up: string[];
  down: string[];
  labels?: string[];
}

/** The revision file's path and content, as `alembic revision` lays it out. */
export function revisionFile(r: RevisionSpec): [string, string] {
  const parents = r.parents ?? [];
  const down = parents.length === 0 ? 'None' : parents.length === 1 ? `'${parents[0]}'` : `(${parents.map((p) => `'${p}'`).join(', ')})`;
  const body = (lines: string[]) => (lines.length ? lines : ['pass']).map((l) => `    ${l}`).join('\n');
  const content = `"""${r.slug}

Revision ID: ${r.id}
Revises: ${parents.join(', ')}
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '${r.id}'
down_revision = ${down}
branch_labels = ${r.labels ? `('${r.labels.join("', '")}',)` : 'None'}
depends_on = None


def upgrade() -> None:
${body(r.up)}


def downgrade() -> None:
${body(r.down)}
`;
  return [`migrations/versions/${r.id}_${r.slug}.py`, content];
}

/** The project files (paths relative to the project root): fixture config plus the revisions. */
export function alembicProject(revisions: RevisionSpec[], prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of ['alembic.ini', 'migrations/env.py', 'migrations/script.py.mako']) {
    files[prefix + f] = readFileSync(join(FIXTURE, f), 'utf8');
  }
  for (const r of revisions) {
    const [path, content] = revisionFile(r);
    files[prefix + path] = content;
  }
  return files;
}

export const usersTable: RevisionSpec = {
  id: 'a1b2c3d4e5f6',
  slug: 'create_users',
  up: ["op.create_table('users', sa.Column('id', sa.Integer, primary_key=True), sa.Column('email', sa.Text, nullable=False))"],
  down: ["op.drop_table('users')"],
};
