// A complete backend request (src/backend/types.ts) with every option at an explicit value, for
// tests that call a backend directly rather than through the facade.
import type { RsvdRequest } from '../../src/backend/types.js';

export type RequestOptions = Omit<RsvdRequest, 'A'>;

export function requestOptions(overrides: Partial<RequestOptions> = {}): RequestOptions {
  return {
    rank: 10,
    oversamples: 10,
    powerIters: 2,
    normalizer: 'qr',
    sketch: 'gaussian',
    sparseNnz: 8,
    seed: 42n,
    transpose: 'auto',
    tol: 0,
    blockSize: 10,
    maxRank: 0,
    estimateError: false,
    errorIters: 6,
    center: false,
    computeU: true,
    computeV: true,
    checkFinite: true,
    ...overrides,
  };
}
