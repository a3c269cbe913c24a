// Koopman analysis of training, Koopman training and layer compression
// (docs/algorithms/koopman.md) on every backend, against analytic truth: gradient descent on a
// quadratic is the affine map w ↦ (I − ηH)·w + ηH·w*, whose increments have the eigenvalues
// 1 − ηhᵢ and whose trajectory is known in closed form; SGD on linear regression; constructed
// converging / oscillating / diverging / stalled trajectories; rank-r matrices.
import { describe, expect, it } from 'vitest';

import {
  compressDense,
  compressDenseSync,
  dmdSync,
  KoopmanMonitor,
  koopmanPredict,
  koopmanPredictSync,
  matrix,
  type DenseLayerWeights,
  type Matrix,
} from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { rejects } from './helpers/errors.js';
import { lcg01 as lcg } from './helpers/spectrum.js';
import { expectAllClose, expectAtMost, koopman as tol } from './helpers/tolerance.js';

/** Gradient descent on ½(w − w*)ᵀ·diag(h)·(w − w*): w_{k+1} = w_k − η·h∘(w_k − w*). */
function quadraticDescent(h: number[], eta: number, steps: number, w0?: number[]): Float64Array[] {
  const n = h.length;
  const star = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.1 * i);
  let w = Float64Array.from(w0 ?? Array.from({ length: n }, (_, i) => Math.sin(1 + i)));
  const out: Float64Array[] = [];
  for (let k = 0; k < steps; k++) {
    out.push(w);
    w = w.map((v, i) => v - eta * h[i]! * (v - star[i]!));
  }
  return out;
}

function sortedRe(eigs: { re: Float64Array }): Float64Array {
  return Float64Array.from(eigs.re).sort();
}

describe.each(BACKENDS)('Koopman tooling on $name', ({ name: backend, available }) => {
  it.skipIf(!available)('monitor on gradient descent: eigenvalues 1 − ηhᵢ, the affine 1, and the true trajectory ahead', async () => {
    const h = [1, 2, 3, 4, 5, 6];
    const eta = 0.1;
    const path = quadraticDescent(h, eta, 40);
    const monitor = new KoopmanMonitor({ window: 20, rank: -1, backend });
    for (const w of path.slice(0, 20)) monitor.record(w);
    expect(monitor.records).toBe(20);
    const truth = Float64Array.from(h.map((x) => 1 - eta * x)).sort();
    expectAllClose(sortedRe(monitor.spectrumSync().eigs), truth, tol.gdEigs, 'increments: 1 − ηh');
    const affine = new KoopmanMonitor({ window: 20, rank: -1, mode: 'affine', backend });
    for (const w of path.slice(0, 20)) affine.record(w);
    expectAllClose(sortedRe((await affine.spectrum()).eigs), Float64Array.from([...truth, 1]).sort(), tol.gdEigs, 'affine: 1 − ηh and 1');
    // The prediction continues the closed-form trajectory.
    for (const m of [monitor, affine]) {
      const ahead = (await m.predict(20)) as Float64Array[];
      expect(ahead).toHaveLength(20);
      ahead.forEach((w, s) => expectAllClose(w, path[20 + s]!, tol.gdTrajectory, `${m.mode}: step ${s + 1}`));
    }
    // The window rolls: after 10 more records, records 10 … 29 are fitted (still the same map).
    for (const w of path.slice(20, 30)) monitor.record(w);
    expectAllClose(sortedRe(monitor.spectrumSync().eigs), truth, tol.gdEigsLate, 'after the window rolled');
  });

  it.skipIf(!available)('convergence verdicts: converging, oscillating, diverging, stalled', async () => {
    const h = [1, 1.5, 2, 2.5];
    const verdict = async (eta: number) => {
      const m = new KoopmanMonitor({ window: 16, rank: -1, backend });
      for (const w of quadraticDescent(h, eta, 16)) m.record(w);
      return m.convergence();
    };
    const slow = await verdict(0.003); // λ ∈ [0.9925, 0.997]: a slow, converging cluster near 1
    expect(slow.verdict).toBe('converging');
    expect(slow.spectralRadius).toBeLessThan(1);
    expect(slow.massNearOne).toBeGreaterThan(0.5);
    const swing = await verdict(0.6); // 1 − 0.6h ∈ [−0.5, 0.4]: the stiff modes alternate
    expect(swing.verdict).toBe('oscillating');
    const blowup = await verdict(1.0); // 1 − h reaches −1.5: |λ| > 1
    expect(blowup.verdict).toBe('diverging');
    expect(blowup.spectralRadius).toBeGreaterThan(1);
    const still = new KoopmanMonitor({ backend });
    for (let k = 0; k < 6; k++) still.record(Float64Array.of(1, 2, 3));
    expect((still.convergenceSync()).verdict).toBe('stalled');
  });

  it.skipIf(!available)('records layers and named maps, keeps f32, rejects another structure and NaN', async () => {
    const m = new KoopmanMonitor({ window: 8, rank: -1, backend });
    const path = quadraticDescent([1, 2, 3, 4], 0.1, 10);
    for (const w of path.slice(0, 8)) m.record({ w: Float32Array.from(w.subarray(0, 3)), b: Float32Array.from(w.subarray(3)) });
    const [next] = m.predictSync(1) as Record<string, Float32Array>[];
    expect(next!.w).toBeInstanceOf(Float32Array);
    expect(next!.w.length).toBe(3);
    expect(next!.b.length).toBe(1);
    await rejects(() => m.record({ w: new Float32Array(3) }), 'ERR_RANDLA_SHAPE', 'weights');
    // The window is full: a rejected record (NaN in its last part) must not touch the oldest record.
    const before = m.spectrumSync().eigs;
    await rejects(() => m.record({ w: Float32Array.of(9, 9, 9), b: Float32Array.of(NaN) }), 'ERR_RANDLA_NOT_FINITE', 'weights');
    expectAllClose(m.spectrumSync().eigs.re, before.re, 0, 'the spectrum after a rejected record');
    await rejects(() => new KoopmanMonitor({ window: 2 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.window');
    const gone = new ArrayBuffer(16);
    const detached = new Float64Array(gone);
    structuredClone(gone, { transfer: [gone] });
    await rejects(() => new KoopmanMonitor().record(detached), 'ERR_RANDLA_INVALID_ARGUMENT', 'weights');
    // A rejected first record does not fix the structure.
    const fresh = new KoopmanMonitor({ backend });
    await rejects(() => fresh.record(Float64Array.of(1, NaN)), 'ERR_RANDLA_NOT_FINITE', 'weights');
    fresh.record(Float64Array.of(1, 2, 3));
    expect(fresh.size).toBe(3);
    const few = new KoopmanMonitor({ backend });
    few.record(Float64Array.of(1, 2));
    await rejects(() => few.spectrumSync(), 'ERR_RANDLA_INVALID_ARGUMENT', 'records');
  });

  it.skipIf(!available)('node Koopman on SGD linear regression: 20 steps ahead beats the start and is within 10 % of training', async () => {
    // y = X·w* + b* + 0.1·noise, 512 samples, 8 features; minibatch SGD, batch 64, η = 0.05.
    const rand = lcg(7);
    const d = 8;
    const N = 512;
    const X = Array.from({ length: N }, () => Array.from({ length: d }, () => 2 * rand() - 1));
    const wStar = Array.from({ length: d }, (_, j) => Math.cos(j));
    const y = X.map((x) => x.reduce((s, v, j) => s + v * wStar[j]!, 0.3) + 0.1 * (2 * rand() - 1));
    const loss = (w: ArrayLike<number>, b: number) => X.reduce((s, x, i) => s + (x.reduce((t, v, j) => t + v * w[j]!, b) - y[i]!) ** 2, 0) / N;
    let w = new Float64Array(d);
    let b = 0;
    const eta = 0.05;
    const snapshots: DenseLayerWeights[][] = [];
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      if (step < 20) snapshots.push([{ kernel: Float64Array.from(w), bias: Float64Array.of(b), shape: [1, d] }]);
      losses.push(loss(w, b));
      const gw = new Float64Array(d);
      let gb = 0;
      for (let k = 0; k < 64; k++) {
        const i = Math.floor(rand() * N);
        const r = X[i]!.reduce((t, v, j) => t + v * w[j]!, b) - y[i]!;
        for (let j = 0; j < d; j++) gw[j] = gw[j]! + (2 * r * X[i]![j]!) / 64;
        gb += (2 * r) / 64;
      }
      w = w.map((v, j) => v - eta * gw[j]!);
      b -= eta * gb;
    }
    // The defaults: node grouping, the affine fit, every singular value.
    const [layer] = await koopmanPredict(snapshots, { steps: 20, backend });
    const predicted = loss(layer!.kernel, layer!.bias![0]!);
    const start = losses[19]!;
    const trained = losses[39]!;
    expect(predicted, `predicted loss ${predicted} vs the start ${start}`).toBeLessThan(start);
    expectAtMost(Math.abs(predicted - trained) / trained, tol.sgdLossShare, `|predicted − trained|/trained (predicted ${predicted}, trained ${trained})`);
  });

  it.skipIf(!available)('groupings agree with the equivalent explicit dmd calls', async () => {
    // Two layers of a tiny network descending a quadratic in every weight, with per-weight rates.
    const T = 12;
    const shapes: [number, number][] = [[3, 4], [2, 3]];
    const rates = (l: number, e: number) => 0.05 + 0.03 * ((e * 7 + l * 3) % 5);
    const snapshots: DenseLayerWeights[][] = Array.from({ length: T }, (_, t) =>
      shapes.map(([out, inputs], l) => ({
        kernel: Float64Array.from({ length: out * inputs }, (_, e) => 0.3 * Math.cos(e + l) + Math.sin(e * e + 1) * (1 - rates(l, e)) ** t),
        bias: Float64Array.from({ length: out }, (_, o) => 0.1 * o + Math.cos(o + 2 * l) * (1 - rates(l, 100 + o)) ** t),
        shape: [out, inputs],
      })),
    );
    const steps = 5;
    // 'linear' mode: the prediction is Re Σ φ·b·λ^(T−1+s), dmd's own predict().
    const nodeLinear = koopmanPredictSync(snapshots, { steps, grouping: 'node', mode: 'linear', rank: -1, backend });
    for (let l = 0; l < 2; l++) {
      const [out, inputs] = shapes[l]!;
      for (let o = 0; o < out; o++) {
        const data = new Float64Array((inputs + 1) * T);
        for (let t = 0; t < T; t++) {
          for (let j = 0; j < inputs; j++) data[t * (inputs + 1) + j] = snapshots[t]![l]!.kernel[o * inputs + j]!;
          data[t * (inputs + 1) + inputs] = snapshots[t]![l]!.bias![o]!;
        }
        const fit = dmdSync({ data, rows: inputs + 1, cols: T, layout: 'col-major' }, { rank: -1, backend });
        const p = fit.predict(steps) as Matrix<Float64Array>;
        const expected = Float64Array.from({ length: inputs + 1 }, (_, i) => p.data[i * steps + steps - 1]!);
        const got = Float64Array.from([...nodeLinear[l]!.kernel.subarray(o * inputs, (o + 1) * inputs), nodeLinear[l]!.bias![o]!]);
        expectAllClose(got, expected, tol.groupingAgree, `layer ${l}, node ${o}: node grouping = dmd of the node`);
      }
    }
    // chunk ≥ in + 1 is the node grouping; chunk 1 is 'single' (closed form = dmd of a 1 × T row).
    for (const mode of ['increments', 'linear', 'affine'] as const) {
      const node = koopmanPredictSync(snapshots, { steps, grouping: 'node', mode, rank: -1, backend });
      const wide = koopmanPredictSync(snapshots, { steps, grouping: { chunk: 10 }, mode, rank: -1, backend });
      const single = koopmanPredictSync(snapshots, { steps, grouping: 'single', mode, backend });
      const ones = koopmanPredictSync(snapshots, { steps, grouping: { chunk: 1 }, mode, rank: -1, backend });
      for (let l = 0; l < 2; l++) {
        expectAllClose(wide[l]!.kernel, node[l]!.kernel, tol.groupingAgree, `${mode}: chunk ≥ in + 1 = node (kernel ${l})`);
        expectAllClose(ones[l]!.kernel, single[l]!.kernel, tol.groupingAgree, `${mode}: chunk 1 = single (kernel ${l})`);
        expectAllClose(ones[l]!.bias!, single[l]!.bias!, tol.groupingAgree, `${mode}: chunk 1 = single (bias ${l})`);
      }
    }
    // 'in-out' layout: the transposed kernels give the transposed prediction.
    const transposed = snapshots.map((snap) =>
      snap.map((layer) => {
        const [out, inputs] = layer.shape;
        return { ...layer, kernel: Float64Array.from({ length: out * inputs }, (_, e) => layer.kernel[(e % out) * inputs + Math.floor(e / out)]!) };
      }),
    );
    const a = koopmanPredictSync(snapshots, { steps, backend, rank: -1 });
    const t = koopmanPredictSync(transposed, { steps, backend, rank: -1, layout: 'in-out' });
    const [out, inputs] = shapes[0]!;
    expectAllClose(Float64Array.from({ length: out * inputs }, (_, e) => t[0]!.kernel[(e % inputs) * out + Math.floor(e / inputs)]!), a[0]!.kernel, tol.groupingAgree, 'in-out = out-in');
    await rejects(() => koopmanPredictSync(snapshots.slice(0, 2), { steps, backend }), 'ERR_RANDLA_SHAPE', 'snapshots');
    await rejects(() => koopmanPredictSync(snapshots, { steps, grouping: 'rows' as never, backend }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.grouping');
  });

  it.skipIf(!available)('a node with a weight that does not move (rank-deficient in affine mode) is predicted, default rank', async () => {
    // One node: a constant weight, two weights and a bias relaxing by 1/2 per snapshot. In affine
    // mode the constant's row equals the row of ones, so the group's snapshots are exactly
    // rank-deficient; the default rank (−1, every σ above rounding) still fits the affine map.
    const T = 8, steps = 5;
    const at = (t: number) => [{ kernel: Float64Array.of(1, 2 + 0.5 ** t, -1 + 3 * 0.5 ** t), bias: Float64Array.of(0.5 + 0.5 ** t), shape: [1, 3] as [number, number] }];
    const snapshots = Array.from({ length: T }, (_, t) => at(t));
    const [predicted] = await koopmanPredict(snapshots, { steps, backend });
    const [truth] = at(T - 1 + steps);
    expectAllClose(predicted!.kernel, truth!.kernel, tol.gdTrajectory, 'kernel, 5 steps ahead');
    expectAllClose(predicted!.bias!, truth!.bias!, tol.gdTrajectory, 'bias, 5 steps ahead');
  });

  it.skipIf(!available)('a prediction past float32 range keeps the last weights; float64 layers keep the prediction', async () => {
    // Layer 0 grows ×10 per snapshot: 40 steps ahead is ~1e45, finite in float64, not in float32.
    // Layer 1 halves its distance to 1 per snapshot: predicted as usual.
    const make = (F: Float32ArrayConstructor | Float64ArrayConstructor) =>
      Array.from({ length: 6 }, (_, t) => [
        { kernel: F.of(10 ** t, -0.5 * 10 ** t), shape: [1, 2] as [number, number] },
        { kernel: F.of(1 - 0.5 ** t), bias: F.of(2 + 0.5 ** t), shape: [1, 1] as [number, number] },
      ]);
    for (const grouping of ['node', 'single'] as const) {
      const f32 = await koopmanPredict(make(Float32Array), { steps: 40, grouping, backend });
      expectAllClose(f32[0]!.kernel, Float32Array.of(1e5, -5e4), 0, `${grouping}: float32 overflow keeps the last weights`);
      expectAllClose(f32[1]!.kernel, [1], 1e-6, `${grouping}: the converging layer is still predicted`);
      const f64 = koopmanPredictSync(make(Float64Array), { steps: 40, grouping, backend });
      expectAllClose([f64[0]!.kernel[0]! / 1e45], [1], 1e-6, `${grouping}: float64 keeps the (finite) prediction`);
    }
  });

  it.skipIf(!available)('compressDense: a rank-r matrix exactly, tol respected, parameters, the bootstrap estimate', async () => {
    const out = 120;
    const inputs = 80;
    const r = 6;
    const rand = lcg(3);
    const L = Array.from({ length: out * r }, () => rand() - 0.5);
    const R = Array.from({ length: r * inputs }, () => rand() - 0.5);
    const W = matrix(Float64Array.from({ length: out * inputs }, (_, e) => {
      const i = Math.floor(e / inputs);
      const j = e % inputs;
      let v = 0;
      for (let k = 0; k < r; k++) v += L[i * r + k]! * R[k * inputs + j]!;
      return v;
    }), out, inputs);
    const exact = await compressDense(W, { rank: r, seed: 1, backend });
    expect([exact.A.rows, exact.A.cols, exact.B.rows, exact.B.cols]).toEqual([out, r, r, inputs]);
    expectAtMost(exact.relativeError, tol.compressExact, 'rank-r matrix, rank r: exact');
    expect(exact.parameters).toEqual({ before: out * inputs, after: r * (out + inputs), saved: 1 - (r * (out + inputs)) / (out * inputs) });
    // A noisy, slowly decaying matrix: tol picks a rank whose true error meets it.
    const noisy = matrix(Float64Array.from({ length: out * inputs }, (_, e) => W.data[e]! + 0.01 * (rand() - 0.5) / (1 + (e % 7))), out, inputs);
    for (const t of [0.5, 0.1, 0.01]) {
      const c = compressDenseSync(noisy, { tol: t, seed: 2, backend });
      expectAtMost(c.relativeError, t, `tol ${t}: relative error (rank ${c.rank})`);
    }
    const withConfidence = await compressDense(noisy, { rank: r, confidence: 0.9, seed: 3, backend });
    expect(withConfidence.confidence!.level).toBe(0.9);
    expect(Number.isFinite(withConfidence.confidence!.valueError) && withConfidence.confidence!.valueError >= 0).toBe(true);
    await rejects(() => compressDenseSync(W, {}), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank');
    await rejects(() => compressDenseSync(W, { rank: 2, confidence: 1 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.confidence');
    await rejects(() => compressDenseSync(W, { rank: 0 }), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank');
    const nan = Float64Array.from(W.data);
    nan[5] = NaN;
    await rejects(() => compressDenseSync(matrix(nan, out, inputs), { rank: 2 }), 'ERR_RANDLA_NOT_FINITE', 'W');
    expect(Number.isNaN(nan[5])).toBe(true);
  });
});
