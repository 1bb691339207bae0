/**
 * Runs every example (and its broken variant) on real PostgreSQL with each script's
 * transaction mode and statements: up, down, up for each migration in order. A correct example
 * must return to the same catalog state after each down; a broken one must leave something
 * behind after its last down. This proves the examples, not the engine.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { detectFormat, FORMATS } from '../../src/formats/index.js';
import type { Script } from '../../src/formats/types.js';
import { usePostgres } from '../helpers/postgres.js';
import { readDir, sql } from './files.js';

// Jest runs from the repository root (see __tests__/e2e/harness.ts REPO_ROOT).
const root = process.cwd();
// SQL formats only: framework examples (TypeORM, Sequelize, …) run through their own tool in their own tests.
const isSqlFormat = (dir: string) => FORMATS.some((f) => f.name === dir.replace(/-broken$/, '') && !f.bookkeepingTables);
const dirs = [
  ...readdirSync(join(root, 'examples')).filter(isSqlFormat).map((d) => join('examples', d)),
  ...readdirSync(join(root, '__fixtures__', 'formats')).filter(isSqlFormat).map((d) => join('__fixtures__', 'formats', d)),
].sort();

/** Sends a script the way its tool does. */
async function run(client: pg.Client, script: Script): Promise<void> {
  const s = sql(script);
  const wrap = s.transaction === 'wrap';
  if (wrap) await client.query('BEGIN');
  for (const text of s.statements ? s.statements.map((x) => x.sql) : [s.text]) await client.query(text);
  if (wrap) await client.query('COMMIT');
}

/** A coarse catalog fingerprint: relations, types, functions, triggers and columns of public. */
async function catalog(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ line: string }>(`
    SELECT c.relkind::text || ' ' || c.relname AS line FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
    UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
    UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'column ' || attrelid::regclass || '.' || attname FROM pg_attribute
      WHERE attnum > 0 AND NOT attisdropped AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
    ORDER BY 1`);
  return rows.map((r) => r.line).join('\n');
}

describe('examples on PostgreSQL', () => {
  const postgres = usePostgres();

  it.each(dirs)('%s: up, down, up per migration', async (dir) => {
    const files = readDir(join(root, dir));
    const migrations = detectFormat(files, dir).parse(files, dir);
    const broken = dir.endsWith('-broken');
    await postgres.withDatabase(async (client) => {
      for (const [i, m] of migrations.entries()) {
        const before = await catalog(client);
        await run(client, m.up);
        const after = await catalog(client);
        expect(after).not.toBe(before);
        await run(client, m.down!);
        const rolledBack = await catalog(client);
        if (broken && i === migrations.length - 1) expect(rolledBack).toContain('i orders_status_idx');
        else expect(rolledBack).toBe(before);
        if (rolledBack !== before) await client.query('DROP INDEX orders_status_idx');
        await run(client, m.up);
        expect(await catalog(client)).toBe(after);
      }
    });
  });
});
