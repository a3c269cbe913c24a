// Long reference computations (the bootstrap's replicates) are written once, as generators that
// yield between steps. The blocking forms run them straight through; the async forms let the
// event loop turn between steps, so that a signal aborted from a timer or an I/O callback (a
// Ctrl-C) is seen at the next step, as with the native backend's worker threads.

/** A computation that yields between its steps and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps without a pause. */
export function runSteps<T>(steps: Steps<T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}

/** Runs the steps, letting the event loop turn (setImmediate) between them. */
export async function runStepsAsync<T>(steps: Steps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    r = steps.next();
  }
  return r.value;
}
