/**
 * The engine entry shared by the CLI and the action: plan → database → verify → result.
 * Everything it starts is undone in `finally` (and by the cleanup registry on signals).
 */
import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import type { VerifyOptions } from '../options.js';
import type { GitRunner } from '../plan/git.js';
import { buildPlan, type Plan } from '../plan/plan.js';
import { startServer } from '../postgres/select.js';
import { createScratchDatabase, recreateScratchDatabase } from '../postgres/scratch.js';
import { createDataHooks } from './data-hooks.js';
import { runProtocol, type ProtocolOutput } from './protocol.js';
import type { VerifyResult } from '../result/types.js';
import { thresholdProblems } from './thresholds.js';
import { lockProblems } from '../locks/verdicts.js';
import { assembleResult as assemble } from '../result/assemble.js';
import { requireInstalledTools } from '../tools/preflight.js';
import { FrameworkRunners } from '../tools/framework-runner.js';
import { runCommandScript } from '../tools/run-command.js';
import { PredictionCopies } from './checks/prediction.js';
import { loadTableRows, predictNewMigrations } from './predictions.js';
import { predictionProblems } from '../predict/verdicts.js';
import type { TableSizes } from '../predict/types.js';
import { describeWritten, placeSuggestions, readSources, writeFixes, type SourceContents } from '../fix/apply.js';
import { resolveDir } from '../plan/read-files.js';

export interface EngineDeps {
  logger: Logger;
  /** How git runs (the action passes @actions/exec's); child_process by default. */
  git?: GitRunner;
}

/** Verifies the migrations described by `options`; throws only ConfigError/EnvironmentError. */
export async function runVerification(options: VerifyOptions, deps: EngineDeps): Promise<VerifyResult> {
  const { logger } = deps;
  const started = performance.now();
  // A bad table-rows file is a configuration error: say so before git runs or a server starts.
  const tableRows: TableSizes | undefined = options.tableRows ? await loadTableRows(options.tableRows, resolve(options.cwd)) : undefined;
  const plan = await buildPlan(options, deps.git);
  logger.info(
    `${plan.format.name}: ${plan.baseline.length} baseline and ${plan.fresh.length} new migration${plan.fresh.length === 1 ? '' : 's'} in ${options.migrationsDir}` +
      (plan.base ? ` (base ${plan.base.ref} at ${plan.base.sha.slice(0, 7)})` : ''),
  );
  const data = createDataHooks(options, plan.format, resolve(options.cwd), plan.fresh, (line) => logger.debug(line));
  if (plan.fresh.length === 0) {
    // A pull request that adds no migration: nothing to replay, so no server and no baseline build
    // (the plan's own problems, such as an edited merged migration, still count).
    const empty: ProtocolOutput = { migrations: [], problems: [], schemaChanges: [], seeded: [], notes: ['No new migrations: nothing to verify, no server was started.'], suggestions: [] };
    return assembleResult(plan, options, empty, 'not started', started);
  }
  // --fix edits only what the run verified: the files as they are now.
  const sources = options.fix ? await readSources(resolveDir(options.cwd, options.migrationsDir), plan.fresh) : undefined;
  // A tool that is not installed is one line now, not a failure half way through the run.
  await requireInstalledTools([...plan.baseline, ...plan.fresh]);
  const server = await startServer({
    provider: options.provider,
    databaseUrl: options.databaseUrl,
    postgresMajor: options.postgresMajor,
    postgresImage: options.postgresImage,
    embeddedCache: options.embeddedCache,
    logger,
  });
  try {
    logger.info(`PostgreSQL ${server.version}: ${server.description} — ${server.reason}`);
    // A server that outlives runs may hold scratch databases of runs that were SIGKILLed.
    const db = await createScratchDatabase(server, { logger, sweep: server.provider === 'url' });
    // Rails and Django boot once per run and app, not once per phase (src/tools/framework-runner.ts).
    const runners = new FrameworkRunners();
    const timeoutMs = options.statementTimeoutSeconds * 1000;
    const runCommand = (script: Parameters<typeof runCommandScript>[0], url: string) => runCommandScript(script, { url, timeoutMs, runners });
    // With table-rows: a copy of the state before each new migration's up, for the trials after.
    const copies = tableRows ? new PredictionCopies({ adminUrl: server.adminUrl, database: db.name }) : undefined;
    try {
      const protocol = (fullSnapshots: boolean) =>
        runProtocol({
          url: db.url,
          baseline: plan.baseline,
          fresh: plan.fresh,
          mode: options.mode,
          strictColumnOrder: options.strictColumnOrder,
          statementTimeoutMs: options.statementTimeoutSeconds * 1000,
          excludeTables: plan.format.bookkeepingTables ?? [],
          fullSnapshots,
          data,
          logger,
          traceLocks: options.traceLocks !== false,
          recreateDatabase: () => recreateScratchDatabase(server, db),
          runCommand,
          ...(copies ? { checks: [copies] } : {}),
          suggestFixes: options.suggestFixes !== false,
        });
      let out = await protocol(options.fullSnapshots === true);
      const mismatch = out.snapshotMismatch;
      if (mismatch) {
        // The safety net (docs/design.md): the patched schema model disagreed with a full read, so
        // none of this run's verdicts are trusted. Verify again from scratch with full snapshots
        // (prediction copies are made again: each is replaced by its migration's new one).
        const shown = mismatch.objects.length <= 5 ? mismatch.objects.join(', ') : `${mismatch.objects.slice(0, 5).join(', ')} and ${mismatch.objects.length - 5} more`;
        const warning = `Warning: the incremental schema snapshots disagreed with a full read ${mismatch.when} (${shown || 'the fingerprints differ'}); the run was verified again with full snapshots, and these are its results. Please report this; --full-snapshots skips the incremental pass.`;
        logger.warning(warning);
        await recreateScratchDatabase(server, db);
        out = await protocol(true);
        out.notes.unshift(warning);
      }
      if (copies && tableRows) {
        const predicted = await predictNewMigrations({
          fresh: plan.fresh,
          migrations: out.migrations,
          copies,
          tableRows,
          seedRows: options.seedRows,
          exclude: plan.format.bookkeepingTables ?? [],
          statementTimeoutMs: timeoutMs,
          runCommand,
          logger,
        });
        out.migrations = predicted.migrations;
        out.notes.push(...predicted.notes);
      }
      // One note: the version is in every headline already; this says which server and why.
      out.notes.unshift(`server: ${server.provider} (${server.reason})`);
      const result = assembleResult(plan, options, out, server.version, started);
      if (sources) await applyFixes(plan, options, out, sources, result, logger);
      return result;
    } finally {
      await copies?.dropAll();
      await runners.close();
      await db.drop();
    }
  } finally {
    await server.stop();
  }
}

/** The one result value: the plan's and the protocol's problems, thresholds, locks, the verdict. */
function assembleResult(plan: Plan, options: VerifyOptions, out: ProtocolOutput, postgres: string, started: number): VerifyResult {
  const totalMs = Math.round(performance.now() - started);
  return assemble({
    format: plan.format.name,
    postgres,
    mode: options.mode,
    migrationsDir: options.migrationsDir,
    ...(plan.base ? { base: plan.base } : {}),
    baselineCount: plan.baseline.length,
    fresh: plan.fresh,
    migrations: out.migrations,
    problems: [
      ...plan.problems,
      ...out.problems,
      ...thresholdProblems(out.migrations, { ...options, totalMs }),
      ...lockProblems(out.migrations, options),
      // Present only with table-rows: phases carry predictions only then.
      ...predictionProblems(out.migrations, options),
    ],
    schemaChanges: out.schemaChanges,
    suggestions: placeSuggestions(plan.format.name, options.migrationsDir, plan.fresh, out.suggestions),
    seeded: out.seeded,
    notes: out.notes,
    failOn: options.failOn,
    limits: { maxUpSeconds: options.maxUpSeconds, maxDownSeconds: options.maxDownSeconds, ...(options.maxLockMs ? { maxLockMs: options.maxLockMs } : {}), ...(options.maxPredictedLockMs ? { maxPredictedLockMs: options.maxPredictedLockMs } : {}) },
    totalMs,
  });
}

/**
 * `--fix`: writes each verified suggestion into its migration's down and says what changed (on
 * the logger and in the result's notes). Only verified suggestions exist, so only they are written.
 */
async function applyFixes(plan: Plan, options: VerifyOptions, out: ProtocolOutput, sources: SourceContents, result: VerifyResult, logger: Logger): Promise<void> {
  if (out.suggestions.length === 0) {
    result.notes.push('--fix: no verified fix to write.');
    logger.info('--fix: no verified fix to write');
    return;
  }
  const absDir = resolveDir(options.cwd, options.migrationsDir);
  const written = await writeFixes(plan.format.name, absDir, options.migrationsDir, plan.fresh, out.suggestions, sources);
  for (const w of written) {
    const line = describeWritten(w);
    result.notes.push(line);
    if (w.status === 'changed-since-run' || w.status === 'unsupported') logger.warning(line);
    else logger.info(line);
  }
}
