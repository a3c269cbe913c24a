// Online and windowed DMD: Zhang, Rowley, Deem, Cattafesta, "Online dynamic mode decomposition for
// time-varying systems", SIAM J. Appl. Dyn. Syst. 2019, Algorithms 1 and 2 (exponential weighting of
// §3.2): exact recursive least squares, O(n²) per pair. Also dmdBatch's reference (a loop over referenceDmd).

import { ErrorCode, invalid, RandlaError } from '../../errors.js';
import type { ComplexArray, ComplexMatrix, Float, Matrix } from '../../types.js';
import type { DmdOutput, DmdRequest } from '../types.js';
import { choleskyUpper } from './dense.js';
import { realEig } from './complex.js';
import { eigenOrder } from './dmd_exact.js';
import { referenceDmd } from './dmd.js';

/** (R ᵀR)⁻¹ for an upper Cholesky factor R (n × n, column-major): column by column. */
function inverseFromCholesky(R: Float64Array, n: number): Float64Array {
  const P = new Float64Array(n * n);
  const z = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    // Rᵀ z = e_c, then R p = z
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= R[k + i * n]! * z[k]!;
      z[i] = s / R[i + i * n]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < n; k++) s -= R[i + k * n]! * P[k + c * n]!;
      P[i + c * n] = s / R[i + i * n]!;
    }
  }
  return P;
}

function toVector(v: Float, argument: string, n: number | undefined): Float64Array {
  if (!(v instanceof Float64Array || v instanceof Float32Array)) throw invalid(argument, 'a Float64Array or Float32Array', v);
  if (n !== undefined && v.length !== n) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${argument} of length n = ${n} but received ${v.length}`, { argument });
  }
  if (v.length === 0 || v.length > 65536) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${argument} of length in [1, 65536] but received ${v.length}`, { argument });
  }
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) {
      throw new RandlaError(ErrorCode.NOT_FINITE, `Expected finite values for ${argument} but received ${v[i]} at ${i}`, { argument });
    }
  }
  return Float64Array.from(v);
}

/** Shared state: A (n × n), P = (X·W·Xᵀ)⁻¹ (n × n), both column-major. */
abstract class RecursiveDmd {
  /** The state size, fixed by the first pair. */
  protected n: number | undefined;
  protected A: Float64Array | undefined;
  protected P: Float64Array | undefined;
  protected xs: Float64Array[] = [];
  protected ys: Float64Array[] = [];
  protected seen = 0;

  /** Pairs the fit still needs before the operator exists (at least). */
  protected abstract pending(): number;

  /** Whether the operator exists. */
  ready(): boolean {
    return this.A !== undefined;
  }

  /** Pairs seen so far. */
  pairs(): number {
    return this.seen;
  }

  /** The pair as f64 copies (checked: lengths, finiteness); the first pair fixes n. */
  protected readVectors(x: Float, y: Float): [Float64Array, Float64Array] {
    const xv = toVector(x, 'x', this.n);
    const yv = toVector(y, 'y', this.n ?? xv.length);
    this.n ??= xv.length;
    this.seen++;
    return [xv, yv];
  }

  /**
   * A = Y·W·Xᵀ·(X·W·Xᵀ)⁻¹ and P = (X·W·Xᵀ)⁻¹ from the stored pairs with weights `w`, when
   * X·W·Xᵀ is numerically positive definite (its Cholesky succeeds).
   */
  protected formDirect(w: Float64Array): boolean {
    const n = this.n!;
    const G = new Float64Array(n * n);
    const C = new Float64Array(n * n); // Y·W·Xᵀ
    this.xs.forEach((x, t) => {
      const y = this.ys[t]!;
      const wt = w[t]!;
      for (let j = 0; j < n; j++) {
        const f = wt * x[j]!;
        for (let i = 0; i < n; i++) {
          G[i + j * n] += x[i]! * f;
          C[i + j * n] += y[i]! * f;
        }
      }
    });
    const R = choleskyUpper(G, n);
    if (!R) return false;
    const P = inverseFromCholesky(R, n);
    symmetrise(P, n);
    const A = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const p = P[k + j * n]!;
        for (let i = 0; i < n; i++) A[i + j * n] += C[i + k * n]! * p;
      }
    }
    this.A = A;
    this.P = P;
    return true;
  }

  /** A (n × n, row-major f64, a fresh array). Throws ERR_RANDLA_INVALID_ARGUMENT naming `pairs` before it exists. */
  operator(): Matrix<Float64Array> {
    const A = this.requireOperator();
    const n = this.n!;
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = A[i + j * n]!;
    return { data, rows: n, cols: n, layout: 'row-major' };
  }

  private requireOperator(): Float64Array {
    if (!this.A) {
      throw new RandlaError(
        ErrorCode.INVALID_ARGUMENT,
        `Expected at least ${this.pending()} more pair(s) (X·W·Xᵀ invertible) before the operator exists for pairs but received ${this.seen}`,
        { argument: 'pairs' },
      );
    }
    return this.A;
  }

  /** eig(A), ordered by imaginary part, then real part. */
  eigs(): ComplexArray {
    const { values } = realEig(this.requireOperator(), this.n!);
    const order = eigenOrder(values);
    return { re: Float64Array.from(order, (j) => values.re[j]!), im: Float64Array.from(order, (j) => values.im[j]!) };
  }

  /** P ← (P − P·x·xᵀ·P/(ρ + xᵀP·x))/ρ, A ← A + (y − A·x)·xᵀ·P (new P), P symmetrised. */
  protected rankOneUpdate(x: Float64Array, y: Float64Array, rho: number): void {
    const n = this.n!;
    const P = this.P!;
    const Px = symmetricApply(P, x, n);
    let xPx = 0;
    for (let i = 0; i < n; i++) xPx += x[i]! * Px[i]!;
    const f = 1 / (rho + xPx);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) P[i + j * n] = (P[i + j * n]! - Px[i]! * Px[j]! * f) / rho;
    }
    symmetrise(P, n);
    this.correct(x, y, 1);
  }

  /** P ← P + P·x·xᵀ·P/(1 − xᵀP·x), A ← A − (y − A·x)·xᵀ·P (new P): the pair (x, y) leaves the fit. */
  protected rankOneDowndate(x: Float64Array, y: Float64Array): void {
    const n = this.n!;
    const P = this.P!;
    const Px = symmetricApply(P, x, n);
    let xPx = 0;
    for (let i = 0; i < n; i++) xPx += x[i]! * Px[i]!;
    const f = 1 / (1 - xPx);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) P[i + j * n] = P[i + j * n]! + Px[i]! * Px[j]! * f;
    }
    symmetrise(P, n);
    this.correct(x, y, -1);
  }

  /** A ← A + sign·(y − A·x)·(P·x)ᵀ (P symmetric, so xᵀP = (Px)ᵀ). */
  private correct(x: Float64Array, y: Float64Array, sign: number): void {
    const n = this.n!;
    const A = this.A!;
    const e = Float64Array.from(y);
    for (let j = 0; j < n; j++) {
      const xj = x[j]!;
      for (let i = 0; i < n; i++) e[i] -= A[i + j * n]! * xj;
    }
    const Px = symmetricApply(this.P!, x, n);
    for (let j = 0; j < n; j++) {
      const g = sign * Px[j]!;
      for (let i = 0; i < n; i++) A[i + j * n] += e[i]! * g;
    }
  }
}

function symmetricApply(P: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    for (let i = 0; i < n; i++) out[i] += P[i + j * n]! * xj;
  }
  return out;
}

function symmetrise(P: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    for (let i = j + 1; i < n; i++) {
      const s = (P[i + j * n]! + P[j + i * n]!) / 2;
      P[i + j * n] = s;
      P[j + i * n] = s;
    }
  }
}

/**
 * Online DMD with exponential weighting ρ ∈ (0, 1] (Zhang et al. 2019, Algorithm 1, §3.2): after
 * k pairs, A = Y·W·Xᵀ·(X·W·Xᵀ)⁻¹ with W = diag(ρ^(k−1−i)). The first pairs are stored until
 * there are n of them with X·W·Xᵀ positive definite; then A and P are formed once and every
 * later pair is an O(n²) rank-one update.
 *
 * @example
 * const dmd = new ReferenceOnlineDmd({ weighting: 1 });
 * dmd.update(new Float64Array([1, 0]), new Float64Array([0, 1]));
 * dmd.update(new Float64Array([0, 1]), new Float64Array([-1, 0]));
 * dmd.operator().data; // ≈ Float64Array [0, -1, 1, 0]: the rotation by π/2, row-major
 */
export class ReferenceOnlineDmd extends RecursiveDmd {
  readonly weighting: number;

  constructor(options: { weighting?: number } = {}) {
    super();
    const weighting = options.weighting ?? 1;
    if (!(typeof weighting === 'number' && weighting > 0 && weighting <= 1)) throw invalid('options.weighting', 'a number in (0, 1]', weighting);
    this.weighting = weighting;
  }

  protected pending(): number {
    return Math.max(1, (this.n ?? 1) - this.xs.length);
  }

  /** Adds the pair (x, y ≈ A·x). */
  update(x: Float, y: Float): void {
    const [xv, yv] = this.readVectors(x, y);
    if (this.A) {
      this.rankOneUpdate(xv, yv, this.weighting);
      return;
    }
    this.xs.push(xv);
    this.ys.push(yv);
    const k = this.xs.length;
    if (k < this.n!) return;
    const w = Float64Array.from({ length: k }, (_, i) => this.weighting ** (k - 1 - i));
    if (this.formDirect(w)) {
      this.xs = [];
      this.ys = [];
    }
  }
}

/**
 * Windowed DMD (Zhang et al. 2019, Algorithm 2): the unweighted fit over the last w ≥ n pairs;
 * each new pair is a rank-one update, then the oldest leaves by a rank-one downdate (in this
 * order, so that w = n never passes through a singular X·Xᵀ). The first full window must have
 * X·Xᵀ invertible: ERR_RANDLA_INVALID_ARGUMENT naming `x` otherwise (as the native core).
 * w < n (n fixed by the first pair): ERR_RANDLA_INVALID_ARGUMENT naming `options.window`.
 *
 * @example
 * const dmd = new ReferenceWindowDmd({ window: 2 });
 * dmd.update(new Float64Array([1, 0]), new Float64Array([2, 0]));
 * dmd.update(new Float64Array([0, 1]), new Float64Array([0, 3]));
 * dmd.operator().data; // ≈ Float64Array [2, 0, 0, 3]
 */
export class ReferenceWindowDmd extends RecursiveDmd {
  readonly window: number;

  constructor(options: { window: number }) {
    super();
    const window = options?.window;
    if (!(typeof window === 'number' && Number.isInteger(window) && window >= 1 && window <= 1_000_000)) {
      throw invalid('options.window', 'an integer in [n, 1000000] (at least the state size n)', window);
    }
    this.window = window;
  }

  protected pending(): number {
    return Math.max(1, this.window - this.xs.length);
  }

  /** Adds the pair (x, y ≈ A·x); the oldest pair leaves once there are more than w. */
  update(x: Float, y: Float): void {
    if (this.n === undefined && ArrayBuffer.isView(x) && (x as Float).length > this.window) {
      throw invalid('options.window', `an integer >= n = ${(x as Float).length} (the state size)`, this.window);
    }
    const [xv, yv] = this.readVectors(x, y);
    this.xs.push(xv);
    this.ys.push(yv);
    if (this.A) {
      this.rankOneUpdate(xv, yv, 1);
      this.rankOneDowndate(this.xs.shift()!, this.ys.shift()!);
      return;
    }
    if (this.xs.length < this.window) return;
    if (!this.formDirect(new Float64Array(this.window).fill(1))) {
      this.xs.pop();
      this.ys.pop();
      this.seen--;
      throw new RandlaError(
        ErrorCode.INVALID_ARGUMENT,
        `Expected the first ${this.window} pairs to have an invertible X·Xᵀ (rank ${this.n}) for x but received a singular window`,
        { argument: 'x' },
      );
    }
  }
}

/**
 * dmdBatch on the reference backend: independent problems, each `referenceDmd` of its own X with
 * the same options (errors are referenceDmd's; the caller names the group).
 *
 * @example
 * // referenceDmdBatch([X1, X2], options) equals [referenceDmd({ ...options, X: X1 }), referenceDmd({ ...options, X: X2 })]
 */
export function referenceDmdBatch(groups: readonly (Matrix | ComplexMatrix)[], request: Omit<DmdRequest, 'X' | 'Y'>): DmdOutput[] {
  return groups.map((X) => referenceDmd({ ...request, X }));
}
