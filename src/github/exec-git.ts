/**
 * git for the action, through @actions/exec (how actions run tools: the executable is found the
 * runner's way, Windows quoting included). Behind the git module's GitRunner seam, so the plan
 * and the base resolution do not know which one runs them; the CLI keeps child_process.
 *
 * Docker and the migration tools stay on child_process in the action too: they need timeouts and
 * to kill a whole process group, and @actions/exec exposes neither the child nor a way to stop it.
 */
import * as exec from '@actions/exec';
import type { GitRunner } from '../plan/git.js';

export const execGit: GitRunner = async (args, cwd, input) => {
  const out: Buffer[] = [];
  let stderr = '';
  try {
    const code = await exec.exec('git', args, {
      cwd,
      // Prompts disabled, so a private remote fails instead of hanging; messages in English.
      env: { ...(process.env as Record<string, string>), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      // Only when there is input: @actions/exec gives no hold on the child's stdin, so a write to a
      // git that exited without reading it (EPIPE) could not be caught.
      ...(input ? { input: Buffer.from(input) } : {}),
      silent: true,
      ignoreReturnCode: true,
      // Raw bytes: `git cat-file --batch` output is file contents, counted in bytes.
      listeners: { stdout: (d: Buffer) => out.push(d), stderr: (d: Buffer) => (stderr += d.toString()) },
    });
    return { code, stdout: Buffer.concat(out), stderr };
  } catch (err) {
    // @actions/exec throws when git is not on PATH.
    return { code: -1, stdout: Buffer.concat(out), stderr: /Unable to locate executable/.test((err as Error).message) ? 'git is not installed' : (err as Error).message };
  }
};
