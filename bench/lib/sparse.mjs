// Deterministic sparse test matrix for the CSR case, built in JS once per bench run and written
// as three .npy arrays (indptr, indices: int32; values: float64) that the Python peers load into
// scipy.sparse.csr_matrix((values, indices, indptr), shape) — the same matrix on both sides, bit
// for bit, with no second generator to keep in step.
//
// Shape: every row gets nnz/rows non-zeros (the remainder spread over the first rows). The column
// of each non-zero is drawn from a Zipf law (P(column rank r) ∝ r^-s, s = 0.8) over a seeded
// random permutation of the columns, as in term–document or user–item data: a few columns are
// dense, most are rare. Values are standard normal. The Zipf skew gives A a decaying spectrum
// (a column with c non-zeros contributes a singular value of about √c), so a rank-20
// approximation is meaningful, unlike for a uniformly random pattern, whose spectrum is flat.
// Within a row the indices are distinct and sorted (canonical CSR, as scipy produces it).
import { gaussian, xoshiro128ss } from './testmatrix.mjs';

/**
 * Build the CSR test matrix. Returns { format: 'csr', rows, cols, nnz, indptr, indices, values,
 * seed, zipf }. indptr/indices are Int32Array (scipy's and randla's index type), values Float64Array.
 */
export function buildSparseTestMatrix({ rows: m, cols: n, nnz, seed = 20240612, zipf = 0.8 }) {
  if (!(nnz >= m)) throw new RangeError(`sparse test matrix: nnz ${nnz} must be >= rows ${m}`);
  const base = Math.floor(nnz / m);
  const extra = nnz % m;
  if (base + (extra ? 1 : 0) > n) throw new RangeError(`sparse test matrix: ${base + 1} non-zeros per row do not fit in ${n} columns`);
  const next = xoshiro128ss(seed);
  const uniform = () => next() / 4294967296; // [0, 1)

  // column popularity: Zipf weights over a random permutation (Fisher–Yates)
  const perm = new Int32Array(n);
  for (let j = 0; j < n; j++) perm[j] = j;
  for (let j = n - 1; j > 0; j--) {
    const r = Math.floor(uniform() * (j + 1));
    const t = perm[j];
    perm[j] = perm[r];
    perm[r] = t;
  }
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let r = 0; r < n; r++) {
    acc += (r + 1) ** -zipf;
    cdf[r] = acc;
  }
  for (let r = 0; r < n; r++) cdf[r] /= acc;
  const drawColumn = () => {
    const u = uniform();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return perm[lo];
  };

  const g = gaussian(seed + 1);
  const indptr = new Int32Array(m + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const row = [];
  let pos = 0;
  for (let i = 0; i < m; i++) {
    const c = base + (i < extra ? 1 : 0);
    row.length = 0;
    while (row.length < c) {
      const j = drawColumn();
      if (!row.includes(j)) row.push(j); // c is small (≈ 10): a linear scan beats a Set
    }
    row.sort((a, b) => a - b);
    for (const j of row) {
      indices[pos] = j;
      values[pos] = g();
      pos++;
    }
    indptr[i + 1] = pos;
  }
  return { format: 'csr', rows: m, cols: n, nnz, indptr, indices, values, seed, zipf };
}

/** out = A x for CSR A (f64 sums). */
export function csrMatvec(A, x, out = new Float64Array(A.rows)) {
  const { indptr, indices, values } = A;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) s += values[p] * x[indices[p]];
    out[i] = s;
  }
  return out;
}

/** out = Aᵀ y for CSR A (f64 sums). */
export function csrRmatvec(A, y, out = new Float64Array(A.cols)) {
  const { indptr, indices, values } = A;
  out.fill(0);
  for (let i = 0; i < A.rows; i++) {
    const yi = y[i];
    if (yi === 0) continue;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) out[indices[p]] += values[p] * yi;
  }
  return out;
}

/** Column non-zero counts: min, median, max (for the report). */
export function columnCounts(A) {
  const cnt = new Int32Array(A.cols);
  for (let p = 0; p < A.indices.length; p++) cnt[A.indices[p]]++;
  const s = Int32Array.from(cnt).sort();
  return { min: s[0], median: s[s.length >> 1], max: s[s.length - 1], empty: s.filter((c) => c === 0).length };
}
