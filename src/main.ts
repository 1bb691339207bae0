/**
 * The action's run(): inputs → base commit → engine (which chooses and starts PostgreSQL) →
 * publish → verdict. Inputs are read here, never at module load; one try/catch turns anything
 * thrown into core.setFailed with one line, the `error` status, every output and a one-line job
 * summary; cleanup (servers, containers, scratch databases) runs in `finally`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import { runAllCleanups } from './cleanup.js';
import { ConfigError, isUserFacingError, oneLine } from './errors.js';
import { coreLogger } from './github/actions-core.js';
import { baseRequestFor, readRunContext } from './github/context.js';
import { execGit } from './github/exec-git.js';
import { createGitHubClient } from './github/octokit.js';
import { errorOutputs, errorSummary, resultCounts } from './github/outputs.js';
import { publishResult } from './github/publish.js';
import { writeJobSummary } from './github/summary.js';
import { parseActionInputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { VerifyOptions } from './options.js';
import { resolveBase } from './plan/git.js';
import { runVerification } from './verify/run.js';
import { knownSecrets, onSecret, redactSecrets, registerSecret } from './secrets.js';

/** Runs the action. Resolves in every case; the verdict is set with core.setFailed. */
export async function run(): Promise<void> {
  const logger: Logger = coreLogger(core);
  try {
    // Every secret the run meets (token, given URL, passwords providers make) is masked on arrival.
    onSecret((s) => core.setSecret(s));
    const settings = parseActionInputs((name) => core.getInput(name));
    registerSecret(settings.githubToken);
    registerSecret(settings.options.databaseUrl);

    const ctx = readRunContext(process.env);
    const { options: parsed } = settings;
    const migrationsAbs = join(parsed.cwd, parsed.migrationsDir);
    if (!existsSync(migrationsAbs)) {
      const at = ctx.pullRequest?.headSha ?? ctx.sha;
      throw new ConfigError(
        `migrations-dir '${join(settings.workingDirectory, parsed.migrationsDir)}' does not exist${at ? ` (checked out at ${at.slice(0, 7)}? add actions/checkout before this step)` : ''}`,
      );
    }

    const request = baseRequestFor(ctx, settings.baseRef);
    if (request && parsed.from) {
      throw new ConfigError(`from applies only without a base, and ${request.describe} decides which migrations are new; remove from, or run on push or workflow_dispatch`);
    }
    const base = request ? await resolveBase(parsed.cwd, request, logger, execGit) : undefined;
    logger.info(
      base
        ? `Base: ${base.ref} at ${base.sha.slice(0, 7)}${base.fetched ? ' (fetched into the shallow checkout)' : ''}; migrations not there are new`
        : `No base (event ${ctx.eventName || 'none'}, no base-ref): every migration is verified`,
    );

    const options: VerifyOptions = { ...parsed, ...(base ? { base: { ref: base.ref, sha: base.sha } } : {}) };
    const result = await runVerification(options, { logger, git: execGit });

    const client = settings.githubToken ? createGitHubClient(settings.githubToken, ctx.apiUrl, logger) : undefined;
    await publishResult(
      { result, ctx, comment: settings.comment, workingDirectory: settings.workingDirectory, secrets: knownSecrets(), client, env: process.env, cwd: parsed.cwd },
      core,
      logger,
    );
    for (const [name, value] of Object.entries(resultCounts(result))) core.setOutput(name, value);

    const errors = result.problems.filter((p) => p.severity === 'error').length;
    if (result.status === 'fail') {
      core.setFailed(`rollback verification failed: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}) in ${result.migrationsDir}`);
    } else if (result.status === 'error') {
      // The environment ended the run; the summary and comment above still show what was verified.
      const cause = result.problems.filter((p) => p.kind === 'environment').map((p) => p.message).join('; ') || 'the run could not finish';
      core.setFailed(`rollback verification could not finish: ${cause}`);
    } else {
      const n = result.migrations.length;
      const below = result.problems.length;
      logger.info(`rollback verification passed: ${n} new migration${n === 1 ? '' : 's'}, ${below} problem${below === 1 ? '' : 's'} below the fail-on level`);
    }
  } catch (err) {
    if (!isUserFacingError(err) && err instanceof Error && err.stack) core.debug(err.stack);
    const message = redactSecrets(isUserFacingError(err) ? oneLine(err) : `rollback-verify failed unexpectedly: ${oneLine(err)}`);
    // Every output has a value on every exit, so `if: steps.<id>.outputs.status == 'error'` works.
    for (const [name, value] of Object.entries(errorOutputs())) core.setOutput(name, value);
    try {
      writeJobSummary(errorSummary(message), process.env);
    } catch {
      // A summary file that cannot be written must not hide the error itself.
    }
    core.setFailed(message);
  } finally {
    await runAllCleanups();
  }
}
