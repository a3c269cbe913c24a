// Koopman analysis of training and Koopman training (docs/algorithms/koopman.md): Dogra & Redman,
// "Optimizing neural networks via Koopman operator theory" (NeurIPS 2020) — DMD of weight
// snapshots approximates the Koopman operator of the training map; its spectrum tells whether
// training converges, and node Koopman operators (one small DMD per neuron over its incoming
// weights and bias) predict weights ahead of gradient descent. Built on dmd/dmdBatch
// (docs/algorithms/dmd.md): gradient descent is affine, so the fits use the increments (or the
// affine mode) that DMD of the raw weights would get wrong.
import type { BackendName } from './backend/index.js';
import { dmd, dmdBatch, dmdBatchSync, dmdSync, type DmdOptions, type DmdResult, type DmdVariant } from './dmd.js';
import { ErrorCode, invalid, RandlaError } from './errors.js';
import { rejectUnknownOptions } from './options.js';
import type { ComplexArray, Float, Matrix } from './types.js';
import { expectInteger, expectObject, expectOneOf, isDetached, isFloatArray } from './validate.js';

/** How a weight trajectory is fitted: the differences (default), the affine map, or a plain linear map. */
export type KoopmanMode = 'increments' | 'affine' | 'linear';

/** Weights as recorded: one array, layers, or named tensors (insertion order). */
export type WeightsInput = Float | Float[] | Record<string, Float>;

/** The verdict of {@link KoopmanMonitor.convergence}; docs/algorithms/koopman.md has the rules. */
export type ConvergenceVerdict = 'converging' | 'oscillating' | 'diverging' | 'stalled';

export interface ConvergenceReport {
  verdict: ConvergenceVerdict;
  /** max |λ| of the increments' fit. */
  spectralRadius: number;
  /** Share of the increments' mass (|bⱼ|·‖φⱼ‖) in modes with |λ − 1| ≤ epsilon. */
  massNearOne: number;
  /** Share of the mass in modes with Re λ < 0 or |arg λ| > oscillationAngle. */
  oscillatingMass: number;
  /** Share of the mass in modes with |λ| > 1 + growthTolerance. */
  growingMass: number;
  /** ‖w_last − w_previous‖ / ‖w_last‖. */
  relativeStep: number;
  /** The increments' eigenvalues (empty when stalled). */
  eigs: ComplexArray;
}

/** Thresholds of the verdict (docs/algorithms/koopman.md); each can be set in the constructor. */
const DEFAULT_THRESHOLDS = { epsilon: 0.01, stallTolerance: 1e-9, growthTolerance: 1e-3, growthShare: 0.01, oscillationAngle: 0.5, oscillationShare: 0.5 };

/** Above this many weights 'auto' uses the randomized DMD. */
const RANDOMIZED_ABOVE = 100_000;
/** The randomized DMD's rank when `rank` is not a positive integer. */
const RANDOMIZED_RANK = 20;

interface Structure {
  kind: 'array' | 'layers' | 'named';
  names: string[];
  lengths: number[];
  f32: boolean;
  size: number;
}

/** A detached buffer reads as length 0: say so instead of recording an empty tensor. */
function expectAttached(a: Float, argument: string): void {
  if (isDetached(a)) throw invalid(argument, 'an array over an attached buffer', 'a detached ArrayBuffer');
}

function structureOf(weights: unknown, argument: string): { structure: Structure; parts: Float[] } {
  if (isFloatArray(weights)) {
    expectAttached(weights, argument);
    return { structure: { kind: 'array', names: [''], lengths: [weights.length], f32: weights instanceof Float32Array, size: weights.length }, parts: [weights] };
  }
  let names: string[];
  let parts: unknown[];
  let kind: Structure['kind'];
  if (Array.isArray(weights)) {
    kind = 'layers';
    parts = weights;
    names = weights.map((_, i) => String(i));
  } else if (weights !== null && typeof weights === 'object') {
    kind = 'named';
    names = Object.keys(weights);
    parts = names.map((k) => (weights as Record<string, unknown>)[k]);
  } else {
    throw invalid(argument, 'a Float32Array/Float64Array, an array of them or a map of them', weights);
  }
  if (parts.length === 0) throw invalid(argument, 'at least one weight array', 'none');
  parts.forEach((p, i) => {
    if (!isFloatArray(p)) throw invalid(`${argument}[${JSON.stringify(names[i])}]`, 'a Float32Array or Float64Array', p);
    expectAttached(p, `${argument}[${JSON.stringify(names[i])}]`);
  });
  const floats = parts as Float[];
  const f32 = floats.every((p) => p instanceof Float32Array);
  const lengths = floats.map((p) => p.length);
  return { structure: { kind, names, lengths, f32, size: lengths.reduce((a, b) => a + b, 0) }, parts: floats };
}

function sameStructure(a: Structure, b: Structure): boolean {
  return a.kind === b.kind && a.f32 === b.f32 && a.names.length === b.names.length && a.names.every((n, i) => n === b.names[i] && a.lengths[i] === b.lengths[i]);
}

/** The recorded structure again, from a flat f64 vector. */
function unflatten(s: Structure, flat: Float64Array): WeightsInput {
  const make = (from: number, length: number): Float => (s.f32 ? Float32Array.from(flat.subarray(from, from + length)) : flat.slice(from, from + length));
  if (s.kind === 'array') return make(0, s.size);
  const out: Float[] = [];
  let at = 0;
  for (const length of s.lengths) {
    out.push(make(at, length));
    at += length;
  }
  if (s.kind === 'layers') return out;
  return Object.fromEntries(s.names.map((n, i) => [n, out[i]!]));
}

/**
 * The model's next `steps` snapshots after the last of T columns, anchored where the mode allows:
 * with increments, w_{T−1+s} = w_{T−1} + Σ_{k=T−1}^{T−2+s} Re Σⱼ φⱼ·bⱼ·λⱼᵏ (the actual last weights
 * plus the predicted increments); affine and linear fits evaluate Re Σⱼ φⱼ·bⱼ·λⱼ^(T−1+s).
 * Returns one flat f64 vector per step (only the last when `lastOnly`).
 */
function advance(fit: DmdResult, last: ArrayLike<number>, T: number, steps: number, mode: KoopmanMode, lastOnly: boolean): Float64Array[] {
  const { modes, amplitudes, eigs } = fit;
  const n = last.length;
  const r = eigs.re.length;
  // cⱼ(s): increments: bⱼ·Σ_{k=T−1}^{T−2+s} λⱼᵏ (a running sum); else bⱼ·λⱼ^(T−1+s).
  const powRe = new Float64Array(r);
  const powIm = new Float64Array(r);
  const sumRe = new Float64Array(r);
  const sumIm = new Float64Array(r);
  const first = mode === 'increments' ? T - 1 : T;
  for (let j = 0; j < r; j++) {
    // λ^first by repeated squaring in polar form (exact enough and O(1)).
    const mag = Math.hypot(eigs.re[j]!, eigs.im[j]!);
    const arg = Math.atan2(eigs.im[j]!, eigs.re[j]!);
    const m = mag === 0 ? (first === 0 ? 1 : 0) : Math.pow(mag, first);
    powRe[j] = m * Math.cos(arg * first);
    powIm[j] = m * Math.sin(arg * first);
  }
  const out: Float64Array[] = [];
  const c = { re: new Float64Array(r), im: new Float64Array(r) };
  for (let s = 1; s <= steps; s++) {
    for (let j = 0; j < r; j++) {
      const lr = eigs.re[j]!;
      const li = eigs.im[j]!;
      if (mode === 'increments') {
        sumRe[j] = sumRe[j]! + powRe[j]!;
        sumIm[j] = sumIm[j]! + powIm[j]!;
      } else {
        sumRe[j] = powRe[j]!;
        sumIm[j] = powIm[j]!;
      }
      const pr = powRe[j]! * lr - powIm[j]! * li;
      powIm[j] = powRe[j]! * li + powIm[j]! * lr;
      powRe[j] = pr;
      const br = amplitudes.re[j]!;
      const bi = amplitudes.im[j]!;
      c.re[j] = br * sumRe[j]! - bi * sumIm[j]!;
      c.im[j] = br * sumIm[j]! + bi * sumRe[j]!;
    }
    if (lastOnly && s < steps) continue;
    const w = new Float64Array(n);
    // Modes are row-major n × r: row i holds φᵢ₁ … φᵢᵣ.
    for (let i = 0; i < n; i++) {
      let v = mode === 'increments' ? last[i]! : 0;
      const o = i * r;
      for (let j = 0; j < r; j++) v += modes.re.data[o + j]! * c.re[j]! - modes.im.data[o + j]! * c.im[j]!;
      w[i] = v;
    }
    out.push(w);
  }
  return out;
}

function dmdOptionsFor(mode: KoopmanMode, rank: number, variant: DmdVariant, pairs: number, backend: BackendName | undefined): DmdOptions {
  const randomized = variant === 'randomized';
  const r = randomized ? Math.max(1, Math.min(Number.isInteger(rank) && rank >= 1 ? rank : RANDOMIZED_RANK, pairs)) : rank;
  return {
    rank: r,
    variant,
    ...(mode === 'increments' ? { increments: true } : {}),
    ...(mode === 'affine' ? { affine: true } : {}),
    ...(randomized ? { seed: 0x6b6f6f706d616e } : {}),
    ...(backend ? { backend } : {}),
  };
}

export interface KoopmanMonitorOptions {
  /** Records kept (default 32, at least 4). */
  window?: number;
  /** 'increments' (default), 'affine' or 'linear' (plain DMD: wrong for gradient descent). */
  mode?: KoopmanMode;
  /** DMD rank rule (default 0: the optimal hard threshold); randomized: an integer (default 20). */
  rank?: number;
  /** 'auto' (default): exact up to 100 000 weights, randomized above. */
  variant?: DmdVariant | 'auto';
  /** Verdict thresholds (docs/algorithms/koopman.md). */
  epsilon?: number;
  stallTolerance?: number;
  growthTolerance?: number;
  oscillationAngle?: number;
  backend?: BackendName;
}

const MONITOR_OPTIONS = new Set(['window', 'mode', 'rank', 'variant', 'epsilon', 'stallTolerance', 'growthTolerance', 'oscillationAngle', 'backend']);

/**
 * Records weights once per epoch (or step) and reads the training dynamics off the DMD of the
 * last `window` records: the spectrum, a convergence verdict, and a prediction of the next
 * weights (Dogra & Redman 2020).
 *
 * @example
 * ```ts
 * import { KoopmanMonitor } from 'randla';
 * const monitor = new KoopmanMonitor({ window: 20 });
 * // in the training loop, once per epoch:
 * //   monitor.record(model.getWeights().map((t) => t.dataSync() as Float32Array));
 * // then:
 * //   (await monitor.convergence()).verdict   // 'converging' | 'oscillating' | 'diverging' | 'stalled'
 * //   await monitor.predict(10)               // the weights 10 epochs ahead, in the recorded structure
 * ```
 */
export class KoopmanMonitor {
  readonly window: number;
  readonly mode: KoopmanMode;
  private readonly rank: number;
  private readonly variant: DmdVariant | 'auto';
  private readonly thresholds: typeof DEFAULT_THRESHOLDS;
  private readonly backend: BackendName | undefined;
  private structure: Structure | undefined;
  /** One array per record slot, allocated when first used: the first record costs one record's allocation, not the window's. */
  private slots: (Float32Array | Float64Array)[] = [];
  private count = 0;
  private next = 0;

  constructor(options: KoopmanMonitorOptions = {}) {
    const o = expectObject(options, 'options');
    rejectUnknownOptions(o, MONITOR_OPTIONS);
    this.window = expectInteger(o.window ?? 32, 'options.window', 4, 100_000);
    this.mode = expectOneOf<KoopmanMode>(o.mode ?? 'increments', 'options.mode', ['increments', 'affine', 'linear']);
    const rank = o.rank ?? 0;
    if (typeof rank !== 'number') throw invalid('options.rank', '-1, 0, a number in (0, 1) or an integer >= 1', rank);
    this.rank = rank;
    this.variant = expectOneOf<DmdVariant | 'auto'>(o.variant ?? 'auto', 'options.variant', ['auto', 'exact', 'projected', 'fb', 'tls', 'randomized']);
    const t = { ...DEFAULT_THRESHOLDS };
    for (const key of ['epsilon', 'stallTolerance', 'growthTolerance', 'oscillationAngle'] as const) {
      const v = o[key];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw invalid(`options.${key}`, 'a finite number > 0', v);
      t[key] = v;
    }
    this.thresholds = t;
    this.backend = o.backend as BackendName | undefined;
  }

  /** Records kept now (at most `window`). */
  get records(): number {
    return this.count;
  }

  /** Weights per record (0 before the first). */
  get size(): number {
    return this.structure?.size ?? 0;
  }

  /** Copies the weights in (nothing else: the cost of a record is one copy). */
  record(weights: WeightsInput): void {
    const { structure, parts } = structureOf(weights, 'weights');
    if (this.structure && !sameStructure(this.structure, structure)) {
      throw new RandlaError(
        ErrorCode.SHAPE,
        `Expected weights with the structure of the first record (${describe(this.structure)}) but received ${describe(structure)}`,
        { argument: 'weights' },
      );
    }
    // Check every part before writing, so that a rejected record leaves the window as it was.
    let offset = 0;
    for (const p of parts) {
      for (let i = 0; i < p.length; i++) {
        if (!Number.isFinite(p[i]!)) throw new RandlaError(ErrorCode.NOT_FINITE, `Expected finite weights but received ${p[i]} at ${offset + i}`, { argument: 'weights' });
      }
      offset += p.length;
    }
    // The first accepted record fixes the structure: a rejected one (NaN) does not.
    const s = (this.structure ??= structure);
    const slot = (this.slots[this.next] ??= s.f32 ? new Float32Array(s.size) : new Float64Array(s.size));
    let at = 0;
    for (const p of parts) {
      slot.set(p, at);
      at += p.length;
    }
    this.next = (this.next + 1) % this.window;
    this.count = Math.min(this.count + 1, this.window);
  }

  /** The recorded window, oldest first: n × m, one record per column. */
  private snapshots(minimum: number): Matrix {
    if (this.count < minimum) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected at least ${minimum} records before fitting but received ${this.count}`, { argument: 'records' });
    }
    const n = this.structure!.size;
    const m = this.count;
    const data = this.structure!.f32 ? new Float32Array(n * m) : new Float64Array(n * m);
    const start = this.count < this.window ? 0 : this.next;
    for (let k = 0; k < m; k++) {
      const slot = (start + k) % this.window;
      data.set(this.slots[slot]!, k * n);
    }
    return { data, rows: n, cols: m, layout: 'col-major' };
  }

  private fitOptions(mode: KoopmanMode, X: Matrix): DmdOptions {
    const variant = this.variant === 'auto' ? (X.rows > RANDOMIZED_ABOVE ? 'randomized' : 'exact') : this.variant;
    const pairs = (mode === 'increments' ? X.cols - 1 : X.cols) - 1;
    return dmdOptionsFor(mode, this.rank, variant, pairs, this.backend);
  }

  /** DMD of the recorded window in the monitor's mode (at least 4 records). */
  spectrum(): Promise<DmdResult> {
    const X = this.snapshots(4);
    return dmd(X, this.fitOptions(this.mode, X));
  }

  /** {@link spectrum}, blocking. */
  spectrumSync(): DmdResult {
    const X = this.snapshots(4);
    return dmdSync(X, this.fitOptions(this.mode, X));
  }

  /** The convergence verdict of the window (docs/algorithms/koopman.md, "convergence()"). */
  async convergence(): Promise<ConvergenceReport> {
    const X = this.snapshots(4);
    const step = relativeStep(X);
    if (step <= this.thresholds.stallTolerance) return stalled(step);
    return this.verdict(await dmd(X, this.fitOptions('increments', X)), step);
  }

  /** {@link convergence}, blocking. */
  convergenceSync(): ConvergenceReport {
    const X = this.snapshots(4);
    const step = relativeStep(X);
    if (step <= this.thresholds.stallTolerance) return stalled(step);
    return this.verdict(dmdSync(X, this.fitOptions('increments', X)), step);
  }

  private verdict(fit: DmdResult, relative: number): ConvergenceReport {
    const t = this.thresholds;
    const r = fit.eigs.re.length;
    const mass = new Float64Array(r);
    const n = fit.modes.re.rows;
    for (let j = 0; j < r; j++) {
      let norm = 0;
      for (let i = 0; i < n; i++) norm += fit.modes.re.data[i * r + j]! ** 2 + fit.modes.im.data[i * r + j]! ** 2;
      mass[j] = Math.hypot(fit.amplitudes.re[j]!, fit.amplitudes.im[j]!) * Math.sqrt(norm);
    }
    const total = mass.reduce((a, b) => a + b, 0) || 1;
    let radius = 0;
    let near = 0;
    let oscillating = 0;
    let growing = 0;
    for (let j = 0; j < r; j++) {
      const re = fit.eigs.re[j]!;
      const im = fit.eigs.im[j]!;
      const magnitude = Math.hypot(re, im);
      radius = Math.max(radius, magnitude);
      if (Math.hypot(re - 1, im) <= t.epsilon) near += mass[j]!;
      if (re < 0 || Math.abs(Math.atan2(im, re)) > t.oscillationAngle) oscillating += mass[j]!;
      if (magnitude > 1 + t.growthTolerance) growing += mass[j]!;
    }
    const report = {
      spectralRadius: radius,
      massNearOne: near / total,
      oscillatingMass: oscillating / total,
      growingMass: growing / total,
      relativeStep: relative,
      eigs: fit.eigs,
    };
    const verdict: ConvergenceVerdict =
      report.growingMass >= t.growthShare ? 'diverging' : report.oscillatingMass >= t.oscillationShare ? 'oscillating' : 'converging';
    return { verdict, ...report };
  }

  /** The next `steps` weights after the last record, in the recorded structure. */
  async predict(steps: number): Promise<WeightsInput[]> {
    const s = expectInteger(steps, 'steps', 1, 1_000_000);
    const X = this.snapshots(4);
    return this.unroll(await dmd(X, this.fitOptions(this.mode, X)), X, s);
  }

  /** {@link predict}, blocking. */
  predictSync(steps: number): WeightsInput[] {
    const s = expectInteger(steps, 'steps', 1, 1_000_000);
    const X = this.snapshots(4);
    return this.unroll(dmdSync(X, this.fitOptions(this.mode, X)), X, s);
  }

  private unroll(fit: DmdResult, X: Matrix, steps: number): WeightsInput[] {
    const n = X.rows;
    const last = X.data.subarray((X.cols - 1) * n, X.cols * n);
    return advance(fit, last, X.cols, steps, this.mode, false).map((w) => unflatten(this.structure!, w));
  }
}

function describe(s: Structure): string {
  const dtype = s.f32 ? 'Float32Array' : 'Float64Array';
  if (s.kind === 'array') return `one ${dtype} of ${s.size}`;
  return `${s.kind === 'layers' ? 'layers' : 'named'} ${s.names.map((n, i) => `${n}:${s.lengths[i]}`).join(', ')} (${dtype})`;
}

function relativeStep(X: Matrix): number {
  const n = X.rows;
  const m = X.cols;
  let d = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const a = X.data[(m - 1) * n + i]!;
    d += (a - X.data[(m - 2) * n + i]!) ** 2;
    w += a * a;
  }
  return w > 0 ? Math.sqrt(d / w) : Math.sqrt(d);
}

function stalled(step: number): ConvergenceReport {
  return {
    verdict: 'stalled',
    spectralRadius: 0,
    massNearOne: 0,
    oscillatingMass: 0,
    growingMass: 0,
    relativeStep: step,
    eigs: { re: new Float64Array(0), im: new Float64Array(0) },
  };
}

// --- Koopman training: koopmanPredict ---

/** A dense layer's weights: `shape` [out, in]; `kernel` out × in ('out-in') or in × out ('in-out'). */
export interface DenseLayerWeights {
  kernel: Float;
  bias?: Float;
  shape: [number, number];
}

export type KoopmanGrouping = 'node' | 'single' | 'layer' | { chunk: number };

export interface KoopmanPredictOptions {
  /** Steps past the last snapshot. */
  steps: number;
  /** 'node' (default: the paper's node operators), { chunk: q }, 'single' or 'layer'. */
  grouping?: KoopmanGrouping;
  /** 'out-in' (default: row o = neuron o's inputs, PyTorch) or 'in-out' (TensorFlow.js). */
  layout?: 'out-in' | 'in-out';
  /**
   * 'affine' (default), 'increments' or 'linear'. Both exact fits of gradient descent agree on
   * noise-free data; under SGD's noise the affine fit of the raw weights predicted better than the
   * increments (differencing adds the noise of two steps; test/koopman.test.ts measures it).
   */
  mode?: KoopmanMode;
  /**
   * Each group's DMD rank rule (default -1: every singular value above rounding). Where a group has more weights
   * than the snapshots give pairs (a wide layer's nodes over a short window) and the trajectory is
   * noisy (minibatch SGD), -1 interpolates the noise and the prediction can blow up; 0 (the
   * optimal hard threshold) is then the robust choice (docs/koopman-training.md measures both).
   */
  rank?: number;
  backend?: BackendName;
  signal?: AbortSignal;
}

const PREDICT_OPTIONS = new Set(['steps', 'grouping', 'layout', 'mode', 'rank', 'backend', 'signal']);

/** A group: the flat positions (into the layer's kernel, then bias) of its weights. */
interface Group {
  layer: number;
  kernel: Int32Array;
  bias: Int32Array;
}

interface Prepared {
  snapshots: DenseLayerWeights[][];
  groups: Group[];
  steps: number;
  mode: KoopmanMode;
  rank: number;
  single: boolean;
  backend: BackendName | undefined;
  signal: AbortSignal | undefined;
}

function prepareKoopman(snapshotsIn: unknown, options: unknown): Prepared {
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, PREDICT_OPTIONS);
  const steps = expectInteger(o.steps, 'options.steps', 1, 1_000_000);
  const layout = expectOneOf(o.layout ?? 'out-in', 'options.layout', ['out-in', 'in-out'] as const);
  const mode = expectOneOf<KoopmanMode>(o.mode ?? 'affine', 'options.mode', ['increments', 'affine', 'linear']);
  const rank = o.rank ?? -1;
  if (typeof rank !== 'number') throw invalid('options.rank', '-1, 0, a number in (0, 1) or an integer >= 1', rank);
  const grouping = o.grouping ?? 'node';
  let chunk = 0;
  if (typeof grouping === 'object' && grouping !== null) {
    chunk = expectInteger((grouping as { chunk?: unknown }).chunk, 'options.grouping.chunk', 1);
  } else {
    expectOneOf(grouping, 'options.grouping', ['node', 'single', 'layer'] as const);
  }
  if (!Array.isArray(snapshotsIn)) throw invalid('snapshots', 'an array of snapshots (each an array of layers)', snapshotsIn);
  const minimum = mode === 'increments' ? 4 : 3;
  if (snapshotsIn.length < minimum) throw new RandlaError(ErrorCode.SHAPE, `Expected at least ${minimum} snapshots but received ${snapshotsIn.length}`, { argument: 'snapshots' });
  const first = snapshotsIn[0];
  if (!Array.isArray(first) || first.length === 0) throw invalid('snapshots[0]', 'a non-empty array of layers', first);
  const shapes = first.map((layer, l) => checkLayer(layer, `snapshots[0][${l}]`));
  snapshotsIn.forEach((snap, t) => {
    if (!Array.isArray(snap) || snap.length !== shapes.length) throw invalid(`snapshots[${t}]`, `${shapes.length} layers, as snapshots[0]`, snap);
    snap.forEach((layer, l) => {
      const s = checkLayer(layer, `snapshots[${t}][${l}]`);
      const f = shapes[l]!;
      if (s.out !== f.out || s.in !== f.in || s.bias !== f.bias) {
        throw new RandlaError(ErrorCode.SHAPE, `Expected snapshots[${t}][${l}] of shape [${f.out}, ${f.in}]${f.bias ? ' with a bias' : ''}, as snapshots[0] has`, { argument: `snapshots[${t}][${l}]` });
      }
    });
  });
  const groups: Group[] = [];
  shapes.forEach(({ out, in: inputs, bias }, l) => {
    const at = (o2: number, j: number) => (layout === 'out-in' ? o2 * inputs + j : j * out + o2);
    if (grouping === 'layer') {
      groups.push({ layer: l, kernel: Int32Array.from({ length: out * inputs }, (_, e) => e), bias: bias ? Int32Array.from({ length: out }, (_, e) => e) : new Int32Array(0) });
      return;
    }
    for (let o2 = 0; o2 < out; o2++) {
      // Neuron o's vector: its inputs in order, then its bias.
      const kernel = Int32Array.from({ length: inputs }, (_, j) => at(o2, j));
      if (grouping === 'node') {
        groups.push({ layer: l, kernel, bias: bias ? Int32Array.of(o2) : new Int32Array(0) });
      } else if (grouping === 'single') {
        for (let j = 0; j < inputs; j++) groups.push({ layer: l, kernel: Int32Array.of(kernel[j]!), bias: new Int32Array(0) });
        if (bias) groups.push({ layer: l, kernel: new Int32Array(0), bias: Int32Array.of(o2) });
      } else {
        const size = inputs + (bias ? 1 : 0);
        for (let c = 0; c < size; c += chunk) {
          const end = Math.min(size, c + chunk);
          groups.push({ layer: l, kernel: kernel.slice(c, Math.min(end, inputs)), bias: bias && end > inputs ? Int32Array.of(o2) : new Int32Array(0) });
        }
      }
    }
  });
  return {
    snapshots: snapshotsIn as DenseLayerWeights[][],
    groups,
    steps,
    mode,
    rank,
    single: grouping === 'single',
    backend: o.backend as BackendName | undefined,
    signal: o.signal as AbortSignal | undefined,
  };
}

function checkLayer(layer: unknown, argument: string): { out: number; in: number; bias: boolean } {
  if (layer === null || typeof layer !== 'object') throw invalid(argument, 'a layer { kernel, bias?, shape: [out, in] }', layer);
  const { kernel, bias, shape } = layer as Partial<DenseLayerWeights>;
  if (!Array.isArray(shape) || shape.length !== 2) throw invalid(`${argument}.shape`, '[out, in]', shape);
  const out = expectInteger(shape[0], `${argument}.shape[0]`, 1);
  const inputs = expectInteger(shape[1], `${argument}.shape[1]`, 1);
  if (!isFloatArray(kernel) || kernel.length !== out * inputs) throw invalid(`${argument}.kernel`, `a Float32Array/Float64Array of ${out * inputs} values`, kernel);
  if (bias !== undefined && (!isFloatArray(bias) || bias.length !== out)) throw invalid(`${argument}.bias`, `a Float32Array/Float64Array of ${out} values`, bias);
  for (const [name, a] of [['kernel', kernel], ['bias', bias]] as const) {
    if (!a) continue;
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i]!)) throw new RandlaError(ErrorCode.NOT_FINITE, `Expected finite weights in ${argument}.${name} but received ${a[i]} at ${i}`, { argument: `${argument}.${name}` });
    }
  }
  return { out, in: inputs, bias: bias !== undefined };
}

/** Group g's trajectory: g-size × T, col-major (snapshot t is column t). */
function trajectory(p: Prepared, g: Group): Matrix<Float64Array> {
  const T = p.snapshots.length;
  const size = g.kernel.length + g.bias.length;
  const data = new Float64Array(size * T);
  p.snapshots.forEach((snap, t) => {
    const layer = snap[g.layer]!;
    const o = t * size;
    for (let i = 0; i < g.kernel.length; i++) data[o + i] = layer.kernel[g.kernel[i]!]!;
    for (let i = 0; i < g.bias.length; i++) data[o + g.kernel.length + i] = layer.bias![g.bias[i]!]!;
  });
  return { data, rows: size, cols: T, layout: 'col-major' };
}

/** Whether the trajectory moves at all (a constant one has nothing to fit: it keeps its weights). */
function moves(X: Matrix<Float64Array>): boolean {
  const n = X.rows;
  for (let i = n; i < X.data.length; i++) if (X.data[i] !== X.data[i - n]) return true;
  return false;
}

/**
 * 'single': the scalar DMD of each weight in closed form — for the 1 × T row, exact DMD keeps
 * rank 1 and Ã = ⟨x₂, x₁⟩/⟨x₁, x₁⟩, and φ·b reproduces the first (increment) snapshot. In
 * 'affine' mode the 2 × T DMD of [x; 1] at full rank is the least-squares affine map
 * x_{k+1} = a·x_k + c, evaluated (as the affine fit is) from the first snapshot.
 */
function singlePrediction(x: Float64Array, steps: number, mode: KoopmanMode): number {
  const T = x.length;
  if (mode === 'affine') return singleAffinePrediction(x, steps);
  const series = mode === 'increments' ? Float64Array.from({ length: T - 1 }, (_, k) => x[k + 1]! - x[k]!) : x;
  const m = series.length;
  let xx = 0;
  let xy = 0;
  for (let k = 0; k + 1 < m; k++) {
    xx += series[k]! * series[k]!;
    xy += series[k + 1]! * series[k]!;
  }
  if (!(xx > 0)) return x[T - 1]!;
  const lambda = xy / xx;
  const b = series[0]!;
  if (mode === 'increments') {
    // w_{T−1+s} = w_{T−1} + b·Σ_{k=T−1}^{T−2+s} λᵏ.
    let p = Math.pow(lambda, T - 1);
    let sum = 0;
    for (let s = 0; s < steps; s++) {
      sum += p;
      p *= lambda;
    }
    return x[T - 1]! + b * sum;
  }
  return b * Math.pow(lambda, T - 1 + steps);
}

function singleAffinePrediction(x: Float64Array, steps: number): number {
  const T = x.length;
  const m = T - 1;
  // Normal equations of min Σ (x_{k+1} − a·x_k − c)², centred for accuracy.
  let mean = 0;
  let meanNext = 0;
  for (let k = 0; k < m; k++) {
    mean += x[k]!;
    meanNext += x[k + 1]!;
  }
  mean /= m;
  meanNext /= m;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < m; k++) {
    sxx += (x[k]! - mean) ** 2;
    sxy += (x[k]! - mean) * (x[k + 1]! - meanNext);
  }
  // [x₁; 1] of rank 1 (x_k constant over the pairs): no affine map to fit; keep the last weight.
  if (!(sxx > 1e-28 * Math.max(1, mean * mean) * m)) return x[T - 1]!;
  const a = sxy / sxx;
  const c = meanNext - a * mean;
  const n = T - 1 + steps;
  const an = Math.pow(a, n);
  // Σ_{k<n} aᵏ = (1 − aⁿ)/(1 − a), through expm1/log1p for 0 < a: no cancellation as a → 1.
  const geometric = a === 1 ? n : a > 0 ? -Math.expm1(n * Math.log1p(a - 1)) / (1 - a) : (1 - an) / (1 - a);
  return an * x[0]! + c * geometric;
}

function assemble(p: Prepared, values: Map<number, Float64Array>): DenseLayerWeights[] {
  const last = p.snapshots[p.snapshots.length - 1]!;
  const out = last.map((layer) => ({
    kernel: layer.kernel instanceof Float32Array ? Float32Array.from(layer.kernel) : Float64Array.from(layer.kernel),
    ...(layer.bias ? { bias: layer.bias instanceof Float32Array ? Float32Array.from(layer.bias) : Float64Array.from(layer.bias) } : {}),
    shape: [layer.shape[0], layer.shape[1]] as [number, number],
  }));
  p.groups.forEach((g, index) => {
    const v = values.get(index);
    if (!v) return; // kept: the last weights
    const layer = out[g.layer]!;
    // A prediction that is not finite in the layer's dtype (a degenerate fit, or one past float32's
    // 3.4e38) keeps the last weights too: checked here, once, for every grouping.
    const round = layer.kernel instanceof Float32Array ? Math.fround : (x: number) => x;
    if (!v.every((x) => Number.isFinite(round(x)))) return;
    for (let i = 0; i < g.kernel.length; i++) layer.kernel[g.kernel[i]!] = v[i]!;
    for (let i = 0; i < g.bias.length; i++) layer.bias![g.bias[i]!] = v[g.kernel.length + i]!;
  });
  return out;
}

/** The batched fits of the moving groups, then each advanced `steps` past the last snapshot. */
function predictions(p: Prepared, fits: DmdResult[], moving: { index: number; X: Matrix<Float64Array> }[]): Map<number, Float64Array> {
  const values = new Map<number, Float64Array>();
  const T = p.snapshots.length;
  moving.forEach(({ index, X }, f) => {
    const last = X.data.subarray((T - 1) * X.rows, T * X.rows);
    const [w] = advance(fits[f]!, last, T, p.steps, p.mode, true);
    values.set(index, w!);
  });
  return values;
}

function singles(p: Prepared): Map<number, Float64Array> {
  const values = new Map<number, Float64Array>();
  p.groups.forEach((g, index) => {
    const X = trajectory(p, g);
    values.set(index, Float64Array.of(singlePrediction(X.data, p.steps, p.mode)));
  });
  return values;
}

function batchOptions(p: Prepared): DmdOptions {
  return {
    rank: p.rank,
    ...(p.mode === 'increments' ? { increments: true } : {}),
    ...(p.mode === 'affine' ? { affine: true } : {}),
    ...(p.backend ? { backend: p.backend } : {}),
    ...(p.signal ? { signal: p.signal } : {}),
  };
}

/**
 * Koopman training (Dogra & Redman 2020): each group of weights (a neuron's incoming weights and
 * bias by default) gets its own DMD over the snapshots, all in one `dmdBatch` call, and is
 * advanced `steps` past the last snapshot. Returns the predicted layers, shaped and typed as the
 * last snapshot's.
 *
 * @example
 * ```ts
 * import { koopmanPredict } from 'randla';
 * // snapshots[t] = [{ kernel, bias, shape: [out, in] }, ...] recorded over 20 epochs
 * // const ahead = await koopmanPredict(snapshots, { steps: 50 });
 * ```
 */
export async function koopmanPredict(snapshots: DenseLayerWeights[][], options: KoopmanPredictOptions): Promise<DenseLayerWeights[]> {
  const p = prepareKoopman(snapshots, options);
  if (p.single) return assemble(p, singles(p));
  const moving = movingGroups(p);
  const fits = moving.length ? await dmdBatch(moving.map((m) => m.X), batchOptions(p)) : [];
  return assemble(p, predictions(p, fits, moving));
}

/** {@link koopmanPredict}, blocking. */
export function koopmanPredictSync(snapshots: DenseLayerWeights[][], options: KoopmanPredictOptions): DenseLayerWeights[] {
  const p = prepareKoopman(snapshots, options);
  if (p.single) return assemble(p, singles(p));
  const moving = movingGroups(p);
  const fits = moving.length ? dmdBatchSync(moving.map((m) => m.X), batchOptions(p)) : [];
  return assemble(p, predictions(p, fits, moving));
}

function movingGroups(p: Prepared): { index: number; X: Matrix<Float64Array> }[] {
  const out: { index: number; X: Matrix<Float64Array> }[] = [];
  p.groups.forEach((g, index) => {
    const X = trajectory(p, g);
    if (moves(X)) out.push({ index, X });
  });
  return out;
}
