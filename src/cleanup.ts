/**
 * Everything a run creates (servers, scratch databases, temp dirs, containers) registers its undo
 * here, so it is undone on success, on failure, and on SIGINT/SIGTERM (the action's cancellation).
 * Undo runs last-in first-out: a scratch database is dropped before its server stops.
 */
type Undo = () => Promise<void> | void;

const stack: { id: number; undo: Undo }[] = [];
let nextId = 1;
let signalsInstalled = false;
let running: Promise<void> | undefined;

/** Registers an undo; returns a function that runs it now (once) and unregisters it. */
export function registerCleanup(undo: Undo): () => Promise<void> {
  installSignalHandlers();
  const id = nextId++;
  stack.push({ id, undo });
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    const at = stack.findIndex((e) => e.id === id);
    if (at >= 0) stack.splice(at, 1);
    await undo();
  };
}

/** Runs every registered undo, newest first; errors are swallowed so the rest still run. */
export function runAllCleanups(): Promise<void> {
  running ??= (async () => {
    while (stack.length > 0) {
      const entry = stack.pop()!;
      try {
        await entry.undo();
      } catch {
        // Cleanup must not stop cleanup.
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
