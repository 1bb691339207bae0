/**
 * Who a process is, well enough to tell later whether it is still running: host name, a scope
 * (on Linux the boot and the pid namespace: the same pid in another container or after a reboot
 * is another process), the pid, and the pid's start time (a reused pid starts later).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  host: string;
  /** Where a pid means the same process: boot id and pid namespace on Linux, else empty. */
  scope: string;
  pid: number;
  /** The process's start time as the OS reports it (an opaque string, compared for equality). */
  started: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Boot id and pid namespace (Linux); empty elsewhere. */
export function processScope(): string {
  const boot = read('/proc/sys/kernel/random/boot_id');
  if (!boot) return '';
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    // Not readable: the boot alone.
  }
  return `${boot}/${ns}`;
}

/**
 * The start time of `pid`: on Linux field 22 of /proc/<pid>/stat (clock ticks since boot), else
 * `ps -o lstart=`; undefined when the process does not exist (or cannot be asked).
 */
export function processStart(pid: number): string | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat !== undefined) {
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); a zombie has exited already.
    if (fields[0] === 'Z') return undefined;
    return fields[19];
  }
  if (process.platform === 'linux') return undefined;
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True while `pid` runs (a zombie has exited); another user's process counts as running. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return process.platform !== 'linux' || processStart(pid) !== undefined;
}

/** This process. */
export function processIdentity(): ProcessIdentity {
  return { host: hostname(), scope: processScope(), pid: process.pid, started: processStart(process.pid) ?? '' };
}
