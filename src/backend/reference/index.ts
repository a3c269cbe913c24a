// The reference backend: pure TypeScript, single-threaded. It is the oracle the native backends
// are tested against and the fallback when the addon is not built.

import type { Backend, BackendInfo } from '../types.js';
import { referenceKernels } from './normalize.js';
import { nystromReference, nystromReferenceSync } from './nystrom.js';
import { rsvdReference, rsvdReferenceAsync } from './rsvd.js';

/**
 * The pure-TypeScript backend; always available.
 *
 * @example
 * referenceBackend.info(); // { name: 'reference', available: true, threads: 1 }
 */
export const referenceBackend: Backend = {
  name: 'reference',
  info(): BackendInfo {
    return { name: 'reference', available: true, threads: 1 };
  },
  rsvd: rsvdReferenceAsync,
  rsvdSync: rsvdReference,
  nystrom: nystromReference,
  nystromSync: nystromReferenceSync,
  kernels: referenceKernels,
};
