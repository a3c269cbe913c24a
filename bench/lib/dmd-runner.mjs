#!/usr/bin/env node
// The Node side of the DMD benchmark (bench/dmd.mjs spawns it, one fresh process per contender,
// so no contender inherits another's heap, JIT state or thread pools). Reads a plan (JSON file),
// prints ONE JSON line on stdout.
//
//   node --expose-gc bench/lib/dmd-runner.mjs PLAN.json
//
// Tasks (plan.task):
//   probe   backends() of the facade
//   dmd     await dmd(X, plan.options) on the .npy snapshots plan.matrix (n × m, row-major):
//           `warmup` untimed calls, then `runs` timed ones; the eigenvalues, rank and leading
//           singular values of the last
//   batch   the groups of plan.groups (.npy, G × n × m) as G row-major matrices (views, not
//           copies, made before the clock starts); plan.mode 'batch': await dmdBatch(groups,
//           options), 'loop': dmdSync(group, options) for each group; per run the total time.
//           The last run's eigenvalues go to plan.out (eigs_re.npy, eigs_im.npy: G × plan.width,
//           NaN-padded; ranks.npy)
//   online  plan.kind 'online' (OnlineDmd) or 'window' (WindowDmd({ window })) on the pairs
//           plan.x, plan.y (.npy, count × n: pair k is row k): per run a fresh object, the first
//           plan.init pairs untimed (the initialisation, and for a window its filling), then the
//           next plan.updates pairs timed one loop; the last run's operator to plan.out/operator.npy
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readMatrixNpy, readNpy, writeNpy } from './npy.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FACADE = path.resolve(process.env.RANDLA_BENCH_FACADE || path.join(root, 'dist', 'index.js'));

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const gc = () => globalThis.gc?.();
const arr = (a) => Array.from(a);

async function main() {
  const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let randla;
  try {
    randla = await import(pathToFileURL(FACADE).href);
  } catch (e) {
    emit({ status: 'skipped', reason: `cannot load ${path.relative(root, FACADE)}: ${e?.message ?? e}` });
    return;
  }
  if (plan.threads) randla.setThreads(plan.threads);
  const backends = randla.backends();
  if (plan.task === 'probe') {
    emit({ status: 'ok', backends });
    return;
  }
  const native = backends.find((b) => b.name === 'native');
  if (!native?.available) {
    emit({ status: 'skipped', reason: `native backend not available: ${native?.reason ?? 'not listed'}` });
    return;
  }

  if (plan.task === 'dmd') {
    const M = readMatrixNpy(plan.matrix);
    const X = randla.matrix(M.data, M.rows, M.cols);
    const opts = { ...plan.options, backend: 'native' };
    for (let i = 0; i < plan.warmup; i++) await randla.dmd(X, opts);
    const samples = [];
    let res;
    for (let i = 0; i < plan.runs; i++) {
      gc(); // outside the timed region: the previous run's garbage is not this run's cost
      const t = performance.now();
      res = await randla.dmd(X, opts);
      samples.push(performance.now() - t);
    }
    emit({
      status: 'ok', backend: res.backend, samples_ms: samples, rank: res.rank,
      eigs: { re: arr(res.eigs.re), im: arr(res.eigs.im) },
      singular_values_top: arr(res.singularValues.subarray(0, Math.min(res.singularValues.length, (res.rank ?? 0) + 2))),
    });
    return;
  }

  if (plan.task === 'batch') {
    const { data, shape } = readNpy(plan.groups);
    const [G, n, m] = shape;
    const groups = Array.from({ length: G }, (_, g) => randla.matrix(data.subarray(g * n * m, (g + 1) * n * m), n, m));
    const opts = { ...plan.options, backend: 'native' };
    const once = async () => {
      if (plan.mode === 'batch') return randla.dmdBatch(groups, opts);
      const out = new Array(G);
      for (let g = 0; g < G; g++) out[g] = randla.dmdSync(groups[g], opts);
      return out;
    };
    for (let i = 0; i < plan.warmup; i++) await once();
    const samples = [];
    let res;
    for (let i = 0; i < plan.runs; i++) {
      gc();
      const t = performance.now();
      res = await once();
      samples.push(performance.now() - t);
    }
    const W = plan.width;
    const re = new Float64Array(G * W).fill(Number.NaN);
    const im = new Float64Array(G * W).fill(Number.NaN);
    const ranks = new Int32Array(G);
    res.forEach((r, g) => {
      ranks[g] = r.eigs.re.length;
      for (let j = 0; j < Math.min(W, r.eigs.re.length); j++) {
        re[g * W + j] = r.eigs.re[j];
        im[g * W + j] = r.eigs.im[j];
      }
    });
    fs.mkdirSync(plan.out, { recursive: true });
    writeNpy(path.join(plan.out, 'eigs_re.npy'), re, [G, W]);
    writeNpy(path.join(plan.out, 'eigs_im.npy'), im, [G, W]);
    writeNpy(path.join(plan.out, 'ranks.npy'), ranks, [G]);
    emit({ status: 'ok', backend: res[0]?.backend, groups: G, shape: [n, m], samples_ms: samples });
    return;
  }

  if (plan.task === 'online') {
    const X = readNpy(plan.x);
    const Y = readNpy(plan.y);
    const [count, n] = X.shape;
    if (plan.init + plan.updates > count) throw new Error(`online: ${plan.init} + ${plan.updates} pairs needed, the file has ${count}`);
    const row = (M, k) => M.data.subarray(k * n, (k + 1) * n);
    const make = () => (plan.kind === 'window' ? new randla.WindowDmd({ window: plan.window, backend: 'native' }) : new randla.OnlineDmd({ backend: 'native' }));
    const samples = [];
    let fit;
    for (let i = 0; i < plan.warmup + plan.runs; i++) {
      fit = make();
      for (let k = 0; k < plan.init; k++) fit.update(row(X, k), row(Y, k));
      if (!fit.ready) throw new Error(`${plan.kind}: no operator after ${plan.init} pairs`);
      gc();
      const t = performance.now();
      for (let k = plan.init; k < plan.init + plan.updates; k++) fit.update(row(X, k), row(Y, k));
      const ms = performance.now() - t;
      if (i >= plan.warmup) samples.push(ms);
    }
    fs.mkdirSync(plan.out, { recursive: true });
    writeNpy(path.join(plan.out, 'operator.npy'), fit.operator().data, [n, n]);
    emit({ status: 'ok', backend: fit.backend, n, pairs: fit.pairs, samples_ms: samples });
    return;
  }
  emit({ status: 'failed', reason: `unknown task ${plan.task}` });
}

try {
  await main();
} catch (e) {
  emit({ status: 'failed', reason: `${e?.code ? `${e.code}: ` : ''}${e?.message ?? e}`, stack: String(e?.stack ?? '').split('\n').slice(0, 6).join('\n') });
  process.exitCode = 1;
}
