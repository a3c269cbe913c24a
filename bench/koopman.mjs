#!/usr/bin/env node
// `npm run bench:koopman`: the two targets of issue 7 (docs/algorithms/koopman.md), 2 threads.
//   predict  koopmanPredict of a 784-256-128-10 MLP (235 146 weights, node grouping: 394 node
//            operators over 785, 257 and 129 weights), 20 snapshots, 50 steps ahead — target
//            under 0.5 s — against the time of 50 epochs of gradient descent on that MLP in
//            TensorFlow.js (pure-JS CPU backend, 1000 samples, batch 32), measured in the same run;
//   record   KoopmanMonitor.record of 1e6 float32 weights (four layers) per epoch once the window
//            is full — target under 20 ms — and readModelWeights of the 784-256-128-10 model (the
//            adapter's copy out of TensorFlow.js).
// Writes bench/results/koopman.json and koopman.md atomically (--quick: koopman.quick.*).
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { fmtMs, fmtRatio, markdownTable, summarize, textTable, writeFileAtomic } from './lib/format.mjs';

const THREADS = 2;
for (const v of ['RANDLA_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS']) process.env[v] = String(THREADS);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    out: { type: 'string', default: path.join(root, 'bench', 'results') },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:koopman -- [--quick] [--runs N] [--out DIR]

Koopman tooling benchmark (issue 7), ${THREADS} threads, one process:
  predict  koopmanPredict, 784-256-128-10 MLP, node grouping, 20 snapshots, 50 steps (rank -1 and 0),
           against 50 epochs of TensorFlow.js SGD on the same MLP (per-epoch time measured here)
  record   KoopmanMonitor.record of 1e6 float32 weights (window 20, steady state);
           readModelWeights of the 784-256-128-10 TensorFlow.js model
--quick: 3 runs, 2 TensorFlow.js epochs timed; writes koopman.quick.{json,md}.`);
  process.exit(0);
}
const quick = args.quick;
const runs = Number(args.runs ?? (quick ? 3 : 7));
const WARMUP = 1;
const TARGET = { predictMs: 500, recordMs: 20 };
const SHAPES = [
  [256, 784],
  [128, 256],
  [10, 128],
];
const SNAPSHOTS = 20;
const STEPS = 50;
const TF = { samples: 1000, batch: 32, epochsTimed: quick ? 2 : 3 };

const { KoopmanMonitor, koopmanPredict, setThreads } = await import('randla');
const { readModelWeights } = await import('randla/tfjs');
setThreads(THREADS);

const load0 = os.loadavg()[0];
const log = (s) => console.log(s);
log(`randla Koopman bench${quick ? ' (quick)' : ''}: ${THREADS} threads, ${runs} timed runs after ${WARMUP} warm-up; ${os.cpus().length} CPUs`);
if (load0 > 0.5) log(`warning: load average ${load0.toFixed(2)}: other processes are using the CPU, timings will be noisy`);

/** A seeded LCG in [−0.5, 0.5). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}

/**
 * Snapshots shaped like training: each weight relaxes along two decaying modes (0.9ᵗ, 0.97ᵗ) with
 * its own amplitudes, plus 1e-3 noise (TF.js layout 'in-out', float32, as the adapter reads them).
 */
function trajectory() {
  const u = lcg(11);
  return Array.from({ length: SNAPSHOTS }, (_, t) =>
    SHAPES.map(([out, inputs]) => {
      const kernel = new Float32Array(out * inputs);
      const bias = new Float32Array(out);
      const r = lcg(1000 + out);
      for (let e = 0; e < kernel.length; e++) kernel[e] = r() + r() * 0.9 ** t + r() * 0.97 ** t + 1e-3 * u();
      for (let o = 0; o < out; o++) bias[o] = r() + r() * 0.9 ** t + 1e-3 * u();
      return { kernel, bias, shape: [out, inputs] };
    }),
  );
}

async function timeRuns(f) {
  for (let i = 0; i < WARMUP; i++) await f();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

// --- predict ---
const snapshots = trajectory();
const weights = SHAPES.reduce((s, [o, i]) => s + o * i + o, 0);
const nodes = SHAPES.reduce((s, [o]) => s + o, 0);
log(`\n[predict] ${SHAPES.map(([o, i]) => `${i}→${o}`).join(', ')}: ${weights} weights, ${nodes} node operators, ${SNAPSHOTS} snapshots, ${STEPS} steps ahead`);
const predict = [];
for (const rank of [-1, 0]) {
  const t = await timeRuns(() => koopmanPredict(snapshots, { steps: STEPS, layout: 'in-out', rank }));
  predict.push({ contender: `koopmanPredict (node, rank ${rank})`, time_ms: t });
  log(`  koopmanPredict node rank ${rank}: median ${fmtMs(t.median)} ms (min ${fmtMs(t.min)}, max ${fmtMs(t.max)})`);
}

// --- TensorFlow.js epochs of the same MLP ---
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
const tfl = await import('@tensorflow/tfjs-layers');
await tf.setBackend('cpu');
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ units: 256, inputShape: [784], activation: 'relu' }),
    tfl.layers.dense({ units: 128, activation: 'relu' }),
    tfl.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
const u = lcg(5);
const xs = tf.tensor2d(Float32Array.from({ length: TF.samples * 784 }, () => u() + 0.5), [TF.samples, 784]);
const labels = tf.tensor1d(Int32Array.from({ length: TF.samples }, () => Math.floor((u() + 0.5) * 10)), 'int32');
const ys = tf.cast(tf.oneHot(labels, 10), 'float32');
await model.fit(xs, ys, { epochs: 1, batchSize: TF.batch, verbose: 0 }); // warm-up
const epochSamples = [];
for (let e = 0; e < TF.epochsTimed; e++) {
  const t0 = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: TF.batch, verbose: 0 });
  epochSamples.push(performance.now() - t0);
}
const epoch = summarize(epochSamples);
log(`  TensorFlow.js (${tf.getBackend()}) epoch, ${TF.samples} samples, batch ${TF.batch}: median ${fmtMs(epoch.median)} ms → ${STEPS} epochs ≈ ${fmtMs(STEPS * epoch.median)} ms`);

// --- record ---
const RECORD_N = 1_000_000;
const layers = [400_000, 300_000, 200_000, 100_000].map((n, l) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + l)));
const monitor = new KoopmanMonitor({ window: 20 });
const first0 = performance.now();
monitor.record(layers);
const firstMs = performance.now() - first0;
for (let k = 1; k < 20; k++) monitor.record(layers);
const recordSamples = [];
for (let k = 0; k < Math.max(runs, 20); k++) {
  layers[0][k] += 1e-3; // the weights change between epochs
  const t0 = performance.now();
  monitor.record(layers);
  recordSamples.push(performance.now() - t0);
}
const record = summarize(recordSamples);
log(`\n[record] ${RECORD_N} float32 weights, window 20: first ${fmtMs(firstMs)} ms (allocates its slot), then median ${fmtMs(record.median)} ms (max ${fmtMs(record.max)})`);
const read = await timeRuns(() => readModelWeights(model));
log(`  readModelWeights of the ${weights}-weight TensorFlow.js model: median ${fmtMs(read.median)} ms`);

// --- results ---
const best = predict[0];
const results = {
  quick,
  threads: THREADS,
  runs,
  machine: { cpu: os.cpus()[0]?.model ?? '?', cpus: os.cpus().length, load_average_at_start: +load0.toFixed(2), platform: `${process.platform}-${process.arch}` },
  node: process.version,
  predict: { weights, nodes, snapshots: SNAPSHOTS, steps: STEPS, contenders: predict, target_ms: TARGET.predictMs },
  tfjs: { backend: tf.getBackend(), samples: TF.samples, batch: TF.batch, epoch_ms: epoch, epochs_equivalent_ms: STEPS * epoch.median, over_predict: (STEPS * epoch.median) / best.time_ms.median },
  record: { weights: RECORD_N, window: 20, first_ms: firstMs, steady_ms: record, target_ms: TARGET.recordMs, read_model_weights_ms: read },
};
const rows = [
  ...predict.map((p) => [p.contender, fmtMs(p.time_ms.median), fmtMs(p.time_ms.min), fmtMs(p.time_ms.max), `< ${TARGET.predictMs}`, p.time_ms.median < TARGET.predictMs ? 'met' : 'missed']),
  [`${STEPS} TensorFlow.js epochs (${STEPS} × the median epoch)`, fmtMs(STEPS * epoch.median), fmtMs(STEPS * epoch.min), fmtMs(STEPS * epoch.max), '', `${fmtRatio(results.tfjs.over_predict)}× koopmanPredict (rank -1)`],
  ['KoopmanMonitor.record, 1e6 float32 weights', fmtMs(record.median), fmtMs(record.min), fmtMs(record.max), `< ${TARGET.recordMs}`, record.median < TARGET.recordMs ? 'met' : 'missed'],
  ['readModelWeights, 784-256-128-10 model', fmtMs(read.median), fmtMs(read.min), fmtMs(read.max), '', ''],
];
const header = ['what', 'median ms', 'min', 'max', 'target ms', ''];
log(`\n${textTable(header, rows, ['l', 'r', 'r', 'r', 'r', 'l'])}`);
const md = [
  '# Koopman tooling benchmark (issue 7)',
  '',
  `\`npm run bench:koopman${quick ? ' -- --quick' : ''}\`: ${THREADS} threads, median / min / max of ${runs} runs after ${WARMUP} warm-up, one process. ${results.machine.cpu}, ${results.machine.cpus} CPUs, Node ${process.version}; load average at start ${results.machine.load_average_at_start}.`,
  '',
  markdownTable(header, rows, ['l', 'r', 'r', 'r', 'r', 'l']),
  '',
  `- koopmanPredict: ${weights} weights of a ${SHAPES.map(([o, i]) => `${i}→${o}`).join(', ')} MLP as TensorFlow.js keeps them (layout 'in-out', float32), ${SNAPSHOTS} snapshots in which each weight relaxes along two decaying modes plus 1e-3 noise; node grouping (${nodes} operators over 785, 257 and 129 weights, one dmdBatch call), affine mode, ${STEPS} steps ahead.`,
  `- TensorFlow.js: the same MLP (ReLU, softmax, SGD), ${TF.samples} samples of 784 features, batch ${TF.batch}, ${tf.getBackend()} backend (pure JS), ${TF.epochsTimed} epochs timed after one warm-up.`,
  `- record: four float32 layers (400k, 300k, 200k, 100k), window 20; times once the window is full (the first record, which allocates its slot, took ${fmtMs(firstMs)} ms).`,
  '',
].join('\n');
const suffix = quick ? '.quick' : '';
writeFileAtomic(path.join(args.out, `koopman${suffix}.json`), JSON.stringify(results, null, 2) + '\n');
writeFileAtomic(path.join(args.out, `koopman${suffix}.md`), md);
log(`\nwrote ${path.relative(root, path.join(args.out, `koopman${suffix}.md`))} and .json`);
tf.dispose([xs, ys, labels]);
