// What a DMD result predicts, for the output of ANY backend (docs/algorithms/dmd.md, "Outputs"):
// Tu et al., J. Comput. Dyn. 2014 (x(t) ≈ Σ φⱼ·bⱼ·λⱼ^(t/dt)) with continuous ω = log(λ)/dt;
// real part for real input; increments by cumulative sums; delays by the mean of the delayed copies
// (PyDMD's HankelDMD 'mean' reconstruction, Arbabi & Mezić 2017).

import { invalid } from './errors.js';
import type { ComplexArray, ComplexMatrix, Matrix } from './types.js';
import type { DmdOutput, DmdRequest } from './backend/types.js';

/** How a fit was made: what its modes and eigenvalues mean in time. */
export interface DmdModelInfo {
  /** The time step between snapshots. */
  dt: number;
  /** m, the columns of the input X. */
  snapshots: number;
  /** n, the rows of one (undelayed) snapshot; the modes have n·delays rows. */
  rows: number;
  delays: number;
  /** The fit is of the differences X[:, k + 1] − X[:, k]. */
  increments: boolean;
  /** Real input: reconstructions are the real part. */
  isReal: boolean;
  /** X[:, 0] (n entries; im zero for real input): where `increments` start the cumulative sums. */
  firstSnapshot?: ComplexArray;
}

/** Slack of the time comparisons, in units of dt (rounding in times computed as k·dt). */
const TIME_SLACK = 1e-9;

/**
 * The model info of a request (the facade builds it once next to the backend's output).
 *
 * @example
 * const X = { data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2, layout: 'col-major' as const };
 * dmdModelInfo({ X, dt: 0.5, delays: 1, increments: false }).snapshots; // 2
 */
export function dmdModelInfo(request: Pick<DmdRequest, 'X' | 'dt' | 'delays' | 'increments'>): DmdModelInfo {
  const X = request.X;
  const complex = (X as ComplexMatrix).re !== undefined && (X as Matrix).data === undefined;
  const re = complex ? (X as ComplexMatrix).re : (X as Matrix);
  const im = complex ? (X as ComplexMatrix).im : undefined;
  const n = re.rows;
  const entry = (M: Matrix, i: number) => M.data[M.layout === 'row-major' ? i * M.cols : i]!;
  const first = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    first.re[i] = entry(re, i);
    if (im) first.im[i] = entry(im, i);
  }
  return { dt: request.dt, snapshots: re.cols, rows: n, delays: request.delays, increments: request.increments, isReal: !complex, firstSnapshot: first };
}

/**
 * ω = log(λ)/dt (principal logarithm; λ = 0 gives −∞ real part).
 *
 * @example
 * omega({ re: new Float64Array([0]), im: new Float64Array([1]) }, 1).im; // ≈ Float64Array [π/2]
 */
export function omega(eigs: ComplexArray, dt: number): ComplexArray {
  const r = eigs.re.length;
  const out = { re: new Float64Array(r), im: new Float64Array(r) };
  for (let j = 0; j < r; j++) {
    out.re[j] = Math.log(Math.hypot(eigs.re[j]!, eigs.im[j]!)) / dt;
    out.im[j] = Math.atan2(eigs.im[j]!, eigs.re[j]!) / dt;
  }
  return out;
}

/** Im(log λ)/(2π·dt), cycles per unit time. */
export function frequency(eigs: ComplexArray, dt: number): Float64Array {
  return Float64Array.from(omega(eigs, dt).im, (w) => w / (2 * Math.PI));
}

/** Re(log λ)/dt = log|λ|/dt, the continuous growth rate (PyDMD reports Re(λ)/dt instead). */
export function growthRate(eigs: ComplexArray, dt: number): Float64Array {
  return omega(eigs, dt).re;
}

/**
 * bⱼ·λⱼ^(t/dt) = bⱼ·exp(ωⱼ·t) for every mode j and time t (r × T, row-major). λⱼ = 0 gives bⱼ at
 * t = 0 and 0 for t > 0.
 *
 * @example
 * dynamics({ re: new Float64Array([0.5]), im: new Float64Array(1) }, { re: new Float64Array([2]), im: new Float64Array(1) }, [0, 1, 2], 1).re.data;
 * // ≈ Float64Array [2, 1, 0.5]
 */
export function dynamics(eigs: ComplexArray, amplitudes: ComplexArray, times: ArrayLike<number>, dt: number): ComplexMatrix {
  const r = eigs.re.length;
  const T = times.length;
  const w = omega(eigs, dt);
  const re = new Float64Array(r * T);
  const im = new Float64Array(r * T);
  for (let j = 0; j < r; j++) {
    const br = amplitudes.re[j]!;
    const bi = amplitudes.im[j]!;
    const zero = eigs.re[j] === 0 && eigs.im[j] === 0;
    for (let k = 0; k < T; k++) {
      const t = times[k]!;
      let er: number;
      let ei: number;
      if (zero) {
        er = Math.abs(t) <= TIME_SLACK * dt ? 1 : t > 0 ? 0 : Number.POSITIVE_INFINITY;
        ei = 0;
      } else {
        const mag = Math.exp(w.re[j]! * t);
        const ph = w.im[j]! * t;
        er = mag * Math.cos(ph);
        ei = mag * Math.sin(ph);
      }
      re[j * T + k] = br * er - bi * ei;
      im[j * T + k] = br * ei + bi * er;
    }
  }
  return { re: { data: re, rows: r, cols: T, layout: 'row-major' }, im: { data: im, rows: r, cols: T, layout: 'row-major' } };
}

/** The stacked reconstruction Φ·dynamics at one time, rows [from, to) of Φ only. */
function stackedAt(out: DmdOutput, info: DmdModelInfo, t: number, from: number, to: number, re: Float64Array, im: Float64Array): void {
  const dyn = dynamics(out.eigs, out.amplitudes, [t], info.dt);
  const Phi = out.modes;
  const r = Phi.re.cols;
  for (let i = from; i < to; i++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < r; j++) {
      const pr = entryOf(Phi.re, i, j);
      const pi = entryOf(Phi.im, i, j);
      const dr = dyn.re.data[j]!;
      const di = dyn.im.data[j]!;
      sr += pr * dr - pi * di;
      si += pr * di + pi * dr;
    }
    re[i - from] += sr;
    im[i - from] += si;
  }
}

function entryOf(M: Matrix, i: number, j: number): number {
  return M.data[M.layout === 'row-major' ? i * M.cols + j : i + j * M.rows]!;
}

/**
 * The reconstructed (undelayed) state at time t of the fitted sequence (n entries): with delays,
 * the mean over l ∈ L(t) of block l of the stacked reconstruction at t − l·dt, where
 * L(t) = {l : 0 ≤ t − l·dt ≤ (m_H − 1)·dt} (the copies inside the fitted window), else
 * {l : t − l·dt ≥ 0}, else {0}.
 */
function stateAt(out: DmdOutput, info: DmdModelInfo, t: number, sequenceLength: number): { re: Float64Array; im: Float64Array } {
  const n = info.rows;
  const d = info.delays;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  if (d === 1) {
    stackedAt(out, info, t, 0, n, re, im);
    return { re, im };
  }
  const dt = info.dt;
  const slack = TIME_SLACK * dt;
  const mH = sequenceLength - d + 1;
  let L: number[] = [];
  for (let l = 0; l < d; l++) {
    const s = t - l * dt;
    if (s >= -slack && s <= (mH - 1) * dt + slack) L.push(l);
  }
  if (L.length === 0) for (let l = 0; l < d; l++) if (t - l * dt >= -slack) L.push(l);
  if (L.length === 0) L = [0];
  for (const l of L) stackedAt(out, info, t - l * dt, l * n, (l + 1) * n, re, im);
  for (let i = 0; i < n; i++) {
    re[i] /= L.length;
    im[i] /= L.length;
  }
  return { re, im };
}

/**
 * Φ·dynamics(times) as snapshots (n × T, row-major): the real part (a Matrix) for real input,
 * else a ComplexMatrix. Default times: 0, dt, …, (m − 1)·dt. With `increments`, the snapshots are
 * X[:, 0] plus the cumulative sums of the reconstructed differences, so every time must be k·dt
 * (k ≥ 0, within 1e-9·dt); throws ERR_RANDLA_INVALID_ARGUMENT naming `times` otherwise.
 *
 * @example
 * // one mode λ = 0.5, Φ = [1], b = 2, dt = 1
 * const out = { eigs: { re: new Float64Array([0.5]), im: new Float64Array(1) }, amplitudes: { re: new Float64Array([2]), im: new Float64Array(1) },
 *   modes: { re: { data: new Float64Array([1]), rows: 1, cols: 1, layout: 'row-major' as const }, im: { data: new Float64Array(1), rows: 1, cols: 1, layout: 'row-major' as const } },
 *   singularValues: new Float64Array([1]), rank: 1, residuals: new Float64Array(1) };
 * (reconstruct(out, { dt: 1, snapshots: 3, rows: 1, delays: 1, increments: false, isReal: true }) as Matrix).data;
 * // ≈ Float64Array [2, 1, 0.5]
 */
export function reconstruct(out: DmdOutput, info: DmdModelInfo, times?: ArrayLike<number>): Matrix<Float64Array> | ComplexMatrix {
  const dt = info.dt;
  const ts = times ?? Array.from({ length: info.snapshots }, (_, k) => k * dt);
  const n = info.rows;
  const T = ts.length;
  const re = new Float64Array(n * T);
  const im = new Float64Array(n * T);
  if (info.increments) {
    const first = info.firstSnapshot;
    if (!first) throw invalid('info.firstSnapshot', 'X[:, 0] for a fit with increments', first);
    const steps = Array.from(ts, (t) => {
      const k = Math.round(t / dt);
      if (!(k >= 0 && Math.abs(t - k * dt) <= TIME_SLACK * dt)) throw invalid('times', 'integer multiples k·dt (k >= 0) with increments', t);
      return k;
    });
    const K = steps.reduce((a, b) => Math.max(a, b), 0);
    // x_k = x_0 + Σ_{i<k} D̂(i·dt); the difference sequence has m − 1 entries.
    const cumRe: Float64Array[] = [Float64Array.from(first.re)];
    const cumIm: Float64Array[] = [Float64Array.from(first.im)];
    for (let k = 1; k <= K; k++) {
      const dk = stateAt(out, info, (k - 1) * dt, info.snapshots - 1);
      const pr = cumRe[k - 1]!;
      const pi = cumIm[k - 1]!;
      const nr = new Float64Array(n);
      const ni = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        // real input: only the real part of each difference is accumulated
        nr[i] = pr[i]! + dk.re[i]!;
        ni[i] = info.isReal ? 0 : pi[i]! + dk.im[i]!;
      }
      cumRe.push(nr);
      cumIm.push(ni);
    }
    steps.forEach((k, c) => {
      for (let i = 0; i < n; i++) {
        re[i * T + c] = cumRe[k]![i]!;
        im[i * T + c] = cumIm[k]![i]!;
      }
    });
  } else {
    for (let c = 0; c < T; c++) {
      const s = stateAt(out, info, ts[c]!, info.snapshots);
      for (let i = 0; i < n; i++) {
        re[i * T + c] = s.re[i]!;
        im[i * T + c] = s.im[i]!;
      }
    }
  }
  if (info.isReal) return { data: re, rows: n, cols: T, layout: 'row-major' };
  return { re: { data: re, rows: n, cols: T, layout: 'row-major' }, im: { data: im, rows: n, cols: T, layout: 'row-major' } };
}

/**
 * The `steps` snapshots after the last input one: reconstruct at m·dt, …, (m + steps − 1)·dt.
 *
 * @example
 * // with `out` and `info` as in reconstruct's example (m = 3): the value at t = 3 is 2·0.5³
 * // (predict(out, info, 1) as Matrix).data; // ≈ Float64Array [0.25]
 */
export function predict(out: DmdOutput, info: DmdModelInfo, steps: number): Matrix<Float64Array> | ComplexMatrix {
  if (!(Number.isInteger(steps) && steps >= 1)) throw invalid('steps', 'an integer >= 1', steps);
  const m = info.snapshots;
  return reconstruct(out, info, Array.from({ length: steps }, (_, k) => (m + k) * info.dt));
}

/** A backend's DmdOutput with its time semantics: what dmd() hands its caller. */
export interface DmdModel {
  readonly output: DmdOutput;
  readonly info: DmdModelInfo;
  omega(): ComplexArray;
  frequency(): Float64Array;
  growthRate(): Float64Array;
  dynamics(times: ArrayLike<number>): ComplexMatrix;
  reconstruct(times?: ArrayLike<number>): Matrix<Float64Array> | ComplexMatrix;
  predict(steps: number): Matrix<Float64Array> | ComplexMatrix;
}

/**
 * The model of a backend's output (pure: nothing is cached or mutated).
 *
 * @example
 * // const model = dmdModel(output, dmdModelInfo(request)); model.predict(10);
 */
export function dmdModel(output: DmdOutput, info: DmdModelInfo): DmdModel {
  return {
    output,
    info,
    omega: () => omega(output.eigs, info.dt),
    frequency: () => frequency(output.eigs, info.dt),
    growthRate: () => growthRate(output.eigs, info.dt),
    dynamics: (times) => dynamics(output.eigs, output.amplitudes, times, info.dt),
    reconstruct: (times) => reconstruct(output, info, times),
    predict: (steps) => predict(output, info, steps),
  };
}
