// Delay embedding for DMD: Arbabi & Mezić, "Ergodic theory, dynamic mode decomposition, and
// computation of spectral properties of the Koopman operator", SIAM J. Appl. Dyn. Syst. 2017 (Hankel
// DMD); Le Clainche & Vega, "Higher order dynamic mode decomposition", SIAM J. Appl. Dyn. Syst. 2017 (HODMD: SVD projection first).

import { cmul, csvd, type CMat } from './complex.js';
import { chooseRank } from './dmd_rank.js';
import type { RankRule } from './dmd_exact.js';

/**
 * The block Hankel matrix of d delays: block l (rows l·N … (l + 1)·N − 1) of column k is
 * X[:, k + l], for k = 0 … m − d ((N·d) × (m − d + 1)).
 *
 * @example
 * const X = { rows: 1, cols: 3, re: new Float64Array([1, 2, 3]), im: new Float64Array(3) };
 * hankel(X, 2).re; // Float64Array [1, 2, 2, 3]: columns (1, 2) and (2, 3)
 */
export function hankel(X: CMat, d: number): CMat {
  const N = X.rows;
  const cols = X.cols - d + 1;
  const rows = N * d;
  const H: CMat = { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
  for (let k = 0; k < cols; k++) {
    for (let l = 0; l < d; l++) {
      const src = (k + l) * N;
      const dst = k * rows + l * N;
      H.re.set(X.re.subarray(src, src + N), dst);
      H.im.set(X.im.subarray(src, src + N), dst);
    }
  }
  return H;
}

/** HODMD's first step: X = U₀Σ₀V₀ᴴ, r₀ by the rule on X's singular values. */
export interface SnapshotProjection {
  /** Σ₀[:r₀]·V₀[:, :r₀]ᴴ (r₀ × m): the reduced snapshots. */
  reduced: CMat;
  /** U₀[:, :r₀] (N × r₀): lifts reduced vectors back to the data space. */
  basis: CMat;
}

/**
 * The reduced snapshots of HODMD (Le Clainche & Vega 2017, §3): the rank rule applied to all
 * singular values of X (not X[:, :−1]).
 *
 * @example
 * const X = { rows: 2, cols: 2, re: new Float64Array([3, 0, 0, 1]), im: new Float64Array(4) };
 * projectSnapshots(X, { rank: 1, threshold: 'exact' }).reduced.re; // Float64Array [3, 0]
 */
export function projectSnapshots(X: CMat, rule: RankRule): SnapshotProjection {
  const { U, S, V } = csvd(X);
  const r0 = chooseRank(S, X.rows, X.cols, rule.rank, rule.threshold);
  const m = X.cols;
  const reduced: CMat = { rows: r0, cols: m, re: new Float64Array(r0 * m), im: new Float64Array(r0 * m) };
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < r0; i++) {
      // σᵢ·conj(V[k, i])
      reduced.re[i + k * r0] = S[i]! * V.re[k + i * m]!;
      reduced.im[i + k * r0] = -S[i]! * V.im[k + i * m]!;
    }
  }
  const basis: CMat = { rows: U.rows, cols: r0, re: U.re.slice(0, U.rows * r0), im: U.im.slice(0, U.rows * r0) };
  return { reduced, basis };
}

/**
 * Stacked reduced modes ((r₀·d) × r) lifted block by block: U₀ times each r₀-row block, giving
 * (N·d) × r.
 */
export function liftBlocks(modes: CMat, basis: CMat, d: number): CMat {
  const r0 = basis.cols;
  const N = basis.rows;
  const r = modes.cols;
  const out: CMat = { rows: N * d, cols: r, re: new Float64Array(N * d * r), im: new Float64Array(N * d * r) };
  for (let l = 0; l < d; l++) {
    const block: CMat = { rows: r0, cols: r, re: new Float64Array(r0 * r), im: new Float64Array(r0 * r) };
    for (let j = 0; j < r; j++) {
      block.re.set(modes.re.subarray(j * modes.rows + l * r0, j * modes.rows + (l + 1) * r0), j * r0);
      block.im.set(modes.im.subarray(j * modes.rows + l * r0, j * modes.rows + (l + 1) * r0), j * r0);
    }
    const lifted = cmul(basis, block);
    for (let j = 0; j < r; j++) {
      out.re.set(lifted.re.subarray(j * N, (j + 1) * N), j * N * d + l * N);
      out.im.set(lifted.im.subarray(j * N, (j + 1) * N), j * N * d + l * N);
    }
  }
  return out;
}

/** Drops the last row of each of the d blocks (the affine constant row of every delayed copy). */
export function dropBlockLastRows(modes: CMat, d: number): CMat {
  const block = modes.rows / d;
  const keep = block - 1;
  const r = modes.cols;
  const rows = keep * d;
  const out: CMat = { rows, cols: r, re: new Float64Array(rows * r), im: new Float64Array(rows * r) };
  for (let j = 0; j < r; j++) {
    for (let l = 0; l < d; l++) {
      const src = j * modes.rows + l * block;
      const dst = j * rows + l * keep;
      out.re.set(modes.re.subarray(src, src + keep), dst);
      out.im.set(modes.im.subarray(src, src + keep), dst);
    }
  }
  return out;
}
