// Nyström cores (docs/algorithms/nystrom.md, "Cores"): psd is Tropp, Yurtsever, Udell, Cevher 2017
// ("Fixed-rank approximation of a positive-semidefinite matrix from streaming data"), Alg. 3, with
// the column selector as Ω for sampled columns; indefinite is C·W_K⁺·Cᵀ through C = QR, exact for
// indefinite A of low rank; scaled is Williams & Seeger 2001's original eigenvector extension.

import { RandlaError, ErrorCode } from '../../errors.js';
import type { Matrix } from '../../types.js';
import { choleskyUpper, householderQ, multiply, multiplyTransposed, smallSvd, solveUpperRight, symmetricEigen, type SymmetricEigen } from './dense.js';

const UNIT_ROUNDOFF = 2 ** -53;

/** Eigenpairs of an approximation, in no particular order: `vectors` is column-major n × count. */
export interface Eigenpairs {
  values: Float64Array;
  vectors: Float64Array;
  count: number;
}

/** (B + Bᵀ)/2 of a column-major l × l block: a fresh block. */
export function symmetrize(B: Float64Array, l: number): Float64Array {
  const out = new Float64Array(l * l);
  for (let c = 0; c < l; c++) {
    for (let i = 0; i < l; i++) out[i + c * l] = (B[i + c * l]! + B[c + i * l]!) / 2;
  }
  return out;
}

/** sym(C[S, :]) for column-major C (n × l) whose column t is column S_t of A: the sampled core W. */
export function sampledCore(C: Float64Array, n: number, S: Int32Array): Float64Array {
  const l = S.length;
  const W = new Float64Array(l * l);
  for (let c = 0; c < l; c++) {
    for (let a = 0; a < l; a++) W[a + c * l] = (C[S[a]! + c * n]! + C[S[c]! + a * n]!) / 2;
  }
  return W;
}

/** The PSD test of `method: 'auto'` and `'psd'` on W (and diag(A) when known). */
export interface PsdVerdict {
  psd: boolean;
  /** Why not, for the error message. */
  reason?: string;
  /** The eigendecomposition of W, reused by the indefinite and scaled cores. */
  eig: SymmetricEigen;
}

/**
 * W is taken as PSD when its smallest eigenvalue is ≥ −τ·max|λ(W)| and, when `diagonal` (diag(A))
 * is known, every entry of it is ≥ 0.
 */
export function psdVerdict(W: Float64Array, l: number, tau: number, diagonal: Float64Array | undefined): PsdVerdict {
  const eig = symmetricEigen(W, l);
  const smallest = eig.values[0]!;
  const largestAbs = Math.max(Math.abs(smallest), Math.abs(eig.values[l - 1]!));
  if (!(smallest >= -tau * largestAbs)) {
    return {
      psd: false,
      eig,
      reason: `most negative eigenvalue ${smallest} of the sampled core W (allowed down to ${-tau * largestAbs} = −τ·max|λ(W)|, τ = ${tau})`,
    };
  }
  if (diagonal) {
    for (let i = 0; i < diagonal.length; i++) {
      if (!(diagonal[i]! >= 0)) return { psd: false, eig, reason: `diagonal entry A[${i}, ${i}] = ${diagonal[i]}` };
    }
  }
  return { psd: true, eig };
}

/** The ERR_RANDLA_NOT_PSD error of a failed PSD test or Cholesky factorization. */
export function notPsd(reason: string): RandlaError {
  return new RandlaError(ErrorCode.NOT_PSD, `Expected a positive-semidefinite matrix for A (method 'psd') but received one with ${reason}`, {
    argument: 'A',
  });
}

/**
 * Tropp et al. 2017, Alg. 3, from Y_ν = Y + ν·Ω and B = sym(Ωᵀ·Y_ν): R = chol(B), E = Y_ν·R⁻¹ =
 * U·Σ·Vᵀ, λ = max(0, σ² − ν) with vectors U. The shift ν keeps B factorable when W is singular,
 * and is taken back off the eigenvalues.
 */
function shiftedNystrom(Ynu: Float64Array, B: Float64Array, n: number, l: number, nu: number): Eigenpairs {
  const R = choleskyUpper(B, l);
  if (!R) throw notPsd(`a shifted core W + νI (ν = ${nu}) that has no Cholesky factor`);
  return fromFactor(solveUpperRight(Ynu, n, R, l), n, l, nu);
}

/**
 * Eigenpairs of E·Eᵀ − ν·I restricted to range(E), for E n × k (n ≥ k): E = U·Σ·Vᵀ, λ = max(0, σ² − ν).
 */
export function fromFactor(E: Float64Array, n: number, k: number, nu: number): Eigenpairs {
  const { W: U, S: sigma } = smallSvd(E, n, k);
  const values = new Float64Array(k);
  for (let j = 0; j < k; j++) values[j] = Math.max(0, sigma[j]! * sigma[j]! - nu);
  return { values, vectors: U, count: k };
}

function frobeniusNorm(Y: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < Y.length; i++) scale = Math.max(scale, Math.abs(Y[i]!));
  if (scale === 0) return 0;
  let ssq = 0;
  for (let i = 0; i < Y.length; i++) {
    const t = Y[i]! / scale;
    ssq += t * t;
  }
  return scale * Math.sqrt(ssq);
}

/**
 * The psd core for sampled columns (Ω = the column selector of S): ν = √n·u·‖C‖_F, Y_ν = C with
 * ν added at (S_t, t), B = sym(Y_ν[S, :]) = W + ν·I.
 */
export function psdCoreColumns(C: Float64Array, n: number, S: Int32Array): Eigenpairs {
  const l = S.length;
  const nu = Math.sqrt(n) * UNIT_ROUNDOFF * frobeniusNorm(C);
  const Ynu = C.slice();
  for (let t = 0; t < l; t++) Ynu[S[t]! + t * n] += nu;
  return shiftedNystrom(Ynu, sampledCore(Ynu, n, S), n, l, nu);
}

/** The psd core for a Gaussian sketch Y = A·Ω: ν = √n·u·‖Y‖_F, Y_ν = Y + ν·Ω, B = sym(Ωᵀ·Y_ν). */
export function psdCoreSketch(Y: Float64Array, Omega: Float64Array, n: number, l: number): Eigenpairs {
  const nu = Math.sqrt(n) * UNIT_ROUNDOFF * frobeniusNorm(Y);
  const Ynu = Y.slice();
  for (let i = 0; i < Ynu.length; i++) Ynu[i] += nu * Omega[i]!;
  return shiftedNystrom(Ynu, symmetrize(multiplyTransposed(Omega, n, l, Ynu, l), l), n, l, nu);
}

/** Positions of eigenvalues by non-increasing |value|, ties: larger value first, then lower position. */
export function byMagnitude(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => {
    const d = Math.abs(values[b]!) - Math.abs(values[a]!);
    if (d !== 0) return d;
    return values[b]! - values[a]! || a - b;
  });
  return order;
}

/** The r_c eigenvalues of W of largest |λ| that exceed τ·max|λ| (positions into eig.values). */
function keptCore(eig: SymmetricEigen, coreRank: number, tau: number): number[] {
  const order = byMagnitude(eig.values);
  const cutoff = tau * Math.abs(eig.values[order[0]!]!);
  return order.slice(0, coreRank).filter((j) => Math.abs(eig.values[j]!) > cutoff);
}

/**
 * The indefinite core: C = Q·R (thin), M = (R·V_K)·Λ_K⁻¹·(R·V_K)ᵀ symmetrized = V·Θ·Vᵀ, pairs
 * (θ, Q·V) of C·W_K⁺·Cᵀ. Nothing here needs A to be PSD.
 */
export function indefiniteCore(C: Float64Array, n: number, l: number, eig: SymmetricEigen, coreRank: number, tau: number): Eigenpairs {
  const Q = householderQ(C, n, l);
  const R = multiplyTransposed(Q, n, l, C, l); // QᵀC = R up to rounding below the diagonal
  const K = keptCore(eig, coreRank, tau);
  const k = K.length;
  // RV = R·V_K (l × k); M = RV·Λ_K⁻¹·RVᵀ.
  const VK = new Float64Array(l * k);
  for (let t = 0; t < k; t++) VK.set(eig.vectors.subarray(K[t]! * l, K[t]! * l + l), t * l);
  const RV = multiply(R, l, l, VK, k);
  const scaled = new Float64Array(l * k);
  for (let t = 0; t < k; t++) {
    const inv = 1 / eig.values[K[t]!]!;
    for (let i = 0; i < l; i++) scaled[i + t * l] = RV[i + t * l]! * inv;
  }
  const M = new Float64Array(l * l);
  for (let t = 0; t < k; t++) {
    for (let c = 0; c < l; c++) {
      const f = RV[c + t * l]!;
      if (f === 0) continue;
      for (let i = 0; i < l; i++) M[i + c * l] += scaled[i + t * l]! * f;
    }
  }
  const { values, vectors } = symmetricEigen(symmetrize(M, l), l);
  return { values, vectors: multiply(Q, n, l, vectors, l), count: l };
}

/**
 * Williams & Seeger's scaled extension: (n / l)·λ_j and √(l / n)·C·v_j / λ_j for j in K. The
 * vectors are not orthonormal: that is the method, kept for comparison.
 */
export function scaledCore(C: Float64Array, n: number, l: number, eig: SymmetricEigen, coreRank: number, tau: number): Eigenpairs {
  const K = keptCore(eig, coreRank, tau);
  const k = K.length;
  const values = new Float64Array(k);
  const V = new Float64Array(l * k);
  const root = Math.sqrt(l / n);
  for (let t = 0; t < k; t++) {
    const lambda = eig.values[K[t]!]!;
    values[t] = (n / l) * lambda;
    const f = root / lambda;
    for (let i = 0; i < l; i++) V[i + t * l] = eig.vectors[i + K[t]! * l]! * f;
  }
  return { values, vectors: multiply(C, n, l, V, k), count: k };
}

/**
 * The r pairs of largest |value| (ties: larger value first) as the output wants them: values
 * (f64) and vectors n × r row-major, each with its first largest-|.| entry positive. A core with
 * fewer than r pairs gives them all (RPCholesky stopped early: A − Â is then 0 to rounding;
 * scaled with fewer than r eigenvalues of W above τ), as the native core does.
 */
export function canonicalPairs(pairs: Eigenpairs, n: number, r: number): { values: Float64Array; vectors: Matrix<Float64Array> } {
  const order = byMagnitude(pairs.values.subarray(0, pairs.count)).slice(0, r);
  const k = order.length;
  const values = new Float64Array(k);
  const columns = new Float64Array(n * k);
  order.forEach((j, t) => {
    values[t] = pairs.values[j]!;
    columns.set(pairs.vectors.subarray(j * n, j * n + n), t * n);
  });

  const data = new Float64Array(n * k);
  for (let t = 0; t < k; t++) {
    const o = t * n;
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(columns[o + i]!);
      if (a > bestAbs) {
        bestAbs = a;
        best = i;
      }
    }
    const sign = columns[o + best]! < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) data[i * k + t] = sign * columns[o + i]!;
  }
  return { values, vectors: { data, rows: n, cols: k, layout: 'row-major' } };
}
