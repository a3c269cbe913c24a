// Accuracy of a rank-k factorization A ≈ U diag(S) Vt, computed the same way for every
// contender (run.mjs applies it to the factors each contender dumps as .npy). All sums in f64.

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
