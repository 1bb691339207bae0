/**
 * `--list-command` for the commands format: a team's own command that prints the migrations
 * in the order its tool applies them, one per line. It runs once, before planning (formats are
 * pure parsers), in the run's working directory and without a database; its output is handed
 * to the parser as the `list-output` tool setting.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';

const run = promisify(execFile);

/** The tool settings with `list-output` filled in from `list-command`, when one is set. */
export async function expandToolSettings(tool: Record<string, string>, cwd: string): Promise<Record<string, string>> {
  const command = tool['list-command'];
  if (!command || tool['list-output'] !== undefined) return tool;
  try {
    const { stdout } = await run('/bin/sh', ['-c', command], { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { ...tool, 'list-output': stdout };
  } catch (err) {
    const e = err as { code?: number | string; stderr?: string; message: string };
    const why = (e.stderr ?? '').trim().split('\n').slice(-3).join(' / ') || e.message;
    throw new ConfigError(`--list-command '${command}' failed (${e.code ?? 'error'}): ${why}`);
  }
}
