/**
 * Where a PR-shaped run spends its time (figure 1's shape at any size): a git repository whose
 * base commit holds `baseline` generated migrations and whose head adds 3, verified with
 * `--base main`; every query timed by kind, as bench/profile.ts does for the step-wise run, plus
 * how many tables and rows were seeded. Not part of `npm run bench`; used to decide what to optimise.
 *
 *   node --import ./scripts/ts-register.mjs bench/profile-pr.ts [baseline=150] [seed-rows=1000]
 */
import pg from 'pg';
import { startServer } from '../src/postgres/select.js';
import { generateHistory } from './history.js';
import { writeGitProject } from './project.js';
import { verifyProject } from './context.js';

const totals = new Map<string, { n: number; ms: number }>();
function add(key: string, ms: number): void {
  const t = totals.get(key) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += ms;
  totals.set(key, t);
}

function kind(text: string): string {
  if (text.includes('rollback_verify.saved')) return 'schema snapshot';
  if (text.startsWith('SET LOCAL jit')) return text.includes('xmin') ? 'data change probe' : 'data fingerprint';
  if (text.includes('json_agg(t ORDER BY t.schema, t.name)')) return 'data: read tables';
  if (/^\s*(CREATE|ALTER|DROP|COMMENT|BEGIN|COMMIT)/.test(text)) return 'migration sql';
  if (/^SAVEPOINT rv_try; INSERT/.test(text)) return 'seeding inserts';
  return text.slice(0, 50).replace(/\s+/g, ' ');
}

const proto = pg.Client.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
const query = proto.query!;
proto.query = function (this: unknown, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  const key = kind(typeof first === 'string' ? first : (first?.text ?? '?'));
  const started = performance.now();
  const result = query.apply(this, args) as Promise<unknown> | undefined;
  return result && typeof result.then === 'function' ? result.finally(() => add(key, performance.now() - started)) : result;
};

const baselineCount = Number(process.argv[2] ?? 150);
const seedRows = Number(process.argv[3] ?? 1000);
const history = generateHistory(baselineCount + 3);
const server = await startServer({ provider: 'embedded' });
const project = writeGitProject(history.slice(0, baselineCount), history.slice(baselineCount));
try {
  const { ms, result } = await verifyProject(server, project.root, project.dir, { base: 'main', seedRows });
  const rows = result.seeded.reduce((s, t) => s + t.rows, 0);
  console.log(`PR of 3 on ${baselineCount} baseline migrations, seed rows ${seedRows}: ${Math.round(ms)} ms in all; seeded ${result.seeded.length} tables, ${rows} rows`);
  for (const n of result.notes) console.log(`note: ${n}`);
  console.log('     ms     n  kind');
  for (const [k, v] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) {
    console.log(`${String(Math.round(v.ms)).padStart(7)} ${String(v.n).padStart(5)}  ${k}`);
  }
} finally {
  project.dispose();
  await server.stop();
}
