// DMD amplitudes: 'first' (PyDMD: least squares on the first snapshot) and 'optimal' from
// Jovanović, Schmid, Nichols, "Sparsity-promoting dynamic mode decomposition", Phys. Fluids 2014,
// §II.B. Deviation from PyDMD (deliberate): q is not conjugated, so b is the minimiser on complex data too.

import { ErrorCode, RandlaError } from '../../errors.js';
import type { ComplexArray } from '../../types.js';
import { ccholeskySolve, cluSolve, clstsq, cmul, csvd, type CMat } from './complex.js';

const EPS = Number.EPSILON;

/**
 * b = argmin ‖Φ·b − x₀‖₂ for modes Φ = B·W (B N × r the variant's basis, W r × r normalised
 * eigenvectors): b = W⁻¹·(B⁺·x₀), B⁺ by the SVD of B with numpy's cutoff max(N, r)·eps·σ_max
 * (real arithmetic for real input: B is exactly real there). When W is singular (a defective
 * reduced operator) the minimum-norm least-squares solution through the SVD of Φ.
 *
 * @example
 * const B = { rows: 2, cols: 1, re: new Float64Array([1, 0]), im: new Float64Array(2) };
 * const W = { rows: 1, cols: 1, re: new Float64Array([1]), im: new Float64Array(1) };
 * firstAmplitudes(B, W, { re: new Float64Array([2, 0]), im: new Float64Array(2) }, B).re; // ≈ Float64Array [2]
 */
export function firstAmplitudes(B: CMat, W: CMat, x0: ComplexArray, modes: CMat): ComplexArray {
  const N = B.rows;
  const r = B.cols;
  const { U, S, V } = csvd(B);
  const cutoff = Math.max(N, r) * EPS * (S[0] ?? 0);
  const x: CMat = { rows: N, cols: 1, re: Float64Array.from(x0.re), im: Float64Array.from(x0.im) };
  const u = cmul(U, x, 'C', 'N');
  for (let j = 0; j < S.length; j++) {
    const f = S[j]! > cutoff ? 1 / S[j]! : 0;
    u.re[j] *= f;
    u.im[j] *= f;
  }
  const c = cmul(V, u);
  const b = cluSolve(W, c);
  if (b) return { re: b.re, im: b.im };
  return clstsq(modes, x0);
}

/** V_λ (r × m): (V_λ)ⱼₖ = λⱼᵏ by repeated multiplication (as numpy's vander). */
export function vandermonde(values: ComplexArray, m: number): CMat {
  const r = values.re.length;
  const V: CMat = { rows: r, cols: m, re: new Float64Array(r * m), im: new Float64Array(r * m) };
  for (let j = 0; j < r; j++) {
    let pr = 1;
    let pi = 0;
    const lr = values.re[j]!;
    const li = values.im[j]!;
    for (let k = 0; k < m; k++) {
      V.re[j + k * r] = pr;
      V.im[j + k * r] = pi;
      const nr = pr * lr - pi * li;
      pi = pr * li + pi * lr;
      pr = nr;
    }
  }
  return V;
}

/**
 * b = argmin ‖X − Φ·diag(b)·V_λ‖_F over all columns of X: P·b = q with P = (ΦᴴΦ) ∘ conj(V_λV_λᴴ)
 * and q = diag(Φᴴ·X·V_λᴴ), by Cholesky; by LU when P is only semidefinite (two modes coincide or
 * one is zero, as the native core). Throws ERR_RANDLA_INVALID_ARGUMENT naming
 * `options.amplitudes` when P is exactly singular.
 *
 * @example
 * // x_k = 0.5^k: Φ = [1], λ = 0.5, b = 1
 * const Phi = { rows: 1, cols: 1, re: new Float64Array([1]), im: new Float64Array(1) };
 * const X = { rows: 1, cols: 3, re: new Float64Array([1, 0.5, 0.25]), im: new Float64Array(3) };
 * optimalAmplitudes(Phi, X, { re: new Float64Array([0.5]), im: new Float64Array(1) }).re; // ≈ Float64Array [1]
 */
export function optimalAmplitudes(Phi: CMat, X: CMat, values: ComplexArray): ComplexArray {
  const r = Phi.cols;
  const m = X.cols;
  const V = vandermonde(values, m);
  const PhiHPhi = cmul(Phi, Phi, 'C', 'N');
  const VVh = cmul(V, V, 'N', 'C');
  const P: CMat = { rows: r, cols: r, re: new Float64Array(r * r), im: new Float64Array(r * r) };
  for (let t = 0; t < r * r; t++) {
    // (ΦᴴΦ)ᵢⱼ·conj((V Vᴴ)ᵢⱼ)
    const ar = PhiHPhi.re[t]!;
    const ai = PhiHPhi.im[t]!;
    const br = VVh.re[t]!;
    const bi = -VVh.im[t]!;
    P.re[t] = ar * br - ai * bi;
    P.im[t] = ar * bi + ai * br;
  }
  const PhiHX = cmul(Phi, X, 'C', 'N'); // r × m
  const q = { re: new Float64Array(r), im: new Float64Array(r) };
  for (let j = 0; j < r; j++) {
    let sr = 0;
    let si = 0;
    for (let k = 0; k < m; k++) {
      // (ΦᴴX)ⱼₖ·conj(λⱼᵏ)
      const ar = PhiHX.re[j + k * r]!;
      const ai = PhiHX.im[j + k * r]!;
      const br = V.re[j + k * r]!;
      const bi = -V.im[j + k * r]!;
      sr += ar * br - ai * bi;
      si += ar * bi + ai * br;
    }
    q.re[j] = sr;
    q.im[j] = si;
  }
  const b = ccholeskySolve(P, q) ?? luSolveVector(P, q);
  if (!b) {
    throw new RandlaError(
      ErrorCode.INVALID_ARGUMENT,
      "Expected modes of full column rank with distinct eigenvalues for options.amplitudes 'optimal' but received an exactly singular normal matrix P",
      { argument: 'options.amplitudes' },
    );
  }
  return b;
}

function luSolveVector(P: CMat, q: ComplexArray): ComplexArray | undefined {
  const x = cluSolve(P, { rows: q.re.length, cols: 1, re: Float64Array.from(q.re), im: Float64Array.from(q.im) });
  return x && { re: x.re, im: x.im };
}
