#!/usr/bin/env node
// One Node contender of the rsvd benchmark, in its own process (bench/run.mjs spawns one per
// contender and case). Reads the test matrix from an .npy file, times the call with tinybench,
// dumps the factors of the last run (U.npy, S.npy, Vt.npy; top k) into --out, and prints ONE
// JSON line on stdout: { status: 'ok' | 'skipped' | 'failed', samples_ms, ... }.
//
//   node bench/rsvd.bench.mjs --contender native --threads 2 --input A.npy --out DIR \
//        --rank 20 --oversamples 10 --power-iters 2 --normalizer lu --seed 42 --iterations 5 --warmup 1
//   node bench/rsvd.bench.mjs --contender probe      (backends() of the built facade, as JSON)
//
// Contenders: native | reference (randla's rsvd with that backend) | ml-matrix (full SVD,
// truncated to rank k afterwards; the conversion to an ml-matrix Matrix is not timed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readMatrixNpy, writeNpy } from './lib/npy.mjs';
import { warmupMatrix } from './lib/testmatrix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// RANDLA_BENCH_FACADE: bench another build of the facade (or a stand-in while dist/ is not built)
const FACADE = path.resolve(process.env.RANDLA_BENCH_FACADE || path.join(root, 'dist', 'index.js'));

const USAGE = `usage: node bench/rsvd.bench.mjs --contender native|reference|ml-matrix|probe
  --input A.npy --out DIR [--threads N] [--rank 20] [--oversamples 10] [--power-iters 2]
  [--normalizer lu|qr|none] [--seed 42] [--iterations 5] [--warmup 1]
Prints one JSON line on stdout; normally spawned by bench/run.mjs.`;

function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

function pkgVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

async function loadFacade() {
  const name = path.relative(root, FACADE);
  if (!fs.existsSync(FACADE)) {
    return { error: `randla facade not built (${name} missing): run \`npm run build:ts\` (and \`npm run build:native\` for the native backend)` };
  }
  try {
    return { mod: await import(pathToFileURL(FACADE).href) };
  } catch (e) {
    return { error: `cannot load ${name}: ${e?.message ?? e}` };
  }
}

function backendsOf(mod) {
  try {
    return mod.backends();
  } catch (e) {
    return [{ name: '?', available: false, reason: `backends() threw: ${e?.message ?? e}` }];
  }
}

/** Copy the top-k factors out of an ml-matrix SVD as row-major typed arrays. */
function truncateMlSvd(svd, k) {
  const Um = svd.leftSingularVectors;
  const Vm = svd.rightSingularVectors;
  const s = svd.diagonal;
  const m = Um.rows;
  const n = Vm.rows;
  const U = new Float64Array(m * k);
  const Vt = new Float64Array(k * n);
  for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) U[i * k + t] = Um.get(i, t);
  for (let t = 0; t < k; t++) for (let j = 0; j < n; j++) Vt[t * n + j] = Vm.get(j, t);
  return {
    U: { data: U, rows: m, cols: k, layout: 'row-major' },
    S: Float64Array.from(s.slice(0, k)),
    Vt: { data: Vt, rows: k, cols: n, layout: 'row-major' },
  };
}

function dumpFactors(out, { U, S, Vt }) {
  fs.mkdirSync(out, { recursive: true });
  const files = { U: path.join(out, 'U.npy'), S: path.join(out, 'S.npy'), Vt: path.join(out, 'Vt.npy') };
  for (const [key, M] of [['U', U], ['Vt', Vt]]) {
    writeNpy(files[key], M.data, [M.rows, M.cols], { fortranOrder: M.layout === 'col-major' });
  }
  const s = S instanceof Float64Array ? S : Float64Array.from(S);
  writeNpy(files.S, s, [s.length]);
  return files;
}

async function timeIt(name, fn, { iterations, warmup }) {
  const { Bench } = await import('tinybench');
  const bench = new Bench({
    name,
    iterations,
    time: 0, // exactly `iterations` timed runs (sequential mode runs until both limits are met)
    warmup: warmup > 0,
    warmupIterations: warmup,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add(name, fn, { async: true });
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`tinybench task ended in state ${r.state}${r.error ? `: ${r.error.message}` : ''}`);
  return { samples: [...r.latency.samples], latency: { p50: r.latency.p50, min: r.latency.min, max: r.latency.max, mean: r.latency.mean } };
}

async function main() {
  const { values: a } = parseArgs({
    options: {
      contender: { type: 'string' },
      input: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string', default: '1' },
      rank: { type: 'string', default: '20' },
      oversamples: { type: 'string', default: '10' },
      'power-iters': { type: 'string', default: '2' },
      normalizer: { type: 'string', default: 'lu' },
      seed: { type: 'string', default: '42' },
      iterations: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (a.help || !a.contender) {
    console.log(USAGE);
    process.exit(a.help ? 0 : 2);
  }
  const contender = a.contender;
  const threads = Number(a.threads);
  const k = Number(a.rank);
  const opts = {
    rank: k,
    oversamples: Number(a.oversamples),
    powerIters: Number(a['power-iters']),
    normalizer: a.normalizer,
    seed: Number(a.seed),
  };
  const iterations = Number(a.iterations);
  const warmup = Number(a.warmup);
  const base = { contender, threads, node: process.version, tinybench: pkgVersion('tinybench') };

  if (contender === 'probe') {
    const f = await loadFacade();
    if (f.error) return emit({ ...base, status: 'skipped', reason: f.error });
    return emit({ ...base, status: 'ok', backends: backendsOf(f.mod) });
  }
  if (!['native', 'reference', 'ml-matrix'].includes(contender)) {
    return emit({ ...base, status: 'failed', error: `unknown contender ${contender}` });
  }
  if (!a.input || !a.out) return emit({ ...base, status: 'failed', error: '--input and --out are required' });

  if (contender === 'ml-matrix') {
    const { Matrix, SingularValueDecomposition } = await import('ml-matrix');
    const A = readMatrixNpy(a.input);
    if (!(A.data instanceof Float64Array)) {
      return emit({ ...base, status: 'skipped', reason: 'ml-matrix is f64 only' });
    }
    const svdOpts = { computeLeftSingularVectors: true, computeRightSingularVectors: true, autoTranspose: true };
    // untimed JIT warm-up on a small matrix; the conversion to Matrix is outside the timer
    new SingularValueDecomposition(Matrix.from1DArray(64, 16, warmupMatrix(64, 16)), svdOpts);
    const M = Matrix.from1DArray(A.rows, A.cols, A.data);
    let last = null;
    const t = await timeIt('ml-matrix SVD', async () => {
      last = new SingularValueDecomposition(M, svdOpts);
    }, { iterations, warmup });
    const files = dumpFactors(a.out, truncateMlSvd(last, k));
    return emit({
      ...base,
      status: 'ok',
      library: `ml-matrix ${pkgVersion('ml-matrix')}`,
      samples_ms: t.samples,
      tinybench_latency_ms: t.latency,
      iterations,
      warmup,
      dtype_in: 'float64',
      dtype_out: 'float64',
      factors: files,
      notes: ['full SVD (Golub–Kahan, JAMA port), truncated to rank k'],
    });
  }

  // randla contenders
  const f = await loadFacade();
  if (f.error) return emit({ ...base, status: 'skipped', reason: f.error });
  const { rsvd, setThreads, backends, matrix } = f.mod;
  const list = backendsOf(f.mod);
  const entry = list.find((b) => b.name === contender);
  if (!entry) return emit({ ...base, status: 'skipped', reason: `backends() lists no '${contender}' backend`, backends: list });
  if (!entry.available) {
    return emit({ ...base, status: 'skipped', reason: `${contender} backend not available: ${entry.reason ?? 'no reason given'}`, backends: list });
  }
  if (contender === 'native' && typeof setThreads === 'function') setThreads(threads);
  const threadsReported = (backends?.() ?? list).find((b) => b.name === contender)?.threads ?? null;

  const Araw = readMatrixNpy(a.input);
  const A = matrix(Araw.data, Araw.rows, Araw.cols, 'row-major');
  const callOpts = { ...opts, backend: contender };
  // untimed warm-up on a small matrix of the same dtype: loads BLAS/threads, JITs the TS path
  const W = warmupMatrix(256, 64, Araw.data.constructor);
  await rsvd(matrix(W, 256, 64, 'row-major'), callOpts);

  let last = null;
  const t = await timeIt(`rsvd ${contender}`, async () => {
    last = await rsvd(A, callOpts);
  }, { iterations, warmup });
  const notes = [];
  if (last.backend && last.backend !== contender) notes.push(`result says backend '${last.backend}', asked for '${contender}'`);
  const files = dumpFactors(a.out, last);
  return emit({
    ...base,
    status: 'ok',
    library: `randla ${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version} (${contender})`,
    backend: last.backend ?? null,
    threads_reported: threadsReported,
    samples_ms: t.samples,
    tinybench_latency_ms: t.latency,
    iterations,
    warmup,
    dtype_in: Araw.data instanceof Float32Array ? 'float32' : 'float64',
    dtype_out: last.U?.data instanceof Float32Array ? 'float32' : 'float64',
    factors: files,
    notes,
  });
}

main().catch((e) => {
  emit({ status: 'failed', error: String(e?.stack ?? e).split('\n').slice(0, 4).join(' | ') });
  process.exitCode = 1;
});
