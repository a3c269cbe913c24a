#!/usr/bin/env node
// The Node contenders of the rsvd benchmark, one process per library, thread count and test
// matrix (bench/run.mjs spawns them). Reads the test matrix (dense .npy, or CSR as three .npy
// arrays), then for each run of the plan: `warmup` untimed calls and `iterations` calls timed
// with tinybench; dumps the factors of the last call (U.npy, S.npy, Vt.npy; top k) into the
// run's `out` directory, and prints ONE JSON line on stdout:
//   { status: 'ok' | 'skipped' | 'failed', runs: [{ id, status, samples_ms, factors, ... }], ... }
//
//   node bench/rsvd.bench.mjs --plan PLAN.json
//   node bench/rsvd.bench.mjs --contender probe      (backends() of the built facade, as JSON)
//
// PLAN.json: { contender: 'native' | 'reference' | 'ml-matrix', threads, input: { kind: 'dense',
// file } | { kind: 'csr', rows, cols, indptr, indices, values }, runs: [{ id, rank, oversamples,
// powerIters, normalizer, sketch, seed, iterations, warmup, out }] } (see bench/run.mjs).
// randla runs call `rsvd(A, { rank, oversamples, powerIters, normalizer, sketch, seed, backend })`;
// ml-matrix runs a full SVD (dense f64 only) truncated to rank k afterwards (the conversion to an
// ml-matrix Matrix is not timed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readMatrixNpy, readNpy, writeNpy } from './lib/npy.mjs';
import { buildSparseTestMatrix } from './lib/sparse.mjs';
import { warmupMatrix } from './lib/testmatrix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// RANDLA_BENCH_FACADE: bench another build of the facade (or a stand-in while dist/ is not built)
const FACADE = path.resolve(process.env.RANDLA_BENCH_FACADE || path.join(root, 'dist', 'index.js'));

const USAGE = `usage: node bench/rsvd.bench.mjs --plan PLAN.json | --contender probe
Prints one JSON line on stdout; normally spawned by bench/run.mjs (see the comment at the top).`;

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

/** The plan's input: a dense row-major { data, rows, cols } or a CSR { format: 'csr', ... }. */
function loadInput(spec) {
  if (spec.kind === 'dense') return { kind: 'dense', ...readMatrixNpy(spec.file) };
  if (spec.kind === 'csr') {
    return {
      kind: 'csr',
      format: 'csr',
      rows: spec.rows,
      cols: spec.cols,
      indptr: readNpy(spec.indptr).data,
      indices: readNpy(spec.indices).data,
      values: readNpy(spec.values).data,
    };
  }
  throw new Error(`unknown input kind ${spec.kind}`);
}

const errText = (e) => String(e?.stack ?? e).split('\n').slice(0, 3).join(' | ');

async function runMlMatrix(plan, base) {
  const { Matrix, SingularValueDecomposition } = await import('ml-matrix');
  const A = loadInput(plan.input);
  const library = `ml-matrix ${pkgVersion('ml-matrix')}`;
  if (A.kind !== 'dense' || !(A.data instanceof Float64Array)) {
    return emit({ ...base, status: 'skipped', reason: 'ml-matrix: dense f64 only', library });
  }
  const svdOpts = { computeLeftSingularVectors: true, computeRightSingularVectors: true, autoTranspose: true };
  // untimed JIT warm-up on a small matrix; the conversion to Matrix is outside the timer
  new SingularValueDecomposition(Matrix.from1DArray(64, 16, warmupMatrix(64, 16)), svdOpts);
  const M = Matrix.from1DArray(A.rows, A.cols, A.data);
  const runs = [];
  for (const run of plan.runs) {
    try {
      let last = null;
      const t = await timeIt('ml-matrix SVD', async () => {
        last = new SingularValueDecomposition(M, svdOpts);
      }, run);
      runs.push({
        id: run.id,
        status: 'ok',
        samples_ms: t.samples,
        tinybench_latency_ms: t.latency,
        iterations: run.iterations,
        warmup: run.warmup,
        dtype_in: 'float64',
        dtype_out: 'float64',
        factors: dumpFactors(run.out, truncateMlSvd(last, run.rank)),
        notes: ['full SVD (Golub–Kahan, JAMA port), truncated to rank k'],
      });
    } catch (e) {
      runs.push({ id: run.id, status: 'failed', error: errText(e) });
    }
  }
  return emit({ ...base, status: 'ok', library, runs });
}

async function runRandla(plan, base) {
  const contender = plan.contender;
  const f = await loadFacade();
  if (f.error) return emit({ ...base, status: 'skipped', reason: f.error });
  const { rsvd, setThreads, backends, matrix } = f.mod;
  const list = backendsOf(f.mod);
  const entry = list.find((b) => b.name === contender);
  if (!entry) return emit({ ...base, status: 'skipped', reason: `backends() lists no '${contender}' backend`, backends: list });
  if (!entry.available) {
    return emit({ ...base, status: 'skipped', reason: `${contender} backend not available: ${entry.reason ?? 'no reason given'}`, backends: list });
  }
  if (contender === 'native' && typeof setThreads === 'function') setThreads(plan.threads);
  const info = (backends?.() ?? list).find((b) => b.name === contender) ?? {};
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

  const X = loadInput(plan.input);
  const A = X.kind === 'dense' ? matrix(X.data, X.rows, X.cols, 'row-major') : X;
  const dtypeIn = (X.kind === 'dense' ? X.data : X.values) instanceof Float32Array ? 'float32' : 'float64';
  // untimed first call on a small input of the same kind and dtype: loads BLAS/threads, JITs the TS path
  const W = X.kind === 'dense'
    ? matrix(warmupMatrix(256, 64, X.data.constructor), 256, 64, 'row-major')
    : buildSparseTestMatrix({ rows: 512, cols: 128, nnz: 4096, seed: 7 });
  const first = plan.runs[0];
  try {
    await rsvd(W, { rank: 5, oversamples: 5, powerIters: first?.powerIters ?? 1, normalizer: first?.normalizer, sketch: first?.sketch, seed: 1, backend: contender });
  } catch {
    // the real runs report any error
  }

  const runs = [];
  for (const run of plan.runs) {
    const opts = {
      rank: run.rank,
      oversamples: run.oversamples,
      powerIters: run.powerIters,
      normalizer: run.normalizer,
      sketch: run.sketch,
      seed: run.seed,
      backend: contender,
    };
    try {
      let last = null;
      const t = await timeIt(`rsvd ${contender} ${run.id}`, async () => {
        last = await rsvd(A, opts);
      }, run);
      const notes = [];
      if (last.backend && last.backend !== contender) notes.push(`result says backend '${last.backend}', asked for '${contender}'`);
      if (last.normalizer && last.normalizer !== run.normalizer) notes.push(`ran normalizer ${last.normalizer}`);
      runs.push({
        id: run.id,
        status: 'ok',
        backend: last.backend ?? null,
        normalizer: last.normalizer ?? run.normalizer,
        samples_ms: t.samples,
        tinybench_latency_ms: t.latency,
        iterations: run.iterations,
        warmup: run.warmup,
        dtype_in: dtypeIn,
        dtype_out: last.U?.data instanceof Float32Array ? 'float32' : 'float64',
        factors: dumpFactors(run.out, last),
        notes,
      });
    } catch (e) {
      // e.g. an option this build does not implement yet: report it, run the rest
      runs.push({ id: run.id, status: 'failed', error: `${e?.code ? `${e.code}: ` : ''}${e?.message ?? e}`.slice(0, 400) });
    }
  }
  return emit({
    ...base,
    status: 'ok',
    library: `randla ${version} (${contender})`,
    threads_reported: info.threads ?? null,
    device: info.device ?? null,
    runs,
  });
}

async function main() {
  const { values: a } = parseArgs({
    options: {
      plan: { type: 'string' },
      contender: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (a.help || (!a.plan && a.contender !== 'probe')) {
    console.log(USAGE);
    process.exit(a.help ? 0 : 2);
  }
  const base = { node: process.version, tinybench: pkgVersion('tinybench') };
  if (a.contender === 'probe') {
    const f = await loadFacade();
    if (f.error) return emit({ ...base, contender: 'probe', status: 'skipped', reason: f.error });
    return emit({ ...base, contender: 'probe', status: 'ok', backends: backendsOf(f.mod) });
  }
  const plan = JSON.parse(fs.readFileSync(a.plan, 'utf8'));
  Object.assign(base, { contender: plan.contender, threads: plan.threads });
  if (plan.contender === 'ml-matrix') return runMlMatrix(plan, base);
  if (plan.contender === 'native' || plan.contender === 'reference') return runRandla(plan, base);
  return emit({ ...base, status: 'failed', error: `unknown contender ${plan.contender}` });
}

main().catch((e) => {
  emit({ status: 'failed', error: errText(e) });
  process.exitCode = 1;
});
