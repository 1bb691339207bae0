/**
 * Where a step-wise run spends its time: runs figure 2's generated history once through the engine
 * and sums the time of every query by kind (migration SQL, schema snapshot, data fingerprint,
 * connect, …). Not part of `npm run bench`; used to decide what to optimise.
 *
 *   node --import ./scripts/ts-register.mjs bench/profile.ts [migrations=60] [seed-rows=1000]
 *   node --import ./scripts/ts-register.mjs bench/profile.ts flat [tables=1000] [seed-rows=1000]
 *     (figure 7's PR: 10 new migrations at --base main on a baseline of that many tables)
 *   node --import ./scripts/ts-register.mjs bench/profile.ts pr [baseline=150] [seed-rows=1000]
 *     (figure 1's shape: 3 generated migrations at --base main on that many generated ones)
 */
import pg from 'pg';
import { startServer } from '../src/postgres/select.js';
import { generateHistory } from './history.js';
import { writeGitProject, writeProject } from './project.js';
import { flatBaseline, flatPr } from './figure-flat.js';
import { verifyProject } from './context.js';

const totals = new Map<string, { n: number; ms: number }>();
function add(key: string, ms: number): void {
  const t = totals.get(key) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += ms;
  totals.set(key, t);
}

function kind(text: string): string {
  if (text.includes('rollback_verify.saved')) return text.includes('string_agg(\n  concat(kind') ? 'schema fingerprint' : 'schema snapshot';
  if (text.startsWith('SET LOCAL jit')) return text.includes('xmin') ? 'data change probe' : 'data fingerprint';
  if (text.includes('json_agg(t ORDER BY t.schema, t.name)')) return 'data: read tables';
  if (/^\s*(CREATE|ALTER|DROP|COMMENT|BEGIN|COMMIT)/.test(text)) return text.length > 2000 ? 'migration sql (long scripts: the baseline)' : 'migration sql';
  if (/^SAVEPOINT rv_try; INSERT/.test(text)) return 'seeding inserts';
  return text.slice(0, 50).replace(/\s+/g, ' ');
}

// pg is CommonJS: one prototype serves every client the engine creates.
const proto = pg.Client.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
const query = proto.query!;
proto.query = function (this: unknown, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  const key = kind(typeof first === 'string' ? first : (first?.text ?? '?'));
  const started = performance.now();
  const result = query.apply(this, args) as Promise<unknown> | undefined;
  return result && typeof result.then === 'function' ? result.finally(() => add(key, performance.now() - started)) : result;
};
const connect = proto.connect!;
proto.connect = function (this: unknown, ...args: unknown[]) {
  const started = performance.now();
  return (connect.apply(this, args) as Promise<unknown>).finally(() => add('connect', performance.now() - started));
};

const mode = process.argv[2] === 'flat' || process.argv[2] === 'pr' ? process.argv[2] : 'history';
const args = mode === 'history' ? process.argv.slice(2) : process.argv.slice(3);
const count = Number(args[0] ?? { flat: 1000, pr: 150, history: 60 }[mode]);
const seedRows = Number(args[1] ?? 1000);
const server = await startServer({ provider: 'embedded' });
const pr = generateHistory(count + 3);
const project =
  mode === 'flat' ? writeGitProject(flatBaseline(count), flatPr())
  : mode === 'pr' ? writeGitProject(pr.slice(0, count), pr.slice(count))
  : writeProject(generateHistory(count), 'golang-migrate');
try {
  const { ms, result } = await verifyProject(server, project.root, project.dir, { seedRows, ...(mode === 'history' ? {} : { base: 'main' }) });
  const what = { flat: `flat PR on ${count} tables`, pr: `PR of 3 on ${count} baseline migrations`, history: `${count} migrations` }[mode];
  const rows = result.seeded.reduce((sum, t) => sum + t.rows, 0);
  console.log(`${what}, seed rows ${seedRows}: ${Math.round(ms)} ms in all; seeded ${result.seeded.length} tables, ${rows} rows\n     ms     n  kind`);
  for (const [k, v] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
    console.log(`${String(Math.round(v.ms)).padStart(7)} ${String(v.n).padStart(5)}  ${k}`);
  }
} finally {
  project.dispose();
  await server.stop();
}
