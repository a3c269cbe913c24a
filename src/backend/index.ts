// Backend registry and selection: 'auto' is native when the addon is built, else reference.
import { ErrorCode, RandlaError } from '../errors.js';
import { expectInteger, expectOneOf } from '../validate.js';
import { addon, loadError, nativeBackend } from './native.js';
import { referenceBackend } from './reference/index.js';
import type { Backend, BackendInfo } from './types.js';

export type BackendName = 'auto' | 'native' | 'reference';
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'native', 'reference'];

const all: readonly Backend[] = [nativeBackend, referenceBackend];
let fallbackNoticeShown = false;

/** The backend a call runs on; says once on stderr when 'auto' falls back to the reference. */
export function selectBackend(name: unknown = 'auto', argument = 'options.backend'): Backend {
  const requested = expectOneOf(name, argument, BACKEND_NAMES);
  if (requested === 'reference') return referenceBackend;
  if (addon) return nativeBackend;
  if (requested === 'native') {
    throw new RandlaError(
      ErrorCode.BACKEND_UNAVAILABLE,
      `Expected an available backend for ${argument} but received 'native', which is not built: ${loadError}`,
      { argument },
    );
  }
  if (!fallbackNoticeShown && process.env.RANDLA_QUIET !== '1') {
    fallbackNoticeShown = true;
    process.stderr.write(
      `randla: native backend unavailable (${loadError}); using the pure-TypeScript reference backend. ` +
        'For the fast path install cmake, g++ and libopenblas-dev, then run `npm run build:native`.\n',
    );
  }
  return referenceBackend;
}

/**
 * The backends randla knows, whether each can run here, and why not when it cannot.
 *
 * @example
 * ```ts
 * import { backends } from 'randla';
 * for (const b of backends()) console.log(b.name, b.available ? 'available' : b.reason);
 * ```
 */
export function backends(): BackendInfo[] {
  return all.map((b) => b.info());
}

/**
 * Sets the threads of the native backend: BLAS and randla's own kernels together.
 * `RANDLA_NUM_THREADS` sets the initial value.
 *
 * @example
 * ```ts
 * import { setThreads } from 'randla';
 * setThreads(2);
 * ```
 */
export function setThreads(n: number): void {
  expectInteger(n, 'n', 1, 4096);
  addon?.setThreads(n);
}

export type { Backend, BackendInfo } from './types.js';
