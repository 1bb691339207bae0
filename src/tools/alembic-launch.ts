/**
 * Runs Alembic's own command line against the scratch database. Alembic has no flag for the
 * database URL: projects take it from `sqlalchemy.url` in alembic.ini or from an environment
 * variable read in env.py. So the step runs a few lines of Python that do exactly what the
 * `alembic` script does (alembic.config.CommandLine: parse argv, build Config, run_cmd) with one
 * change: `sqlalchemy.url` is set to the scratch database, keeping the project's driver
 * (`postgresql+psycopg://`, `+asyncpg`). DATABASE_URL carries the same URL for env.py files that
 * read the environment instead. The interpreter is the one the installed `alembic` script runs
 * with, so the project's virtualenv, SQLAlchemy and driver are the ones used.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { EnvironmentError } from '../errors.js';
import { findProgram, INSTALL_HINTS } from './find-program.js';

const run = promisify(execFile);

/** The environment variable the launcher reads the scratch URL from. */
export const LAUNCHER_URL_VARIABLE = 'ROLLBACK_VERIFY_DATABASE_URL';

/** alembic.config.main(), with sqlalchemy.url overridden (Alembic 1.x: 1.8 to 1.16 checked). */
export const ALEMBIC_LAUNCHER = `
import os, re, sys
from alembic.config import CommandLine, Config
cli = CommandLine(prog="alembic")
options = cli.parser.parse_args(sys.argv[1:])
if not hasattr(options, "cmd"):
    cli.parser.error("too few arguments")
kwargs = {"file_": options.config, "ini_section": options.name, "cmd_opts": options}
if hasattr(options, "toml_file"):
    kwargs["toml_file"] = options.toml_file
cfg = Config(**kwargs)
url = os.environ["${LAUNCHER_URL_VARIABLE}"]
try:
    configured = cfg.get_main_option("sqlalchemy.url") or ""
except Exception:
    configured = ""
driver = re.match(r"^postgres(?:ql)?(\\+\\w+)://", configured)
if driver:
    url = "postgresql" + driver.group(1) + url[len("postgresql"):]
cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
sys.exit(cli.run_cmd(cfg, options))
`;

const pythonFor = new Map<string, Promise<string>>();

/** The interpreter named by a script's `#!` line, when it is a Python. */
function shebangPython(script: string): string[] | undefined {
  let first: string;
  try {
    first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return undefined;
  }
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) return undefined;
  if (/python[\d.]*$/.test(m[1]!)) return [m[1]!];
  if (/\/env$/.test(m[1]!) && m[2] && /python[\d.]*$/.test(m[2])) return [m[2]];
  return undefined;
}

async function importsAlembic(python: string, cwd: string): Promise<boolean> {
  try {
    await run(python, ['-c', 'import alembic.config'], { cwd, timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** The Python that has Alembic installed: the `alembic` script's own, else python3, else python. */
export function findAlembicPython(cwd: string): Promise<string> {
  const alembic = findProgram('alembic', cwd);
  const key = `${alembic ?? ''}|${process.env.PATH ?? ''}`;
  let found = pythonFor.get(key);
  if (!found) {
    found = (async () => {
      const candidates = [...(alembic ? (shebangPython(alembic) ?? []) : []), 'python3', 'python'];
      for (const python of candidates) {
        if (await importsAlembic(python, cwd)) return python;
      }
      throw new EnvironmentError(`Alembic is not installed for any Python on PATH (${alembic ? `found ${alembic}, but its Python cannot import alembic` : "no 'alembic' command"}): ${INSTALL_HINTS.alembic}`);
    })();
    pythonFor.set(key, found);
    found.catch(() => pythonFor.delete(key));
  }
  return found;
}

/** The process to spawn for `alembic <args>`: the launcher under Alembic's Python. */
export async function alembicProcess(argv: readonly string[], cwd: string): Promise<{ command: string; args: string[] }> {
  const python = await findAlembicPython(cwd);
  return { command: python, args: ['-c', ALEMBIC_LAUNCHER, ...argv.slice(1)] };
}
