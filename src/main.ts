/**
 * The action's run(): inputs → base commit → PostgreSQL → engine → publish → verdict. Inputs are
 * read here, never at module load; one try/catch turns anything thrown into core.setFailed with
 * one line; cleanup (servers, containers, scratch databases) runs in `finally`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import { runAllCleanups } from './cleanup.js';
import { ConfigError, isUserFacingError, oneLine } from './errors.js';
import { coreLogger } from './github/actions-core.js';
import { resolveBase } from './github/base.js';
import { readRunContext } from './github/context.js';
import { createGitHubClient } from './github/octokit.js';
import { publishResult } from './github/publish.js';
import { parseActionInputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { VerifyOptions } from './options.js';
import { chooseRunnerPostgres } from './postgres/runner-choice.js';
import { runVerification } from './verify/run.js';
import { knownSecrets, onSecret, registerSecret } from './secrets.js';

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

    const base = await resolveBase(ctx, settings.baseRef, parsed.cwd, logger);
    logger.info(
      base.sha
        ? `Base: ${base.ref} at ${base.sha.slice(0, 7)}${base.fetched ? ' (fetched into the shallow checkout)' : ''}; migrations not there are new`
        : `No base (event ${ctx.eventName || 'none'}, no base-ref): every migration is verified`,
    );

    const choice = await chooseRunnerPostgres({
      provider: parsed.provider,
      databaseUrl: parsed.databaseUrl,
      postgresMajor: settings.postgresMajor,
      postgresImage: settings.postgresImage,
      toolCache: ctx.toolCache,
      logger,
    });
    logger.info(`PostgreSQL provider: ${choice.provider} — ${choice.reason}`);

    const options: VerifyOptions = {
      ...parsed,
      provider: choice.provider,
      base: base.sha,
      postgresMajor: settings.postgresMajor,
      ...(settings.postgresImage ? { postgresImage: settings.postgresImage } : {}),
      providerReason: choice.reason,
      ...(choice.embeddedDir ? { embeddedDir: choice.embeddedDir } : {}),
    };
    const engineResult = await runVerification(options, { logger });
    // The engine names the base by what it was given (a sha); the reader knows it as the branch.
    const result = {
      ...engineResult,
      ...(engineResult.base && base.ref ? { base: { ...engineResult.base, ref: base.ref } } : {}),
      notes: [...engineResult.notes, `server: ${choice.provider}, ${choice.reason}`],
    };

    const client = settings.githubToken ? createGitHubClient(settings.githubToken, ctx.apiUrl, logger) : undefined;
    await publishResult(
      { result, ctx, comment: settings.comment, workingDirectory: settings.workingDirectory, secrets: knownSecrets(), client, env: process.env },
      core,
      logger,
    );

    const errors = result.problems.filter((p) => p.severity === 'error').length;
    if (result.status === 'error') {
      // The environment ended the run; the summary and comment above still show what was verified.
      core.setFailed(result.problems.filter((p) => p.kind === 'environment').map((p) => p.message).join('; ') || 'rollback verification could not finish');
    } else if (result.status === 'fail') {
      core.setFailed(`rollback verification failed: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}) in ${result.migrationsDir}`);
    } else {
      logger.info(`rollback verification passed: ${result.migrations.length} new migration(s), ${result.problems.length} problem(s) below the fail-on level`);
    }
  } catch (err) {
    if (!isUserFacingError(err) && err instanceof Error && err.stack) core.debug(err.stack);
    core.setFailed(isUserFacingError(err) ? oneLine(err) : `rollback-verify failed unexpectedly: ${oneLine(err)}`);
  } finally {
    await runAllCleanups();
  }
}
