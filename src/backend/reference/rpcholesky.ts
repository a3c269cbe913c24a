// Block randomly pivoted Cholesky: Chen, Epperly, Tropp, Webber, "Randomly pivoted Cholesky:
// practical approximation of a kernel matrix with few entry evaluations" (2022), Algorithm 2 with
// blocks of b pivots (§2.2), exactly as docs/algorithms/nystrom.md fixes the draws (counter (q, 4)).

import { RandlaError, ErrorCode } from '../../errors.js';
import { choleskyUpper, multiply, solveUpperRight, symmetricEigen } from './dense.js';
import type { Awaitable } from './operators.js';
import { PassCounter, settle, type Steps } from './passes.js';
import { nystromColumnWords, seedKey, uniformOfTwoWords } from './philox.js';

const DRAW_PIVOT = 4;
const UNIT_ROUNDOFF = 2 ** -53;

/** Columns of a symmetric n × n matrix: a fresh column-major n × |indices| f64 block. */
export interface ColumnSource {
  readonly size: number;
  columns(indices: Int32Array): Awaitable<Float64Array>;
}

export interface RpCholeskyResult {
  /** Pivots in the order chosen; fewer than l when the residual trace reached τ·tr(A). */
  S: Int32Array;
  /** F (n × k, column-major) with A ≈ F·Fᵀ: k = |S|, fewer when a block lost rank. */
  F: Float64Array;
  /** Columns of F. */
  rank: number;
  /** A[:, S] (n × |S|, column-major), when asked for: the other cores start from it. */
  C?: Float64Array;
}

/**
 * The smallest i with prefix(i) > target in the non-decreasing prefix sums; when none is (target
 * rounded up to the total), the last i with d_i > 0.
 */
function pivotOf(prefix: Float64Array, d: Float64Array, target: number): number {
  let lo = 0;
  let hi = prefix.length; // answer in [lo, hi]; hi = none
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prefix[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  if (lo < prefix.length) return lo;
  for (let i = d.length - 1; i >= 0; i--) if (d[i]! > 0) return i;
  return d.length - 1; // unreachable: the caller stops when Σd ≤ 0
}

/**
 * Block RPCholesky of the PSD matrix behind `source` with diagonal `diagonal`: up to `l` pivots in
 * blocks of `b`, reporting progress in columns computed (one step per block, so `signal` is
 * honoured between blocks). Stops early once the residual trace Σd is at most τ·tr(A). Throws
 * ERR_RANDLA_NOT_PSD for a negative diagonal entry, a zero trace, or a block whose residual has an
 * eigenvalue below −τ·max|λ|.
 *
 * @example
 * const A = new Float64Array([4, 0, 0, 1]); // diag(4, 1), column-major: pivot 0 first with probability 4/5
 * const columns = (idx: Int32Array) => {
 *   const out = new Float64Array(2 * idx.length);
 *   idx.forEach((j, t) => out.set(A.subarray(2 * j, 2 * j + 2), 2 * t));
 *   return out;
 * };
 * runSync(rpcholeskySteps({ size: 2, columns }, Float64Array.of(4, 1), 2, 1, 7n, 1e-14, new PassCounter(), false), {}).S;
 * // both pivots, in the order drawn
 */
export function* rpcholeskySteps(
  source: ColumnSource,
  diagonal: Float64Array,
  l: number,
  b: number,
  seed: bigint,
  tau: number,
  passes: PassCounter,
  keepColumns: boolean,
): Steps<RpCholeskyResult> {
  const n = source.size;
  const d = Float64Array.from(diagonal);
  // The scale of A's entries (|A_ij| ≤ max A_ii for PSD A): a residual block's eigenvalue is rounding
  // noise unless it is clearly negative on this scale, not on the block's own (as rpcholesky.cpp).
  let diagonalMax = 0;
  for (const v of d) diagonalMax = Math.max(diagonalMax, v);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    const v = d[i]!;
    if (!(v >= 0)) {
      throw new RandlaError(
        ErrorCode.NOT_PSD,
        `Expected a positive-semidefinite matrix (diagonal entries >= 0) for A but received A[${i}, ${i}] = ${v}`,
        { argument: 'A' },
      );
    }
    trace += v;
  }
  if (!(trace > 0)) {
    throw new RandlaError(ErrorCode.NOT_PSD, `Expected a positive-semidefinite matrix with a positive trace for A but received trace ${trace}`, {
      argument: 'A',
    });
  }

  const stop = tau * trace;
  const [k0, k1] = seedKey(seed);
  const words = new Uint32Array(4);
  const chosen = new Uint8Array(n);
  const S: number[] = [];
  const Fblocks: Float64Array[] = []; // column blocks of F, n × |s| each
  const Cblocks: Float64Array[] = [];
  const prefix = new Float64Array(n);
  let q = 0;

  while (S.length < l) {
    const bb = Math.min(b, l - S.length);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += d[i]!;
      prefix[i] = total;
    }
    // The diagonal update cancels to about l·u·A_ii: once Σd is at τ·tr(A) (τ = the core
    // tolerance, 10·l·u by default), A = F·Fᵀ to working precision and further pivots would
    // factor rounding noise.
    if (!(total > stop)) break;

    // i.i.d. draws ∝ d; repeats within the block and earlier pivots are dropped (d[S] = 0 already
    // makes the latter impossible, but the rule is stated on indices, not on rounding).
    const s: number[] = [];
    for (let t = 0; t < bb; t++) {
      nystromColumnWords(k0, k1, q, DRAW_PIVOT, words);
      q += 1;
      const i = pivotOf(prefix, d, uniformOfTwoWords(words[0]!, words[1]!) * total);
      if (chosen[i]) continue;
      chosen[i] = 1;
      s.push(i);
    }
    const m = s.length;
    if (m === 0) continue;
    const idx = Int32Array.from(s);
    const Acols = yield* settle(source.columns(idx));

    // G = A[:, s] − F·F[s, :]ᵀ, one earlier block of F at a time.
    const G = Acols.slice();
    for (const Fb of Fblocks) {
      const kb = Fb.length / n;
      for (let t = 0; t < m; t++) {
        const go = t * n;
        const row = s[t]!;
        for (let k = 0; k < kb; k++) {
          const f = Fb[row + k * n]!;
          if (f === 0) continue;
          const fo = k * n;
          for (let i = 0; i < n; i++) G[go + i] -= Fb[fo + i]! * f;
        }
      }
    }

    // H = sym(G[s, :]); the Cholesky of H + u·tr(H)·I, whose shift lets a block that is singular
    // to rounding still factor.
    const H = new Float64Array(m * m);
    let traceH = 0;
    for (let a = 0; a < m; a++) {
      for (let c = 0; c < m; c++) H[a + c * m] = (G[s[a]! + c * n]! + G[s[c]! + a * n]!) / 2;
      traceH += H[a + a * m]!;
    }
    const shifted = H.slice();
    for (let a = 0; a < m; a++) shifted[a + a * m] += UNIT_ROUNDOFF * traceH;
    const R = choleskyUpper(shifted, m);
    let Fnew: Float64Array;
    let added = m;
    if (R) {
      Fnew = solveUpperRight(G, n, R, m);
    } else {
      // The residual lost rank within the block (the last pivots of an exactly low-rank A): H is
      // PSD to rounding but singular, and the shift may not save the Cholesky. H's eigenvalues
      // tell this from an indefinite A; F then gains G·V_K·Λ_K^(−1/2) over the eigenvalues above
      // τ·max|λ| (the PSD G·H_K⁺·Gᵀ), as the native core does.
      const { values: w, vectors: V } = symmetricEigen(H, m);
      const largest = Math.max(Math.abs(w[0]!), Math.abs(w[m - 1]!));
      if (!(w[0]! >= -tau * Math.max(largest, diagonalMax))) {
        throw new RandlaError(
          ErrorCode.NOT_PSD,
          `Expected a positive-semidefinite matrix for A but received one whose residual block at pivots [${s.join(', ')}] has eigenvalue ${w[0]} (rpcholesky)`,
          { argument: 'A' },
        );
      }
      const T: number[] = [];
      added = 0;
      for (let j = m - 1; j >= 0 && w[j]! > tau * largest; j--, added++) {
        const scale = 1 / Math.sqrt(w[j]!);
        for (let i = 0; i < m; i++) T.push(V[i + j * m]! * scale);
      }
      Fnew = multiply(G, n, m, Float64Array.from(T), added);
    }

    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let t = 0; t < added; t++) {
        const v = Fnew[i + t * n]!;
        sq += v * v;
      }
      d[i] = Math.max(d[i]! - sq, 0);
    }
    for (const i of s) d[i] = 0;
    for (const i of s) S.push(i);
    Fblocks.push(Fnew);
    if (keepColumns) Cblocks.push(Acols);
    yield* passes.pass(m);
  }

  const rank = Fblocks.reduce((k, b) => k + b.length / n, 0);
  const out: RpCholeskyResult = { S: Int32Array.from(S), F: concatColumns(Fblocks, n, rank), rank };
  if (keepColumns) out.C = concatColumns(Cblocks, n, S.length);
  return out;
}

function concatColumns(blocks: Float64Array[], n: number, cols: number): Float64Array {
  const out = new Float64Array(n * cols);
  let o = 0;
  for (const block of blocks) {
    out.set(block, o);
    o += block.length;
  }
  return out;
}
