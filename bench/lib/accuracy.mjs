// Accuracy of a rank-k factorization A ≈ U diag(S) Vt, computed the same way for every
// contender (run.mjs applies it to the factors each contender dumps as .npy). All sums in f64.
import { csrMatvec, csrRmatvec } from './sparse.mjs';
import { gaussian } from './testmatrix.mjs';

/**
 * max_{j<k} |S_j − σ_j| / σ_j against the known spectrum σ (non-increasing). k = S.length.
 * Returns NaN when the contender returned more values than σ has.
 */
export function maxRelSigmaError(S, sigma) {
  if (S.length > sigma.length) return Number.NaN;
  let worst = 0;
  for (let j = 0; j < S.length; j++) {
    const e = Math.abs(S[j] - sigma[j]) / sigma[j];
    if (Number.isNaN(e)) return Number.NaN;
    if (e > worst) worst = e;
  }
  return worst;
}

/** ‖A‖_F² in f64 (A: { data }). */
export function frobenius2(A) {
  const d = A.data;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return s;
}

/**
 * Relative Frobenius residual ‖A − U diag(S) Vt‖_F / ‖A‖_F, formed row by row in f64
 * (no cancellation-prone ‖A‖² − ‖USVᵀ‖² shortcut). A: m × n, U: m × k, Vt: k × n, all row-major
 * { data, rows, cols }; S: length k. Cost m·n·k multiply-adds.
 */
export function relResidual(A, U, S, Vt, normA2 = frobenius2(A)) {
  const m = A.rows;
  const n = A.cols;
  const k = S.length;
  if (U.rows !== m || U.cols !== k || Vt.rows !== k || Vt.cols !== n) {
    throw new RangeError(
      `relResidual: shapes do not agree: A ${m}×${n}, U ${U.rows}×${U.cols}, S ${k}, Vt ${Vt.rows}×${Vt.cols}`,
    );
  }
  const a = A.data;
  const u = U.data;
  const v = Vt.data;
  // Vt in f64 once (it may be f32)
  const V = v instanceof Float64Array ? v : Float64Array.from(v);
  const row = new Float64Array(n);
  const us = new Float64Array(k);
  const k4 = k - (k % 4);
  let res2 = 0;
  for (let i = 0; i < m; i++) {
    const off = i * n;
    for (let j = 0; j < n; j++) row[j] = a[off + j];
    for (let t = 0; t < k; t++) us[t] = u[i * k + t] * S[t];
    let t = 0;
    for (; t < k4; t += 4) {
      const c0 = us[t], c1 = us[t + 1], c2 = us[t + 2], c3 = us[t + 3];
      const v0 = t * n, v1 = v0 + n, v2 = v1 + n, v3 = v2 + n;
      for (let j = 0; j < n; j++) row[j] -= c0 * V[v0 + j] + c1 * V[v1 + j] + c2 * V[v2 + j] + c3 * V[v3 + j];
    }
    for (; t < k; t++) {
      const c = us[t];
      const v0 = t * n;
      for (let j = 0; j < n; j++) row[j] -= c * V[v0 + j];
    }
    for (let j = 0; j < n; j++) res2 += row[j] * row[j];
  }
  return Math.sqrt(res2 / normA2);
}

/** Eckart–Young optimum of the relative rank-k residual for a matrix with exact spectrum σ. */
export function optimalResidual(sigma, k) {
  let all = 0;
  let tail = 0;
  for (let i = 0; i < sigma.length; i++) {
    const s2 = sigma[i] * sigma[i];
    all += s2;
    if (i >= k) tail += s2;
  }
  return Math.sqrt(tail / all);
}

// ---------------------------------------------------------------- spectral norm of the residual
//
// ‖A − U diag(S) Vt‖₂ for every contender, from its saved factors, by the same code: Golub–Kahan–
// Lanczos bidiagonalization (Golub & Kahan 1965; Golub & Van Loan, Matrix Computations, 4th ed.,
// Alg. 10.4.1) of the residual operator R = A − U diag(S) Vt, applied implicitly (R is never formed:
// R·x = A·x − U(S ⊙ (Vt·x)), Rᵀ·y = Aᵀ·y − Vtᵀ(S ⊙ (Uᵀ·y))), with full reorthogonalization (twice)
// of both Lanczos bases and a fixed-seed starting vector. After j steps the largest singular value
// of the j × j bidiagonal B_j is a lower bound on ‖R‖₂ that increases monotonically to it; it is
// computed by bisection on the Golub–Kahan tridiagonal [0 B; Bᵀ 0] (its eigenvalues are ±σ(B)), so
// nothing is squared. Lanczos finds the top singular value of R far faster than the power method
// (fbpca's diffsnorm, randla's estimateError) when the top of R's spectrum is clustered, as it is
// here (R's spectrum starts near σ_{k+1}, σ_{k+2}, ... of A).
//
// A is dense row-major { data, rows, cols } (f64 or f32; sums in f64) or CSR { format: 'csr', ... }.


function denseMatvec(A, x, out) {
  const { data: a, rows: m, cols: n } = A;
  for (let i = 0; i < m; i++) {
    const off = i * n;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      s0 += a[off + j] * x[j];
      s1 += a[off + j + 1] * x[j + 1];
    }
    if (j < n) s0 += a[off + j] * x[j];
    out[i] = s0 + s1;
  }
  return out;
}

function denseRmatvec(A, y, out) {
  const { data: a, rows: m, cols: n } = A;
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const yi = y[i];
    if (yi === 0) continue;
    const off = i * n;
    for (let j = 0; j < n; j++) out[j] += a[off + j] * yi;
  }
  return out;
}

/** The residual operator { rows, cols, apply(x, out), applyT(y, out) } of A − U diag(S) Vt (U, S, Vt may be null). */
export function residualOperator(A, U, S, Vt) {
  const m = A.rows;
  const n = A.cols;
  const k = S ? S.length : 0;
  if (k && (U.rows !== m || U.cols !== k || Vt.rows !== k || Vt.cols !== n)) {
    throw new RangeError(`residualOperator: shapes do not agree: A ${m}×${n}, U ${U.rows}×${U.cols}, S ${k}, Vt ${Vt.rows}×${Vt.cols}`);
  }
  const sparse = A.format === 'csr';
  const mv = sparse ? csrMatvec : denseMatvec;
  const rmv = sparse ? csrRmatvec : denseRmatvec;
  const u = k ? U.data : null;
  const v = k ? Vt.data : null;
  const t = new Float64Array(k);
  return {
    rows: m,
    cols: n,
    apply(x, out) {
      mv(A, x, out);
      if (!k) return out;
      t.fill(0);
      for (let r = 0; r < k; r++) {
        let s = 0;
        const off = r * n;
        for (let j = 0; j < n; j++) s += v[off + j] * x[j];
        t[r] = s * S[r];
      }
      for (let i = 0; i < m; i++) {
        let s = 0;
        const off = i * k;
        for (let r = 0; r < k; r++) s += u[off + r] * t[r];
        out[i] -= s;
      }
      return out;
    },
    applyT(y, out) {
      rmv(A, y, out);
      if (!k) return out;
      t.fill(0);
      for (let i = 0; i < m; i++) {
        const yi = y[i];
        const off = i * k;
        for (let r = 0; r < k; r++) t[r] += u[off + r] * yi;
      }
      for (let r = 0; r < k; r++) {
        const c = t[r] * S[r];
        const off = r * n;
        for (let j = 0; j < n; j++) out[j] -= c * v[off + j];
      }
      return out;
    },
  };
}

function norm2(x) {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/** x ← x − Σ_b (b·x) b over the first `count` unit vectors stored one after another in `basis`, twice. */
function reorthogonalize(x, basis, count) {
  const len = x.length;
  for (let pass = 0; pass < 2; pass++) {
    for (let b = 0; b < count; b++) {
      const off = b * len;
      let d = 0;
      for (let i = 0; i < len; i++) d += basis[off + i] * x[i];
      for (let i = 0; i < len; i++) x[i] -= d * basis[off + i];
    }
  }
}

/**
 * Largest singular value of the upper bidiagonal matrix with diagonal alpha[0..j) and
 * superdiagonal beta[0..j-1), by bisection on the Golub–Kahan tridiagonal (zero diagonal,
 * off-diagonal alpha_1, beta_1, alpha_2, ...): a Sturm count per step, to full precision.
 */
export function bidiagonalSigmaMax(alpha, beta, j) {
  const e = [];
  for (let i = 0; i < j; i++) {
    e.push(alpha[i]);
    if (i < j - 1) e.push(beta[i]);
  }
  const size = e.length + 1;
  let hi = 0;
  for (let i = 0; i < size; i++) hi = Math.max(hi, Math.abs(e[i - 1] ?? 0) + Math.abs(e[i] ?? 0));
  if (hi === 0) return 0;
  let lo = 0;
  const tiny = Number.MIN_VALUE * 1e10;
  // number of eigenvalues > x (x > 0): size − #(eigenvalues < x) − #(= x), from the LDLᵀ pivots of T − xI
  const countAbove = (x) => {
    let below = 0;
    let q = -x;
    if (q < 0) below++;
    for (let i = 1; i < size; i++) {
      if (q === 0) q = -tiny;
      q = -x - (e[i - 1] * e[i - 1]) / q;
      if (q < 0) below++;
    }
    return size - below;
  };
  for (let it = 0; it < 200 && hi - lo > 4 * Number.EPSILON * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (countAbove(mid) >= 1) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * ‖A − U diag(S) Vt‖₂ (or ‖A‖₂ when U, S, Vt are null) by Golub–Kahan–Lanczos (see above).
 * Stops when the estimate changed by at most `tol` (relative) in each of the last two steps, or
 * after `maxSteps`. Returns { norm, steps, converged, history }.
 */
export function spectralResidualNorm(A, U, S, Vt, { maxSteps = 40, tol = 1e-7, seed = 314159 } = {}) {
  const op = residualOperator(A, U, S, Vt);
  const m = op.rows;
  const n = op.cols;
  const steps = Math.min(maxSteps, m, n);
  const Ub = new Float64Array(m * steps);
  const Vb = new Float64Array(n * (steps + 1));
  const alpha = [];
  const beta = [];
  const g = gaussian(seed);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = g();
  let nv = norm2(v);
  for (let i = 0; i < n; i++) Vb[i] = v[i] / nv;
  const u = new Float64Array(m);
  const w = new Float64Array(n);
  const history = [];
  let est = 0;
  let calm = 0;
  for (let j = 0; j < steps; j++) {
    // u_j ∝ R v_j − β_{j−1} u_{j−1}: the full reorthogonalization against u_0..u_{j−1} removes the
    // β_{j−1} u_{j−1} term along with the rounding drift, so it is not subtracted separately
    op.apply(Vb.subarray(j * n, (j + 1) * n), u);
    reorthogonalize(u, Ub, j);
    const a = norm2(u);
    alpha.push(a);
    if (a === 0 || !Number.isFinite(a)) break;
    for (let i = 0; i < m; i++) Ub[j * m + i] = u[i] / a;
    // v_{j+1} ∝ Rᵀ u_j − α_j v_j, likewise by reorthogonalization against v_0..v_j
    op.applyT(Ub.subarray(j * m, (j + 1) * m), w);
    reorthogonalize(w, Vb, j + 1);
    const b = norm2(w);
    const next = bidiagonalSigmaMax(alpha, beta, alpha.length);
    history.push(next);
    calm = next > 0 && Math.abs(next - est) <= tol * next ? calm + 1 : 0;
    est = next;
    if (calm >= 2 || b === 0 || !Number.isFinite(b) || j === steps - 1) {
      return { norm: est, steps: j + 1, converged: calm >= 2 || b === 0, history };
    }
    beta.push(b);
    for (let i = 0; i < n; i++) Vb[(j + 1) * n + i] = w[i] / b;
  }
  est = alpha.length ? bidiagonalSigmaMax(alpha, beta, alpha.length) : 0;
  return { norm: est, steps: alpha.length, converged: true, history };
}

/**
 * Relative Frobenius residual ‖A − U diag(S) Vt‖_F / ‖A‖_F for CSR A without forming the dense
 * residual: ‖A‖² − 2·Σ_{nnz} a_ij (U S Vt)_ij + Σ_{a,b} S_a S_b (UᵀU)_ab (Vt Vtᵀ)_ab, all in f64.
 * The subtraction loses accuracy only when the residual is tiny next to ‖A‖_F, which a
 * rank-20 approximation of a sparse matrix never is (the report shows values near 1).
 */
export function csrRelResidual(A, U, S, Vt) {
  const { rows: m, cols: n, indptr, indices, values } = A;
  const k = S.length;
  const u = U.data;
  const v = Vt.data;
  let a2 = 0;
  let cross = 0;
  const us = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < k; r++) us[r] = u[i * k + r] * S[r];
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const j = indices[p];
      let s = 0;
      for (let r = 0; r < k; r++) s += us[r] * v[r * n + j];
      a2 += values[p] * values[p];
      cross += values[p] * s;
    }
  }
  const GU = new Float64Array(k * k);
  for (let i = 0; i < m; i++) {
    const off = i * k;
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) GU[a * k + b] += u[off + a] * u[off + b];
  }
  const GV = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += v[a * n + j] * v[b * n + j];
      GV[a * k + b] = s;
    }
  }
  let lr2 = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const t = S[a] * S[b] * GU[a * k + b] * GV[a * k + b];
      lr2 += a === b ? t : 2 * t;
    }
  }
  return Math.sqrt(Math.max(0, a2 - 2 * cross + lr2) / a2);
}
