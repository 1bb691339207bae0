#!/usr/bin/env node
/**
 * The rollback-verify CLI: flags → engine → terminal report (stdout), progress (stderr), optional
 * JSON/Markdown files; exit 0 pass, 1 verification failed, 2 usage/config/environment error.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HELP, parseCli } from './cli-args.js';
import { runAllCleanups } from './cleanup.js';
import { isUserFacingError, oneLine } from './errors.js';
import type { Logger } from './logger.js';
import { engineValues, type VerifyOptions } from './options.js';
import { resolveBase } from './plan/git.js';
import { embeddedCacheDir } from './postgres/embedded-install.js';
import { renderJsonReport } from './report/json.js';
import { renderMarkdownReport } from './report/markdown.js';
import { renderTerminalReport } from './report/terminal.js';
import { redactSecrets, registerSecret } from './secrets.js';
import { runVerification } from './verify/run.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  const req = parseCli(argv);
  if (req.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (req.version) {
    process.stdout.write(`rollback-verify ${VERSION}\n`);
    return 0;
  }
  // Registered now, so even an error before the server is reached prints it redacted.
  registerSecret(req.databaseUrl);
  const clean = (s: string) => redactSecrets(s);
  const logger: Logger = {
    info: (m) => process.stderr.write(clean(m) + '\n'),
    warning: (m) => process.stderr.write(`warning: ${clean(m)}\n`),
    debug: (m) => (req.verbose ? process.stderr.write(clean(m) + '\n') : undefined),
  };
  const cwd = process.cwd();
  // The base is resolved here, once, and handed to the engine as { ref, sha }. The CLI never
  // fetches: a local repository is the user's, and a missing ref is theirs to fetch.
  const base = req.baseRef
    ? await resolveBase(cwd, { ref: req.baseRef, describe: `--base '${req.baseRef}'`, hint: `a shallow clone? fetch it: git fetch --depth=1 origin ${req.baseRef}` }, logger)
    : undefined;
  const options = {
    ...engineValues(req),
    cwd,
    ...(base ? { base: { ref: base.ref, sha: base.sha } } : {}),
    // Other PostgreSQL majors are installed there on first use (the embedded provider).
    embeddedCache: embeddedCacheDir('cli', process.env),
  } as VerifyOptions;
  const result = await runVerification(options, { logger });
  const color = req.color ?? (Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  if (req.json) writeFileSync(resolve(req.json), clean(renderJsonReport(result)));
  if (req.markdown) writeFileSync(resolve(req.markdown), clean(renderMarkdownReport(result, {})));
  process.stdout.write(clean(renderTerminalReport(result, { color })));
  if (result.status === 'error') {
    // The environment ended the run: the reports above hold what was verified; the one line
    // names the way out, and the exit code says it is not the migrations' verdict.
    for (const p of result.problems.filter((x) => x.kind === 'environment')) process.stderr.write(`rollback-verify: ${clean(p.message)}\n`);
    return 2;
  }
  return result.status === 'pass' ? 0 : 1;
}

main(process.argv.slice(2))
  .then(async (code) => {
    await runAllCleanups();
    process.exitCode = code;
  })
  .catch(async (err: unknown) => {
    await runAllCleanups();
    if (isUserFacingError(err)) {
      process.stderr.write(redactSecrets(`rollback-verify: ${oneLine(err)}\n`));
      process.exitCode = 2;
    } else {
      // An unexpected error is our bug: one line plus where to report it, still no stack by default.
      process.stderr.write(redactSecrets(`rollback-verify: internal error: ${oneLine(err)} (please report this; run with RV_DEBUG=1 for details)\n`));
      if (process.env.RV_DEBUG) process.stderr.write(redactSecrets(String((err as Error).stack) + '\n'));
      process.exitCode = 2;
    }
  });
