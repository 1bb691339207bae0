/**
 * Measures one schema snapshot of a 1,000-table schema (issue 7, figure 3): 10 columns, 2 indexes
 * and 1 foreign key per table, plus 100 views and 100 functions. Not a test (tests never assert
 * wall-clock); run it by hand against any server you may create a database in:
 *
 *   npx esbuild __tests__/schema/measure-snapshot-scale.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/measure-snapshot.mjs \
 *     && node node_modules/.cache/measure-snapshot.mjs postgres://…/postgres
 *
 * Prints median/min/max of warm snapshots on one connection, of a snapshot on a fresh connection,
 * and of the server-side fingerprint.
 */
import pg from 'pg';
import { snapshotFingerprint, snapshotSchema } from '../../src/schema/snapshot.js';

const TABLES = 1000;

/** The DDL of the generated schema, deterministic. */
export function scaleSchemaSql(tables = TABLES): string {
  const out: string[] = [];
  for (let i = 0; i < tables; i++) {
    const ref = i === 0 ? '' : `, parent_id bigint REFERENCES t${i - 1} (id) ON DELETE CASCADE`;
    out.push(
      `CREATE TABLE t${i} (id bigserial PRIMARY KEY, name text NOT NULL, email varchar(200), created_at timestamptz NOT NULL DEFAULT now(),` +
        ` amount numeric(12,2) DEFAULT 0, flag boolean NOT NULL DEFAULT false, kind smallint, note text, payload jsonb${ref}${i === 0 ? ', parent_id bigint' : ''});`,
      `CREATE INDEX t${i}_name_idx ON t${i} (name);`,
      `CREATE INDEX t${i}_created_idx ON t${i} (created_at DESC) WHERE flag;`,
    );
  }
  for (let i = 0; i < tables / 10; i++) {
    out.push(`CREATE VIEW v${i} AS SELECT a.id, a.name, b.email FROM t${i} a JOIN t${i + 1} b ON b.parent_id = a.id WHERE a.flag;`);
    out.push(
      `CREATE FUNCTION f${i}(p bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM t${i} WHERE id > p); END; $$;`,
    );
  }
  return out.join('\n');
}

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  process.stdout.write(`${label}: median ${f(ms[runs >> 1]!)} ms (min ${f(ms[0]!)}, max ${f(ms[runs - 1]!)}, ${runs} runs)\n`);
}

async function main(): Promise<void> {
  const adminUrl = process.argv[2];
  if (!adminUrl) throw new Error('usage: measure-snapshot-scale <admin postgres url>');
  const dbName = `rv_scale_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    await client.query(scaleSchemaSql());
    await client.query('ANALYZE');
    const snapshot = await snapshotSchema(client);
    process.stdout.write(`database ${dbName}: ${snapshot.objects.size} snapshot objects\n`);
    await time('snapshotSchema (warm connection)', 9, () => snapshotSchema(client));
    await time('snapshotFingerprint (warm connection)', 9, () => snapshotFingerprint(client));
    await time('connect + snapshotSchema (fresh connection)', 5, async () => {
      const fresh = new pg.Client({ connectionString: url.toString() });
      await fresh.connect();
      try {
        await snapshotSchema(fresh);
      } finally {
        await fresh.end();
      }
    });
  } finally {
    await client.end();
    if (!process.env.KEEP) await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv[1] && /measure/.test(process.argv[1])) await main();
