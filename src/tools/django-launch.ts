/**
 * Starts the Django runner (src/tools/django-runner.py) for one project against the scratch
 * database, and says in one line what to install when the project cannot be set up.
 *
 * - The Python is the project's: the active virtualenv's (VIRTUAL_ENV), else `python3`, else
 *   `python` on PATH — the first that can import Django.
 * - The runner replaces settings.DATABASES with the scratch database before django.setup(),
 *   keeping each alias's PostgreSQL ENGINE and OPTIONS, so the settings' own host is never
 *   reached (DATABASE_URL is set too, for settings that read it at import).
 * - No bytecode is written into the project (PYTHONDONTWRITEBYTECODE, `-B`).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../errors.js';
import type { CommandScript } from '../formats/types.js';
import { CLEARED_PG_VARIABLES, databaseEnv, postgresqlUrl } from './database-env.js';
import { lastLines } from './failure-location.js';
import { findProgram } from './find-program.js';
import { MIGRATIONS_DIR_VARIABLE, runnerScript, type RunnerError, type RunnerSpec } from './framework-runner.js';

const run = promisify(execFile);

export const DJANGO_HINT =
  "install the project's requirements into the Python on PATH (pip install -r requirements.txt) or activate its virtualenv; Debian/Ubuntu: apt-get install python3-django python3-psycopg2, for /usr/bin/python3";

/** The runner's request for `manage.py migrate <app> <target>` (or the dependencies step). */
export function djangoRequest(script: CommandScript): Record<string, unknown> {
  const [, , first, ...rest] = script.argv;
  if (first === DEPENDENCIES_FLAG) return { op: 'prepare', app: rest[0], names: rest.slice(1) };
  return { op: 'migrate', app: first, target: rest[0] };
}

/**
 * The argv marker of the step that applies the other apps' migrations the new ones depend on
 * (`manage.py migrate --dependencies-of <app> <name>…`, run as one `migrate <app> <name>` per
 * missing dependency). Not a flag of Django's: the runner reads it.
 */
export const DEPENDENCIES_FLAG = '--dependencies-of';

const pythonFor = new Map<string, Promise<string>>();

/** The first Python that imports Django; EnvironmentError naming those tried otherwise. */
export function findDjangoPython(cwd: string, who: string): Promise<string> {
  const candidates = [
    ...(process.env.VIRTUAL_ENV ? [join(process.env.VIRTUAL_ENV, 'bin', 'python')] : []),
    'python3',
    'python',
  ];
  const key = `${candidates.join('|')}|${process.env.PATH ?? ''}`;
  let found = pythonFor.get(key);
  if (!found) {
    found = (async () => {
      const tried: string[] = [];
      for (const name of candidates) {
        const path = findProgram(name, cwd);
        if (!path) continue;
        tried.push(path);
        try {
          await run(path, ['-B', '-c', 'import django'], { cwd, timeout: 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
          return path;
        } catch {
          // not this one
        }
      }
      throw new EnvironmentError(
        tried.length
          ? `${who} needs Django, which is not importable by ${tried.join(' nor ')}: ${DJANGO_HINT}`
          : `${who} needs Python, and there is none on PATH ('python3', 'python'): install Python and the project's requirements before this step (GitHub Actions: actions/setup-python, then pip install -r requirements.txt)`,
      );
    })();
    pythonFor.set(key, found);
    found.catch(() => pythonFor.delete(key));
  }
  return found;
}

/** DATABASES['default'] fields for the scratch database URL. */
export function scratchDatabaseSettings(url: string): Record<string, unknown> {
  const u = new URL(postgresqlUrl(url));
  const params = Object.fromEntries(u.searchParams);
  const { host, port, user, password, dbname, ...options } = params;
  return {
    NAME: decodeURIComponent(u.pathname.replace(/^\//, '')) || dbname || '',
    USER: decodeURIComponent(u.username) || user || '',
    PASSWORD: decodeURIComponent(u.password) || password || '',
    HOST: host ?? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1'),
    PORT: u.port || port || '',
    OPTIONS: options,
  };
}

/** How to start the runner for the project the step belongs to. */
export async function djangoRunnerSpec(script: CommandScript, url: string): Promise<RunnerSpec> {
  const python = await findDjangoPython(script.cwd, `${script.file}: 'python manage.py migrate'`);
  const migrationsDir = script.env?.[MIGRATIONS_DIR_VARIABLE] ?? script.cwd;
  const label = script.argv[2] === DEPENDENCIES_FLAG ? script.argv[3] : script.argv[2];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED_PG_VARIABLES) delete env[name];
  Object.assign(env, databaseEnv(url), script.env ?? {}, {
    ROLLBACK_VERIFY_DATABASE: JSON.stringify(scratchDatabaseSettings(url)),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  });
  return {
    framework: 'Django',
    command: python,
    args: ['-B', runnerScript('django-runner.py'), script.cwd, migrationsDir, label ?? ''],
    cwd: script.cwd,
    env,
    tempDirs: [],
    bootFailure: (error, output) => djangoBootFailure(script, python, error, output),
  };
}

/** One line: which command could not set the project up, the error, where, and what to do. */
export function djangoBootFailure(script: CommandScript, python: string, error: RunnerError | undefined, output: string): string {
  const command = `'${python} manage.py migrate'`;
  if (!error) return `${script.file}: ${command} could not set up Django: ${lastLines(output) || 'the runner exited without a word'}`;
  const text = `${error.class}: ${error.message.split('\n')[0]!.trim()}`;
  if (error.class === 'LookupError') return `${script.file}: ${error.message}`;
  // The frame in the project (settings.py, an app's models) is where the fix goes.
  const projectFrame = error.frames.find(([path]) => path.startsWith(`${script.cwd}/`));
  const at = projectFrame ? ` (${projectFrame[0].slice(script.cwd.length + 1)}:${projectFrame[1]})` : '';
  return `${script.file}: ${command} could not set up Django: ${text}${at} — ${djangoHint(text)}`;
}

function djangoHint(text: string): string {
  if (/psycopg2|psycopg\b/.test(text)) return "install the PostgreSQL driver (pip install psycopg2-binary; Debian/Ubuntu: apt-get install python3-psycopg2)";
  const missing = /No module named '([\w.]+)'/.exec(text);
  if (missing) return `the module '${missing[1]}' is not installed: ${DJANGO_HINT}`;
  if (/DJANGO_SETTINGS_MODULE|settings module/.test(text)) return 'set DJANGO_SETTINGS_MODULE for the step, as manage.py would';
  return 'fix the error so `python manage.py migrate` runs, then run again';
}
