// Dynamic Mode Decomposition facade (docs/algorithms/dmd.md): exact and projected (Tu et al.
// 2014), forward-backward (Dawson et al. 2016), total least squares (Hemati et al. 2017) and
// randomized DMD (Erichson et al. 2019), delays (Hankel DMD / HODMD), affine and increment fits,
// optimal amplitudes (Jovanović et al. 2014), batched problems, and the online and windowed fits
// of Zhang et al. 2019. Validates and normalises input, resolves defaults, picks a backend and
// wraps the backend's output with its time semantics (src/dmd_model.ts).
import { selectBackend, type BackendName } from './backend/index.js';
import { validateDmdRequest } from './backend/reference/dmd.js';
import type { Backend, DmdBatchRequest, DmdOutput, DmdRequest, DmdVariant, RecursiveDmdState } from './backend/types.js';
import { dmdModel, dmdModelInfo } from './dmd_model.js';
import { ErrorCode, invalid, RandlaError } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { randomSeed, rejectUnknownOptions } from './options.js';
import type { ComplexArray, ComplexMatrix, Float, Matrix, Normalizer, Progress, SketchKind } from './types.js';
import { expectBoolean, expectInteger, expectMatrix, expectObject, expectOneOf, expectSeed, isFloatArray } from './validate.js';

export type { DmdVariant } from './backend/types.js';

export interface DmdOptions {
  /**
   * −1: every singular value of X[:, :-1] above rounding (max(N, m′)·ε·σ₁); 0 (default): the
   * optimal hard threshold (Gavish & Donoho); a number in (0, 1): the smallest rank holding that
   * share of Σσ²; an integer ≥ 1.
   * `randomized` needs an integer.
   */
  rank?: number;
  /** Time between snapshots (default 1). */
  dt?: number;
  /** 'exact' (default), 'projected', 'fb', 'tls' or 'randomized'. */
  variant?: DmdVariant;
  /** rank 0: 'exact' ω(β) from the Marchenko–Pastur median (default) or PyDMD's 'cubic' approximation. */
  threshold?: 'exact' | 'cubic';
  /** tls: the rank of the projection of [X₁; X₂] (default: the rank chosen). */
  tlsRank?: number;
  /** Delays > 1: first project the snapshots to this rank (HODMD; same rule as `rank`). */
  projectRank?: number;
  /** Delay embedding (Hankel DMD), d ≥ 1 (default 1: none). */
  delays?: number;
  /** Fit x ↦ A·x + c: a constant row is appended (eigenvalue 1 carries c). */
  affine?: boolean;
  /** Fit the differences X[:, k + 1] − X[:, k] (an affine map's constant cancels). */
  increments?: boolean;
  /** 'first' (default: least squares on the first snapshot, PyDMD) or 'optimal' (Jovanović et al. 2014). */
  amplitudes?: 'first' | 'optimal';
  /** Explicit pairs: Y[:, k] follows X[:, k] (same shape and kind as X). */
  Y?: MatrixInput | ComplexMatrix;
  /** randomized: oversamples (default 10), power iterations (default 2), normalizer, test matrix, seed. */
  oversamples?: number;
  powerIters?: number;
  normalizer?: Normalizer;
  sketch?: SketchKind;
  seed?: number | bigint;
  /** 'auto' (default): native when built, else reference. */
  backend?: BackendName;
  signal?: AbortSignal;
  /** Three stages (preprocessing, the variant, the amplitudes). */
  onProgress?: (progress: Progress) => void;
}

export interface DmdResult {
  /** λ, discrete time, ordered by imaginary part then real part. */
  eigs: ComplexArray;
  /** log(λ)/dt. */
  omega: ComplexArray;
  /** Im(log λ)/(2π·dt), cycles per unit time. */
  frequency: Float64Array;
  /** Re(log λ)/dt = log|λ|/dt (PyDMD's growth_rate is Re(λ)/dt instead). */
  growthRate: Float64Array;
  /** Φ, row-major, one column per eigenvalue (n·delays rows; without the affine constant row). */
  modes: ComplexMatrix;
  amplitudes: ComplexArray;
  /** The rank kept and all singular values of X[:, :-1] (randomized: of the sketch's B₁). */
  rank: number;
  singularValues: Float64Array;
  /** ‖A·Uwⱼ − λⱼ·Uwⱼ‖₂ per mode: small when the data support the mode. */
  residuals: Float64Array;
  variant: DmdVariant;
  dt: number;
  seed: number | bigint;
  backend: string;
  /** bⱼ·λⱼ^(t/dt) for each mode (rows) and time (columns). */
  dynamics(times: ArrayLike<number>): ComplexMatrix;
  /** Φ·dynamics(times) (default: the input's times); the real part for real input. */
  reconstruct(times?: ArrayLike<number>): Matrix<Float64Array> | ComplexMatrix;
  /** The `steps` snapshots after the last input one. */
  predict(steps: number): Matrix<Float64Array> | ComplexMatrix;
}

const DMD_OPTIONS = new Set([
  'rank', 'dt', 'variant', 'threshold', 'tlsRank', 'projectRank', 'delays', 'affine', 'increments', 'amplitudes', 'Y',
  'oversamples', 'powerIters', 'normalizer', 'sketch', 'seed', 'backend', 'signal', 'onProgress',
]);
const VARIANTS: readonly DmdVariant[] = ['exact', 'projected', 'fb', 'tls', 'randomized'];
const NORMALIZERS: readonly Normalizer[] = ['qr', 'lu', 'cholqr2', 'none'];
const SKETCH_KINDS: readonly SketchKind[] = ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht'];

function isComplexInput(value: unknown): value is ComplexMatrix {
  return typeof value === 'object' && value !== null && 're' in value && 'im' in value && !('data' in value);
}

/** Real input through toMatrix (Matrix, number[][], ml-matrix); complex as two f64 matrices. */
function snapshots(value: unknown, argument: string): Matrix | ComplexMatrix {
  if (!isComplexInput(value)) return toMatrix(value, argument);
  const re = expectMatrix(value.re, `${argument}.re`);
  const im = expectMatrix(value.im, `${argument}.im`);
  for (const [part, m] of [['re', re], ['im', im]] as const) {
    if (!(m.data instanceof Float64Array)) throw invalid(`${argument}.${part}`, 'a Float64Array matrix', m.data);
  }
  return { re: re as Matrix<Float64Array>, im: im as Matrix<Float64Array> };
}

function isRealMatrix(X: Matrix | ComplexMatrix): X is Matrix {
  return (X as Matrix).data !== undefined;
}

interface Options {
  request: Omit<DmdRequest, 'X' | 'Y'>;
  Y?: Matrix | ComplexMatrix;
  seed: number | bigint;
  backend: Backend;
}

function readOptions(options: unknown): Options {
  const o = expectObject(options ?? {}, 'options');
  rejectUnknownOptions(o, DMD_OPTIONS);
  const variant = expectOneOf<DmdVariant>(o.variant ?? 'exact', 'options.variant', VARIANTS);
  const rank = o.rank ?? 0;
  if (typeof rank !== 'number') throw invalid('options.rank', '-1, 0, a number in (0, 1) or an integer >= 1', rank);
  const dt = o.dt ?? 1;
  if (typeof dt !== 'number') throw invalid('options.dt', 'a finite number > 0', dt);
  for (const key of ['tlsRank', 'projectRank'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'number') throw invalid(`options.${key}`, 'a number', o[key]);
  }
  if (o.delays !== undefined && typeof o.delays !== 'number') throw invalid('options.delays', 'an integer >= 1', o.delays);
  const seed = (o.seed ?? randomSeed()) as number | bigint;
  const seedBits = expectSeed(seed, 'options.seed');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', o.signal);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('options.onProgress', 'a function', o.onProgress);
  const request: Omit<DmdRequest, 'X' | 'Y'> = {
    dt,
    variant,
    rank,
    threshold: expectOneOf(o.threshold ?? 'exact', 'options.threshold', ['exact', 'cubic'] as const),
    ...(o.tlsRank !== undefined ? { tlsRank: o.tlsRank as number } : {}),
    ...(o.projectRank !== undefined ? { projectRank: o.projectRank as number } : {}),
    delays: (o.delays ?? 1) as number,
    affine: expectBoolean(o.affine ?? false, 'options.affine'),
    increments: expectBoolean(o.increments ?? false, 'options.increments'),
    amplitudes: expectOneOf(o.amplitudes ?? 'first', 'options.amplitudes', ['first', 'optimal'] as const),
    oversamples: expectInteger(o.oversamples ?? 10, 'options.oversamples', 0, 65536),
    powerIters: expectInteger(o.powerIters ?? 2, 'options.powerIters', 0, 64),
    normalizer: expectOneOf<Normalizer>(o.normalizer ?? 'qr', 'options.normalizer', NORMALIZERS),
    sketch: expectOneOf<SketchKind>(o.sketch ?? 'gaussian', 'options.sketch', SKETCH_KINDS),
    seed: seedBits,
    ...(o.signal ? { signal: o.signal as AbortSignal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress as (p: Progress) => void } : {}),
  };
  const Y = o.Y === undefined ? undefined : snapshots(o.Y, 'options.Y');
  return { request, ...(Y ? { Y } : {}), seed, backend: selectBackend(o.backend ?? 'auto') };
}

function prepare(Xin: unknown, options: unknown): { request: DmdRequest; seed: number | bigint; backend: Backend } {
  const X = snapshots(Xin, 'X');
  const o = readOptions(options);
  const request: DmdRequest = { X, ...(o.Y ? { Y: o.Y } : {}), ...o.request };
  // One validation for every backend, so errors name the same argument everywhere; NaN/Inf is
  // left to the backend (the native core finds it while copying X, the reference checks itself).
  validateDmdRequest(request, { checkFinite: false });
  return { request, seed: o.seed, backend: o.backend };
}

function finish(out: DmdOutput, request: DmdRequest, seed: number | bigint, backend: string): DmdResult {
  const model = dmdModel(out, dmdModelInfo(request));
  return {
    eigs: out.eigs,
    omega: model.omega(),
    frequency: model.frequency(),
    growthRate: model.growthRate(),
    modes: out.modes,
    amplitudes: out.amplitudes,
    rank: out.rank,
    singularValues: out.singularValues,
    residuals: out.residuals,
    variant: request.variant,
    dt: request.dt,
    seed,
    backend,
    dynamics: (times) => model.dynamics(times),
    reconstruct: (times) => model.reconstruct(times),
    predict: (steps) => model.predict(steps),
  };
}

/**
 * Dynamic Mode Decomposition of snapshots X (n × m, one snapshot per column, as PyDMD): the
 * eigenvalues, modes and amplitudes of the best-fit linear map X[:, k] ↦ X[:, k + 1], with
 * reconstruction and prediction. Real (f32/f64) or complex input.
 *
 * @example
 * ```ts
 * import { dmd, matrix } from 'randla';
 * // Two travelling waves at 2.3 and 2.8 rad/s, sampled at dt = 0.1.
 * const n = 64, m = 100, dt = 0.1;
 * const X = matrix(new Float64Array(n * m).map((_, e) => {
 *   const x = Math.floor(e / m) / n, t = (e % m) * dt;
 *   return Math.cos(2.3 * t + 3 * x) + 0.5 * Math.sin(2.8 * t - 5 * x);
 * }), n, m);
 * const r = await dmd(X, { rank: 4, dt });
 * console.log(r.frequency.map((f) => 2 * Math.PI * f)); // ≈ ±2.3, ±2.8
 * const next = r.predict(10); // the 10 snapshots after the last one
 * ```
 */
export async function dmd(X: MatrixInput | ComplexMatrix, options: DmdOptions = {}): Promise<DmdResult> {
  const p = prepare(X, options);
  return finish(await p.backend.dmd(p.request), p.request, p.seed, p.backend.name);
}

/** {@link dmd}, blocking the event loop until done. */
export function dmdSync(X: MatrixInput | ComplexMatrix, options: DmdOptions = {}): DmdResult {
  const p = prepare(X, options);
  return finish(p.backend.dmdSync(p.request), p.request, p.seed, p.backend.name);
}

type BatchOptions = Omit<DmdOptions, 'Y' | 'onProgress'> & { onProgress?: (progress: Progress) => void };

function prepareBatch(groupsIn: unknown, options: unknown): { request: DmdBatchRequest; requests: DmdRequest[]; seed: number | bigint; backend: Backend } {
  if (!Array.isArray(groupsIn)) throw invalid('groups', 'an array of real matrices', groupsIn);
  const o = readOptions(options);
  if (o.Y !== undefined) throw invalid('options.Y', 'no explicit pairs in dmdBatch', 'a matrix');
  const groups: Matrix<Float64Array>[] = [];
  const requests: DmdRequest[] = [];
  groupsIn.forEach((g, i) => {
    const argument = `groups[${i}]`;
    const X = snapshots(g, argument);
    if (!isRealMatrix(X)) throw invalid(argument, 'a real matrix (dmdBatch takes real groups)', 'a complex matrix');
    // Groups travel to the addon as f64 (f32 groups are read exactly into a copy).
    const X64 = X.data instanceof Float64Array ? (X as Matrix<Float64Array>) : { ...X, data: Float64Array.from(X.data) };
    const request: DmdRequest = { X: X64, ...o.request };
    try {
      validateDmdRequest(request, { checkFinite: false });
    } catch (e) {
      if (e instanceof RandlaError && e.argument === 'X') {
        throw new RandlaError(e.code, `${argument}: ${e.message}`, { argument });
      }
      throw e;
    }
    groups.push(X64);
    requests.push(request);
  });
  return { request: { groups, ...o.request }, requests, seed: o.seed, backend: o.backend };
}

/**
 * Many small independent DMD problems with the same options (e.g. one per neuron in Koopman
 * training) in one call, threaded natively: the same results as one {@link dmd} per group.
 *
 * @example
 * ```ts
 * import { dmdBatch, matrix } from 'randla';
 * const groups = Array.from({ length: 1000 }, (_, g) =>
 *   matrix(new Float64Array(8 * 20).map((_, e) => Math.cos(0.1 * (g + 1) * (e % 20) + Math.floor(e / 20))), 8, 20));
 * const results = await dmdBatch(groups, { rank: 2 });
 * console.log(results[0].eigs);
 * ```
 */
export async function dmdBatch(groups: (MatrixInput)[], options: BatchOptions = {}): Promise<DmdResult[]> {
  const p = prepareBatch(groups, options);
  const out = await p.backend.dmdBatch(p.request);
  return out.map((o, g) => finish(o, p.requests[g]!, p.seed, p.backend.name));
}

/** {@link dmdBatch}, blocking the event loop until done. */
export function dmdBatchSync(groups: (MatrixInput)[], options: BatchOptions = {}): DmdResult[] {
  const p = prepareBatch(groups, options);
  return p.backend.dmdBatchSync(p.request).map((o, g) => finish(o, p.requests[g]!, p.seed, p.backend.name));
}

// --- Online and windowed DMD ---

function toVector(value: unknown, argument: string): Float64Array {
  if (!isFloatArray(value)) throw invalid(argument, 'a Float64Array or Float32Array', value);
  return value instanceof Float64Array ? value : Float64Array.from(value);
}

/** The shared front of OnlineDmd and WindowDmd: n is fixed by the first pair. */
abstract class RecursiveFit {
  private state: RecursiveDmdState | undefined;
  private n: number | undefined;
  readonly backend: string;
  private readonly chosen: Backend;

  protected constructor(backendName: unknown) {
    this.chosen = selectBackend(backendName ?? 'auto');
    this.backend = this.chosen.name;
  }

  protected abstract create(backend: Backend, n: number): RecursiveDmdState;

  /** Adds the pair (x, y ≈ A·x); the arrays are read, never kept or modified. */
  update(x: Float, y: Float): void {
    const xv = toVector(x, 'x');
    const yv = toVector(y, 'y');
    if (this.n === undefined) {
      if (xv.length === 0) throw new RandlaError(ErrorCode.SHAPE, 'Expected a non-empty x but received length 0', { argument: 'x' });
      this.state = this.create(this.chosen, xv.length);
      this.n = xv.length;
    }
    for (const [v, name] of [[xv, 'x'], [yv, 'y']] as const) {
      if (v.length !== this.n) {
        throw new RandlaError(ErrorCode.SHAPE, `Expected ${name} of length ${this.n} (the first pair's) but received ${v.length}`, { argument: name });
      }
    }
    this.state!.update(xv, yv);
  }

  /** Whether the operator exists yet. */
  get ready(): boolean {
    return this.state?.ready() ?? false;
  }

  /** Pairs added so far. */
  get pairs(): number {
    return this.state?.pairs() ?? 0;
  }

  /** The current operator A, n × n row-major. */
  operator(): Matrix<Float64Array> {
    if (!this.state) throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected pairs before the operator exists but received none', { argument: 'pairs' });
    return { data: this.state.operator(), rows: this.n!, cols: this.n!, layout: 'row-major' };
  }

  /** eig(A), ordered as dmd()'s eigenvalues. */
  eigs(): ComplexArray {
    if (!this.state) throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected pairs before the operator exists but received none', { argument: 'pairs' });
    return this.state.eigs();
  }
}

/**
 * Online DMD (Zhang, Rowley, Deem, Cattafesta 2019, Algorithm 1): after k pairs the operator is
 * the weighted least-squares fit Y·W·Xᵀ·(X·W·Xᵀ)⁻¹, W = diag(weighting^(k−1−i)), kept exact by
 * O(n²) rank-one updates once n independent pairs have arrived.
 *
 * @example
 * ```ts
 * import { OnlineDmd } from 'randla';
 * const online = new OnlineDmd({ weighting: 0.99 });
 * let x = new Float64Array([1, 0]);
 * for (let k = 0; k < 50; k++) {
 *   const y = new Float64Array([0.9 * x[0] - 0.2 * x[1], 0.2 * x[0] + 0.9 * x[1]]);
 *   online.update(x, y);
 *   x = y;
 * }
 * console.log(online.eigs()); // 0.9 ± 0.2i
 * ```
 */
export class OnlineDmd extends RecursiveFit {
  readonly weighting: number;

  constructor(options: { weighting?: number; backend?: BackendName } = {}) {
    const o = expectObject(options, 'options');
    rejectUnknownOptions(o, new Set(['weighting', 'backend']));
    const weighting = o.weighting ?? 1;
    if (typeof weighting !== 'number' || !(weighting > 0 && weighting <= 1)) throw invalid('options.weighting', 'a number in (0, 1]', weighting);
    super(o.backend);
    this.weighting = weighting;
  }

  protected create(backend: Backend, n: number): RecursiveDmdState {
    return backend.recursiveDmd('online', n, this.weighting);
  }
}

/**
 * Windowed DMD (Zhang et al. 2019, Algorithm 2): the least-squares operator of the last `window`
 * pairs (window ≥ n), kept by a rank-one update for each new pair and a downdate for the oldest.
 *
 * @example
 * ```ts
 * import { WindowDmd } from 'randla';
 * const win = new WindowDmd({ window: 20 });
 * // win.update(x, y) for each pair; win.operator() once 20 pairs have arrived
 * ```
 */
export class WindowDmd extends RecursiveFit {
  readonly window: number;

  constructor(options: { window: number; backend?: BackendName }) {
    const o = expectObject(options, 'options');
    rejectUnknownOptions(o, new Set(['window', 'backend']));
    const window = expectInteger(o.window, 'options.window', 1, 1_000_000);
    super(o.backend);
    this.window = window;
  }

  protected create(backend: Backend, n: number): RecursiveDmdState {
    if (this.window < n) throw invalid('options.window', `an integer >= ${n} (the state size)`, this.window);
    return backend.recursiveDmd('window', n, this.window);
  }
}
