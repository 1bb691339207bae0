/**
 * Everything a run creates (servers, scratch databases, temp dirs, containers) registers its undo
 * here, so it is undone on success, on failure, and on SIGINT/SIGTERM (the action's cancellation).
 * Undo runs last-in first-out: a scratch database is dropped before its server stops.
 */
type Undo = () => Promise<void> | void;

interface Entry {
  id: number;
  undo: Undo;
  /** Set once the undo started: whoever asks again (a direct call, runAllCleanups) awaits it. */
  run?: Promise<void>;
}

const stack: Entry[] = [];
/** Undos started and not yet finished, wherever they were started from. */
const inFlight = new Set<Promise<void>>();
let nextId = 1;
let signalsInstalled = false;
let running: Promise<void> | undefined;

function runOnce(entry: Entry): Promise<void> {
  if (!entry.run) {
    const run = (async () => entry.undo())();
    entry.run = run;
    inFlight.add(run);
    void run.then(
      () => inFlight.delete(run),
      () => inFlight.delete(run),
    );
  }
  return entry.run;
}

/** Registers an undo; returns a function that runs it now (once) and unregisters it. */
export function registerCleanup(undo: Undo): () => Promise<void> {
  installSignalHandlers();
  const entry: Entry = { id: nextId++, undo };
  stack.push(entry);
  return async () => {
    const at = stack.findIndex((e) => e.id === entry.id);
    if (at >= 0) stack.splice(at, 1);
    await runOnce(entry);
  };
}

/**
 * Runs every registered undo, newest first, and waits for undos already started elsewhere (the
 * run's own `finally` stopping the server while a signal's cleanup runs): the process exits
 * right after, and a half-done stop would leave the server's dir behind. Errors are swallowed
 * so the rest still run.
 */
export function runAllCleanups(): Promise<void> {
  running ??= (async () => {
    while (stack.length > 0 || inFlight.size > 0) {
      const entry = stack.pop();
      if (entry) {
        await runOnce(entry).catch(() => {
          // Cleanup must not stop cleanup.
        });
      } else {
        await Promise.allSettled([...inFlight]);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      process.stderr.write(`rollback-verify: ${signal} received, cleaning up\n`);
      // A second signal while cleaning up must not leave half-stopped servers: keep cleaning.
      void runAllCleanups().finally(() => process.exit(code));
    });
  }
}
