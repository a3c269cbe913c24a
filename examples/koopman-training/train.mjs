// Koopman training of a small MLP with TensorFlow.js (docs/koopman-training.md).
//
// Dogra & Redman, "Optimizing neural networks via Koopman operator theory" (NeurIPS 2020):
// record the weights over some epochs of SGD, fit node Koopman operators (one small DMD per
// neuron over its incoming weights and bias), and jump the weights h epochs ahead. This script
// trains a 64-32-16-10 MLP on a generated digits-like task with TensorFlow.js's pure-JS backend,
// records every epoch through randla/tfjs's callback into a KoopmanMonitor, predicts 10, 25 and
// 50 epochs ahead with several groupings, and compares the loss and the time of each jump with
// the same number of epochs of continued training. A second run with a learning rate too large
// shows the monitor's verdict changing. Writes results.json and SVG plots to --out.
//
//   npm run example:koopman [-- --out DIR] [--warmup EPOCHS] [--snapshots S] [--quick]
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { KoopmanMonitor, koopmanPredict } from 'randla';
import { koopmanCallback, readModelWeights, writeModelWeights } from 'randla/tfjs';

import { writeFileAtomic } from '../../bench/lib/format.mjs';
import { digits, permutation } from './data.mjs';
import { lossSvg, spectrumSvg } from './plot.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'examples/koopman-training/out' },
    quick: { type: 'boolean', default: false },
    warmup: { type: 'string' },
    snapshots: { type: 'string' },
  },
});
const quick = args.quick;
const OUT = resolve(args.out);

const CONFIG = {
  train: quick ? 1000 : 3000,
  test: 1000,
  noise: 0.25,
  batch: 50,
  learningRate: 0.2,
  /** Epochs trained before the jump; the last `snapshots` records are the Koopman window. */
  warmup: Number(args.warmup ?? (quick ? 15 : 25)),
  snapshots: Number(args.snapshots ?? 15),
  horizons: quick ? [10, 25] : [10, 25, 50],
  /** koopmanPredict's settings compared (all with layout 'in-out', TensorFlow.js's kernels). */
  jumps: [
    { label: 'node, rank -1', options: { grouping: 'node', rank: -1 } },
    { label: 'node, rank 0', options: { grouping: 'node', rank: 0 } },
    { label: 'chunk 8, rank 0', options: { grouping: { chunk: 8 }, rank: 0 } },
    { label: 'layer, rank 0', options: { grouping: 'layer', rank: 0 } },
    { label: 'single', options: { grouping: 'single' } },
  ],
  /** The monitor's window (records) for the verdict over epochs. */
  monitorWindow: 12,
  /** The second run: a learning rate too large for this model. */
  largeLearningRate: 5,
  largeEpochs: 15,
  seed: 7,
};

for (const key of ['warmup', 'snapshots']) {
  if (!Number.isInteger(CONFIG[key]) || CONFIG[key] < 4) throw new Error(`--${key} must be an integer >= 4, got ${args[key]}`);
}
if (CONFIG.snapshots > CONFIG.warmup + 1) throw new Error(`--snapshots (${CONFIG.snapshots}) must be at most --warmup + 1 (${CONFIG.warmup + 1}): the records are the initial weights and one per epoch`);

await tf.setBackend('cpu');
const train = digits(CONFIG.train, 1, CONFIG.noise);
const test = digits(CONFIG.test, 2, CONFIG.noise);
const X = tf.tensor2d(train.x, [CONFIG.train, 64]);
const Y = tf.tensor2d(train.y, [CONFIG.train, 10]);
const Xtest = tf.tensor2d(test.x, [CONFIG.test, 64]);
const Ytest = tf.tensor2d(test.y, [CONFIG.test, 10]);

function buildModel(learningRate) {
  let seed = CONFIG.seed;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 32, inputShape: [64], activation: 'tanh', kernelInitializer: init() }),
      tfl.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: init() }),
      tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init() }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** One epoch of minibatch SGD over a seeded shuffle of the training set (reproducible). */
async function trainEpoch(model, epoch, callbacks) {
  const order = tf.tensor1d(permutation(CONFIG.train, 1000 + epoch), 'int32');
  const xs = tf.gather(X, order);
  const ys = tf.gather(Y, order);
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: epoch + 1, initialEpoch: epoch, batchSize: CONFIG.batch, shuffle: false, verbose: 0, callbacks });
  const ms = performance.now() - t0;
  tf.dispose([order, xs, ys]);
  return ms;
}

/** Full-set loss and accuracy at the current weights (not the running averages fit logs). */
function evaluate(model) {
  const [trainLoss] = model.evaluate(X, Y, { batchSize: 1000 }).map((t) => t.dataSync()[0]);
  const [testLoss, testAccuracy] = model.evaluate(Xtest, Ytest, { batchSize: 1000 }).map((t) => t.dataSync()[0]);
  return { trainLoss, testLoss, testAccuracy };
}

/** Trains `epochs` epochs from `first`, recording the monitor's verdict and the losses after each. */
async function run(model, monitor, first, epochs, keepDense) {
  const history = [];
  const inner = koopmanCallback(model, monitor, {
    keepDense,
    recordInitial: first === 0, // a continued run starts from weights already recorded
    onRecord: async (epoch) => {
      const entry = { epoch: epoch + 1, ...evaluate(model) };
      if (monitor.records >= 4) {
        const c = await monitor.convergence();
        Object.assign(entry, {
          verdict: c.verdict,
          spectralRadius: c.spectralRadius,
          massNearOne: c.massNearOne,
          moduli: Array.from(c.eigs.re, (re, j) => Math.hypot(re, c.eigs.im[j])),
        });
      }
      history.push(entry);
    },
  });
  // The callback's time (recording, evaluating, the verdict) is not training's: measured apart.
  let callbackMs = 0;
  const timed = (f) => async (...a) => {
    const t0 = performance.now();
    await f(...a);
    callbackMs += performance.now() - t0;
  };
  const callback = { ...inner, onTrainBegin: timed(inner.onTrainBegin), onEpochEnd: timed(inner.onEpochEnd) };
  let ms = 0;
  const times = [];
  for (let e = first; e < first + epochs; e++) {
    const before = callbackMs;
    ms += (await trainEpoch(model, e, callback)) - (callbackMs - before);
    times.push(ms);
  }
  return { history, times, callback };
}

// --- Run 1: SGD at a good learning rate, a Koopman jump after the warm-up ---
const model = buildModel(CONFIG.learningRate);
const monitor = new KoopmanMonitor({ window: CONFIG.monitorWindow });
const warm = await run(model, monitor, 0, CONFIG.warmup, CONFIG.snapshots);
const start = await readModelWeights(model);
const startScores = evaluate(model);
const snapshots = warm.callback.denseSnapshots();

const jumps = [];
await koopmanPredict(snapshots, { steps: 1, layout: 'in-out' }); // untimed: the first native call's start-up
for (const { label, options } of CONFIG.jumps) {
  for (const h of CONFIG.horizons) {
    const t0 = performance.now();
    const predicted = await koopmanPredict(snapshots, { steps: h, layout: 'in-out', ...options });
    const predictMs = performance.now() - t0;
    await writeModelWeights(model, predicted);
    jumps.push({ grouping: label, horizon: h, predictMs, ...evaluate(model) });
    await writeModelWeights(model, start);
  }
}
// The monitor's own prediction: one global DMD of all weights (increments), not node operators.
for (const h of CONFIG.horizons) {
  const t0 = performance.now();
  const ahead = await monitor.predict(h);
  const predictMs = performance.now() - t0;
  await writeModelWeights(model, ahead[h - 1]);
  jumps.push({ grouping: 'monitor (one DMD)', horizon: h, predictMs, ...evaluate(model) });
}
await writeModelWeights(model, start);

// Continued training from the same weights, as long as the longest jump.
const longest = Math.max(...CONFIG.horizons);
const cont = await run(model, monitor, CONFIG.warmup, longest, 0);
const continued = cont.history; // continued[e − 1]: after e more epochs
const comparison = jumps.map((j) => {
  const trained = continued[j.horizon - 1];
  const reached = continued.findIndex((c) => c.trainLoss <= j.trainLoss);
  return {
    ...j,
    trainedLoss: trained.trainLoss,
    trainedTestAccuracy: trained.testAccuracy,
    trainMs: cont.times[j.horizon - 1],
    speedup: cont.times[j.horizon - 1] / j.predictMs,
    // Epochs of training that reach the jump's training loss (null: none within the run).
    equivalentEpochs: reached >= 0 ? reached + 1 : null,
  };
});

// --- Run 2: a learning rate too large ---
const large = buildModel(CONFIG.largeLearningRate);
const largeMonitor = new KoopmanMonitor({ window: CONFIG.monitorWindow });
const largeRun = await run(large, largeMonitor, 0, CONFIG.largeEpochs, 0);

// --- Output ---
const history = [...warm.history, ...continued];
const results = {
  config: CONFIG,
  backend: tf.getBackend(),
  weights: monitor.size,
  start: { epoch: CONFIG.warmup, ...startScores },
  epochMs: cont.times[cont.times.length - 1] / longest,
  comparison,
  history,
  largeLearningRate: largeRun.history,
};
writeFileAtomic(join(OUT, 'results.json'), JSON.stringify(results, null, 1));
writeFileAtomic(join(OUT, 'spectrum.svg'), await spectrumSvg(history, `Koopman spectrum over training: SGD, learning rate ${CONFIG.learningRate}`));
writeFileAtomic(join(OUT, 'spectrum-large-lr.svg'), await spectrumSvg(largeRun.history, `The same at learning rate ${CONFIG.largeLearningRate} (too large)`));
writeFileAtomic(join(OUT, 'loss.svg'), await lossSvg(history, comparison, CONFIG));

const f = (x, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));
console.log(`MLP 64-32-16-10, ${monitor.size} weights, ${CONFIG.train} training samples, SGD lr ${CONFIG.learningRate}, batch ${CONFIG.batch}, TF.js backend ${tf.getBackend()}`);
console.log(`after ${CONFIG.warmup} epochs: train loss ${f(startScores.trainLoss)}, test accuracy ${f(startScores.testAccuracy)}; one epoch ${f(results.epochMs, 1)} ms`);
console.log('\njump              h   predict ms  train ms  speed-up  loss (jump)  loss (trained)  epochs to match  test acc (jump / trained)');
for (const c of comparison) {
  console.log(
    `${c.grouping.padEnd(17)} ${String(c.horizon).padStart(3)} ${f(c.predictMs, 1).padStart(11)} ${f(c.trainMs, 0).padStart(9)} ${f(c.speedup, 1).padStart(8)}×` +
      ` ${f(c.trainLoss, 4).padStart(12)} ${f(c.trainedLoss, 4).padStart(15)} ${String(c.equivalentEpochs ?? '—').padStart(16)}   ${f(c.testAccuracy)} / ${f(c.trainedTestAccuracy)}`,
  );
}
const verdicts = (h) => h.filter((e) => e.verdict).map((e) => `${e.epoch}:${e.verdict}`).join(' ');
console.log(`\nverdicts (epoch:verdict), lr ${CONFIG.learningRate}: ${verdicts(history)}`);
console.log(`verdicts, lr ${CONFIG.largeLearningRate}: ${verdicts(largeRun.history)}`);
console.log(`\nwrote ${OUT}/results.json, spectrum.svg, spectrum-large-lr.svg, loss.svg`);
tf.dispose([X, Y, Xtest, Ytest]);
