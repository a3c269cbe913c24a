// Forward-backward DMD: Dawson, Hemati, Williams, Rowley, "Characterizing and correcting for the
// effect of sensor noise in the dynamic mode decomposition", Exp. Fluids 2016, §3.2. Deviation from
// PyDMD (deliberate): both operators in the SAME basis U, and the sign of each root from Ã_f's spectrum.

import { ErrorCode, RandlaError } from '../../errors.js';
import { cconjTranspose, cluSolve, cmul, cscaleColumnsInPlace, csqrt, csvd } from './complex.js';
import { eigOf, reducedOperator, type DmdFit, type DmdPairs, type RankRule } from './dmd_exact.js';

const EPS = Number.EPSILON;

function noBackwardOperator(detail: string): RandlaError {
  return new RandlaError(
    ErrorCode.INVALID_ARGUMENT,
    `Expected X whose projected snapshots Uᴴ·X₂ have full rank for variant 'fb' (a backward operator) but received ${detail}`,
    { argument: 'X' },
  );
}

/**
 * fb DMD: X̂₁ = ΣVᴴ, X̂₂ = Uᴴ·X₂ (r × m'); Ã_f = X̂₂·X̂₁⁺ = Uᴴ·X₂·V·Σ⁻¹, Ã_b = X̂₁·X̂₂⁺;
 * M = Ã_f·Ã_b⁻¹ (solved), M·W = W·diag(μ), λ = ±√μ with the sign nearer to eig(Ã_f); Φ = U·W.
 * Throws ERR_RANDLA_INVALID_ARGUMENT naming `X` when X̂₂ (or Ã_b) is numerically singular.
 *
 * @example
 * // x_{k+1} = −0.5·x_k: the principal root of μ = 0.25 is 0.5, the sign rule restores −0.5
 * const X1 = { rows: 1, cols: 2, re: new Float64Array([1, -0.5]), im: new Float64Array(2) };
 * const X2 = { rows: 1, cols: 2, re: new Float64Array([-0.5, 0.25]), im: new Float64Array(2) };
 * fbDmd({ X1, X2, isReal: true }, { rank: -1, threshold: 'exact' }).values.re; // Float64Array [-0.5]
 */
export function fbDmd(pairs: DmdPairs, rule: RankRule): DmdFit {
  const op = reducedOperator(pairs, rule);
  const { r, U, V, sigma } = op;
  const m = pairs.X1.cols;

  // X̂₁ = Σ·Vᴴ, X̂₂ = Uᴴ·X₂ (r × m').
  const Xh1 = cconjTranspose(V);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < r; i++) {
      Xh1.re[i + j * r] = sigma[i]! * Xh1.re[i + j * r]!;
      Xh1.im[i + j * r] = sigma[i]! * Xh1.im[i + j * r]!;
    }
  }
  const Xh2 = cmul(U, pairs.X2, 'C', 'N');

  // X̂₂⁺ = V₂·Σ₂⁻¹·U₂ᴴ from the thin SVD of X̂₂ (r × m', r ≤ m'): it must have rank r.
  const s2 = csvd(Xh2);
  const smax = s2.S[0] ?? 0;
  const smin = s2.S[r - 1] ?? 0;
  if (!(smin > Math.max(r, m) * EPS * smax)) {
    throw noBackwardOperator(`σ_min/σ_max = ${smax > 0 ? smin / smax : 0} for Uᴴ·X₂ (rank < ${r})`);
  }
  const inv2 = Float64Array.from(s2.S.subarray(0, r), (s) => 1 / s);
  const Ab = cmul(cscaleColumnsInPlace(cmul(Xh1, s2.V), inv2), s2.U, 'N', 'C');

  // M·Ã_b = Ã_f  ⇔  Ã_bᴴ·Mᴴ = Ã_fᴴ.
  const Af = op.Atilde;
  const Mh = cluSolve(cconjTranspose(Ab), cconjTranspose(Af));
  if (!Mh) throw noBackwardOperator('a singular backward operator Ã_b (an exactly zero LU pivot)');
  const M = cconjTranspose(Mh);

  const { values: mu, vectors: W } = eigOf(M, pairs.isReal);
  const nu = eigOf(Af, pairs.isReal).values;
  const values = { re: new Float64Array(r), im: new Float64Array(r) };
  for (let j = 0; j < r; j++) {
    const [pr, pi] = csqrt(mu.re[j]!, mu.im[j]!);
    // the nearer of ±√μ to the spectrum of Ã_f (ties keep the principal root)
    const dPlus = distanceToSpectrum(pr, pi, nu);
    const dMinus = distanceToSpectrum(-pr, -pi, nu);
    const sign = dMinus < dPlus ? -1 : 1;
    values.re[j] = sign * pr;
    values.im[j] = sign * pi;
  }
  return { values, W, basis: U, G: op.G, U, singularValues: op.singularValues, rank: r };
}

function distanceToSpectrum(re: number, im: number, nu: { re: Float64Array; im: Float64Array }): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < nu.re.length; k++) best = Math.min(best, Math.hypot(re - nu.re[k]!, im - nu.im[k]!));
  return best;
}
