/**
 * Ctrl-C and SIGTERM during a run: the CLI (or an action) turns process signals into an
 * InterruptSource the engine listens to. The engine forwards the signal to the running stage's
 * process group, waits for it, records the stages that finished and stops.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface InterruptSource {
  /** The first signal received, if any. */
  readonly signal: StopSignal | undefined;
  /** Listen for signals (each one, also repeats); returns an unsubscribe function. */
  onSignal(cb: (sig: StopSignal) => void): () => void;
}

/** Exit code a shell gives for a process stopped by this signal. */
export function signalExitCode(sig: StopSignal): number {
  return sig === 'SIGINT' ? 130 : 143;
}

/** Signals of this process, for as long as it is not disposed (the default handlers are replaced meanwhile). */
export function processInterrupts(): InterruptSource & { dispose(): void } {
  let first: StopSignal | undefined;
  const listeners = new Set<(sig: StopSignal) => void>();
  const handler = (sig: StopSignal): void => {
    first ??= sig;
    for (const l of [...listeners]) l(sig);
  };
  const onInt = (): void => handler('SIGINT');
  const onTerm = (): void => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    get signal() {
      return first;
    },
    onSignal(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      listeners.clear();
    },
  };
}
