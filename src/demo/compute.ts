// The computations of `npm run demo` (docs/demo.md): each returns its numbers and the inputs of
// its figures. Everything is generated and seeded, so the demo repeats exactly and needs no data.
import { performance } from 'node:perf_hooks';

import { bootstrapSvdError, sketchedSvd, type BootstrapSvdResult } from '../bootstrap.js';
import { dmd, type DmdResult } from '../dmd.js';
import { turbulenceField, vortexStreetField } from '../flow/fields.js';
import { KoopmanMonitor, koopmanPredict, type ConvergenceReport, type DenseLayerWeights } from '../koopman.js';
import { nystrom, type NystromResult } from '../nystrom.js';
import { rsvd } from '../rsvd.js';
import type { Matrix } from '../types.js';
import { vorticalNetwork, type VorticalNetwork } from '../vortical.js';

/** A seeded LCG in [−0.5, 0.5). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await f();
  return [value, performance.now() - t0];
}

// --- 1. The vortical network of a turbulence field: uniform vs quasi-uniform column sampling ---

export interface FlowDemo {
  grid: [number, number];
  network: VorticalNetwork;
  runs: { sampling: 'uniform' | 'quasi-uniform'; result: NystromResult; ms: number }[];
  fieldMs: number;
}

export async function flowNetworkDemo(): Promise<FlowDemo> {
  const [field, fieldMs] = await timed(async () => turbulenceField({ n: 128, seed: 1 }));
  const network = vorticalNetwork(field, { relativeThreshold: 0.1 });
  const runs: FlowDemo['runs'] = [];
  for (const sampling of ['uniform', 'quasi-uniform'] as const) {
    const [result, ms] = await timed(() => nystrom(network, { rank: 6, columns: 300, sampling, seed: 1 }));
    runs.push({ sampling, result, ms });
  }
  return { grid: [field.vorticity.rows, field.vorticity.cols], network, runs, fieldMs };
}

// --- 2. Randomized SVD with bootstrap error bars ---

export interface SvdDemo {
  shape: [number, number];
  rank: number;
  /** The leading singular values from a converged randomized SVD. */
  truth: Float64Array;
  rsvd: { S: Float64Array; ms: number };
  bootstrap: BootstrapSvdResult;
  bootstrapMs: number;
  /**
   * The estimate at other sketch sizes (extrapolated from sketchRows) and what it estimates: the
   * 90 % quantile of the actual max |σ̃ − σ| over 20 sketches of each size.
   */
  curve: { sketchRows: number; valueError: number; actual: number }[];
  tolerance: number;
  rowsFor: number;
}

/**
 * m × n: G·diag(σ)·Qᵀ with σᵢ = 1/i, G Gaussian/√m (nearly orthonormal columns, every row carries
 * energy, so uniform row sampling is fair) and Q = I − 2qqᵀ. Its exact singular values are close
 * to σ but not equal: the demo's truth is a converged randomized SVD.
 */
function decayingMatrix(m: number, n: number, seed: number): Matrix<Float64Array> {
  const u = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(u() + 0.5 + 2 ** -54)) * Math.cos(2 * Math.PI * (u() + 0.5));
  const q = Float64Array.from({ length: n }, u);
  const nq = Math.hypot(...q);
  q.forEach((v, i) => (q[i] = v / nq));
  const data = new Float64Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    // row = (g ∘ σ)·(I − 2qqᵀ)
    let dot = 0;
    for (let j = 0; j < n; j++) {
      row[j] = (gauss() / Math.sqrt(m)) / (j + 1);
      dot += row[j]! * q[j]!;
    }
    for (let j = 0; j < n; j++) data[i * n + j] = row[j]! - 2 * dot * q[j]!;
  }
  return { data, rows: m, cols: n, layout: 'row-major' };
}

export async function svdDemo(): Promise<SvdDemo> {
  const m = 20000;
  const n = 200;
  const rank = 10;
  const A = decayingMatrix(m, n, 3);
  const [r, rsvdMs] = await timed(() => rsvd(A, { rank, seed: 1 }));
  // The truth: far more oversampling and power iterations than the demo's call (converged to ~1e-12).
  const exact = await rsvd(A, { rank, oversamples: 60, powerIters: 8, seed: 9 });
  const [bootstrap, bootstrapMs] = await timed(() => bootstrapSvdError(A, { rank, sketchRows: 800, replicates: 50, seed: 2 }));
  const tolerance = 0.01;
  const curve: SvdDemo['curve'] = [];
  for (const t of [200, 400, 800, 1600, 3200, 6400]) {
    const errors: number[] = [];
    for (let draw = 0; draw < 20; draw++) {
      const sketch = await sketchedSvd(A, { rank, sketchRows: t, seed: 1000 * t + draw });
      errors.push(Math.max(...Array.from(sketch.S, (v, j) => Math.abs(v - exact.S[j]!))));
    }
    errors.sort((a, b) => a - b);
    // The (1 − α) = 90 % quantile of 20 draws: the 18th smallest.
    curve.push({ sketchRows: t, valueError: bootstrap.extrapolate(t).valueError, actual: errors[17]! });
  }
  return {
    shape: [m, n],
    rank,
    truth: exact.S,
    rsvd: { S: r.S, ms: rsvdMs },
    bootstrap,
    bootstrapMs,
    curve,
    tolerance,
    rowsFor: bootstrap.rowsFor(tolerance),
  };
}

// --- 3. DMD of a flow: a vortex street travelling downstream ---

export interface DmdDemo {
  grid: [number, number];
  snapshots: number;
  dt: number;
  result: DmdResult;
  ms: number;
  /** The street moves one spacing a in `period` time units: frequencies k/period. */
  period: number;
}

export async function dmdDemo(): Promise<DmdDemo> {
  const nx = 96;
  const ny = 32;
  const snapshots = 48;
  const dt = 0.05;
  const speed = 1; // a = 1 per unit time: the pattern repeats with period 1
  const columns: Float64Array[] = [];
  for (let k = 0; k < snapshots; k++) {
    // The street seen through a fixed window: it moves one spacing per period, so the sequence repeats exactly.
    const f = vortexStreetField({ nx, ny, lx: 6, ly: 2, offset: 0.5 + ((speed * dt * k) % 1) });
    columns.push(f.vorticity.data);
  }
  // Snapshots as columns: (nx·ny) × m, row-major.
  const n = nx * ny;
  const data = new Float64Array(n * snapshots);
  columns.forEach((c, k) => {
    for (let i = 0; i < n; i++) data[i * snapshots + k] = c[i]!;
  });
  // Rank 20: a period of 20 snapshots holds 20 distinct harmonics. (The optimal hard threshold
  // keeps a 21st, rounding-level mode here: the data are exactly rank 20, so the median singular
  // value it scales is itself rounding noise.)
  const [result, ms] = await timed(() => dmd({ data, rows: n, cols: snapshots, layout: 'row-major' }, { rank: 20, dt }));
  return { grid: [ny, nx], snapshots, dt, result, ms, period: 1 / speed };
}

// --- 4. The Koopman monitor on a training run: logistic regression by minibatch SGD ---

export interface TrainingDemo {
  weights: number;
  epochs: number;
  losses: number[];
  history: { epoch: number; verdict: ConvergenceReport['verdict']; eigs: ConvergenceReport['eigs']; spectralRadius: number }[];
  jump: { from: number; steps: number; loss: number; trainedLoss: number; ms: number; epochMs: number };
}

export async function trainingDemo(): Promise<TrainingDemo> {
  const u = lcg(11);
  const samples = 2000;
  const features = 20;
  const classes = 3;
  const X = Float64Array.from({ length: samples * features }, () => 2 * u());
  const truth = Float64Array.from({ length: classes * features }, () => 4 * u());
  const labels = Int32Array.from({ length: samples }, (_, s) => {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = 0.5 * u();
      for (let j = 0; j < features; j++) score += truth[c * features + j]! * X[s * features + j]!;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    return best;
  });
  // Softmax regression: W (classes × features, PyTorch layout) and b.
  const W = new Float64Array(classes * features);
  const b = new Float64Array(classes);
  const probabilities = (s: number, out: Float64Array) => {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      let z = b[c]!;
      for (let j = 0; j < features; j++) z += W[c * features + j]! * X[s * features + j]!;
      out[c] = z;
      max = Math.max(max, z);
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < classes; c++) out[c]! /= sum;
  };
  const loss = () => {
    const p = new Float64Array(classes);
    let l = 0;
    for (let s = 0; s < samples; s++) {
      probabilities(s, p);
      l -= Math.log(Math.max(p[labels[s]!]!, 1e-300));
    }
    return l / samples;
  };
  const batch = 100;
  const rate = 0.5;
  const epoch = (e: number) => {
    const order = Int32Array.from({ length: samples }, (_, i) => i);
    const r = lcg(1000 + e);
    for (let i = samples - 1; i > 0; i--) {
      const j = Math.floor((r() + 0.5) * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const p = new Float64Array(classes);
    const gW = new Float64Array(classes * features);
    const gb = new Float64Array(classes);
    for (let start = 0; start < samples; start += batch) {
      gW.fill(0);
      gb.fill(0);
      for (let k = start; k < start + batch; k++) {
        const s = order[k]!;
        probabilities(s, p);
        for (let c = 0; c < classes; c++) {
          const g = p[c]! - (labels[s] === c ? 1 : 0);
          gb[c] += g / batch;
          for (let j = 0; j < features; j++) gW[c * features + j] += (g * X[s * features + j]!) / batch;
        }
      }
      for (let i = 0; i < W.length; i++) W[i] -= rate * gW[i]!;
      for (let c = 0; c < classes; c++) b[c] -= rate * gb[c]!;
    }
  };
  const snapshot = (): DenseLayerWeights[] => [{ kernel: Float64Array.from(W), bias: Float64Array.from(b), shape: [classes, features] }];

  const epochs = 60;
  const from = 30;
  const steps = 20;
  const monitor = new KoopmanMonitor({ window: 10 });
  const losses = [loss()];
  const history: TrainingDemo['history'] = [];
  const snapshots: DenseLayerWeights[][] = [snapshot()];
  monitor.record({ W, b });
  let epochMs = 0;
  let trainedLoss = NaN;
  for (let e = 1; e <= epochs; e++) {
    const t0 = performance.now();
    epoch(e);
    epochMs += performance.now() - t0;
    monitor.record({ W, b });
    losses.push(loss());
    if (e <= from) snapshots.push(snapshot());
    if (e === from + steps) trainedLoss = losses[e]!;
    if (monitor.records >= 4) {
      const c = await monitor.convergence();
      history.push({ epoch: e, verdict: c.verdict, eigs: c.eigs, spectralRadius: c.spectralRadius });
    }
  }
  // The jump: node Koopman operators on the last 15 snapshots up to epoch `from`.
  const [predicted, ms] = await timed(() => koopmanPredict(snapshots.slice(-15), { steps, rank: 0 }));
  const saved = [Float64Array.from(W), Float64Array.from(b)] as const;
  W.set(predicted[0]!.kernel);
  b.set(predicted[0]!.bias!);
  const jumpLoss = loss();
  W.set(saved[0]);
  b.set(saved[1]);
  return {
    weights: W.length + b.length,
    epochs,
    losses,
    history,
    jump: { from, steps, loss: jumpLoss, trainedLoss, ms, epochMs: epochMs / epochs },
  };
}
