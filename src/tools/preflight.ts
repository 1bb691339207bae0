/**
 * Before any server starts: every program the plan's tool-driven steps run must be installed.
 * A missing node-pg-migrate or knex found half way through a run (after the server, the scratch
 * database and the baseline) costs minutes and reads like a migration failure; found here it is
 * one line, exit 2, nothing started.
 */
import { EnvironmentError } from '../errors.js';
import type { Migration, Script } from '../formats/types.js';
import { findAlembicPython } from './alembic-launch.js';
import { findProgram, INSTALL_HINTS } from './find-program.js';

/** Throws EnvironmentError naming the first step whose program is installed nowhere we look. */
export async function requireInstalledTools(migrations: readonly Migration[]): Promise<void> {
  const checked = new Set<string>();
  for (const m of migrations) {
    for (const script of [m.up, m.down]) {
      if (!script || script.kind !== 'command') continue;
      const program = script.launcher ?? script.argv[0];
      if (!program) continue;
      const key = `${program}\0${script.cwd}`;
      if (checked.has(key)) continue;
      checked.add(key);
      await requireProgram(script, program);
    }
  }
}

async function requireProgram(script: Extract<Script, { kind: 'command' }>, program: string): Promise<void> {
  if (script.launcher === 'alembic') {
    // Alembic runs under the Python that has it installed; that lookup names what is missing.
    await findAlembicPython(script.cwd);
    return;
  }
  if (findProgram(program, script.cwd)) return;
  const hint = INSTALL_HINTS[program];
  throw new EnvironmentError(`${script.file}: '${program}' was not found in node_modules/.bin or on PATH${hint ? `: ${hint}` : ''}`);
}
