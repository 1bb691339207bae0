/**
 * The engine entry shared by the CLI and the action: plan → database → verify → result.
 * Everything it starts is undone in `finally` (and by the cleanup registry on signals).
 */
import { resolve } from 'node:path';
import type { Logger } from '../logger.js';
import type { VerifyOptions } from '../options.js';
import { buildPlan } from '../plan/plan.js';
import { startServer } from '../postgres/select.js';
import { createScratchDatabase } from '../postgres/scratch.js';
import { createDataHooks } from './data-hooks.js';
import { runProtocol } from './protocol.js';
import type { VerifyResult } from './result.js';
import { thresholdProblems } from './thresholds.js';
import { lockProblems } from '../locks/verdicts.js';
import { decideStatus } from './verdict.js';

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
  const server = await startServer({
    provider: options.provider,
    databaseUrl: options.databaseUrl,
    postgresMajor: options.postgresMajor,
    postgresImage: options.postgresImage,
    reason: options.providerReason,
  });
  try {
    logger.info(`PostgreSQL ${server.version}: ${server.description}`);
    const db = await createScratchDatabase(server);
    try {
      const out = await runProtocol({
        url: db.url,
        baseline: plan.baseline,
        fresh: plan.fresh,
        mode: options.mode,
        strictColumnOrder: options.strictColumnOrder,
        statementTimeoutMs: options.statementTimeoutSeconds * 1000,
        excludeTables: plan.format.bookkeepingTables ?? [],
        data: await createDataHooks(options, plan.format, resolve(options.cwd)),
        logger,
        traceLocks: options.traceLocks !== false,
      });
      const totalMs = Math.round(performance.now() - started);
      const problems = [...plan.problems, ...out.problems];
      problems.push(...thresholdProblems(out.migrations, { ...options, totalMs }));
      problems.push(...lockProblems(out.migrations, options));
      return {
        version: 1,
        status: decideStatus(problems, options.failOn),
        format: plan.format.name,
        postgres: server.version,
        mode: options.mode,
        migrationsDir: options.migrationsDir,
        ...(plan.base ? { base: plan.base } : {}),
        baselineCount: plan.baseline.length,
        migrations: out.migrations,
        problems,
        schemaChanges: out.schemaChanges,
        seeded: out.seeded,
        totalMs,
        notes: [`PostgreSQL ${server.version} (${server.provider})`, ...out.notes],
      };
    } finally {
      await db.drop();
    }
  } finally {
    await server.stop();
  }
}
