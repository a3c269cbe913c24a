// Deterministic test matrices with a known spectrum, built in JS once per bench run.
//
//   A = U_r diag(σ) V_rᵀ = Σ_{i=1..r} σ_i u_i v_iᵀ,   σ_i = i^-2,   r = 100 (by default)
//
// u_1..u_r (length m) and v_1..v_r (length n) are i.i.d. Gaussian vectors from a seeded
// xoshiro128** generator (Box–Muller), orthonormalised by modified Gram–Schmidt run twice
// ("twice is enough": orthonormal to ~1e-16). Gram–Schmidt of Gaussian vectors gives
// Haar-distributed, dense, incoherent singular vectors. Cost: 2·2·(m+n)·r² flops for the
// bases plus m·n·r multiply-adds to form A (about 3 s in plain JS for 20000 × 2000, r = 100).
//
// The singular values of A are exactly σ_1..σ_r (then zeros) up to the rounding of the stored
// matrix, which is the only noise floor (≈ 1e-16·‖A‖ in f64, ≈ 6e-8·‖A‖ in f32: the f32
// matrix is the f64 one rounded with Math.fround). No random noise is added on purpose: a
// noise matrix E moves the top singular values by O(‖E‖²/σ), so σ would no longer be known
// exactly. r = 100 > k + p = 30, so the part of the spectrum a rank-30 sketch cannot capture
// (σ_31..σ_100) is what limits every contender's accuracy, and the Eckart–Young optimum of the
// rank-k residual, sqrt(Σ_{i>k} σ_i²) / sqrt(Σ σ_i²), is known in closed form.

/** xoshiro128** seeded with splitmix32; returns uniform 32-bit unsigned integers. */
export function xoshiro128ss(seed) {
  let s = seed >>> 0;
  const splitmix32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r;
  };
}

function rotl(x, k) {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Standard normal generator (Box–Muller on two 32-bit uniforms in (0, 1)). */
export function gaussian(seed) {
  const next = xoshiro128ss(seed);
  let spare = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u1 = (next() + 1) / 4294967297; // (0, 1)
    const u2 = next() / 4294967296; // [0, 1)
    const rad = Math.sqrt(-2 * Math.log(u1));
    spare = rad * Math.sin(2 * Math.PI * u2);
    return rad * Math.cos(2 * Math.PI * u2);
  };
}

/**
 * r orthonormal vectors of length len, stored one after another (vector t at [t*len, (t+1)*len)).
 * Gaussian vectors orthonormalised by modified Gram–Schmidt, two passes.
 */
export function orthonormalVectors(len, r, seed) {
  if (r > len) throw new RangeError(`cannot build ${r} orthonormal vectors of length ${len}`);
  const g = gaussian(seed);
  const Q = new Float64Array(len * r);
  for (let i = 0; i < Q.length; i++) Q[i] = g();
  for (let t = 0; t < r; t++) {
    const qt = Q.subarray(t * len, (t + 1) * len);
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s < t; s++) {
        const qs = Q.subarray(s * len, (s + 1) * len);
        let dot = 0;
        for (let i = 0; i < len; i++) dot += qs[i] * qt[i];
        for (let i = 0; i < len; i++) qt[i] -= dot * qs[i];
      }
    }
    let nrm = 0;
    for (let i = 0; i < len; i++) nrm += qt[i] * qt[i];
    nrm = Math.sqrt(nrm);
    if (!(nrm > 1e-8)) throw new Error('orthonormalVectors: vector lost to cancellation');
    for (let i = 0; i < len; i++) qt[i] /= nrm;
  }
  return Q;
}

/** The known spectrum: σ_i = i^-decay, i = 1..r. */
export function knownSigma(r, decay = 2) {
  const s = new Float64Array(r);
  for (let i = 0; i < r; i++) s[i] = (i + 1) ** -decay;
  return s;
}

/**
 * Build the m × n row-major f64 test matrix A = Σ_{i≤r} σ_i u_i v_iᵀ (see the file comment).
 * Returns { data, rows, cols, sigma, rank, seed, Vt }: Vt holds the exact right singular vectors
 * v_1..v_r as the rows of an r × n row-major array (the truth an accuracy check compares with).
 */
export function buildTestMatrix({ rows: m, cols: n, rank: r = 100, seed = 20240611, decay = 2 }) {
  r = Math.min(r, m, n);
  const sigma = knownSigma(r, decay);
  const Ucols = orthonormalVectors(m, r, seed); // u_t at [t*m, ...)
  const Vt = orthonormalVectors(n, r, seed + 1); // v_t at [t*n, ...): Vᵀ, row-major r × n
  // Us = U diag(σ), row-major m × r
  const Us = new Float64Array(m * r);
  for (let t = 0; t < r; t++) {
    const st = sigma[t];
    for (let i = 0; i < m; i++) Us[i * r + t] = st * Ucols[t * m + i];
  }
  const A = new Float64Array(m * n);
  const r10 = r - (r % 10);
  for (let i = 0; i < m; i++) {
    const off = i * n;
    const u = i * r;
    let t = 0;
    for (; t < r10; t += 10) {
      const a0 = Us[u + t], a1 = Us[u + t + 1], a2 = Us[u + t + 2], a3 = Us[u + t + 3], a4 = Us[u + t + 4];
      const a5 = Us[u + t + 5], a6 = Us[u + t + 6], a7 = Us[u + t + 7], a8 = Us[u + t + 8], a9 = Us[u + t + 9];
      const v0 = t * n, v1 = v0 + n, v2 = v1 + n, v3 = v2 + n, v4 = v3 + n;
      const v5 = v4 + n, v6 = v5 + n, v7 = v6 + n, v8 = v7 + n, v9 = v8 + n;
      for (let j = 0; j < n; j++) {
        A[off + j] +=
          a0 * Vt[v0 + j] + a1 * Vt[v1 + j] + a2 * Vt[v2 + j] + a3 * Vt[v3 + j] + a4 * Vt[v4 + j] +
          a5 * Vt[v5 + j] + a6 * Vt[v6 + j] + a7 * Vt[v7 + j] + a8 * Vt[v8 + j] + a9 * Vt[v9 + j];
      }
    }
    for (; t < r; t++) {
      const a = Us[u + t];
      const v = t * n;
      for (let j = 0; j < n; j++) A[off + j] += a * Vt[v + j];
    }
  }
  return { data: A, rows: m, cols: n, sigma, rank: r, seed, Vt };
}

/** Small deterministic matrix for untimed JIT/library warm-up calls. */
export function warmupMatrix(rows, cols, Ctor = Float64Array, seed = 7) {
  const g = gaussian(seed);
  const d = new Ctor(rows * cols);
  for (let i = 0; i < d.length; i++) d[i] = g();
  return d;
}
