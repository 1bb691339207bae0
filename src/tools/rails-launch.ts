/**
 * Starts the Rails runner (src/tools/rails-runner.rb) for one app against the scratch database,
 * and says in one line what to install when the app cannot boot.
 *
 * - `ruby` from PATH runs it, in the app root; the app's config/boot.rb sets up Bundler as
 *   `bin/rails` would, so the app's own gems (and Rails version) are the ones used.
 * - DATABASE_URL is the scratch database: Rails merges it over config/database.yml's entry for
 *   the environment, and the runner refuses to go on if the resulting configuration names any
 *   other database (it checks before connecting).
 * - The work tree is left alone: logs go to a temp dir (the runner points `paths["log"]` there),
 *   Bootsnap's cache too (BOOTSNAP_CACHE_DIR), and the schema is never dumped.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { CommandScript } from '../formats/types.js';
import { CLEARED_PG_VARIABLES, databaseEnv } from './database-env.js';
import { lastLines } from './failure-location.js';
import { findProgram } from './find-program.js';
import { MIGRATIONS_DIR_VARIABLE, runnerScript, type RunnerError, type RunnerSpec } from './framework-runner.js';

export const RUBY_HINT = "install Ruby and the app's gems before this step (GitHub Actions: ruby/setup-ruby with bundler-cache: true; Debian/Ubuntu: apt-get install ruby-rails ruby-pg)";

/** The runner's request for `bin/rails db:migrate:up VERSION=…` / `db:migrate:down VERSION=…`. */
export function railsRequest(script: CommandScript): Record<string, unknown> {
  const [, task, version] = script.argv;
  const direction = task === 'db:migrate:down' ? 'down' : 'up';
  return { direction, version: (version ?? '').replace(/^VERSION=/, '') };
}

/** How to start the runner for the app the step belongs to. */
export function railsRunnerSpec(script: CommandScript, url: string): RunnerSpec {
  const ruby = findProgram('ruby', script.cwd);
  if (!ruby) throw new EnvironmentError(`${script.file}: '${script.argv.slice(0, 2).join(' ')}' needs Ruby, and 'ruby' was not found on PATH: ${RUBY_HINT}`);
  const migrationsDir = script.env?.[MIGRATIONS_DIR_VARIABLE] ?? join(script.cwd, 'db', 'migrate');
  const work = mkdtempSync(join(tmpdir(), 'rv-rails-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED_PG_VARIABLES) delete env[name];
  Object.assign(env, databaseEnv(url), script.env ?? {}, { BOOTSNAP_CACHE_DIR: work, DISABLE_SPRING: '1' });
  return {
    framework: 'Rails',
    command: ruby,
    args: [runnerScript('rails-runner.rb'), script.cwd, migrationsDir, work],
    cwd: script.cwd,
    env,
    tempDirs: [work],
    bootFailure: (error, output) => railsBootFailure(script, error, output),
  };
}

/** One line: which command could not boot the app, the error, where, and what to install. */
export function railsBootFailure(script: CommandScript, error: RunnerError | undefined, output: string): string {
  const command = `'${script.argv.slice(0, 2).join(' ')}'`;
  if (!error) return `${script.file}: ${command} could not boot the Rails app: ${lastLines(output) || 'the runner exited without a word'}`;
  if (error.class === 'MigrationsPath' || error.class === 'DatabaseConfiguration') return `${script.file}: ${error.message}`;
  const text = `${error.class}: ${error.message.split('\n')[0]!.trim()}`;
  const appFrame = error.frames.find(([path]) => path.startsWith(`${script.cwd}/`));
  const at = appFrame ? ` (${relative(script.cwd, appFrame[0])}:${appFrame[1]})` : '';
  return `${script.file}: ${command} could not boot the Rails app: ${text}${at} — ${railsHint(text)}`;
}

function railsHint(text: string): string {
  if (/bundler\/setup|command not found: bundle|Bundler::GemfileNotFound/.test(text)) {
    return "install Bundler and the app's gems (gem install bundler && bundle install)";
  }
  if (/Bundler::GemNotFound|Could not find gem|bundle install/.test(text)) {
    return "install the app's gems first: bundle install (GitHub Actions: ruby/setup-ruby with bundler-cache: true)";
  }
  if (/'postgresql' Active Record adapter|cannot load such file -- pg\b|\bpg is not part of the bundle/.test(text)) {
    return "install the pg gem (add it to the Gemfile and bundle install; Debian/Ubuntu: apt-get install ruby-pg)";
  }
  const missing = /cannot load such file -- ([\w/.-]+)/.exec(text);
  if (missing) return `a gem the app requires ('${missing[1]}') is not installed: bundle install (an app without a Gemfile: gem install, or the distribution's ruby-* package)`;
  return 'fix the error so `bin/rails db:migrate` boots, then run again';
}
