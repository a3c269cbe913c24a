// Randomized DMD: Erichson, Mathelin, Kutz, Brunton, "Randomized dynamic mode decomposition", SIAM
// J. Appl. Dyn. Syst. 2019, Algorithm 2: exact DMD of the small B of a randomized QB (here randla's
// own QB, docs/algorithms/rsvd.md steps 2–6, Philox stream 0), modes lifted by Q. No SVD larger than l × m'.

import type { Normalizer, SketchKind } from '../../types.js';
import { ccolumns, type CMat } from './complex.js';
import { exactDmd, type DmdFit } from './dmd_exact.js';
import { referenceKernels } from './normalize.js';
import { denseOperator } from './operators.js';
import { PassCounter, runSync } from './passes.js';
import { qb } from './range_finder.js';

export interface RandomizedDmdOptions {
  /** r, an integer ≥ 1. */
  rank: number;
  oversamples: number;
  powerIters: number;
  normalizer: Normalizer;
  sketch: SketchKind;
  seed: bigint;
}

/** ζ of the sparse-sign sketch: DmdRequest has no field for it, so the rsvd facade's default. */
const SPARSE_NNZ = 8;

/**
 * Randomized DMD of the real, preprocessed snapshot sequence X (N × m): the QB of X, never
 * transposed (Q spans X's columns whatever its shape; Ω m × l), l = min(r + oversamples, N, m),
 * B = Qᵀ·X; then exact DMD of B's pairs with rank min(r, l, m'). singularValues are B₁'s; the
 * driver lifts the modes by Q. (Explicit pairs are refused by the driver.)
 *
 * @example
 * // rank-1 data x_k = 0.9^k·u
 * const n = 4, m = 6, X = { rows: n, cols: m, re: new Float64Array(n * m), im: new Float64Array(n * m) };
 * for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) X.re[i + k * n] = 0.9 ** k * (i + 1);
 * randomizedDmd(X, { rank: 1, oversamples: 2, powerIters: 1, normalizer: 'qr', sketch: 'gaussian', seed: 1n }).values.re;
 * // ≈ Float64Array [0.9]
 */
export function randomizedDmd(X: CMat, o: RandomizedDmdOptions): DmdFit {
  const N = X.rows;
  const cols = X.cols;
  const A = denseOperator({ data: X.re, rows: N, cols, layout: 'col-major' });
  const l = Math.min(o.rank + o.oversamples, N, cols);
  // f64 throughout (the DMD contract computes in f64): the sketch is not rounded to f32.
  const { Q, Bt } = runSync(
    qb(A, { sketch: o.sketch, sparseNnz: SPARSE_NNZ, seed: o.seed, roundSketch: false, size: l, powerIters: o.powerIters, normalizer: o.normalizer }, referenceKernels, new PassCounter()),
    {},
  );
  // B = (Bᵀ)ᵀ, l × cols.
  const B: CMat = { rows: l, cols, re: new Float64Array(l * cols), im: new Float64Array(l * cols) };
  for (let j = 0; j < cols; j++) for (let i = 0; i < l; i++) B.re[i + j * l] = Bt[j + i * cols]!;
  const B1 = ccolumns(B, 0, cols - 1);
  const B2 = ccolumns(B, 1, cols);
  const fit = exactDmd({ X1: B1, X2: B2, isReal: true }, { rank: o.rank, threshold: 'exact' }, 'exact');
  // 'first' amplitudes in B's space: B₁[:, 0] = Qᵀ·x₀, and with Q orthonormal
  // ‖Q·Ψ·b − x₀‖² = ‖Ψ·b − Qᵀ·x₀‖² + ‖(I − QQᵀ)·x₀‖² has the same minimiser.
  const x0 = { re: B1.re.slice(0, l), im: new Float64Array(l) };
  return { ...fit, lift: { rows: N, cols: l, re: Q, im: new Float64Array(N * l) }, x0 };
}
