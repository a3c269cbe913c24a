// Total-least-squares DMD: Hemati, Rowley, Deem, Cattafesta, "De-biasing the dynamic mode
// decomposition for applied Koopman spectral analysis of noisy datasets", Theor. Comput. Fluid Dyn.
// 2017, §3: both snapshot sets projected onto the leading t right singular vectors of [X₁; X₂] (PyDMD's tlsq_rank).

import { cmul, csvd, type CMat } from './complex.js';
import { chooseRank } from './dmd_rank.js';
import { exactDmd, type DmdFit, type DmdPairs, type RankRule } from './dmd_exact.js';

/**
 * tls DMD: Z = [X₁; X₂] = U_zΣ_zV_zᴴ, t = tlsRank (default: the rank r the rule picks on X₁),
 * clipped to min(2N, m'); X₁ ← X₁·P, X₂ ← X₂·P with P = V_z[:, :t]·V_z[:, :t]ᴴ; then exact DMD
 * of the projected pairs. The rank rule is re-applied to X₁·P's singular values and capped at t
 * (X₁·P has rank ≤ t: beyond it only rounding-level values remain); singularValues are X₁'s.
 *
 * @example
 * const X1 = { rows: 1, cols: 2, re: new Float64Array([1, 0.5]), im: new Float64Array(2) };
 * const X2 = { rows: 1, cols: 2, re: new Float64Array([0.5, 0.25]), im: new Float64Array(2) };
 * tlsDmd({ X1, X2, isReal: true }, { rank: 1, threshold: 'exact' }).values.re; // ≈ Float64Array [0.5]
 */
export function tlsDmd(pairs: DmdPairs, rule: RankRule, tlsRank?: number): DmdFit {
  const { X1, X2 } = pairs;
  const N = X1.rows;
  const m = X1.cols;
  const s1 = csvd(X1).S;
  const r = chooseRank(s1, N, m, rule.rank, rule.threshold);
  const t = Math.min(tlsRank ?? r, 2 * N, m);

  const Z: CMat = { rows: 2 * N, cols: m, re: new Float64Array(2 * N * m), im: new Float64Array(2 * N * m) };
  for (let j = 0; j < m; j++) {
    Z.re.set(X1.re.subarray(j * N, j * N + N), j * 2 * N);
    Z.im.set(X1.im.subarray(j * N, j * N + N), j * 2 * N);
    Z.re.set(X2.re.subarray(j * N, j * N + N), j * 2 * N + N);
    Z.im.set(X2.im.subarray(j * N, j * N + N), j * 2 * N + N);
  }
  const Vz = csvd(Z).V;
  const Vt: CMat = { rows: m, cols: t, re: Vz.re.slice(0, m * t), im: Vz.im.slice(0, m * t) };
  // X·P = (X·V_t)·V_tᴴ: never the m' × m' projector itself.
  const X1P = cmul(cmul(X1, Vt), Vt, 'N', 'C');
  const X2P = cmul(cmul(X2, Vt), Vt, 'N', 'C');
  const fit = exactDmd({ X1: X1P, X2: X2P, isReal: pairs.isReal }, rule, 'exact', t);
  return { ...fit, singularValues: s1 };
}
