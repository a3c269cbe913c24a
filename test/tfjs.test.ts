// The TensorFlow.js adapter (randla/tfjs) on real TensorFlow.js models (the pure-JS CPU backend):
// reading and writing variables, the model.fit callback, and Koopman prediction written back.
// The truth is gradient descent itself: a linear layer trained full-batch on a least-squares
// loss is the affine map w ↦ (I − ηH)·w + c, so a Koopman fit of its recorded weights must
// predict the weights that further training reaches.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { KoopmanMonitor, koopmanPredict, RandlaError } from '../src/index.js';
import { koopmanAdvance, koopmanCallback, readDenseLayers, readModelWeights, writeModelWeights } from '../src/adapters/tfjs.js';
import { rejects } from './helpers/errors.js';
import { lcg01 as lcg } from './helpers/spectrum.js';
import { expectAllClose, expectAtMost, tfjsAdapter as tol } from './helpers/tolerance.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

/** n samples of a 5-input, 3-output linear map plus small noise: X (n × 5), Y (n × 3). */
function regression(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const u = lcg(seed);
  const xs = Float32Array.from({ length: n * 5 }, () => 2 * u() - 1);
  const W = [
    [1, -2, 0.5],
    [0.3, 0.7, -1],
    [-0.5, 0.2, 0.9],
    [2, 0, -0.3],
    [0.1, -0.4, 0.6],
  ];
  const ys = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < 3; o++) {
      let s = 0.25 * (o + 1);
      for (let j = 0; j < 5; j++) s += xs[i * 5 + j]! * W[j]![o]!;
      ys[i * 3 + o] = s + 0.01 * (u() - 0.5);
    }
  }
  return { x: tf.tensor2d(xs, [n, 5]), y: tf.tensor2d(ys, [n, 3]) };
}

/** A linear model (one Dense layer) or an MLP, compiled with plain SGD and a fixed initialiser. */
function model(kind: 'linear' | 'mlp', seed = 7): tfl.LayersModel {
  const init = () => tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed++ });
  const layers =
    kind === 'linear'
      ? [tfl.layers.dense({ units: 3, inputShape: [5], kernelInitializer: init(), biasInitializer: init() })]
      : [
          tfl.layers.dense({ units: 8, inputShape: [5], activation: 'tanh', kernelInitializer: init(), biasInitializer: init() }),
          tfl.layers.dense({ units: 6, activation: 'tanh', kernelInitializer: init(), useBias: false }),
          tfl.layers.dense({ units: 3, kernelInitializer: init(), biasInitializer: init() }),
        ];
  const m = tfl.sequential({ layers });
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  return m;
}

async function values(v: tfl.LayerVariable): Promise<Float32Array> {
  return Float32Array.from(await v.read().data());
}

/** Full-batch gradient descent, no shuffling: the training map is deterministic (affine for 'linear'). */
const FULL_BATCH = (n: number) => ({ batchSize: n, shuffle: false, verbose: 0 as const });

describe('reading a model', () => {
  it('readModelWeights: every trainable float32 variable by name, copied', async () => {
    const m = model('mlp');
    const w = await readModelWeights(m);
    expect(Object.keys(w)).toEqual(m.weights.map((v) => v.name));
    for (const v of m.weights) expectAllClose(w[v.name]!, await values(v), 0, v.name);
    w[m.weights[0]!.name]![0] = 1234;
    expect((await values(m.weights[0]!))[0]).not.toBe(1234);
  });

  it('readDenseLayers: shape [out, in], TensorFlow.js kernels in layout in-out, optional bias', async () => {
    const m = model('mlp');
    const layers = await readDenseLayers(m);
    expect(layers.map((l) => l.shape)).toEqual([
      [8, 5],
      [6, 8],
      [3, 6],
    ]);
    expect(layers.map((l) => l.bias !== undefined)).toEqual([true, false, true]);
    const kernel = await values(m.layers[1]!.weights[0]!);
    expectAllClose(layers[1]!.kernel, kernel, 0, 'layer 1 kernel');
  });

  it('rejects what is not a built model with a Dense layer', async () => {
    await rejects(readModelWeights({} as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'model');
    await rejects(readDenseLayers({ weights: [], layers: [] }), 'ERR_RANDLA_INVALID_ARGUMENT', 'model');
    await rejects(readModelWeights(model('linear'), { trainable: true } as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.trainable');
  });
});

describe('writeModelWeights', () => {
  it('writes a named map and Dense layers in either layout, leaking no tensor', async () => {
    const m = model('mlp');
    const before = tf.memory().numTensors;
    const named = await readModelWeights(m);
    const shifted = Object.fromEntries(Object.entries(named).map(([k, v]) => [k, Float64Array.from(v, (x) => x + 0.25)]));
    await writeModelWeights(m, shifted);
    for (const v of m.weights) expectAllClose(await values(v), Float32Array.from(shifted[v.name]!), 0, v.name);

    const layers = await readDenseLayers(m);
    const outIn = layers.map((l) => {
      const [out, inputs] = l.shape;
      const k = new Float32Array(out * inputs);
      for (let o = 0; o < out; o++) for (let j = 0; j < inputs; j++) k[o * inputs + j] = -l.kernel[j * out + o]!;
      return { ...l, kernel: k };
    });
    await writeModelWeights(m, outIn, { layout: 'out-in' });
    const back = await readDenseLayers(m);
    back.forEach((l, i) => expectAllClose(l.kernel, Float32Array.from(layers[i]!.kernel, (x) => -x), 0, `layer ${i}`));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks everything before the first write: bad input leaves the model as it was', async () => {
    const m = model('mlp');
    const original = await readModelWeights(m);
    const names = Object.keys(original);
    const good = Float32Array.from(original[names[0]!]!, (x) => x + 1);
    const cases: [unknown, string, string][] = [
      [{ [names[0]!]: good, nope: good }, 'ERR_RANDLA_INVALID_ARGUMENT', 'weights'],
      [{ [names[0]!]: good, [names[1]!]: new Float32Array(3) }, 'ERR_RANDLA_SHAPE', `weights["${names[1]}"]`],
      [{ [names[0]!]: good, [names[1]!]: Float32Array.from(original[names[1]!]!, (x, i) => (i === 2 ? NaN : x)) }, 'ERR_RANDLA_NOT_FINITE', `weights["${names[1]}"]`],
      [{ [names[0]!]: good, [names[1]!]: [1, 2] }, 'ERR_RANDLA_INVALID_ARGUMENT', `weights["${names[1]}"]`],
      // Finite in float64, not in the variable's float32.
      [{ [names[0]!]: good, [names[1]!]: Float64Array.from(original[names[1]!]!, (x, i) => (i === 0 ? 1e300 : x)) }, 'ERR_RANDLA_NOT_FINITE', `weights["${names[1]}"]`],
      [[], 'ERR_RANDLA_SHAPE', 'weights'],
      [null, 'ERR_RANDLA_INVALID_ARGUMENT', 'weights'],
    ];
    for (const [weights, code, argument] of cases) await rejects(writeModelWeights(m, weights as never), code, argument);
    const layers = await readDenseLayers(m);
    layers[0] = { ...layers[0]!, kernel: Float32Array.from(layers[0]!.kernel, (x) => x + 1) };
    await rejects(writeModelWeights(m, [layers[0]!, { ...layers[1]!, shape: [8, 6] }, layers[2]!]), 'ERR_RANDLA_SHAPE', 'weights[1].shape');
    await rejects(writeModelWeights(m, [layers[0]!, { ...layers[1]!, bias: new Float32Array(6) }, layers[2]!]), 'ERR_RANDLA_INVALID_ARGUMENT', 'weights[1].bias');
    const { bias: _dropped, ...noBias } = layers[2]!;
    await rejects(writeModelWeights(m, [layers[0]!, layers[1]!, noBias]), 'ERR_RANDLA_INVALID_ARGUMENT', 'weights[2].bias');
    await rejects(writeModelWeights(m, layers, { layout: 'rows' } as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.layout');
    const after = await readModelWeights(m);
    for (const name of names) expectAllClose(after[name]!, original[name]!, 0, name);
  });

  it('names the missing peer dependency when @tensorflow/tfjs-core cannot be imported', async () => {
    vi.resetModules();
    vi.doMock('@tensorflow/tfjs-core', () => {
      throw new Error('Cannot find package');
    });
    try {
      const adapter = await import('../src/adapters/tfjs.js');
      const variable = { name: 'w', shape: [2], dtype: 'float32', trainable: true, read: () => ({ shape: [2], dtype: 'float32', data: async () => new Float32Array(2) }), write: () => undefined };
      // A fresh module graph: its RandlaError is another class object, so compare by name and code.
      const error = await adapter.writeModelWeights({ weights: [variable], layers: [] }, { w: new Float32Array(2) }).then(
        () => undefined,
        (e: unknown) => e as RandlaError,
      );
      expect(error?.name).toBe('RandlaError');
      expect(error?.code).toBe('ERR_RANDLA_DEPENDENCY_MISSING');
      expect(error?.message).toContain('@tensorflow/tfjs-core');
    } finally {
      vi.doUnmock('@tensorflow/tfjs-core');
      vi.resetModules();
    }
  });
});

describe('koopmanCallback in model.fit', () => {
  it('records the initial weights and every epoch end (or every k-th) into the monitor', async () => {
    const { x, y } = regression(64, 1);
    const m = model('mlp');
    const monitor = new KoopmanMonitor({ window: 8 });
    const seen: number[] = [];
    const callback = koopmanCallback(m, monitor, { keepDense: 3, onRecord: (epoch) => void seen.push(epoch) });
    await m.fit(x, y, { epochs: 5, callbacks: callback, ...FULL_BATCH(64) });
    expect(callback.recordedEpochs).toEqual([-1, 0, 1, 2, 3, 4]);
    expect(seen).toEqual(callback.recordedEpochs);
    expect(monitor.records).toBe(6);
    expect(monitor.size).toBe(5 * 8 + 8 + 8 * 6 + 6 * 3 + 3);
    const snaps = callback.denseSnapshots();
    expect(snaps).toHaveLength(3);
    expectAllClose(snaps[2]![2]!.kernel, await values(m.layers[2]!.weights[0]!), 0, 'last snapshot = the trained weights');

    // A second fit with the same callback continues: its onTrainBegin records nothing.
    await m.fit(x, y, { epochs: 7, initialEpoch: 5, callbacks: callback, ...FULL_BATCH(64) });
    expect(callback.recordedEpochs).toEqual([-1, 0, 1, 2, 3, 4, 5, 6]);

    const every = koopmanCallback(m, new KoopmanMonitor(), { every: 2, recordInitial: false });
    await m.fit(x, y, { epochs: 5, callbacks: every, ...FULL_BATCH(64) });
    expect(every.recordedEpochs).toEqual([1, 3]);
    // One fit per epoch without initialEpoch (TF.js then numbers every epoch 0): counted across fits.
    const perFit = koopmanCallback(m, new KoopmanMonitor(), { every: 2, recordInitial: false });
    for (let e = 0; e < 5; e++) await m.fit(x, y, { epochs: 1, callbacks: perFit, ...FULL_BATCH(64) });
    expect(perFit.recordedEpochs).toEqual([1, 3]);
    x.dispose();
    y.dispose();
  });

  it('rejects bad options', () => {
    const m = model('linear');
    const cases: [() => unknown, string][] = [
      [() => koopmanCallback(m, new KoopmanMonitor(), { every: 0 }), 'options.every'],
      [() => koopmanCallback(m, new KoopmanMonitor(), { keepDense: -1 }), 'options.keepDense'],
      [() => koopmanCallback(m, new KoopmanMonitor(), { onRecord: 3 } as never), 'options.onRecord'],
      [() => koopmanCallback(m, new KoopmanMonitor(), { epochs: 3 } as never), 'options.epochs'],
      [() => koopmanCallback(m, {} as never), 'monitor'],
      [() => koopmanCallback(m, null), 'options.keepDense'],
      [() => koopmanCallback([] as never, null, { keepDense: 2 }), 'model'],
    ];
    for (const [f, argument] of cases) {
      expect(f).toThrow(RandlaError);
      try {
        f();
      } catch (e) {
        expect((e as RandlaError).argument).toBe(argument);
      }
    }
  });
});

describe('Koopman prediction written back', () => {
  // Full-batch gradient descent on a linear least-squares layer is exactly affine, so the
  // monitor's affine fit (and the node operators) must reach the weights that 10 more epochs
  // of training reach, up to float32 rounding of the recorded weights.
  it('monitor.predict(10) written into the model equals 10 more epochs of training', async () => {
    const n = 128;
    const { x, y } = regression(n, 2);
    const m = model('linear');
    const monitor = new KoopmanMonitor({ window: 16, mode: 'affine' });
    await m.fit(x, y, { epochs: 12, callbacks: koopmanCallback(m, monitor), ...FULL_BATCH(n) });
    const start = await readModelWeights(m);
    const predicted = (await monitor.predict(10))[9] as Record<string, Float32Array>;

    await m.fit(x, y, { epochs: 10, ...FULL_BATCH(n) });
    const trained = await readModelWeights(m);
    const scale = Math.max(...Object.values(trained).flatMap((v) => [...v].map(Math.abs)));
    for (const name of Object.keys(trained)) expectAllClose(predicted[name]!, trained[name]!, tol.affinePrediction * scale, `${name}, 10 epochs ahead`);

    await writeModelWeights(m, start);
    expectAllClose((await readModelWeights(m))[m.weights[0]!.name]!, start[m.weights[0]!.name]!, 0, 'restored');
    await writeModelWeights(m, predicted);
    const lossPredicted = (m.evaluate(x, y, { batchSize: n }) as tf.Scalar).dataSync()[0]!;
    await writeModelWeights(m, trained);
    const lossTrained = (m.evaluate(x, y, { batchSize: n }) as tf.Scalar).dataSync()[0]!;
    expectAtMost(Math.abs(lossPredicted - lossTrained) / lossTrained, tol.affineLossShare, 'loss of the predicted weights vs trained, relative');
    x.dispose();
    y.dispose();
  });

  it('koopmanAdvance writes koopmanPredict of the kept snapshots (layout in-out) and lowers the loss of an MLP', async () => {
    const n = 128;
    const { x, y } = regression(n, 3);
    const m = model('mlp');
    const callback = koopmanCallback(m, null, { keepDense: 15 });
    await m.fit(x, y, { epochs: 30, callbacks: callback, ...FULL_BATCH(n) });
    const lossBefore = (m.evaluate(x, y, { batchSize: n }) as tf.Scalar).dataSync()[0]!;
    const snapshots = callback.denseSnapshots();
    const expected = await koopmanPredict(snapshots, { steps: 20, layout: 'in-out' });
    const predicted = await koopmanAdvance(m, snapshots, { steps: 20 });
    predicted.forEach((l, i) => expectAllClose(l.kernel, expected[i]!.kernel, 0, `layer ${i} kernel`));
    const now = await readDenseLayers(m);
    now.forEach((l, i) => expectAllClose(l.kernel, Float32Array.from(expected[i]!.kernel), 0, `layer ${i} written`));
    const lossAfter = (m.evaluate(x, y, { batchSize: n }) as tf.Scalar).dataSync()[0]!;
    expectAtMost(lossAfter, lossBefore, 'loss after the Koopman step vs before');
    await rejects(koopmanAdvance(m, snapshots, { steps: 5, layout: 'out-in' } as never), 'ERR_RANDLA_INVALID_ARGUMENT', 'options.layout');
    x.dispose();
    y.dispose();
  });
});
