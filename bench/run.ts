/**
 * `npm run bench [-- --quick] [-- --only 2,3] [-- --runs N]`: the five figures of issue 7 and the
 * server start, each against its target, as a Markdown table on stdout and JSON in
 * bench/results/latest.json (--quick: bench/results/quick.json). Ratios compare two things run
 * alternately on the same server in the same run; absolute times on a shared machine are noise.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { runAllCleanups } from '../src/cleanup.js';
import { startServer } from '../src/postgres/select.js';
import type { BenchContext, FigureResult } from './context.js';
import { dataFigure } from './figure-data.js';
import { flatnessFigure } from './figure-flat.js';
import { fullHistoryFigure, fullHistorySeedlessFigure } from './figure-history.js';
import { incrementalFigure } from './figure-incremental.js';
import { peerFigure } from './figure-peer.js';
import { prShapedFigure, prShapedSeedlessFigure } from './figure-pr.js';
import { predictFigure } from './figure-predict.js';
import { serverStartFigure } from './figure-server-start.js';
import { snapshotFigure } from './figure-snapshot.js';
import { renderDetails, renderTable } from './table.js';

interface Args {
  quick: boolean;
  only?: Set<string>;
  runs?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only = new Set(argv[++i]!.split(','));
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else throw new Error(`unknown argument ${a} (accepted: --quick, --only start,1,1s,2,2s,3,3i,4,5,6,7, --runs N)`);
  }
  return args;
}

const FIGURES: Array<[string, (ctx: BenchContext) => Promise<FigureResult | undefined>]> = [
  ['start', serverStartFigure],
  ['1', prShapedFigure],
  ['1s', prShapedSeedlessFigure],
  ['2', fullHistoryFigure],
  ['2s', fullHistorySeedlessFigure],
  ['3', snapshotFigure],
  ['3i', incrementalFigure],
  ['4', dataFigure],
  ['5', peerFigure],
  ['6', predictFigure],
  ['7', flatnessFigure],
];

function previousValues(path: string): Map<string, number> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const old = JSON.parse(readFileSync(path, 'utf8')) as { figures: FigureResult[] };
    return new Map(old.figures.map((f) => [f.id, f.value]));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const plan = args.quick ? { runs: args.runs ?? 3, warmup: 1 } : { runs: args.runs ?? 5, warmup: 1 };
  const out = args.quick ? 'bench/results/quick.json' : 'bench/results/latest.json';
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  const progress = (m: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
  const server = await startServer({ provider: 'embedded' });
  const ctx: BenchContext = { server, quick: args.quick, plan, progress };
  const figures: FigureResult[] = [];
  try {
    for (const [id, figure] of FIGURES) {
      if (args.only && !args.only.has(id)) continue;
      progress(`figure ${id}`);
      const result = await figure(ctx);
      if (result) figures.push(result);
      else progress(`figure ${id} skipped (its peer tool could not be installed)`);
      // A long run that fails late still leaves what it measured.
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(out.replace(/\.json$/, '.partial.tmp.json'), JSON.stringify({ figures }, null, 2) + '\n');
    }
  } finally {
    await server.stop();
  }
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? '',
    node: process.version,
    postgres: server.version,
    loadBefore: Math.round(loadBefore * 100) / 100,
    loadAfter: Math.round(loadavg()[0]! * 100) / 100,
  };
  const previous = previousValues(out);
  const seconds = Math.round((performance.now() - started) / 1000);
  process.stdout.write(
    `rollback-verify benchmarks${args.quick ? ' (--quick: smaller sizes, fewer runs)' : ''}: median of ${plan.runs} runs after ${plan.warmup} warm-up, ` +
      `${machine.cpus} × ${machine.cpu}, Node ${machine.node}, PostgreSQL ${machine.postgres}, load ${machine.loadBefore} → ${machine.loadAfter}, ${seconds} s\n\n` +
      `${renderTable(figures, previous)}\n\n${renderDetails(figures)}\n`,
  );
  if (machine.loadBefore > machine.cpus * 0.5 || machine.loadAfter > machine.cpus * 1.5) {
    process.stdout.write(`\nNote: the machine was busy (load ${machine.loadBefore} → ${machine.loadAfter} on ${machine.cpus} cores); ratios are steadier than times, but both are noisier than usual.\n`);
  }
  mkdirSync('bench/results', { recursive: true });
  // --only re-measures some figures: the others are kept from the previous file.
  if (args.only && existsSync(out)) {
    const old = JSON.parse(readFileSync(out, 'utf8')) as { figures: FigureResult[] };
    const fresh = new Map(figures.map((f) => [f.id, f]));
    figures.splice(0, figures.length, ...old.figures.map((f) => fresh.get(f.id) ?? f), ...figures.filter((f) => !old.figures.some((o) => o.id === f.id)));
  }
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), quick: args.quick, plan, machine, seconds, figures }, null, 2) + '\n');
  process.stderr.write(`wrote ${out}\n`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => runAllCleanups());
