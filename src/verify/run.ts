/**
 * The engine entry shared by the CLI and the action: plan → database → verify → result.
 * Everything it starts is undone in `finally` (and by the cleanup registry on signals).
 */
import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import type { VerifyOptions } from '../options.js';
import { buildPlan, type Plan } from '../plan/plan.js';
import { startServer } from '../postgres/select.js';
import { createScratchDatabase } from '../postgres/scratch.js';
import { createDataHooks } from './data-hooks.js';
import { runProtocol, type ProtocolOutput } from './protocol.js';
import type { VerifyResult } from '../result/types.js';
import { thresholdProblems } from './thresholds.js';
import { lockProblems } from '../locks/verdicts.js';
import { decideStatus } from '../result/verdict.js';
import { FrameworkRunners } from '../tools/framework-runner.js';
import { runCommandScript } from '../tools/run-command.js';

export interface EngineDeps {
  logger: Logger;
}

/** Verifies the migrations described by `options`; throws only ConfigError/EnvironmentError. */
export async function runVerification(options: VerifyOptions, deps: EngineDeps): Promise<VerifyResult> {
  const { logger } = deps;
  const started = performance.now();
  const plan = await buildPlan(options);
  logger.info(
    `${plan.format.name}: ${plan.baseline.length} baseline and ${plan.fresh.length} new migration(s) in ${options.migrationsDir}` +
      (plan.base ? ` (base ${plan.base.ref} at ${plan.base.sha.slice(0, 7)})` : ''),
  );
  const data = createDataHooks(options, plan.format, resolve(options.cwd));
  if (plan.fresh.length === 0) {
    // A pull request that adds no migration: nothing to replay, so no server and no baseline build
    // (the plan's own problems, such as an edited merged migration, still count).
    const empty: ProtocolOutput = { migrations: [], problems: [], schemaChanges: [], seeded: [], notes: ['No new migrations: nothing to verify, no server was started.'] };
    return assembleResult(plan, options, empty, 'not started', started);
  }
  const server = await startServer({
    provider: options.provider,
    databaseUrl: options.databaseUrl,
    postgresMajor: options.postgresMajor,
    postgresImage: options.postgresImage,
    reason: options.providerReason,
    embeddedDir: options.embeddedDir,
  });
  try {
    logger.info(`PostgreSQL ${server.version}: ${server.description}`);
    const db = await createScratchDatabase(server);
    // Rails and Django boot once per run and app, not once per phase (src/tools/framework-runner.ts).
    const runners = new FrameworkRunners();
    const timeoutMs = options.statementTimeoutSeconds * 1000;
    try {
      const out = await runProtocol({
        url: db.url,
        baseline: plan.baseline,
        fresh: plan.fresh,
        mode: options.mode,
        strictColumnOrder: options.strictColumnOrder,
        statementTimeoutMs: options.statementTimeoutSeconds * 1000,
        excludeTables: plan.format.bookkeepingTables ?? [],
        data,
        logger,
        traceLocks: options.traceLocks !== false,
        runCommand: (script, url) => runCommandScript(script, { url, timeoutMs, runners }),
      });
      out.notes.unshift(`PostgreSQL ${server.version} (${server.provider})`);
      return assembleResult(plan, options, out, server.version, started);
    } finally {
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
  const problems = [...plan.problems, ...out.problems];
  problems.push(...thresholdProblems(out.migrations, { ...options, totalMs }));
  problems.push(...lockProblems(out.migrations, options));
  return {
    version: 1,
    status: decideStatus(problems, options.failOn),
    format: plan.format.name,
    postgres,
    mode: options.mode,
    migrationsDir: options.migrationsDir,
    ...(plan.base ? { base: plan.base } : {}),
    baselineCount: plan.baseline.length,
    migrations: out.migrations,
    problems,
    schemaChanges: out.schemaChanges,
    seeded: out.seeded,
    totalMs,
    notes: out.notes,
  };
}
