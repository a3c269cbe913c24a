import type { Matrix, Normalizer, Progress, SketchKind } from '../types.js';

/**
 * What a backend computes, after the facade has validated and normalised the input.
 * Every field is already checked: backends may trust it (the native core re-checks anyway).
 */
export interface RsvdRequest {
  /** The input, never mutated. Either layout, f32 or f64, `data.length === rows * cols`. */
  A: Matrix;
  rank: number;
  oversamples: number;
  powerIters: number;
  normalizer: Normalizer;
  sketch: SketchKind;
  /** Unsigned 64-bit seed of the Philox stream (docs/rng.md). */
  seed: bigint;
  /** Reject NaN/±Infinity in A with ERR_RANDLA_NOT_FINITE (the native backend scans off the main thread). */
  checkFinite: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** U is rows x rank, Vt is rank x cols, both row-major in the dtype of A; S is f64. */
export interface RsvdOutput {
  U: Matrix;
  S: Float64Array;
  Vt: Matrix;
}

export interface BackendInfo {
  name: string;
  available: boolean;
  reason?: string;
  threads?: number;
  device?: string;
}

export interface Backend {
  readonly name: string;
  info(): BackendInfo;
  rsvd(request: RsvdRequest): Promise<RsvdOutput>;
  rsvdSync(request: RsvdRequest): RsvdOutput;
}
