/**
 * Before any server starts: every program the plan's tool-driven steps run must be installed
 * (the tool itself, the TypeScript runner its package.json scripts run it under, Alembic's Python).
 * A missing node-pg-migrate or knex found half way through a run (after the server, the scratch
 * database and the baseline) costs minutes and reads like a migration failure; found here it is
 * one line, exit 2, nothing started.
 */
import type { Migration } from '../formats/types.js';
import { resolveProcess } from './run-command.js';

/** Throws EnvironmentError naming the first step whose program is installed nowhere we look. */
export async function requireInstalledTools(migrations: readonly Migration[]): Promise<void> {
  const checked = new Set<string>();
  for (const m of migrations) {
    for (const script of [m.up, m.down]) {
      if (!script || script.kind !== 'command') continue;
      const key = `${script.launcher ?? script.argv[0]}\0${script.cwd}`;
      if (checked.has(key)) continue;
      checked.add(key);
      await resolveProcess(script);
    }
  }
}
