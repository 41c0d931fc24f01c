/**
 * Last-resort cleanup for lab resources (processes, namespaces, temp dirs) when the test process ends
 * without reaching its own `finally`: normal exit, SIGINT, SIGTERM, SIGHUP. Handlers run synchronously
 * (an `exit` listener cannot await), so each resource registers a synchronous undo.
 *
 * The registry is per process on purpose: vitest runs each lab file in its own fork, and a fork that dies
 * must take its lab with it.
 */

type Undo = () => void;

const pending = new Map<number, Undo>();
let nextId = 1;
let installed = false;

function runAll(): void {
  // Newest first: processes started inside a namespace go before the namespace itself.
  const ids = [...pending.keys()].sort((a, b) => b - a);
  for (const id of ids) {
    const undo = pending.get(id);
    pending.delete(id);
    try {
      undo?.();
    } catch {
      // Best effort: one failed undo must not keep the others from running.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  // Re-raise with the default action so the exit status still says "killed by signal".
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);
}

/**
 * Registers a synchronous undo to run if the process exits before `release()` is called. Returns the
 * release function (call it once the resource has been cleaned up the normal way).
 */
export function registerCleanup(undo: Undo): () => void {
  install();
  const id = nextId++;
  pending.set(id, undo);
  return () => {
    pending.delete(id);
  };
}
