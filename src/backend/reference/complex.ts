// Small dense complex linear algebra in f64 for the DMD reference (docs/algorithms/dmd.md): thin
// SVD by one-sided Jacobi (Hestenes 1958; Demmel & Veselić, SIMAX 1992) after a Householder QR when
// tall, the general eigenproblem by Hessenberg reduction and shifted QR (Golub & Van Loan §7.4–7.5)
// with eigenvectors by back substitution (LAPACK ztrevc's scheme); real matrices go to ml-matrix's
// EVD (JAMA hqr2), which returns exact conjugate pairs. Storage: split re/im, column-major.

import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { ErrorCode, RandlaError } from '../../errors.js';
import type { ComplexArray, ComplexMatrix, Matrix } from '../../types.js';

const EPS = Number.EPSILON;

/** A complex matrix, column-major: entry (i, j) is (re[i + j·rows], im[i + j·rows]). */
export interface CMat {
  rows: number;
  cols: number;
  re: Float64Array;
  im: Float64Array;
}

export function czeros(rows: number, cols: number): CMat {
  return { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
}

export function cidentity(n: number): CMat {
  const I = czeros(n, n);
  for (let i = 0; i < n; i++) I.re[i + i * n] = 1;
  return I;
}

export function ccopy(A: CMat): CMat {
  return { rows: A.rows, cols: A.cols, re: A.re.slice(), im: A.im.slice() };
}

/** Columns start … end − 1 of A (a copy). */
export function ccolumns(A: CMat, start: number, end: number): CMat {
  const r = A.rows;
  return { rows: r, cols: end - start, re: A.re.slice(start * r, end * r), im: A.im.slice(start * r, end * r) };
}

/** A real or complex randla matrix (either layout, f32 read exactly) as a column-major CMat. */
export function toCMat(X: Matrix | ComplexMatrix): CMat {
  if (isComplexMatrix(X)) {
    const re = realColumnMajor(X.re);
    const im = realColumnMajor(X.im);
    return { rows: X.re.rows, cols: X.re.cols, re, im };
  }
  return { rows: X.rows, cols: X.cols, re: realColumnMajor(X), im: new Float64Array(X.rows * X.cols) };
}

export function isComplexMatrix(X: Matrix | ComplexMatrix): X is ComplexMatrix {
  return (X as ComplexMatrix).re !== undefined && (X as ComplexMatrix).im !== undefined && (X as Matrix).data === undefined;
}

function realColumnMajor(M: Matrix): Float64Array {
  const { rows, cols, data } = M;
  const out = new Float64Array(rows * cols);
  if (M.layout === 'col-major') {
    for (let t = 0; t < out.length; t++) out[t] = data[t]!;
  } else {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i + j * rows] = data[i * cols + j]!;
  }
  return out;
}

/** A as a row-major ComplexMatrix (fresh arrays). */
export function toComplexMatrix(A: CMat): ComplexMatrix {
  const { rows, cols } = A;
  const re = new Float64Array(rows * cols);
  const im = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      re[i * cols + j] = A.re[i + j * rows]!;
      im[i * cols + j] = A.im[i + j * rows]!;
    }
  }
  return { re: { data: re, rows, cols, layout: 'row-major' }, im: { data: im, rows, cols, layout: 'row-major' } };
}

/** C = op(A)·op(B), op = identity ('N') or conjugate transpose ('C'). */
export function cmul(A: CMat, B: CMat, opA: 'N' | 'C' = 'N', opB: 'N' | 'C' = 'N'): CMat {
  if (opA === 'N' && opB === 'N') return mulNN(A, B);
  if (opA === 'C' && opB === 'N') return mulCN(A, B);
  if (opA === 'N' && opB === 'C') return mulNN(A, cconjTranspose(B));
  return mulNN(cconjTranspose(A), cconjTranspose(B));
}

function mulNN(A: CMat, B: CMat): CMat {
  const m = A.rows;
  const k = A.cols;
  const n = B.cols;
  if (B.rows !== k) throw internal(`cmul: ${m} x ${k} times ${B.rows} x ${n}`);
  const C = czeros(m, n);
  const { re: ar, im: ai } = A;
  for (let j = 0; j < n; j++) {
    const co = j * m;
    for (let p = 0; p < k; p++) {
      const br = B.re[p + j * k]!;
      const bi = B.im[p + j * k]!;
      if (br === 0 && bi === 0) continue;
      const ao = p * m;
      for (let i = 0; i < m; i++) {
        const xr = ar[ao + i]!;
        const xi = ai[ao + i]!;
        C.re[co + i] += xr * br - xi * bi;
        C.im[co + i] += xr * bi + xi * br;
      }
    }
  }
  return C;
}

/** Aᴴ·B by dot products of contiguous columns. */
function mulCN(A: CMat, B: CMat): CMat {
  const k = A.rows;
  const m = A.cols;
  const n = B.cols;
  if (B.rows !== k) throw internal(`cmul: (${k} x ${m})ᴴ times ${B.rows} x ${n}`);
  const C = czeros(m, n);
  for (let j = 0; j < n; j++) {
    const bo = j * k;
    for (let i = 0; i < m; i++) {
      const ao = i * k;
      let sr = 0;
      let si = 0;
      for (let p = 0; p < k; p++) {
        const xr = A.re[ao + p]!;
        const xi = A.im[ao + p]!;
        const yr = B.re[bo + p]!;
        const yi = B.im[bo + p]!;
        sr += xr * yr + xi * yi;
        si += xr * yi - xi * yr;
      }
      C.re[i + j * m] = sr;
      C.im[i + j * m] = si;
    }
  }
  return C;
}

export function cconjTranspose(A: CMat): CMat {
  const { rows, cols } = A;
  const T = czeros(cols, rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      T.re[j + i * cols] = A.re[i + j * rows]!;
      T.im[j + i * cols] = -A.im[i + j * rows]!;
    }
  }
  return T;
}

/** A·diag(s) for real s (in place), e.g. the Σ⁻¹ of V·Σ⁻¹. */
export function cscaleColumnsInPlace(A: CMat, s: ArrayLike<number>): CMat {
  for (let j = 0; j < A.cols; j++) {
    const f = s[j]!;
    const o = j * A.rows;
    for (let i = 0; i < A.rows; i++) {
      A.re[o + i] *= f;
      A.im[o + i] *= f;
    }
  }
  return A;
}

/** ‖A[:, j]‖₂ without overflow for the magnitudes DMD meets (plain sum of squares, then sqrt). */
export function columnNorm(A: CMat, j: number): number {
  const o = j * A.rows;
  let s = 0;
  for (let i = 0; i < A.rows; i++) s += A.re[o + i]! * A.re[o + i]! + A.im[o + i]! * A.im[o + i]!;
  return Math.sqrt(s);
}

/** Principal square root, exact for conjugates: sqrt(z̄) = conj(sqrt(z)) off the negative axis. */
export function csqrt(re: number, im: number): [number, number] {
  if (re === 0 && im === 0) return [0, im];
  const t = Math.sqrt((Math.hypot(re, im) + Math.abs(re)) / 2);
  if (re >= 0) return [t, im / (2 * t)];
  return [Math.abs(im) / (2 * t), im < 0 || Object.is(im, -0) ? -t : t];
}

function internal(message: string): RandlaError {
  return new RandlaError(ErrorCode.INTERNAL, message);
}

// ---------------------------------------------------------------------------------------------
// Householder QR

/**
 * Thin QR of a tall complex A (rows ≥ cols): Q (rows × cols, orthonormal columns) and R
 * (cols × cols, upper triangular). Reflectors H = I − τ·v·vᴴ with v₀ = 1 map x to
 * β·e₁, β = −e^{i·arg x₀}·‖x‖ (so no cancellation in x₀ − β).
 */
export function cqr(A: CMat): { Q: CMat; R: CMat } {
  const m = A.rows;
  const n = A.cols;
  if (m < n) throw internal(`cqr needs a tall block but received ${m} x ${n}`);
  const W = ccopy(A);
  const tau = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const o = j * m;
    let tail = 0;
    for (let i = j + 1; i < m; i++) tail += W.re[o + i]! ** 2 + W.im[o + i]! ** 2;
    const ar = W.re[o + j]!;
    const ai = W.im[o + j]!;
    if (tail === 0 && ai === 0) continue; // already β·e₁ with β real: H = I
    const norm = Math.sqrt(ar * ar + ai * ai + tail);
    const amod = Math.hypot(ar, ai);
    // β = −(x₀/|x₀|)·‖x‖ (−‖x‖ when x₀ = 0)
    const pr = amod === 0 ? 1 : ar / amod;
    const pi = amod === 0 ? 0 : ai / amod;
    const br = -pr * norm;
    const bi = -pi * norm;
    // v = (x − β e₁)/(x₀ − β); τ = (β − x₀)/β conj'd so that H x = β e₁ with H = I − τ v vᴴ
    const dr = ar - br;
    const di = ai - bi;
    const dd = dr * dr + di * di;
    for (let i = j + 1; i < m; i++) {
      const xr = W.re[o + i]!;
      const xi = W.im[o + i]!;
      W.re[o + i] = (xr * dr + xi * di) / dd;
      W.im[o + i] = (xi * dr - xr * di) / dd;
    }
    // For this v (v₀ = 1), ‖v‖² = 1 + tail/|x₀ − β|², and τ = 2/‖v‖² makes H Hermitian unitary.
    tau[j] = 2 / (1 + tail / dd);
    W.re[o + j] = br;
    W.im[o + j] = bi;
    for (let c = j + 1; c < n; c++) applyReflector(W, o, j, tau[j]!, W, c * m, m);
  }
  const R = czeros(n, n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      R.re[i + j * n] = W.re[i + j * m]!;
      R.im[i + j * n] = W.im[i + j * m]!;
    }
  }
  const Q = czeros(m, n);
  for (let c = 0; c < n; c++) Q.re[c + c * m] = 1;
  for (let j = n - 1; j >= 0; j--) {
    if (tau[j] === 0) continue;
    for (let c = j; c < n; c++) applyReflector(W, j * m, j, tau[j]!, Q, c * m, m);
  }
  return { Q, R };
}

/** y ← (I − τ v vᴴ) y on rows j … m−1, v = (1, V[vo + j + 1 …]) stored below the diagonal. */
function applyReflector(V: CMat, vo: number, j: number, tau: number, Y: CMat, yo: number, m: number): void {
  let sr = Y.re[yo + j]!;
  let si = Y.im[yo + j]!;
  for (let i = j + 1; i < m; i++) {
    const vr = V.re[vo + i]!;
    const vi = V.im[vo + i]!;
    const yr = Y.re[yo + i]!;
    const yi = Y.im[yo + i]!;
    sr += vr * yr + vi * yi;
    si += vr * yi - vi * yr;
  }
  sr *= tau;
  si *= tau;
  Y.re[yo + j] -= sr;
  Y.im[yo + j] -= si;
  for (let i = j + 1; i < m; i++) {
    const vr = V.re[vo + i]!;
    const vi = V.im[vo + i]!;
    Y.re[yo + i] -= vr * sr - vi * si;
    Y.im[yo + i] -= vr * si + vi * sr;
  }
}

// ---------------------------------------------------------------------------------------------
// SVD

/** Thin SVD A = U·diag(S)·Vᴴ, k = min(rows, cols): U rows × k, V cols × k, S non-increasing. */
export interface CSvd {
  U: CMat;
  S: Float64Array;
  V: CMat;
}

/**
 * Thin SVD of a complex (or real: im all zero, and then every factor is exactly real) matrix by
 * one-sided Jacobi, preceded by a Householder QR when tall and applied to Aᴴ when wide. Canonical
 * phases: the pivot entry (pivotIndex) of each U column is real and positive (sklearn's svd_flip
 * for real input, up to its 1e-8 tie rule), V's column takes the same phase, so A = UΣVᴴ still holds. Columns of
 * U for zero singular values complete an orthonormal basis.
 *
 * @example
 * csvd({ rows: 2, cols: 1, re: new Float64Array([3, 4]), im: new Float64Array(2) }).S; // Float64Array [5]
 */
export function csvd(A: CMat): CSvd {
  const wide = A.rows < A.cols;
  const M = wide ? cconjTranspose(A) : A;
  let out: CSvd;
  if (M.rows > M.cols) {
    const { Q, R } = cqr(M);
    const s = jacobiSvd(R);
    out = { U: cmul(Q, s.U), S: s.S, V: s.V };
  } else {
    out = jacobiSvd(M);
  }
  if (wide) out = { U: out.V, S: out.S, V: out.U };
  canonicalPhases(out.U, out.V);
  return out;
}

/** One-sided Jacobi SVD of a tall or square M (rows ≥ cols). */
function jacobiSvd(M: CMat): CSvd {
  const m = M.rows;
  const n = M.cols;
  const A = ccopy(M);
  const V = cidentity(n);
  const { re, im } = A;
  // A pair counts as orthogonal when |a_pᴴa_q| ≤ tol·‖a_p‖‖a_q‖: below m·eps, the rounding of
  // the dot product itself, a rotation could not make them more orthogonal.
  const tol = Math.max(m, 1) * EPS;
  let converged = false;
  for (let sweep = 0; sweep < 80 && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const po = p * m;
        const qo = q * m;
        let alpha = 0;
        let beta = 0;
        let gr = 0;
        let gi = 0;
        for (let i = 0; i < m; i++) {
          const xr = re[po + i]!;
          const xi = im[po + i]!;
          const yr = re[qo + i]!;
          const yi = im[qo + i]!;
          alpha += xr * xr + xi * xi;
          beta += yr * yr + yi * yi;
          gr += xr * yr + xi * yi;
          gi += xr * yi - xi * yr;
        }
        const g = Math.hypot(gr, gi);
        // A column whose squared norm underflows (subnormal entries: it is zero to working
        // precision) has nothing to rotate against; its subnormal dot product must not count.
        if (g === 0 || alpha === 0 || beta === 0 || g <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        converged = false;
        // [a_p, a_q·e^{−iφ}] has the real Gram matrix [[α, g], [g, β]]: rotate it as a real pair.
        const zeta = (beta - alpha) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
        const c = 1 / Math.hypot(1, t);
        const s = c * t;
        const er = gr / g; // e^{iφ}
        const ei = gi / g;
        rotate(re, im, po, qo, m, c, s, er, ei);
        rotate(V.re, V.im, p * n, q * n, n, c, s, er, ei);
      }
    }
  }
  if (!converged) throw new RandlaError(ErrorCode.NOT_CONVERGED, `Jacobi SVD of a ${m} x ${n} block did not converge in 80 sweeps`);

  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) norms[j] = columnNorm(A, j);
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => norms[b]! - norms[a]! || a - b);
  const U = czeros(m, n);
  const Vs = czeros(n, n);
  const S = new Float64Array(n);
  const zero: number[] = [];
  order.forEach((src, dst) => {
    const sigma = norms[src]!;
    S[dst] = sigma;
    Vs.re.set(V.re.subarray(src * n, src * n + n), dst * n);
    Vs.im.set(V.im.subarray(src * n, src * n + n), dst * n);
    if (sigma > 0) {
      for (let i = 0; i < m; i++) {
        U.re[dst * m + i] = re[src * m + i]! / sigma;
        U.im[dst * m + i] = im[src * m + i]! / sigma;
      }
    } else {
      zero.push(dst);
    }
  });
  for (const j of zero) completeColumn(U, j, zero);
  return { U, S, V: Vs };
}

/** x_p ← c·x_p − s·x_q·e^{−iφ}, x_q ← s·x_p + c·x_q·e^{−iφ} on one column pair. */
function rotate(re: Float64Array, im: Float64Array, po: number, qo: number, len: number, c: number, s: number, er: number, ei: number): void {
  for (let i = 0; i < len; i++) {
    const xr = re[po + i]!;
    const xi = im[po + i]!;
    const yr0 = re[qo + i]!;
    const yi0 = im[qo + i]!;
    // y·e^{−iφ} = (yr + i yi)(er − i ei)
    const yr = yr0 * er + yi0 * ei;
    const yi = yi0 * er - yr0 * ei;
    re[po + i] = c * xr - s * yr;
    im[po + i] = c * xi - s * yi;
    re[qo + i] = s * xr + c * yr;
    im[qo + i] = s * xi + c * yi;
  }
}

/**
 * Column j of U (a zero singular value): the first unit vector whose part orthogonal to the
 * other filled columns is large, orthogonalised twice (classical Gram–Schmidt, CGS2).
 */
function completeColumn(U: CMat, j: number, unfilled: number[]): void {
  const m = U.rows;
  const others: number[] = [];
  for (let c = 0; c < U.cols; c++) if (c !== j && (!unfilled.includes(c) || c < j)) others.push(c);
  for (let e = 0; e < m; e++) {
    const xr = new Float64Array(m);
    const xi = new Float64Array(m);
    xr[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (const c of others) {
        const o = c * m;
        let sr = 0;
        let si = 0;
        for (let i = 0; i < m; i++) {
          sr += U.re[o + i]! * xr[i]! + U.im[o + i]! * xi[i]!;
          si += U.re[o + i]! * xi[i]! - U.im[o + i]! * xr[i]!;
        }
        for (let i = 0; i < m; i++) {
          xr[i] -= U.re[o + i]! * sr - U.im[o + i]! * si;
          xi[i] -= U.re[o + i]! * si + U.im[o + i]! * sr;
        }
      }
    }
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += xr[i]! * xr[i]! + xi[i]! * xi[i]!;
    nrm = Math.sqrt(nrm);
    if (nrm > 0.5) {
      for (let i = 0; i < m; i++) {
        U.re[j * m + i] = xr[i]! / nrm;
        U.im[j * m + i] = xi[i]! / nrm;
      }
      return;
    }
  }
}

/**
 * The pivot of column j (docs/algorithms/dmd.md, "Normalisation"): the FIRST index whose
 * squared modulus re² + im² is ≥ (1 − 1e-8)·the column's largest. Entries equal in exact
 * arithmetic (the (1, ∓i)/√2 of a rotation) differ by rounding that is not the same on every
 * backend; the relative tie makes every backend pick the same one.
 */
export function pivotIndex(A: CMat, j: number): number {
  const o = j * A.rows;
  let peak = 0;
  for (let i = 0; i < A.rows; i++) peak = Math.max(peak, A.re[o + i]! * A.re[o + i]! + A.im[o + i]! * A.im[o + i]!);
  const floor = (1 - 1e-8) * peak;
  for (let i = 0; i < A.rows; i++) if (A.re[o + i]! * A.re[o + i]! + A.im[o + i]! * A.im[o + i]! >= floor) return i;
  return 0;
}

/**
 * U[:, j] and V[:, j] times conj(u/|u|), u the pivot entry of U[:, j] (pivotIndex): that entry
 * becomes real positive. The SVD's free phases then do not depend on the Jacobi sweep order,
 * so every intermediate factor of the reference is a function of the data alone (the DMD
 * outputs are phase-fixed on the modes and do not need it).
 */
function canonicalPhases(U: CMat, V: CMat): void {
  for (let j = 0; j < U.cols; j++) {
    const i = pivotIndex(U, j);
    const ur = U.re[i + j * U.rows]!;
    const ui = U.im[i + j * U.rows]!;
    const mod = Math.hypot(ur, ui);
    if (mod === 0) continue;
    const pr = ur / mod;
    const pi = -ui / mod;
    if (pr === 1 && pi === 0) continue;
    multiplyColumn(U, j, pr, pi);
    multiplyColumn(V, j, pr, pi);
    U.im[i + j * U.rows] = 0; // exactly real: (u·conj(u))/|u| rounds to a tiny imaginary part otherwise
  }
}

/** A[:, j] ← A[:, j]·(pr + i·pi). */
export function multiplyColumn(A: CMat, j: number, pr: number, pi: number): void {
  const o = j * A.rows;
  for (let i = 0; i < A.rows; i++) {
    const xr = A.re[o + i]!;
    const xi = A.im[o + i]!;
    A.re[o + i] = xr * pr - xi * pi;
    A.im[o + i] = xr * pi + xi * pr;
  }
}

// ---------------------------------------------------------------------------------------------
// Eigendecomposition

/** Eigenvalues and eigenvectors (columns, not normalised) of a square matrix. */
export interface CEig {
  values: ComplexArray;
  vectors: CMat;
}

/**
 * Eigendecomposition of a real n × n matrix (column-major) by ml-matrix (JAMA: orthes + hqr2;
 * tred2 + tql2 when exactly symmetric): a complex pair's vectors are returned as exact conjugates.
 */
export function realEig(A: Float64Array, n: number): CEig {
  const M = new MlMatrix(n, n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) M.set(i, j, A[i + j * n]!);
  const evd = new EigenvalueDecomposition(M);
  const d = evd.realEigenvalues;
  const e = evd.imaginaryEigenvalues;
  const Vm = evd.eigenvectorMatrix;
  const values = { re: new Float64Array(n), im: new Float64Array(n) };
  const vectors = czeros(n, n);
  for (let j = 0; j < n; j++) {
    values.re[j] = d[j]!;
    values.im[j] = e[j]!;
    if (e[j] !== 0 && j + 1 < n && e[j + 1] === -e[j]! && d[j + 1] === d[j]) {
      // hqr2 stores the pair (d + i·e, d − i·e) as columns (x, y): the vector of d + i·e is x + i·y.
      values.re[j + 1] = d[j]!;
      values.im[j + 1] = -e[j]!;
      for (let i = 0; i < n; i++) {
        const x = Vm.get(i, j);
        const y = Vm.get(i, j + 1);
        vectors.re[i + j * n] = x;
        vectors.im[i + j * n] = y;
        vectors.re[i + (j + 1) * n] = x;
        vectors.im[i + (j + 1) * n] = -y;
      }
      j++;
    } else if (e[j] !== 0) {
      throw internal('realEig: a complex eigenvalue without its conjugate partner');
    } else {
      for (let i = 0; i < n; i++) vectors.re[i + j * n] = Vm.get(i, j);
    }
  }
  return { values, vectors };
}

/**
 * Eigendecomposition of a complex n × n matrix: Householder reduction to Hessenberg form, shifted
 * QR (Wilkinson shift, explicit, by Givens rotations; exceptional shifts every 10 iterations) to
 * the Schur form T = ZᴴAZ, then the eigenvectors of T by back substitution (as LAPACK ztrevc:
 * a tiny divisor is raised to smin) mapped back by Z.
 */
export function complexEig(A: CMat): CEig {
  const n = A.rows;
  const H = ccopy(A);
  const Z = cidentity(n);
  hessenberg(H, Z);
  schur(H, Z);
  const values = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    values.re[k] = H.re[k + k * n]!;
    values.im[k] = H.im[k + k * n]!;
  }
  // ‖T‖ for the size of a negligible divisor.
  let tnorm = 0;
  for (let t = 0; t < H.re.length; t++) tnorm = Math.max(tnorm, Math.abs(H.re[t]!) + Math.abs(H.im[t]!));
  const Y = czeros(n, n);
  for (let k = 0; k < n; k++) {
    const lr = values.re[k]!;
    const li = values.im[k]!;
    const smin = Math.max(EPS * (Math.abs(lr) + Math.abs(li)), EPS * tnorm, Number.MIN_VALUE * 1e10);
    const yo = k * n;
    Y.re[yo + k] = 1;
    for (let i = k - 1; i >= 0; i--) {
      let sr = 0;
      let si = 0;
      for (let j = i + 1; j <= k; j++) {
        const tr = H.re[i + j * n]!;
        const ti = H.im[i + j * n]!;
        const yr = Y.re[yo + j]!;
        const yi = Y.im[yo + j]!;
        sr += tr * yr - ti * yi;
        si += tr * yi + ti * yr;
      }
      let dr = H.re[i + i * n]! - lr;
      let di = H.im[i + i * n]! - li;
      if (Math.abs(dr) + Math.abs(di) < smin) {
        dr = smin;
        di = 0;
      }
      const dd = dr * dr + di * di;
      // y_i = −s/d
      Y.re[yo + i] = -(sr * dr + si * di) / dd;
      Y.im[yo + i] = -(si * dr - sr * di) / dd;
    }
  }
  return { values, vectors: cmul(Z, Y) };
}

/** H ← QᴴHQ upper Hessenberg, Z ← Z·Q, by Householder reflectors on columns 0 … n − 3. */
function hessenberg(H: CMat, Z: CMat): void {
  const n = H.rows;
  for (let k = 0; k < n - 2; k++) {
    const len = n - k - 1;
    const vr = new Float64Array(len);
    const vi = new Float64Array(len);
    let tail = 0;
    for (let i = 1; i < len; i++) {
      vr[i] = H.re[k + 1 + i + k * n]!;
      vi[i] = H.im[k + 1 + i + k * n]!;
      tail += vr[i]! * vr[i]! + vi[i]! * vi[i]!;
    }
    if (tail === 0) continue;
    const ar = H.re[k + 1 + k * n]!;
    const ai = H.im[k + 1 + k * n]!;
    const amod = Math.hypot(ar, ai);
    const norm = Math.sqrt(amod * amod + tail);
    const pr = amod === 0 ? 1 : ar / amod;
    const pi = amod === 0 ? 0 : ai / amod;
    // v = x − β e₁ with β = −(x₀/|x₀|)‖x‖: v₀ = (x₀/|x₀|)(|x₀| + ‖x‖), no cancellation.
    vr[0] = pr * (amod + norm);
    vi[0] = pi * (amod + norm);
    let vv = 0;
    for (let i = 0; i < len; i++) vv += vr[i]! * vr[i]! + vi[i]! * vi[i]!;
    const tau = 2 / vv;
    // Left: rows k+1 … n−1 of columns k … n−1: h ← h − τ v (vᴴ h).
    for (let c = k; c < n; c++) {
      const o = c * n + k + 1;
      let sr = 0;
      let si = 0;
      for (let i = 0; i < len; i++) {
        sr += vr[i]! * H.re[o + i]! + vi[i]! * H.im[o + i]!;
        si += vr[i]! * H.im[o + i]! - vi[i]! * H.re[o + i]!;
      }
      sr *= tau;
      si *= tau;
      for (let i = 0; i < len; i++) {
        H.re[o + i] -= vr[i]! * sr - vi[i]! * si;
        H.im[o + i] -= vr[i]! * si + vi[i]! * sr;
      }
    }
    // Right: columns k+1 … n−1 of all rows (and of Z): row ← row − τ (row·v) vᴴ.
    rightReflect(H, k + 1, vr, vi, tau);
    rightReflect(Z, k + 1, vr, vi, tau);
    // The reflected column is exactly β e₁.
    H.re[k + 1 + k * n] = -pr * norm;
    H.im[k + 1 + k * n] = -pi * norm;
    for (let i = k + 2; i < n; i++) {
      H.re[i + k * n] = 0;
      H.im[i + k * n] = 0;
    }
  }
}

function rightReflect(M: CMat, start: number, vr: Float64Array, vi: Float64Array, tau: number): void {
  const m = M.rows;
  const len = vr.length;
  for (let i = 0; i < m; i++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < len; t++) {
      const o = i + (start + t) * m;
      sr += M.re[o]! * vr[t]! - M.im[o]! * vi[t]!;
      si += M.re[o]! * vi[t]! + M.im[o]! * vr[t]!;
    }
    sr *= tau;
    si *= tau;
    for (let t = 0; t < len; t++) {
      const o = i + (start + t) * m;
      // −τ (row·v) conj(v_t)
      M.re[o] -= sr * vr[t]! + si * vi[t]!;
      M.im[o] -= si * vr[t]! - sr * vi[t]!;
    }
  }
}

/** |re| + |im|: LAPACK's cabs1, cheap and within √2 of the modulus. */
function cabs1(re: number, im: number): number {
  return Math.abs(re) + Math.abs(im);
}

/** Upper Hessenberg H → upper triangular T = ZᴴHZ by shifted QR; Z accumulates. */
function schur(H: CMat, Z: CMat): void {
  const n = H.rows;
  const { re, im } = H;
  const at = (i: number, j: number) => i + j * n;
  let fro = 0;
  for (let t = 0; t < re.length; t++) fro += re[t]! * re[t]! + im[t]! * im[t]!;
  fro = Math.sqrt(fro);
  const cs = new Float64Array(n);
  const snr = new Float64Array(n);
  const sni = new Float64Array(n);
  let hi = n - 1;
  let iter = 0;
  let total = 0;
  while (hi > 0) {
    let l = hi;
    for (; l > 0; l--) {
      let s = cabs1(re[at(l - 1, l - 1)]!, im[at(l - 1, l - 1)]!) + cabs1(re[at(l, l)]!, im[at(l, l)]!);
      if (s === 0) s = fro;
      if (cabs1(re[at(l, l - 1)]!, im[at(l, l - 1)]!) <= EPS * s) {
        re[at(l, l - 1)] = 0;
        im[at(l, l - 1)] = 0;
        break;
      }
    }
    if (l === hi) {
      hi--;
      iter = 0;
      continue;
    }
    iter++;
    total++;
    if (total > 100 * n) throw new RandlaError(ErrorCode.NOT_CONVERGED, `complex QR iteration did not converge for a ${n} x ${n} matrix`);
    let mr: number;
    let mi: number;
    if (iter % 10 === 0) {
      // Exceptional shift: breaks the cycles a Wilkinson shift can fall into.
      mr = re[at(hi, hi)]! + 0.75 * Math.abs(re[at(hi, hi - 1)]!);
      mi = im[at(hi, hi)]!;
    } else {
      [mr, mi] = wilkinson(
        re[at(hi - 1, hi - 1)]!, im[at(hi - 1, hi - 1)]!, re[at(hi - 1, hi)]!, im[at(hi - 1, hi)]!,
        re[at(hi, hi - 1)]!, im[at(hi, hi - 1)]!, re[at(hi, hi)]!, im[at(hi, hi)]!,
      );
    }
    for (let k = l; k <= hi; k++) {
      re[at(k, k)] -= mr;
      im[at(k, k)] -= mi;
    }
    // Left rotations G_k = [[c, s], [−s̄, c]] zero the subdiagonal of the shifted block.
    for (let k = l; k < hi; k++) {
      const fr = re[at(k, k)]!;
      const fi = im[at(k, k)]!;
      const gr = re[at(k + 1, k)]!;
      const gi = im[at(k + 1, k)]!;
      const fm = Math.hypot(fr, fi);
      const gm = Math.hypot(gr, gi);
      let c: number;
      let sr: number;
      let si: number;
      if (gm === 0) {
        c = 1;
        sr = 0;
        si = 0;
      } else if (fm === 0) {
        c = 0;
        sr = gr / gm;
        si = -gi / gm;
      } else {
        const nrm = Math.hypot(fm, gm);
        c = fm / nrm;
        // s = (f/|f|)·conj(g)/‖(f, g)‖
        const ur = fr / fm;
        const ui = fi / fm;
        sr = (ur * gr + ui * gi) / nrm;
        si = (ui * gr - ur * gi) / nrm;
      }
      cs[k] = c;
      snr[k] = sr;
      sni[k] = si;
      for (let j = k; j < n; j++) {
        const xr = re[at(k, j)]!;
        const xi = im[at(k, j)]!;
        const yr = re[at(k + 1, j)]!;
        const yi = im[at(k + 1, j)]!;
        // x' = c x + s y; y' = −s̄ x + c y
        re[at(k, j)] = c * xr + sr * yr - si * yi;
        im[at(k, j)] = c * xi + sr * yi + si * yr;
        re[at(k + 1, j)] = -(sr * xr + si * xi) + c * yr;
        im[at(k + 1, j)] = -(sr * xi - si * xr) + c * yi;
      }
      re[at(k + 1, k)] = 0;
      im[at(k + 1, k)] = 0;
    }
    // Right rotations by G_kᴴ = [[c, −s], [s̄, c]] on columns k, k+1.
    for (let k = l; k < hi; k++) {
      const c = cs[k]!;
      const sr = snr[k]!;
      const si = sni[k]!;
      const rowsEnd = Math.min(k + 1, hi);
      for (let i = 0; i <= rowsEnd; i++) rightRotate(re, im, i + k * n, i + (k + 1) * n, c, sr, si);
      for (let i = 0; i < n; i++) rightRotate(Z.re, Z.im, i + k * n, i + (k + 1) * n, c, sr, si);
    }
    for (let k = l; k <= hi; k++) {
      re[at(k, k)] += mr;
      im[at(k, k)] += mi;
    }
  }
  // Below the diagonal: exact zeros (rotations left rounding-level entries only where deflated).
  for (let j = 0; j < n; j++) {
    for (let i = j + 1; i < n; i++) {
      re[at(i, j)] = 0;
      im[at(i, j)] = 0;
    }
  }
}

/** (x, y) ← (c x + s̄ y, −s x + c y) for entries x = M[i, k], y = M[i, k + 1]. */
function rightRotate(re: Float64Array, im: Float64Array, ox: number, oy: number, c: number, sr: number, si: number): void {
  const xr = re[ox]!;
  const xi = im[ox]!;
  const yr = re[oy]!;
  const yi = im[oy]!;
  re[ox] = c * xr + sr * yr + si * yi;
  im[ox] = c * xi + sr * yi - si * yr;
  re[oy] = -(sr * xr - si * xi) + c * yr;
  im[oy] = -(sr * xi + si * xr) + c * yi;
}

/** The eigenvalue of [[a, b], [c, d]] nearer to d: d − bc/(h ± √(h² + bc)), h = (a − d)/2. */
function wilkinson(ar: number, ai: number, br: number, bi: number, cr: number, ci: number, dr: number, di: number): [number, number] {
  const hr = (ar - dr) / 2;
  const hi = (ai - di) / 2;
  const bcr = br * cr - bi * ci;
  const bci = br * ci + bi * cr;
  const [sr, si] = csqrt(hr * hr - hi * hi + bcr, 2 * hr * hi + bci);
  let denr = hr + sr;
  let deni = hi + si;
  if (Math.hypot(hr - sr, hi - si) > Math.hypot(denr, deni)) {
    denr = hr - sr;
    deni = hi - si;
  }
  const dd = denr * denr + deni * deni;
  if (dd === 0) return [dr, di];
  // bc / den
  const qr = (bcr * denr + bci * deni) / dd;
  const qi = (bci * denr - bcr * deni) / dd;
  return [dr - qr, di - qi];
}

// ---------------------------------------------------------------------------------------------
// Linear systems

/**
 * X with A·X = B for a square complex A, by LU with partial pivoting (largest modulus, first
 * such row); undefined when a pivot is ≤ `tiny` (default 0: an exactly zero pivot, where LAPACK's
 * gesv reports INFO > 0).
 */
export function cluSolve(A: CMat, B: CMat, tiny = 0): CMat | undefined {
  const n = A.rows;
  const L = ccopy(A);
  const X = ccopy(B);
  const { re, im } = L;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = -1;
    for (let i = k; i < n; i++) {
      const a = Math.hypot(re[i + k * n]!, im[i + k * n]!);
      if (a > best) {
        best = a;
        p = i;
      }
    }
    if (!(best > tiny)) return undefined;
    if (p !== k) {
      swapRows(L, k, p);
      swapRows(X, k, p);
    }
    const pr = re[k + k * n]!;
    const pi = im[k + k * n]!;
    const pp = pr * pr + pi * pi;
    for (let i = k + 1; i < n; i++) {
      const xr = re[i + k * n]!;
      const xi = im[i + k * n]!;
      // l = x / pivot
      const lr = (xr * pr + xi * pi) / pp;
      const li = (xi * pr - xr * pi) / pp;
      re[i + k * n] = lr;
      im[i + k * n] = li;
      for (let j = k + 1; j < n; j++) {
        const ur = re[k + j * n]!;
        const ui = im[k + j * n]!;
        re[i + j * n] -= lr * ur - li * ui;
        im[i + j * n] -= lr * ui + li * ur;
      }
    }
  }
  const m = X.cols;
  for (let c = 0; c < m; c++) {
    const o = c * n;
    // forward: unit lower
    for (let i = 0; i < n; i++) {
      let sr = X.re[o + i]!;
      let si = X.im[o + i]!;
      for (let j = 0; j < i; j++) {
        const lr = re[i + j * n]!;
        const li = im[i + j * n]!;
        sr -= lr * X.re[o + j]! - li * X.im[o + j]!;
        si -= lr * X.im[o + j]! + li * X.re[o + j]!;
      }
      X.re[o + i] = sr;
      X.im[o + i] = si;
    }
    // backward: upper
    for (let i = n - 1; i >= 0; i--) {
      let sr = X.re[o + i]!;
      let si = X.im[o + i]!;
      for (let j = i + 1; j < n; j++) {
        const ur = re[i + j * n]!;
        const ui = im[i + j * n]!;
        sr -= ur * X.re[o + j]! - ui * X.im[o + j]!;
        si -= ur * X.im[o + j]! + ui * X.re[o + j]!;
      }
      const dr = re[i + i * n]!;
      const di = im[i + i * n]!;
      const dd = dr * dr + di * di;
      X.re[o + i] = (sr * dr + si * di) / dd;
      X.im[o + i] = (si * dr - sr * di) / dd;
    }
  }
  return X;
}

function swapRows(M: CMat, a: number, b: number): void {
  for (let j = 0; j < M.cols; j++) {
    const oa = a + j * M.rows;
    const ob = b + j * M.rows;
    let t = M.re[oa]!;
    M.re[oa] = M.re[ob]!;
    M.re[ob] = t;
    t = M.im[oa]!;
    M.im[oa] = M.im[ob]!;
    M.im[ob] = t;
  }
}

/**
 * x with P·x = q for a Hermitian positive definite P (n × n, column-major; its lower triangle is
 * read) by Cholesky P = L·Lᴴ; undefined when a pivot is not positive (P not numerically HPD).
 */
export function ccholeskySolve(P: CMat, q: ComplexArray): ComplexArray | undefined {
  const n = P.rows;
  const Lr = new Float64Array(n * n);
  const Li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = P.re[j + j * n]!;
    for (let k = 0; k < j; k++) d -= Lr[j + k * n]! ** 2 + Li[j + k * n]! ** 2;
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    Lr[j + j * n] = ljj;
    for (let i = j + 1; i < n; i++) {
      // L_ij = (P_ij − Σ_k L_ik conj(L_jk)) / L_jj
      let sr = P.re[i + j * n]!;
      let si = P.im[i + j * n]!;
      for (let k = 0; k < j; k++) {
        const ar = Lr[i + k * n]!;
        const ai = Li[i + k * n]!;
        const br = Lr[j + k * n]!;
        const bi = -Li[j + k * n]!;
        sr -= ar * br - ai * bi;
        si -= ar * bi + ai * br;
      }
      Lr[i + j * n] = sr / ljj;
      Li[i + j * n] = si / ljj;
    }
  }
  const yr = Float64Array.from(q.re);
  const yi = Float64Array.from(q.im);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const lr = Lr[i + k * n]!;
      const li = Li[i + k * n]!;
      yr[i] -= lr * yr[k]! - li * yi[k]!;
      yi[i] -= lr * yi[k]! + li * yr[k]!;
    }
    yr[i] /= Lr[i + i * n]!;
    yi[i] /= Lr[i + i * n]!;
  }
  // Lᴴ x = y
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      // (Lᴴ)_ik = conj(L_ki)
      const lr = Lr[k + i * n]!;
      const li = -Li[k + i * n]!;
      yr[i] -= lr * yr[k]! - li * yi[k]!;
      yi[i] -= lr * yi[k]! + li * yr[k]!;
    }
    yr[i] /= Lr[i + i * n]!;
    yi[i] /= Lr[i + i * n]!;
  }
  return { re: yr, im: yi };
}

/**
 * The minimum-norm least-squares solution of A·x ≈ b (A rows × cols, b a column) through the
 * SVD, singular values at or below max(rows, cols)·eps·σ₁ treated as zero (numpy's and LAPACK
 * gelsd's default cut).
 */
export function clstsq(A: CMat, b: ComplexArray): ComplexArray {
  const { U, S, V } = csvd(A);
  const k = S.length;
  const cut = Math.max(A.rows, A.cols) * EPS * (S[0] ?? 0);
  const bm: CMat = { rows: A.rows, cols: 1, re: Float64Array.from(b.re), im: Float64Array.from(b.im) };
  const c = cmul(U, bm, 'C', 'N');
  for (let j = 0; j < k; j++) {
    const f = S[j]! > cut ? 1 / S[j]! : 0;
    c.re[j] *= f;
    c.im[j] *= f;
  }
  const x = cmul(V, c);
  return { re: x.re, im: x.im };
}
