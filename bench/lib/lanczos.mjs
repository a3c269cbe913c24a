// Block Lanczos with full reorthogonalization for the leading eigenpairs (largest |λ|, both ends
// of the spectrum) of a symmetric operator known only through products A·X: the matrix-free
// reference that decides the accuracy figures of the Nyström benchmark and of the sampling study
// in docs/flow-networks.md. Golub & Underwood 1977 (block Lanczos); Parlett, "The Symmetric
// Eigenvalue Problem", §13 (full reorthogonalization). Deliberate deviation: Rayleigh–Ritz runs on
// the full projection T = Vᵀ(A·V) from the stored products instead of the block-tridiagonal built
// from the recurrence coefficients. The two are equal in exact arithmetic; the full projection
// keeps the recurrence's rounding out of T and lets the residuals ‖A·v − λ·v‖ be computed exactly
// from the stored products, at the price of keeping A·V (as much memory as V).
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { gaussian } from './testmatrix.mjs';


const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a) => Math.sqrt(dot(a, a));
const axpy = (alpha, x, y) => {
  for (let i = 0; i < y.length; i++) y[i] -= alpha * x[i];
};

/**
 * Classical Gram–Schmidt of `w` against the orthonormal columns `basis`, twice ("twice is
 * enough", Giraud, Langou & Rozložník 2005): all coefficients from the same w per pass, so one
 * pass is a block projection w − V·(Vᵀw).
 */
function orthogonalize(w, basis) {
  for (let pass = 0; pass < 2; pass++) {
    const c = basis.map((v) => dot(v, w));
    for (let i = 0; i < basis.length; i++) axpy(c[i], basis[i], w);
  }
}

/**
 * Block Lanczos for the `k` eigenpairs of largest |λ| of a symmetric n × n operator.
 *
 * @param {(X: Float64Array, b: number) => Promise<Float64Array> | Float64Array} matmul
 *   A·X for an n × b column-major block X, returned in the same layout.
 * @param {number} n
 * @param {{ k?: number, block?: number, tol?: number, maxBlocks?: number, seed?: number,
 *           onBlock?: (info: object) => void }} [options]
 *   k (default 10) wanted pairs; block b (default 8); tol (1e-10): converged when every wanted
 *   pair has ‖A·v − θ·v‖ ≤ tol·|θ_1|; maxBlocks (default 50) products of a block at most; seed of
 *   the Gaussian start block (default 1).
 * @returns {Promise<{ values: Float64Array, vectors: { data: Float64Array, rows: number, cols: number,
 *   layout: 'row-major' }, residuals: Float64Array, products: number, blocks: number,
 *   basisSize: number, converged: boolean, tol: number, scale: number }>}
 *   values by non-increasing |value| (ties: larger value first); vectors n × k row-major, each with
 *   its largest-|.| entry positive (Nyström's convention, so the two compare directly); residuals
 *   ‖A·v − θ·v‖₂ (absolute; the test is against tol·scale, scale = |θ_1|); products counts
 *   matrix–vector products (b per block).
 */
export async function lanczos(matmul, n, { k = 10, block = 8, tol = 1e-10, maxBlocks = 50, seed = 1, onBlock } = {}) {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`lanczos: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`lanczos: k must be an integer in [1, ${n}], got ${k}`);
  if (!Number.isInteger(block) || block < 1) throw new RangeError(`lanczos: block must be a positive integer, got ${block}`);
  const rand = gaussian(seed >>> 0);
  const V = []; // orthonormal basis columns
  const W = []; // W[i] = A·V[i]
  let products = 0;
  let blocks = 0;

  // The next block's columns: start with the seeded Gaussian block, later the residual block
  // (I − VVᵀ)·A·V_last, which is the next Krylov block. A column that vanishes there (an invariant
  // subspace was found, e.g. a low-rank A) is replaced by a fresh random direction: T is the true
  // projection, so any orthonormal extension of the basis keeps Rayleigh–Ritz exact.
  const orthonormalBlock = (cols) => {
    const out = [];
    for (const w0 of cols) {
      if (V.length + out.length >= n) break;
      let w = w0;
      for (let attempt = 0; attempt < 5; attempt++) {
        const before = norm(w);
        orthogonalize(w, V);
        orthogonalize(w, out);
        const after = norm(w);
        // below this the direction is rounding noise of the projection, not a new Krylov direction
        if (after > 1e-10 * before && after > 0) {
          for (let i = 0; i < n; i++) w[i] /= after;
          out.push(w);
          break;
        }
        w = Float64Array.from({ length: n }, rand);
      }
    }
    return out;
  };

  let next = orthonormalBlock(Array.from({ length: Math.min(block, n) }, () => Float64Array.from({ length: n }, rand)));
  const T = []; // T[i][j] = v_i · w_j for j ≥ i (mirrored below)
  let result = null;
  while (next.length > 0 && blocks < maxBlocks) {
    const b = next.length;
    const X = new Float64Array(n * b);
    for (let j = 0; j < b; j++) X.set(next[j], j * n);
    const AX = await matmul(X, b);
    if (!AX || AX.length !== n * b) throw new Error(`lanczos: matmul returned ${AX?.length} values for an ${n} × ${b} block, expected ${n * b}`);
    products += b;
    blocks += 1;
    const m0 = V.length;
    for (let j = 0; j < b; j++) {
      V.push(next[j]);
      W.push(AX.subarray(j * n, (j + 1) * n));
    }
    for (let j = m0; j < V.length; j++) {
      for (let i = 0; i <= j; i++) {
        T[i] ??= [];
        T[i][j] = dot(V[i], W[j]);
      }
    }
    result = rayleighRitz(T, V, W, n, k);
    // The residual block R = (I − VVᵀ)·A·V_last gives every Ritz pair's residual as ‖R·y_last‖
    // (the older blocks' products lie in span(V)); it is also the next block before normalization.
    const R = W.slice(m0).map((w) => Float64Array.from(w));
    for (const r of R) orthogonalize(r, V);
    const estimates = result.y.map((y) => {
      const s = new Float64Array(n);
      for (let j = 0; j < b; j++) {
        const c = y[m0 + j];
        for (let i = 0; i < n; i++) s[i] += c * R[j][i];
      }
      return norm(s);
    });
    const exhausted = V.length >= n;
    const threshold = tol * result.scale;
    onBlock?.({ blocks, products, basisSize: V.length, values: result.values, estimates });
    if (exhausted || estimates.every((e) => e <= threshold)) {
      // confirm with the true residuals A·v − θ·v = W·y − θ·V·y
      explicitResiduals(result, V, W, n);
      result.converged = result.residuals.every((r) => r <= threshold);
      if (result.converged || exhausted) break;
    }
    next = orthonormalBlock(R);
  }
  if (result.residuals === undefined) {
    explicitResiduals(result, V, W, n);
    result.converged = result.residuals.every((r) => r <= tol * result.scale);
  }
  return {
    values: result.values,
    vectors: ritzVectors(result, V, n),
    residuals: result.residuals,
    products,
    blocks,
    basisSize: V.length,
    converged: result.converged,
    tol,
    scale: result.scale,
  };
}

/** Eigenpairs of the projection, the k of largest |θ| first (ties: larger θ first). */
function rayleighRitz(T, V, W, n, k) {
  const m = V.length;
  const M = new Matrix(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      M.set(i, j, T[i][j]);
      M.set(j, i, T[i][j]);
    }
  }
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const theta = evd.realEigenvalues;
  const Y = evd.eigenvectorMatrix;
  const order = theta.map((_, i) => i).sort((a, b) => Math.abs(theta[b]) - Math.abs(theta[a]) || theta[b] - theta[a]);
  const kk = Math.min(k, m);
  const pick = order.slice(0, kk);
  return {
    values: Float64Array.from(pick, (i) => theta[i]),
    y: pick.map((i) => Float64Array.from({ length: m }, (_, r) => Y.get(r, i))),
    scale: Math.abs(theta[order[0]]),
  };
}

function explicitResiduals(result, V, W, n) {
  result.residuals = Float64Array.from(result.y, (y, t) => {
    const r = new Float64Array(n);
    const th = result.values[t];
    for (let j = 0; j < y.length; j++) {
      const c = y[j];
      const w = W[j];
      const v = V[j];
      for (let i = 0; i < n; i++) r[i] += c * (w[i] - th * v[i]);
    }
    return norm(r);
  });
}

/** V·y for each wanted pair, n × k row-major, sign fixed so the largest-|.| entry is positive. */
function ritzVectors(result, V, n) {
  const k = result.y.length;
  const data = new Float64Array(n * k);
  for (let t = 0; t < k; t++) {
    const u = new Float64Array(n);
    const y = result.y[t];
    for (let j = 0; j < y.length; j++) axpy(-y[j], V[j], u);
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(u[i]) > Math.abs(u[big])) big = i;
    const s = u[big] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) data[i * k + t] = s * u[i];
  }
  return { data, rows: n, cols: k, layout: 'row-major' };
}

/**
 * `matmul` for lanczos() over a VorticalNetwork (or any SymmetricOperator with `multiply`). Uses
 * a block product when `multiply` takes one (an n × b col-major Matrix or Float64Array, sync or
 * Promise), else one vector at a time; which one worked is in `.mode` after the first call.
 */
export function networkMatmul(net) {
  const n = net.size;
  const fn = async (X, b) => {
    if (fn.mode !== 'vector' && b > 1) {
      for (const form of fn.mode ? [fn.mode] : ['matrix', 'flat']) {
        try {
          const arg = form === 'matrix' ? { data: X, rows: n, cols: b, layout: 'col-major' } : X;
          const Y = await net.multiply(arg);
          const out = blockOf(Y, n, b);
          if (out) {
            fn.mode = form;
            return out;
          }
        } catch {
          // this form is not accepted: try the next one
        }
      }
      fn.mode = 'vector';
    }
    const out = new Float64Array(n * b);
    for (let j = 0; j < b; j++) out.set(await net.multiply(X.subarray(j * n, (j + 1) * n)), j * n);
    return out;
  };
  fn.mode = null;
  return fn;
}

/** A block result as an n × b col-major Float64Array, or null when it is not one. */
function blockOf(Y, n, b) {
  if (Y instanceof Float64Array) return Y.length === n * b ? Y : null;
  if (Y?.data && Y.rows === n && Y.cols === b && Y.data.length === n * b) {
    if (Y.layout !== 'row-major') return Float64Array.from(Y.data);
    const out = new Float64Array(n * b);
    for (let i = 0; i < n; i++) for (let j = 0; j < b; j++) out[j * n + i] = Y.data[i * b + j];
    return out;
  }
  return null;
}

/** `matmul` for a dense symmetric n × n matrix (row-major Float64Array), for tests. */
export function denseMatmul(A, n) {
  return (X, b) => {
    const Y = new Float64Array(n * b);
    for (let j = 0; j < b; j++) {
      const x = X.subarray(j * n, (j + 1) * n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        const off = i * n;
        for (let c = 0; c < n; c++) s += A[off + c] * x[c];
        Y[j * n + i] = s;
      }
    }
    return Y;
  };
}
