#!/usr/bin/env node
// The Node side of the bootstrap benchmark (bench/bootstrap.mjs spawns it, one fresh process per
// task, so no task inherits another's heap, JIT state or thread pools). Reads a plan (JSON file),
// prints ONE JSON line on stdout.
//
//   node --expose-gc bench/lib/bootstrap-runner.mjs PLAN.json
//
// Tasks (plan.task):
//   probe     backends() of the facade
//   speed     bootstrapSvdError(A, { rank, sketchRows, replicates, alpha, sketch, seed }) on the .npy
//             matrix plan.matrix: `warmup` untimed calls, then `runs` timed ones; the estimates
//   scaling   a seeded Gaussian m × n matrix built here (bench/lib/testmatrix.mjs warmupMatrix),
//             then per round, untimed warm-up rounds first: sketchedSvd(A, { rank, sketchRows,
//             sketch, seed }) and bootstrapSvdError with the same arguments, each timed
//   coverage  for each seed in plan.seeds: bootstrapSvdError on plan.matrix and the true error of
//             its sketched solution (S, Vt) against the exact factors (plan.sigma, plan.vt: the
//             construction's σ and Vᵀ)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readMatrixNpy, readNpy } from './npy.mjs';
import { warmupMatrix } from './testmatrix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FACADE = path.resolve(process.env.RANDLA_BENCH_FACADE || path.join(root, 'dist', 'index.js'));

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const gc = () => globalThis.gc?.();

/**
 * True errors of a sketched solution against the exact factors: max_j |σ̃ⱼ − σⱼ|, max_j of the sine
 * of the angle between ṽⱼ and vⱼ (‖vⱼ − ṽⱼ(ṽⱼᵀvⱼ)‖: sign-free, accurate near 0, the metric the
 * bootstrap estimates), and max_j of vⱼ's distance from span(Ṽ) (‖vⱼ − Ṽ(Ṽᵀvⱼ)‖).
 * S: k values; Vt: { data, rows: k, cols: n } row-major; sigma: exact σ; vt: exact Vᵀ rows (≥ k × n).
 */
function trueErrors(S, Vt, sigma, vt) {
  const k = S.length;
  const n = Vt.cols;
  const row = (M, j) => M.subarray(j * n, (j + 1) * n);
  let value = 0;
  let vector = 0;
  let subspace = 0;
  for (let j = 0; j < k; j++) {
    value = Math.max(value, Math.abs(S[j] - sigma[j]));
    const v = row(vt, j);
    const r = Float64Array.from(v); // v − Ṽ(Ṽᵀv), accumulated one sketched vector at a time
    let own = 0;
    for (let i = 0; i < k; i++) {
      const w = row(Vt.data, i);
      let c = 0;
      for (let l = 0; l < n; l++) c += w[l] * v[l];
      for (let l = 0; l < n; l++) r[l] -= c * w[l];
      if (i === j) {
        let s = 0;
        for (let l = 0; l < n; l++) s += (v[l] - c * w[l]) ** 2;
        own = Math.sqrt(s);
      }
    }
    vector = Math.max(vector, own);
    let s = 0;
    for (let l = 0; l < n; l++) s += r[l] * r[l];
    subspace = Math.max(subspace, Math.sqrt(s));
  }
  return { value, vector, subspace };
}

function rowMajorVt(res) {
  const V = res.Vt;
  if (V.layout !== 'col-major') return V;
  // the facade documents row-major Vt; convert anyway rather than compare garbage
  const data = new Float64Array(V.rows * V.cols);
  for (let i = 0; i < V.rows; i++) for (let j = 0; j < V.cols; j++) data[i * V.cols + j] = V.data[j * V.rows + i];
  return { data, rows: V.rows, cols: V.cols, layout: 'row-major' };
}

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
  const loadMatrix = (file) => {
    const M = readMatrixNpy(file);
    return randla.matrix(M.data, M.rows, M.cols);
  };
  const bootOpts = (p, seed) => ({ rank: p.rank, sketchRows: p.sketchRows, replicates: p.replicates, alpha: p.alpha, sketch: p.sketch, seed });

  if (plan.task === 'speed') {
    const A = loadMatrix(plan.matrix);
    const opts = bootOpts(plan, plan.seed);
    for (let i = 0; i < plan.warmup; i++) await randla.bootstrapSvdError(A, opts);
    const samples = [];
    let res;
    for (let i = 0; i < plan.runs; i++) {
      gc(); // outside the timed region: the previous run's garbage is not this run's cost
      const t = performance.now();
      res = await randla.bootstrapSvdError(A, opts);
      samples.push(performance.now() - t);
    }
    emit({ status: 'ok', backend: res.backend, samples_ms: samples, valueError: res.valueError, vectorError: res.vectorError, subspaceError: res.subspaceError, S: Array.from(res.S) });
    return;
  }

  if (plan.task === 'scaling') {
    const t0 = performance.now();
    const A = randla.matrix(warmupMatrix(plan.m, plan.n, Float64Array, plan.matrixSeed), plan.m, plan.n);
    const generateMs = performance.now() - t0;
    const skOpts = { rank: plan.rank, sketchRows: plan.sketchRows, sketch: plan.sketch, seed: plan.seed };
    const btOpts = bootOpts(plan, plan.seed);
    const sketched = [];
    const boot = [];
    // interleaved: a slow phase of the machine hits both, not one, so their difference stays fair
    for (let i = 0; i < plan.warmup + plan.runs; i++) {
      gc();
      let t = performance.now();
      await randla.sketchedSvd(A, skOpts);
      const s = performance.now() - t;
      gc();
      t = performance.now();
      await randla.bootstrapSvdError(A, btOpts);
      const b = performance.now() - t;
      if (i >= plan.warmup) {
        sketched.push(s);
        boot.push(b);
      }
    }
    emit({ status: 'ok', generate_ms: generateMs, sketched_ms: sketched, bootstrap_ms: boot });
    return;
  }

  if (plan.task === 'coverage') {
    const A = loadMatrix(plan.matrix);
    const sigma = readNpy(plan.sigma).data;
    const vt = readNpy(plan.vt).data;
    const rows = [];
    const t0 = performance.now();
    for (const seed of plan.seeds) {
      const res = await randla.bootstrapSvdError(A, bootOpts(plan, seed));
      const e = trueErrors(res.S, rowMajorVt(res), sigma, vt);
      rows.push({
        seed, valueError: res.valueError, vectorError: res.vectorError, subspaceError: res.subspaceError,
        trueValue: e.value, trueVector: e.vector, trueSubspace: e.subspace,
      });
    }
    emit({ status: 'ok', ms: performance.now() - t0, runs: rows });
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
