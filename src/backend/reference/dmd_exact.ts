// Exact and projected DMD: Tu, Rowley, Luchtenburg, Brunton, Kutz, "On dynamic mode decomposition:
// theory and applications", J. Comput. Dyn. 2014, Algorithm 2 (exact; modes X₂VΣ⁻¹W without Tu's
// 1/λ, as PyDMD) and §2.2 (projected modes UW of Schmid 2010). Also the steps every variant shares:
// the reduced operator, its eigenpairs, the normalisation of W, the order and the residuals.

import type { ComplexArray } from '../../types.js';
import {
  cmul,
  columnNorm,
  complexEig,
  cscaleColumnsInPlace,
  csvd,
  multiplyColumn,
  pivotIndex,
  realEig,
  type CEig,
  type CMat,
} from './complex.js';
import { chooseRank } from './dmd_rank.js';

/** The rank rule of the request (docs/algorithms/dmd.md, "Rank"). */
export interface RankRule {
  rank: number;
  threshold: 'exact' | 'cubic';
}

/** The snapshot pairs after preprocessing: X₂ ≈ A·X₁ (N × m'). */
export interface DmdPairs {
  X1: CMat;
  X2: CMat;
  /** Real input: every block is exactly real and the r × r eigenproblems are solved in real arithmetic. */
  isReal: boolean;
}

/** Ã = Uᴴ·X₂·V·Σ⁻¹ and the pieces the modes and the residuals are built from. */
export interface ReducedOperator {
  /** All singular values of X₁, non-increasing. */
  singularValues: Float64Array;
  r: number;
  /** U[:, :r] (N × r). */
  U: CMat;
  /** Σ[:r]. */
  sigma: Float64Array;
  /** V[:, :r] (m' × r). */
  V: CMat;
  /** G = X₂·V·Σ⁻¹ (N × r): the exact modes are G·W and the data operator is A = G·Uᴴ. */
  G: CMat;
  /** Ã = Uᴴ·G (r × r). */
  Atilde: CMat;
}

/**
 * Thin SVD X₁ = UΣVᴴ, r by the rule (never above `clip`), then G = X₂·V·Σ⁻¹ and Ã = Uᴴ·G.
 */
export function reducedOperator(pairs: DmdPairs, rule: RankRule, clip = Number.POSITIVE_INFINITY): ReducedOperator {
  const { X1, X2 } = pairs;
  const { U, S, V } = csvd(X1);
  const r = Math.min(chooseRank(S, X1.rows, X1.cols, rule.rank, rule.threshold), clip);
  const Ur: CMat = { rows: U.rows, cols: r, re: U.re.slice(0, U.rows * r), im: U.im.slice(0, U.rows * r) };
  const Vr: CMat = { rows: V.rows, cols: r, re: V.re.slice(0, V.rows * r), im: V.im.slice(0, V.rows * r) };
  const sigma = S.slice(0, r);
  const inv = Float64Array.from(sigma, (s) => 1 / s);
  const G = cscaleColumnsInPlace(cmul(X2, Vr), inv);
  const Atilde = cmul(Ur, G, 'C', 'N');
  return { singularValues: S, r, U: Ur, sigma, V: Vr, G, Atilde };
}

/** Eigenpairs of a small square matrix: real arithmetic (exact conjugate pairs) for real input. */
export function eigOf(A: CMat, isReal: boolean): CEig {
  return isReal ? realEig(A.re, A.rows) : complexEig(A);
}

/**
 * What a variant hands the driver: eigenvalues and eigenvectors W (not yet normalised or
 * ordered), the basis of its modes (Φ = basis·W), and the data operator of its residuals
 * ‖G·wⱼ − λⱼ·U·wⱼ‖₂.
 */
export interface DmdFit {
  values: ComplexArray;
  W: CMat;
  basis: CMat;
  G: CMat;
  U: CMat;
  singularValues: Float64Array;
  rank: number;
  /** Randomized DMD: Φ is Q·(basis·W), Q (N × l) orthonormal. */
  lift?: CMat;
  /** The snapshot the 'first' amplitudes fit in the basis' space (randomized: B₁[:, 0]); default X[:, 0]. */
  x0?: ComplexArray;
}

/**
 * Exact (basis G = X₂VΣ⁻¹) or projected (basis U) DMD of the pairs.
 *
 * @example
 * // x_{k+1} = 0.5·x_k: one mode, λ = 0.5
 * const X1 = { rows: 1, cols: 2, re: new Float64Array([1, 0.5]), im: new Float64Array(2) };
 * const X2 = { rows: 1, cols: 2, re: new Float64Array([0.5, 0.25]), im: new Float64Array(2) };
 * exactDmd({ X1, X2, isReal: true }, { rank: -1, threshold: 'exact' }, 'exact').values.re; // Float64Array [0.5]
 */
export function exactDmd(pairs: DmdPairs, rule: RankRule, modes: 'exact' | 'projected', clip?: number): DmdFit {
  const op = reducedOperator(pairs, rule, clip);
  const { values, vectors } = eigOf(op.Atilde, pairs.isReal);
  return {
    values,
    W: vectors,
    basis: modes === 'exact' ? op.G : op.U,
    G: op.G,
    U: op.U,
    singularValues: op.singularValues,
    rank: op.r,
  };
}

/**
 * W's columns scaled to unit 2-norm, in place: the one normalisation of W every backend shares
 * (W's phases depend on the SVD's sign or phase convention; the phase is fixed on the output
 * modes instead, by normaliseModePhases).
 */
export function normaliseEigenvectors(W: CMat): void {
  for (let j = 0; j < W.cols; j++) {
    const norm = columnNorm(W, j);
    if (norm > 0) multiplyColumn(W, j, 1 / norm, 0);
  }
}

/**
 * Each mode φⱼ (a column of the output modes, after lifting and the affine row's removal) times
 * c = conj(φ_pj)/|φ_pj|, p its pivot (pivotIndex), and its amplitude times conj(c): the pivot
 * entry becomes real and positive and Φ·b is unchanged (in place). For real input a pair's
 * modes stay exact conjugates: the same pivot and conjugate factors.
 */
export function normaliseModePhases(modes: CMat, amplitudes: ComplexArray): void {
  for (let j = 0; j < modes.cols; j++) {
    const p = pivotIndex(modes, j);
    const fr = modes.re[p + j * modes.rows]!;
    const fi = modes.im[p + j * modes.rows]!;
    const mod = Math.hypot(fr, fi);
    if (!(mod > 0)) continue;
    const cr = fr / mod;
    const ci = -fi / mod;
    multiplyColumn(modes, j, cr, ci);
    modes.im[p + j * modes.rows] = 0;
    // b·conj(c)
    const br = amplitudes.re[j]!;
    const bi = amplitudes.im[j]!;
    amplitudes.re[j] = br * cr + bi * ci;
    amplitudes.im[j] = bi * cr - br * ci;
  }
}

/** The permutation that sorts eigenvalues by imaginary part, then real part (ascending; stable). */
export function eigenOrder(values: ComplexArray): number[] {
  const n = values.re.length;
  return Array.from({ length: n }, (_, j) => j).sort((a, b) => values.im[a]! - values.im[b]! || values.re[a]! - values.re[b]!);
}

/** ‖G·wⱼ − λⱼ·U·wⱼ‖₂ for every column of W (Drmač, Mezić & Mohr's data-driven residual). */
export function ritzResiduals(G: CMat, U: CMat, W: CMat, values: ComplexArray): Float64Array {
  const GW = cmul(G, W);
  const UW = cmul(U, W);
  const N = G.rows;
  const out = new Float64Array(W.cols);
  for (let j = 0; j < W.cols; j++) {
    const lr = values.re[j]!;
    const li = values.im[j]!;
    let s = 0;
    for (let i = 0; i < N; i++) {
      const ur = UW.re[i + j * N]!;
      const ui = UW.im[i + j * N]!;
      const dr = GW.re[i + j * N]! - (lr * ur - li * ui);
      const di = GW.im[i + j * N]! - (lr * ui + li * ur);
      s += dr * dr + di * di;
    }
    out[j] = Math.sqrt(s);
  }
  return out;
}
