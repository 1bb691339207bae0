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
import type { ActionsCore } from './github/actions-core.js';
import { coreLogger } from './github/actions-core.js';
import { resolveBase } from './github/base.js';
import { readRunContext } from './github/context.js';
import { createGitHubClient } from './github/octokit.js';
import { publishResult } from './github/publish.js';
import { parseActionInputs } from './inputs.js';
import type { Logger } from './logger.js';
import type { VerifyOptions } from './options.js';
import { chooseRunnerPostgres } from './postgres/runner-choice.js';
import { startServer } from './postgres/select.js';
import { runVerification } from './verify/run.js';

/** Masks a secret and, for a URL, its password alone (error messages may repeat just that). */
function maskSecret(core: ActionsCore, secret: string): void {
  if (!secret) return;
  core.setSecret(secret);
  try {
    const password = new URL(secret).password;
    if (password) {
      core.setSecret(password);
      if (decodeURIComponent(password) !== password) core.setSecret(decodeURIComponent(password));
    }
  } catch {
    // Not a URL: masked whole above.
  }
}

/** Runs the action. Resolves in every case; the verdict is set with core.setFailed. */
export async function run(): Promise<void> {
  const logger: Logger = coreLogger(core);
  try {
    const settings = parseActionInputs((name) => core.getInput(name));
    const secrets = [settings.githubToken, settings.options.databaseUrl ?? ''].filter(Boolean);
    for (const s of secrets) maskSecret(core, s);

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
    // embedded.ts looks there first; this is its documented seam for the tool-cache install.
    if (choice.embeddedDir) process.env.RV_EMBEDDED_POSTGRES_DIR = choice.embeddedDir;

    let options: VerifyOptions = { ...parsed, provider: choice.provider, base: base.sha };
    if (choice.provider === 'docker') {
      // The engine's startServer call has no image parameter, so the action owns the container:
      // it starts it here, hands the engine its URL, and removes it in `finally` (and on signals).
      const server = await startServer({ provider: 'docker', postgresMajor: settings.postgresMajor, postgresImage: settings.postgresImage, reason: choice.reason });
      maskSecret(core, server.adminUrl);
      secrets.push(server.adminUrl);
      logger.info(`PostgreSQL ${server.version}: ${server.description}`);
      options = { ...options, provider: 'url', databaseUrl: server.adminUrl };
    }

    const engineResult = await runVerification(options, { logger });
    // The engine names the base by what it was given (a sha); the reader knows it as the branch.
    const result = {
      ...engineResult,
      ...(engineResult.base && base.ref ? { base: { ...engineResult.base, ref: base.ref } } : {}),
      notes: [...engineResult.notes, `server: ${choice.provider}, ${choice.reason}`],
    };

    const client = settings.githubToken ? createGitHubClient(settings.githubToken, ctx.apiUrl, logger) : undefined;
    await publishResult(
      { result, ctx, comment: settings.comment, workingDirectory: settings.workingDirectory, secrets, client, env: process.env },
      core,
      logger,
    );

    const errors = result.problems.filter((p) => p.severity === 'error').length;
    if (result.status === 'fail') {
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
