// Test data and eigenvalue comparisons of the DMD benchmark (bench/dmd.mjs and its runner
// bench/lib/dmd-runner.mjs). Everything is deterministic: seeded xoshiro128** / Box–Muller draws
// (bench/lib/testmatrix.mjs), so a run writes the same snapshots every time, and every contender
// reads them from the same .npy files.
import { gaussian, orthonormalVectors } from './testmatrix.mjs';

const INSIDE = [0.999, 0.995, 0.99, 0.985, 0.98];

/** The pairs' moduli and angles: { rho, theta } per conjugate pair (see systemEigs). */
function systemPairs(pairs) {
  return Array.from({ length: pairs }, (_, p) => ({
    rho: p % 2 === 0 ? 1 : INSIDE[Math.floor(p / 2) % INSIDE.length],
    theta: 0.15 + ((Math.PI - 0.3) * p) / Math.max(1, pairs - 1),
  }));
}

/**
 * The eigenvalues of the snapshot system: `pairs` complex-conjugate pairs λ = ρ·e^{±iθ}, the
 * angles spread over (0, π) and the first half of the moduli exactly 1 (on the unit circle), the
 * rest inside it (ρ from 0.999 down to 0.98: even the weakest mode keeps ρ^(m−1) ≥ 3e-4 of its
 * size over 400 snapshots). Ordered as randla orders them (imaginary part, then real part).
 */
export function systemEigs(pairs) {
  const re = [];
  const im = [];
  for (const { rho, theta } of systemPairs(pairs)) {
    for (const s of [1, -1]) {
      re.push(rho * Math.cos(theta));
      im.push(s * rho * Math.sin(theta));
    }
  }
  return sortEigs({ re: Float64Array.from(re), im: Float64Array.from(im) });
}

/** Eigenvalues sorted by imaginary part, then real part (randla's order). */
export function sortEigs({ re, im }) {
  const idx = Array.from(re, (_, j) => j).sort((a, b) => im[a] - im[b] || re[a] - re[b]);
  return { re: Float64Array.from(idx, (j) => re[j]), im: Float64Array.from(idx, (j) => im[j]) };
}

/**
 * Real snapshots X (n × m, row-major) of 2·pairs non-orthogonal modes with the eigenvalues of
 * systemEigs, plus `noise` times standard Gaussian noise: X[:, k] = Σ_p 2·Re(φ_p·λ_p^k) + noise,
 * φ_p = a_p + i·b_p with standard Gaussian a_p, b_p. Exactly rank 2·pairs without the noise.
 * Returns { data, rows, cols, eigs } (eigs: the true λ, sorted).
 */
export function snapshotSystem({ n, m, pairs, noise, seed }) {
  const g = gaussian(seed);
  const lam = systemPairs(pairs);
  // 2·Re(φ λ^k) = 2·(a·ρ^k·cos kθ − b·ρ^k·sin kθ): the time factors once per mode
  const C = new Float64Array(pairs * m);
  const S = new Float64Array(pairs * m);
  lam.forEach(({ rho, theta }, p) => {
    for (let k = 0; k < m; k++) {
      const r = 2 * rho ** k;
      C[p * m + k] = r * Math.cos(k * theta);
      S[p * m + k] = r * Math.sin(k * theta);
    }
  });
  const a = new Float64Array(pairs);
  const b = new Float64Array(pairs);
  const data = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < pairs; p++) {
      a[p] = g();
      b[p] = g();
    }
    const row = data.subarray(i * m, (i + 1) * m);
    for (let p = 0; p < pairs; p++) {
      const ap = a[p];
      const bp = b[p];
      const c = C.subarray(p * m, (p + 1) * m);
      const s = S.subarray(p * m, (p + 1) * m);
      for (let k = 0; k < m; k++) row[k] += ap * c[k] - bp * s[k];
    }
  }
  if (noise > 0) for (let e = 0; e < data.length; e++) data[e] += noise * g();
  return { data, rows: n, cols: m, eigs: systemEigs(pairs) };
}

/**
 * `groups` small real problems, each n × m (row-major, one after another in one Float64Array):
 * `pairs` damped rotations per group with random moduli in [0.9, 1] and angles in [0.1, 3], random
 * Gaussian modes, plus `noise` times Gaussian noise. Exactly rank 2·pairs without the noise.
 */
export function batchGroups({ groups, n, m, pairs, noise, seed }) {
  const g = gaussian(seed);
  const data = new Float64Array(groups * n * m);
  const c = new Float64Array(m);
  const s = new Float64Array(m);
  for (let q = 0; q < groups; q++) {
    const X = data.subarray(q * n * m, (q + 1) * n * m);
    for (let p = 0; p < pairs; p++) {
      const rho = 0.9 + 0.1 * Math.abs(Math.tanh(g()));
      const theta = 0.1 + 2.9 * (0.5 + 0.5 * Math.tanh(g()));
      for (let k = 0; k < m; k++) {
        c[k] = 2 * rho ** k * Math.cos(k * theta);
        s[k] = 2 * rho ** k * Math.sin(k * theta);
      }
      for (let i = 0; i < n; i++) {
        const a = g();
        const b = g();
        for (let k = 0; k < m; k++) X[i * m + k] += a * c[k] - b * s[k];
      }
    }
    if (noise > 0) for (let e = 0; e < X.length; e++) X[e] += noise * g();
  }
  return data;
}

/**
 * Pairs (x_k, y_k = A·x_k + noise·e_k) for the online section: A = ρ·Q with Q a seeded orthogonal
 * n × n matrix (Gram–Schmidt of Gaussians), x_k standard Gaussian (so X·Xᵀ is well conditioned
 * from the first n pairs on). Returns { X, Y, A } with X and Y count × n row-major (pair k is
 * row k: contiguous) and A n × n row-major.
 */
export function onlinePairs({ n, count, rho, noise, seed }) {
  const Q = orthonormalVectors(n, n, seed); // vector t at [t·n, (t + 1)·n): row t of A
  const A = new Float64Array(n * n);
  for (let e = 0; e < A.length; e++) A[e] = rho * Q[e];
  const g = gaussian(seed + 1);
  const X = new Float64Array(count * n);
  const Y = new Float64Array(count * n);
  for (let k = 0; k < count; k++) {
    const x = X.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < n; i++) x[i] = g();
    const y = Y.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < n; i++) {
      let v = 0;
      const row = A.subarray(i * n, (i + 1) * n);
      for (let j = 0; j < n; j++) v += row[j] * x[j];
      y[i] = v + noise * g();
    }
  }
  return { X, Y, A };
}

/**
 * Nearest-match distance between two eigenvalue sets: max over λ in `a` of min over μ in `b` of
 * |λ − μ|, and the same with the roles swapped; the larger of the two (a symmetric, order-free
 * distance; ∞ when one set is empty and the other is not). `a`, `b`: { re, im } array-likes.
 */
export function eigDistance(a, b) {
  const one = (p, q) => {
    let worst = 0;
    for (let j = 0; j < p.re.length; j++) {
      let best = Infinity;
      for (let l = 0; l < q.re.length; l++) best = Math.min(best, Math.hypot(p.re[j] - q.re[l], p.im[j] - q.im[l]));
      worst = Math.max(worst, best);
    }
    return worst;
  };
  if (a.re.length === 0 && b.re.length === 0) return 0;
  return Math.max(one(a, b), one(b, a));
}
