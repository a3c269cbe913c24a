// Re-normalisation of sample blocks between power iterations (docs/algorithms/rsvd.md): Householder
// QR; LU with partial pivoting as scikit-learn/fbpca; CholeskyQR2 (Yamamoto, Nakatsukasa,
// Yanagisawa, Fukaya, ETNA 2015) with the shifted CholeskyQR3 fallback of Fukaya, Kannan,
// Nakatsukasa, Zhang, Yanagisawa, SISC 2020, Algorithm 4.2. Twin of native/src/cpu/normalize.cpp.

import type { Normalizer } from '../../types.js';
import type { DenseKernels } from '../types.js';
import { householderQ, luPermutedLower, multiplyTransposed, requireTall, smallSvd, solveUpperRight } from './dense.js';

/** Unit roundoff of f64, the precision every block of the reference backend is held in. */
const UNIT_ROUNDOFF = 2 ** -53;

/**
 * Upper Cholesky factor R (column-major l × l, G = RᵀR) of the symmetric G, or undefined
 * when a pivot is not positive (G not numerically positive definite), as LAPACK's potrf fails.
 * With `last`, also when a diagonal entry of R is below 1/2: the last step's input is
 * orthonormal to O(κ²u) < 1 when all went well, so a small R_jj (σ_min ≤ min R_jj) shows that
 * Y was numerically rank deficient and a tiny positive pivot let rounding noise through.
 */
function cholesky(G: Float64Array, l: number, last = false): Float64Array | undefined {
  const R = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    const rj = j * l;
    for (let i = 0; i < j; i++) {
      const ri = i * l;
      let s = G[i + rj]!;
      for (let t = 0; t < i; t++) s -= R[t + ri]! * R[t + rj]!;
      R[i + rj] = s / R[i + ri]!;
    }
    let d = G[j + rj]!;
    for (let t = 0; t < j; t++) d -= R[t + rj]! * R[t + rj]!;
    if (!(d > 0)) return undefined;
    R[j + rj] = Math.sqrt(d);
    if (last && !(R[j + rj]! >= 0.5)) return undefined;
  }
  return R;
}

/**
 * CholeskyQR2 of the tall column-major block Y (m × l): twice G = YᵀY, R = chol(G), Y ← Y·R⁻¹.
 * When the first Cholesky fails, one shifted step first (shifted CholeskyQR3):
 * R = chol(G + s·I), s = 11·(m·l + l·(l + 1))·u·‖Y‖²_F. When a Cholesky still fails, or the
 * last one has a pivot R_jj < 1/2 (Y numerically rank deficient), Householder QR of the current
 * block. Y is not modified.
 *
 * @example
 * choleskyQr2(new Float64Array([3, 4]), 2, 1); // ≈ Float64Array [0.6, 0.8]
 */
export function choleskyQr2(Y: Float64Array, m: number, l: number): Float64Array {
  requireTall(m, l, 'choleskyQr2', 1);
  const G = multiplyTransposed(Y, m, l, Y, l);
  let X: Float64Array;
  let rounds: number;
  const R = cholesky(G, l);
  if (R) {
    X = solveUpperRight(Y, m, R, l);
    rounds = 1;
  } else {
    let frobenius2 = 0;
    for (let j = 0; j < l; j++) frobenius2 += G[j + j * l]!;
    const shift = 11 * (m * l + l * (l + 1)) * UNIT_ROUNDOFF * frobenius2;
    for (let j = 0; j < l; j++) G[j + j * l]! += shift;
    const Rs = cholesky(G, l);
    if (!Rs) return householderQ(Y, m, l);
    X = solveUpperRight(Y, m, Rs, l);
    rounds = 2;
  }
  for (let r = 0; r < rounds; r++) {
    const Rr = cholesky(multiplyTransposed(X, m, l, X, l), l, r === rounds - 1);
    if (!Rr) return householderQ(X, m, l);
    X = solveUpperRight(X, m, Rr, l);
  }
  return X;
}


/**
 * normalize(Y) of docs/algorithms/rsvd.md for the tall column-major block Y (rows × cols): the
 * thin Q of Householder QR, P·L of LU with partial pivoting, CholeskyQR2, or Y itself ('none').
 * Y is not modified.
 *
 * @example
 * normalize(new Float64Array([3, 4]), 2, 1, 'qr'); // ≈ Float64Array [-0.6, -0.8]
 */
export function normalize(Y: Float64Array, rows: number, cols: number, normalizer: Normalizer): Float64Array {
  switch (normalizer) {
    case 'qr':
      return householderQ(Y, rows, cols);
    case 'lu':
      return luPermutedLower(Y, rows, cols);
    case 'cholqr2':
      return choleskyQr2(Y, rows, cols);
    case 'none':
      return Y;
  }
}

/**
 * The dense steps in TypeScript (f64): what the matrix-free driver runs on when the native
 * addon is not built.
 *
 * @example
 * referenceKernels.svd(new Float64Array([0, 2, 0, 0, 0, 1]), 3, 2).S; // Float64Array [2, 1]
 */
export const referenceKernels: DenseKernels = {
  normalize,
  svd: smallSvd,
};
