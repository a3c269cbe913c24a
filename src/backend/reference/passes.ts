// The randomized algorithms run as generators of steps, so that one implementation serves the
// synchronous driver (dense and CSR input), the asynchronous one (the same, yielding to the
// event loop between passes) and the matrix-free one (LinearOperator products that may be
// Promises). The TypeScript twin of PassCounter/RunControl in native/include/randla/control.hpp.

import { RandlaError, ErrorCode } from '../../errors.js';
import type { Progress } from '../../types.js';
import { isThenable, type Awaitable } from './operators.js';

/**
 * What an algorithm hands its driver: a finished pass over A (report progress, honour an
 * abort), or a value it cannot go on without (the driver resumes it with the settled value).
 */
export type Step = { kind: 'progress'; pass: number; totalPasses: number } | { kind: 'await'; value: Promise<unknown> };

export type Steps<T> = Generator<Step, T, unknown>;

/** `value` itself, or what it resolves to once the driver has awaited it. */
export function* settle<T>(value: Awaitable<T>): Steps<T> {
  if (!isThenable(value)) return value;
  return (yield { kind: 'await', value }) as T;
}

/**
 * Counts passes over the input across the stages of one call (centering, range finder, error
 * estimate), so progress is one sequence 1..total. `total` may change (fixed accuracy: it is an
 * upper bound until the last block), but `done` never exceeds it.
 */
export class PassCounter {
  done = 0;
  total = 0;

  setTotal(total: number): void {
    this.total = Math.max(total, this.done);
  }

  /** `count` more passes are done: report them. */
  *pass(count = 1): Steps<void> {
    this.done += count;
    if (this.done > this.total) this.total = this.done;
    yield { kind: 'progress', pass: this.done, totalPasses: this.total };
  }
}

export interface RunControl {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: Progress) => void) | undefined;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: signal.reason });
  }
}

/**
 * Runs `steps` to the end synchronously: progress after each pass, then the abort check. Every
 * operator of the synchronous path answers at once, so a value to wait for is a bug.
 */
export function runSync<T>(steps: Steps<T>, control: RunControl): T {
  throwIfAborted(control.signal);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (step.value.kind === 'await') {
      step.value.value.catch(() => undefined);
      throw new RandlaError(ErrorCode.INTERNAL, 'runSync: an operator of the synchronous path returned a Promise');
    }
    control.onProgress?.({ pass: step.value.pass, totalPasses: step.value.totalPasses });
    throwIfAborted(control.signal);
  }
}

/**
 * Runs `steps` to the end: awaits what they wait for, and after each pass reports progress,
 * gives the event loop a turn (so that `signal` and timers run) and honours an abort.
 */
export async function runAsync<T>(steps: Steps<T>, control: RunControl): Promise<T> {
  throwIfAborted(control.signal);
  let input: unknown;
  for (;;) {
    const step = steps.next(input);
    input = undefined;
    if (step.done) return step.value;
    if (step.value.kind === 'await') {
      input = await step.value.value;
      continue;
    }
    control.onProgress?.({ pass: step.value.pass, totalPasses: step.value.totalPasses });
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(control.signal);
  }
}
