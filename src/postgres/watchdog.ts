/**
 * A parent-death watchdog for a local cluster. Cleanup handlers run on exit, errors and
 * SIGINT/SIGTERM, but nothing runs when rollback-verify is SIGKILLed (an OOM kill, a runner that
 * gives up on a cancelled job, `kill -9`): the postmaster is reparented and keeps running, its
 * data dir stays on disk. The watchdog is a tiny detached `sh` loop outside our process group
 * that polls our pid; once we are gone it stops the postmaster and removes the cluster's dir.
 *
 * It checks `postmaster.pid` before signalling, so a pid the kernel has reused for another
 * process is never signalled. A run that ends normally stops the watchdog first.
 */
import { spawn } from 'node:child_process';

export interface WatchdogTarget {
  /** The postmaster's pid. */
  postmasterPid: number;
  /** The cluster's data dir (holds postmaster.pid). */
  dataDir: string;
  /** The temp dir to remove once the postmaster is gone. */
  root: string;
  /** The process to outlive; default: this one. */
  parentPid?: number;
  /** Poll interval in seconds (fractions allowed by GNU and BusyBox sleep). */
  pollSeconds?: number;
}

// Arguments arrive as $1.. so no path is ever parsed as shell syntax.
const SCRIPT = `
parent=$1 pm=$2 data=$3 root=$4 poll=$5
trap '' INT TERM HUP
while kill -0 "$parent" 2>/dev/null; do sleep "$poll"; done
if [ "$(head -n 1 "$data/postmaster.pid" 2>/dev/null)" = "$pm" ]; then
  kill -QUIT "$pm" 2>/dev/null
  i=0
  while kill -0 "$pm" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  kill -KILL "$pm" 2>/dev/null
fi
rm -rf "$root"
`;

/**
 * Starts the watchdog; returns a function that ends it (call it before a normal stop, so it
 * never outlives the run). Never throws: without `sh` the run simply has no watchdog.
 */
export function startParentWatchdog(target: WatchdogTarget): () => void {
  let child;
  try {
    child = spawn(
      'sh',
      ['-c', SCRIPT, 'rollback-verify-watchdog', String(target.parentPid ?? process.pid), String(target.postmasterPid), target.dataDir, target.root, String(target.pollSeconds ?? 0.5)],
      // Detached: its own session, so a Ctrl-C to our process group does not end it early and
      // it survives us; ignored stdio and unref so it never holds our event loop open.
      { detached: true, stdio: 'ignore' },
    );
    child.on('error', () => {});
    child.unref();
  } catch {
    return () => {};
  }
  const pid = child.pid;
  return () => {
    if (pid === undefined) return;
    try {
      // SIGKILL: its trap ignores the polite signals so a terminal's Ctrl-C cannot disarm it.
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
}
