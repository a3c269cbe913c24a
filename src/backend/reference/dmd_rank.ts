// DMD rank rules (docs/algorithms/dmd.md, "Rank"): Gavish & Donoho, "The optimal hard threshold
// for singular values is 4/√3", IEEE Trans. Inf. Theory 2014, eq. (5) and Lemma 3 (unknown noise:
// τ = ω(β)·median σ, ω(β) = λ*(β)/√μ_β, μ_β the Marchenko–Pastur median); PyDMD's energy and full rules.

/** Gauss–Legendre nodes and weights on [−1, 1] by Newton's method on P_n (symmetric pairs). */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < (n + 1) >> 1; i++) {
    // Tricomi's initial guess, then Newton on the three-term recurrence.
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 1; k < n; k++) {
        const p2 = ((2 * k + 1) * z * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
      }
      // p1 = P_n(z), p0 = P_{n−1}(z)
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) <= 1e-16 * Math.max(1, Math.abs(z))) break;
    }
    // the weight from P_n' at the converged node
    let p0 = 1;
    let p1 = z;
    for (let k = 1; k < n; k++) {
      const p2 = ((2 * k + 1) * z * p1 - k * p0) / (k + 1);
      p0 = p1;
      p1 = p2;
    }
    dp = (n * (z * p1 - p0)) / (z * z - 1);
    const wi = 2 / ((1 - z * z) * dp * dp);
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = wi;
    w[n - 1 - i] = wi;
  }
  return { x, w };
}

/** The contract's rule: 2000-point Gauss–Legendre (computed once). */
const QUADRATURE_POINTS = 2000;
let rule: { x: Float64Array; w: Float64Array } | undefined;

/**
 * The Marchenko–Pastur distribution function of ratio β ∈ (0, 1] at x: ∫_a^x of the density
 * √((b − t)(t − a))/(2πβt), a, b = (1 ∓ √β)². With t = a + (b − a)·sin²θ the integrand becomes
 * (b − a)²·sin²θ·cos²θ / (πβ·t), smooth on [0, θ_x] (the square-root endpoints and, at β = 1, the
 * 1/√t pole cancel), so Gauss–Legendre converges geometrically.
 */
export function marchenkoPasturCdf(x: number, beta: number): number {
  const sb = Math.sqrt(beta);
  const a = (1 - sb) ** 2;
  const b = (1 + sb) ** 2;
  if (x <= a) return 0;
  if (x >= b) return 1;
  rule ??= gaussLegendre(QUADRATURE_POINTS);
  const theta = Math.asin(Math.sqrt((x - a) / (b - a)));
  const half = theta / 2;
  const w2 = (b - a) * (b - a);
  let sum = 0;
  for (let k = 0; k < rule.x.length; k++) {
    const th = half * (rule.x[k]! + 1);
    const s = Math.sin(th);
    const c = Math.cos(th);
    const s2 = s * s;
    sum += rule.w[k]! * ((w2 * s2 * c * c) / (a + (b - a) * s2));
  }
  return (half * sum) / (Math.PI * beta);
}

/** μ_β, the median of the Marchenko–Pastur law of ratio β, by bisection on its CDF until the bracket is ≤ 1e-14. */
export function marchenkoPasturMedian(beta: number): number {
  const sb = Math.sqrt(beta);
  let lo = (1 - sb) ** 2;
  let hi = (1 + sb) ** 2;
  while (hi - lo > 1e-14) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    if (marchenkoPasturCdf(mid, beta) < 0.5) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** λ*(β) = √(2(β + 1) + 8β / ((β + 1) + √(β² + 14β + 1))), the known-noise threshold (GD eq. 11). */
export function lambdaStar(beta: number): number {
  return Math.sqrt(2 * (beta + 1) + (8 * beta) / (beta + 1 + Math.sqrt(beta * beta + 14 * beta + 1)));
}

const omegaCache = new Map<number, number>();

/** ω(β) = λ*(β)/√μ_β: the unknown-noise threshold coefficient (exact). */
export function omegaExact(beta: number): number {
  let w = omegaCache.get(beta);
  if (w === undefined) {
    w = lambdaStar(beta) / Math.sqrt(marchenkoPasturMedian(beta));
    if (omegaCache.size > 256) omegaCache.clear();
    omegaCache.set(beta, w);
  }
  return w;
}

/** ω(β) ≈ 0.56β³ − 0.95β² + 1.82β + 1.43 (Gavish & Donoho's fit; PyDMD's rule). */
export function omegaCubic(beta: number): number {
  return 0.56 * beta ** 3 - 0.95 * beta ** 2 + 1.82 * beta + 1.43;
}

/** The median of non-increasing values (the mean of the middle two for an even count). */
function medianOfSorted(sigma: Float64Array): number {
  const k = sigma.length;
  const h = k >> 1;
  return k % 2 === 1 ? sigma[h]! : (sigma[h - 1]! + sigma[h]!) / 2;
}

/**
 * The rank the rule `rank` keeps, given the singular values σ (non-increasing; all min(rows, cols)
 * of them) of a rows × cols matrix:
 * - integer r ≥ 1: min(r, min(rows, cols));
 * - 0: the count of σᵢ > ω(β)·median(σ), β = min/max of the shape, at least 1;
 * - (0, 1): the smallest r with Σᵢ≤ᵣ σᵢ² ≥ rank·Σᵢ σᵢ²;
 * - −1: every σᵢ > max(rows, cols)·ε·σ₁ (numpy's matrix_rank tolerance), at least 1: all of them
 *   unless X₁ is rank-deficient, where a zero σ would make the operator infinite.
 *
 * @example
 * chooseRank(new Float64Array([3, 2, 1]), 3, 3, 0.5, 'exact'); // 1 (9 ≥ 0.5·14)
 */
export function chooseRank(sigma: Float64Array, rows: number, cols: number, rank: number, threshold: 'exact' | 'cubic'): number {
  const k = Math.min(rows, cols);
  if (rank === -1) {
    const tol = Math.max(rows, cols) * 2 ** -52 * (sigma[0] ?? 0);
    let r = 0;
    while (r < sigma.length && sigma[r]! > tol) r++;
    return Math.max(r, 1);
  }
  if (rank >= 1) return Math.min(rank, k);
  if (rank === 0) {
    const beta = k / Math.max(rows, cols);
    const omega = threshold === 'cubic' ? omegaCubic(beta) : omegaExact(beta);
    const tau = omega * medianOfSorted(sigma);
    let r = 0;
    while (r < sigma.length && sigma[r]! > tau) r++;
    return Math.max(r, 1);
  }
  let total = 0;
  for (let i = 0; i < sigma.length; i++) total += sigma[i]! * sigma[i]!;
  const target = rank * total;
  let cum = 0;
  for (let r = 0; r < sigma.length; r++) {
    cum += sigma[r]! * sigma[r]!;
    if (cum >= target) return r + 1;
  }
  return sigma.length;
}
