#!/usr/bin/env node
// `npm run bench`: the randomized SVD benchmark. randla (native, reference) vs ml-matrix (full
// SVD), scikit-learn's randomized_svd, fbpca.pca(raw=True) and torch.svd_lowrank, on the same
// deterministic matrices, one fresh process per library, thread count and matrix. Six sections:
// dense peers, sparse (CSR) peers, normalizers (qr / cholqr2 / lu) in whole rsvd calls and on
// tall-skinny sketches alone (the C++ program randla_bench_normalize), sketches, and the q sweep
// (error vs time, plotted to SVG). Every time is the median of the timed runs; every accuracy
// figure (spectral error ‖A − UΣVᵀ‖₂ above all) is computed here, by the same code, from the
// factors each contender saved. Writes bench/results/rsvd.json, rsvd.md and
// rsvd-error-vs-time.svg (atomically). See bench/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { csrRelResidual, frobenius2, maxRelSigmaError, optimalResidual, relResidual, spectralResidualNorm } from './lib/accuracy.mjs';
import { fmtBytes, fmtErr, fmtMs, fmtRatio, markdownTable, summarize, textTable, writeFileAtomic } from './lib/format.mjs';
import { measureTallSkinny } from './lib/normalize.mjs';
import { readMatrixNpy, readNpy, writeNpy } from './lib/npy.mjs';
import { errorVsTimeSvg } from './lib/plot.mjs';
import { ensurePeers, venvPython } from './lib/python.mjs';
import { buildSparseTestMatrix, columnCounts } from './lib/sparse.mjs';
import { runJson, runSync, tail } from './lib/spawn.mjs';
import { buildTestMatrix } from './lib/testmatrix.mjs';
import { measureTriad } from './lib/triad.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';

const HELP = `usage: npm run bench -- [options]     (or: node bench/run.mjs [options])

Randomized SVD benchmark. Contenders: randla native (1 and 2 threads) and reference backends,
ml-matrix's full SVD (2000×500 only), and from a git-ignored virtual environment bench/.venv that
this script creates: scikit-learn randomized_svd, fbpca.pca(raw=True), torch.svd_lowrank (CPU).
Every contender runs in its own process; accuracy is computed here from the factors it saved.

Sections (default: all):
  peers        dense, all contenders, k=20 p=10 q=2: small-f64 (2000×500), large-f64 and
               large-f32 (20000×2000); --quick: small-f64, small-f32
  sparse       CSR 100000×20000 with 1e6 non-zeros (--quick: 10000×2000, 1e5), same contenders
  normalizers  randla native qr / cholqr2 / lu at q = 2 and 4, large-f64 (--quick: small-f64)
  tall-skinny  the normalizers alone on m × l Gaussian blocks (C++ randla_bench_normalize, f64 and
               f32): (m, l) = (20000, 30), (100000, 30), (20000, 100) (--quick: (20000, 30)),
               1 thread and the largest; skipped, with the reason, when the program is not built
  sketches     randla native gaussian / rademacher / uniform / sparse-sign / srht, large-f64
  sweep        q = 0, 1, 2, 4: randla native qr and cholqr2, scikit-learn, fbpca; plotted to
               bench/results/rsvd-error-vs-time.svg
Writes bench/results/rsvd.json, rsvd.md, rsvd-error-vs-time.svg (--quick: *.quick.*).

options:
  --quick                 small sizes only, one timed run each, no warm-up runs (< 2 minutes)
  --sections LIST         comma-separated subset of the sections above
  --cases LIST            peers section: subset of small-f64, small-f32, large-f64, large-f32
  --contenders LIST       subset of native,reference,ml-matrix,sklearn,fbpca,torch
  --threads LIST          native thread counts (default 1,2); Python peers and the single-thread-count
                          sections use the largest
  --rank K                default 20
  --oversamples P         default 10
  --power-iters Q         default 2 (peers, sparse and sketches sections)
  --normalizer N          lu | qr | none: peers and sparse sections, and scikit-learn in the sweep
                          (default lu; fbpca always uses LU, torch always QR)
  --seed S                default 42 (rsvd seed; the test matrices use their own fixed seeds)
  --iterations N          timed runs for every contender (overrides the per-case defaults)
  --openblas-coretype X   set OPENBLAS_CORETYPE=X for every contender (default: inherited; recorded)
  --openblas-thread-timeout N
                          set OPENBLAS_THREAD_TIMEOUT=N for every contender (default: inherited, else 4,
                          the value randla's addon loader sets; recorded)
  --no-peers              do not run the Python peers
  --no-optional-peers     do not install or run torch
  --retry-optional-peers  retry an optional peer whose pip install failed before
  --no-install            do not pip-install; use bench/.venv as it is
  --python PATH           Python 3 used to create bench/.venv (default: python3 on PATH)
  --triad PATH            triad binary (default: build-native/native/bench/randla_triad, else a JS triad)
  --normalize-bench PATH  tall-skinny section's program (default: build-native/native/bench/randla_bench_normalize)
  --out DIR               results directory (default bench/results)
  --keep                  keep the temporary directory with the matrices and factors
  --timeout SEC           per-process time limit (default 1200)
  --verbose               echo the contenders' stderr
  --dry-run               print the distinct runs, grouped by process, and exit
  -h, --help              this text

Targets (printed, never enforced): large-f64, native at the largest thread count: scikit-learn
time / native time >= 1.5, faster than fbpca, native time <= 2 × the time to read A 2q+2 times at
the triad bandwidth; CSR: scikit-learn / native >= 1.5; cholqr2 faster than qr on f64 tall-skinny
sketches (20000 × 30 and 100000 × 30, largest thread count; f32 reported, no target) and, in whole
rsvd calls at q = 2 and 4, the same spectral error (within 1%); ml-matrix / native >= 100
(small-f64); f64 / f32 time ≈ 2.`;

// ---------------------------------------------------------------- options
let args;
try {
  ({ values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sections: { type: 'string' },
      cases: { type: 'string' },
      contenders: { type: 'string' },
      threads: { type: 'string', default: '1,2' },
      rank: { type: 'string', default: '20' },
      oversamples: { type: 'string', default: '10' },
      'power-iters': { type: 'string', default: '2' },
      normalizer: { type: 'string', default: 'lu' },
      seed: { type: 'string', default: '42' },
      iterations: { type: 'string' },
      'openblas-coretype': { type: 'string' },
      'openblas-thread-timeout': { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      'no-optional-peers': { type: 'boolean', default: false },
      'retry-optional-peers': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      python: { type: 'string' },
      triad: { type: 'string' },
      'normalize-bench': { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '1200' },
      verbose: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (e) {
  console.error(`${e.message}\n\n${HELP}`);
  process.exit(2);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const quick = args.quick;
const k = int('rank', args.rank);
const p = int('oversamples', args.oversamples);
const q = int('power-iters', args['power-iters'], 0);
const seed = int('seed', args.seed, 0);
const normalizer = args.normalizer;
if (!['lu', 'qr', 'none'].includes(normalizer)) die(`--normalizer must be lu, qr or none, got ${normalizer}`);
const threadList = [...new Set(args.threads.split(',').map((t) => int('threads', t)))].sort((a, b) => a - b);
const maxThreads = threadList[threadList.length - 1];
const iterOverride = args.iterations !== undefined ? int('iterations', args.iterations) : null;
const timeoutMs = int('timeout', args.timeout) * 1000;
const outDir = path.resolve(args.out ?? path.join(root, 'bench', 'results'));
const ALL_CONTENDERS = ['native', 'reference', 'ml-matrix', 'sklearn', 'fbpca', 'torch'];
const PY_CONTENDERS = ['sklearn', 'fbpca', 'torch'];
const contenders = list(args.contenders, ALL_CONTENDERS, 'contender');
const ALL_SECTIONS = ['peers', 'sparse', 'normalizers', 'tall-skinny', 'sketches', 'sweep'];
const sections = list(args.sections, ALL_SECTIONS, 'section');
if (args['openblas-coretype'] !== undefined) process.env.OPENBLAS_CORETYPE = args['openblas-coretype'];
const coretype = process.env.OPENBLAS_CORETYPE ?? null;
// randla's addon loader sets OPENBLAS_THREAD_TIMEOUT=4 unless the user did (docs/conventions.md): OpenBLAS's
// idle workers otherwise spin for 2^28 cycles after every call. numpy and scipy each load their own OpenBLAS,
// so without the same setting their spinning pools steal both cores from each other (scikit-learn's
// randomized_svd on 20000 × 2000 measured 2.1× slower here). Every contender runs under the same value.
if (args['openblas-thread-timeout'] !== undefined) process.env.OPENBLAS_THREAD_TIMEOUT = args['openblas-thread-timeout'];
if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';
const threadTimeout = process.env.OPENBLAS_THREAD_TIMEOUT;

function list(value, known, what) {
  if (!value) return known;
  const xs = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const x of xs) if (!known.includes(x)) die(`unknown ${what} ${x} (known: ${known.join(', ')})`);
  return xs;
}
function int(name, v, min = 1) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}
function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- matrices and run counts
// iters / warm: timed runs and untimed warm-up runs per contender kind; Python peers get the
// native counts. --quick: one timed run, no warm-up (the small first call still loads everything).
const MATRICES = {
  'small-f64': { kind: 'dense', rows: 2000, cols: 500, dtype: 'float64', iters: { native: 10, reference: 10, 'ml-matrix': 3 }, warm: { native: 2, reference: 1, 'ml-matrix': 0 } },
  'small-f32': { kind: 'dense', rows: 2000, cols: 500, dtype: 'float32', iters: { native: 10, reference: 10 }, warm: { native: 2, reference: 1 } },
  'large-f64': { kind: 'dense', rows: 20000, cols: 2000, dtype: 'float64', iters: { native: 11, reference: 3 }, warm: { native: 2, reference: 0 } },
  'large-f32': { kind: 'dense', rows: 20000, cols: 2000, dtype: 'float32', iters: { native: 11, reference: 3 }, warm: { native: 2, reference: 0 } },
  'csr-small': { kind: 'csr', rows: 10000, cols: 2000, nnz: 100_000, dtype: 'float64', iters: { native: 10, reference: 5 }, warm: { native: 2, reference: 1 } },
  'csr-large': { kind: 'csr', rows: 100_000, cols: 20_000, nnz: 1_000_000, dtype: 'float64', iters: { native: 11, reference: 3 }, warm: { native: 2, reference: 1 } },
};
const MATRIX_SEED = 20240611;
const SPARSE_SEED = 20240612;

const peerCases = args.cases ? list(args.cases, ['small-f64', 'small-f32', 'large-f64', 'large-f32'], 'case') : quick ? ['small-f64', 'small-f32'] : ['small-f64', 'large-f64', 'large-f32'];
const bigDense = quick ? 'small-f64' : 'large-f64';
const bigDense32 = quick ? 'small-f32' : 'large-f32';
const sparseCase = quick ? 'csr-small' : 'csr-large';
const itersFor = (m, kind) => iterOverride ?? (quick ? 1 : MATRICES[m].iters[kind] ?? MATRICES[m].iters.native);
const warmFor = (m, kind) => (quick ? 0 : MATRICES[m].warm[kind] ?? MATRICES[m].warm.native);

const NORMALIZERS = ['qr', 'cholqr2', 'lu'];
const NORMALIZER_QS = [2, 4];
const SKETCHES = ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht'];
const SWEEP_QS = [0, 1, 2, 4];
// tall-skinny section: [m, l] blocks (l = k + p = 30 is the default sketch width), the thread
// counts, and timed calls per normalizer (each is milliseconds: many calls make the median stable)
const TALL_SKINNY_SHAPES = quick ? [[20000, 30]] : [[20000, 30], [100000, 30], [20000, 100]];
const TALL_SKINNY_TARGET_SHAPES = [[20000, 30], [100000, 30]];
const TALL_SKINNY_THREADS = [...new Set([1, maxThreads])];
const TALL_SKINNY_REPS = iterOverride ?? (quick ? 5 : 31);
const wantTallSkinny = sections.includes('tall-skinny') && contenders.includes('native');

const LABELS = {
  native: (t) => `randla native (${t} thread${t > 1 ? 's' : ''})`,
  reference: () => 'randla reference (TS)',
  'ml-matrix': () => 'ml-matrix full SVD',
  sklearn: () => 'scikit-learn randomized_svd',
  fbpca: () => 'fbpca pca(raw=True)',
  torch: () => 'torch.svd_lowrank (CPU)',
};
const runtimeOf = (c) => (PY_CONTENDERS.includes(c) ? 'python' : 'node');
// the normalizer each library actually runs (fbpca: LU; torch: QR; randla and scikit-learn: as asked)
const effectiveNormalizer = (c, n) => (c === 'fbpca' ? 'lu' : c === 'torch' ? 'qr' : n);

// ---------------------------------------------------------------- the plan: sections -> rows -> unique runs
const runs = new Map(); // key -> run
function addRun({ contender, threads, matrix, powerIters = q, normalizer: norm = normalizer, sketch = 'gaussian' }) {
  // q = 0 runs no normalizer: one run serves every normalizer's row
  const nrm = powerIters === 0 ? effectiveNormalizer(contender, 'qr') : effectiveNormalizer(contender, norm);
  const opts = { rank: k, oversamples: p, powerIters, normalizer: nrm, sketch, seed };
  const kindForIters = runtimeOf(contender) === 'python' ? 'native' : contender;
  const iterations = itersFor(matrix, kindForIters);
  const warmup = warmFor(matrix, kindForIters);
  const key = JSON.stringify([contender, threads, matrix, opts, iterations, warmup]);
  if (!runs.has(key)) {
    const id = `${matrix}.${contender}-${threads}t.q${powerIters}.${nrm}.${sketch}`;
    runs.set(key, { key, id, contender, threads, matrix, runtime: runtimeOf(contender), label: LABELS[contender](threads), ...opts, iterations, warmup, status: 'pending' });
  }
  return runs.get(key);
}

function planSections() {
  const out = [];
  const want = (c) => contenders.includes(c);
  const peerRows = (matrix, { mlMatrix = false } = {}) => {
    const rows = [];
    if (want('native')) for (const t of threadList) rows.push({ run: addRun({ contender: 'native', threads: t, matrix }) });
    if (want('reference')) rows.push({ run: addRun({ contender: 'reference', threads: 1, matrix }) });
    if (want('ml-matrix') && mlMatrix) rows.push({ run: addRun({ contender: 'ml-matrix', threads: 1, matrix }) });
    for (const c of PY_CONTENDERS) if (want(c)) rows.push({ run: addRun({ contender: c, threads: maxThreads, matrix }) });
    return rows;
  };
  if (sections.includes('peers')) {
    for (const m of peerCases) out.push({ section: 'peers', name: m, matrix: m, rows: peerRows(m, { mlMatrix: m === 'small-f64' }) });
  }
  if (sections.includes('sparse')) out.push({ section: 'sparse', name: sparseCase, matrix: sparseCase, rows: peerRows(sparseCase) });
  if (sections.includes('normalizers') && want('native')) {
    const rows = [];
    for (const qq of NORMALIZER_QS) {
      for (const n of NORMALIZERS) rows.push({ normalizer: n, q: qq, run: addRun({ contender: 'native', threads: maxThreads, matrix: bigDense, powerIters: qq, normalizer: n }) });
    }
    out.push({ section: 'normalizers', name: `normalizers-${bigDense}`, matrix: bigDense, rows });
  }
  if (sections.includes('sketches') && want('native')) {
    const rows = SKETCHES.map((s) => ({ sketch: s, run: addRun({ contender: 'native', threads: maxThreads, matrix: bigDense, normalizer: 'qr', sketch: s }) }));
    out.push({ section: 'sketches', name: `sketches-${bigDense}`, matrix: bigDense, rows });
  }
  if (sections.includes('sweep')) {
    const rows = [];
    const series = [];
    if (want('native')) {
      series.push({ series: `randla native qr (${maxThreads}t)`, contender: 'native', normalizer: 'qr' });
      series.push({ series: `randla native cholqr2 (${maxThreads}t)`, contender: 'native', normalizer: 'cholqr2' });
    }
    if (want('sklearn')) series.push({ series: `scikit-learn (${normalizer.toUpperCase()})`, contender: 'sklearn', normalizer });
    if (want('fbpca')) series.push({ series: 'fbpca (LU)', contender: 'fbpca', normalizer: 'lu' });
    for (const s of series) {
      for (const qq of SWEEP_QS) {
        rows.push({ series: s.series, q: qq, run: addRun({ contender: s.contender, threads: maxThreads, matrix: bigDense, powerIters: qq, normalizer: s.normalizer }) });
      }
    }
    out.push({ section: 'sweep', name: `sweep-${bigDense}`, matrix: bigDense, rows });
  }
  return out;
}

// ---------------------------------------------------------------- main
async function main() {
  const plan = planSections();
  const allRuns = [...runs.values()];
  const usedMatrices = [...new Set(allRuns.map((r) => r.matrix))];
  const wantNode = allRuns.some((r) => r.contender === 'native' || r.contender === 'reference');
  const wantPy = allRuns.some((r) => r.runtime === 'python');
  log(`${allRuns.length} distinct runs in ${plan.length} tables; matrices ${usedMatrices.join(', ')}`);
  if (args['dry-run']) {
    for (const [g, list] of groupRuns(allRuns)) {
      log(`  process ${g.replaceAll('|', ' / ')}: ${list.map((r) => `q${r.powerIters} ${r.normalizer} ${r.sketch} (${r.iterations}+${r.warmup} warm-up)`).join(', ')}`);
    }
    if (wantTallSkinny) {
      for (const [mm, l] of TALL_SKINNY_SHAPES) for (const t of TALL_SKINNY_THREADS) log(`  process randla_bench_normalize ${mm} ${l} ${t} ${TALL_SKINNY_REPS}`);
    }
    return;
  }

  // 1. the facade (probed in a child, so this process never loads the addon)
  let facade = { built: false, reason: 'not requested (--contenders)', backends: [] };
  if (wantNode) {
    const r = await runJson(process.execPath, [path.join(root, 'bench', 'rsvd.bench.mjs'), '--contender', 'probe'], { cwd: root, env: threadEnv(maxThreads), timeoutMs: 120_000 });
    if (r.json?.status === 'ok') {
      facade = { built: true, backends: r.json.backends };
      log(`randla backends: ${r.json.backends.map((b) => `${b.name}${b.available ? `${b.device ? ` [${b.device}]` : ''}` : ` (unavailable: ${b.reason ?? '?'})`}`).join(', ')}`);
    } else {
      const reason = r.json?.reason ?? r.json?.error ?? `probe failed: ${tail(r.stderr, 2)}`;
      facade = { built: false, reason, backends: [] };
      log(`${reason} — native and reference contenders reported as skipped`);
    }
  }

  // 2. Python peers
  let peers = { python: null, reason: 'not requested (--contenders/--sections)', optional: {} };
  if (wantPy && args['no-peers']) peers = { python: null, reason: 'Python peers skipped (--no-peers)', optional: {} };
  else if (wantPy) {
    peers = ensurePeers({ root, python: args.python, noInstall: args['no-install'], noOptional: args['no-optional-peers'], only: ['torch'], retryOptional: args['retry-optional-peers'], log });
    if (peers.python) {
      const v = peers.versions;
      const opt = Object.entries(peers.optional).map(([n, o]) => (o.available ? `${n} ${o.version}` : `${n} unavailable (${o.reason})`));
      log(`Python peers: ${rel(peers.python)} (Python ${peers.pythonVersion}; numpy ${v.numpy}, scipy ${v.scipy}, scikit-learn ${v['scikit-learn']}, fbpca ${v.fbpca}${opt.length ? `; ${opt.join('; ')}` : ''}); threads ${maxThreads}`);
    } else {
      log(peers.reason);
    }
  }

  // 3. memory bandwidth (triad), before the big matrices take memory
  const triad = await measureTriad(root, threadList, { explicit: args.triad, reps: 20 });
  log(`triad bandwidth (${triad.source}${triad.binary ? `: ${rel(triad.binary)}` : ''}): ` +
    threadList.map((t) => `${t} thread${t > 1 ? 's' : ''} ${fmtBytes(triad.byThreads[t].bytes_per_second)}`).join(', '));
  if (triad.note) log(triad.note);

  // 3b. normalizers on tall-skinny sketches (a C++ program; small blocks, so before the big matrices)
  let tallSkinny = null;
  if (wantTallSkinny) {
    log(`\n[tall-skinny] normalizers on m × l blocks, threads ${TALL_SKINNY_THREADS.join(', ')}, ${TALL_SKINNY_REPS} timed calls each`);
    tallSkinny = measureTallSkinny(root, {
      shapes: TALL_SKINNY_SHAPES, threads: TALL_SKINNY_THREADS, reps: TALL_SKINNY_REPS, explicit: args['normalize-bench'], env: threadEnv, timeoutMs, log: (row) => log(`  ${describeTallSkinny(row)}`),
    });
    if (tallSkinny.status !== 'ok') log(`  tall-skinny section ${tallSkinny.status}: ${tallSkinny.reason}`);
    if (tallSkinny.binary) tallSkinny.binary = rel(tallSkinny.binary);
  }

  // 4. test matrices, once per run
  const mats = buildMatrices(usedMatrices);

  // 5. the runs: one process per (contender, threads, matrix), in plan order
  const processes = [];
  for (const [g, list] of groupRuns(allRuns)) {
    const [contender, threads, matrix] = g.split('|');
    const M = mats[matrix];
    log(`\n[${matrix}] ${LABELS[contender](Number(threads))}: ${list.length} run${list.length > 1 ? 's' : ''}`);
    const proc = await runGroup(contender, Number(threads), M, list, facade, peers);
    processes.push(proc);
    for (const r of list) {
      if (r.status === 'ok') computeAccuracy(r, M);
      log(`  ${describe(r)}`);
    }
  }

  // 6. tables, targets, plot, files
  const tables = plan.map((t) => materialize(t, mats));
  const targets = computeTargets(tables, triad, tallSkinny);
  const env = environment(facade, processes);
  if (env.coretype_mismatch) log(`\nnote: ${env.coretype_mismatch}`);
  const base = quick ? 'rsvd.quick' : 'rsvd';
  const svgName = quick ? 'rsvd-error-vs-time.quick.svg' : 'rsvd-error-vs-time.svg';
  const sweep = tables.find((t) => t.section === 'sweep');
  let plotFile = null;
  let plotError = null;
  if (sweep) {
    try {
      const pts = sweep.rows.filter((r) => r.status === 'ok' && r.spectral_error > 0).map((r) => ({ series: r.series, q: r.q, time_ms: r.time_ms.median, error: r.spectral_error }));
      if (pts.length) {
        const M = mats[sweep.matrix];
        const svg = await errorVsTimeSvg({
          points: pts,
          optimum: M.sigma ? M.sigma[k] : null,
          k,
          title: `rsvd: spectral error vs time${quick ? ' (quick mode: not for comparison)' : ''}`,
          subtitle: [
            `${M.rows} × ${M.cols} ${M.dtype === 'float64' ? 'f64' : 'f32'}, k = ${k}, p = ${p}, q ∈ {${SWEEP_QS.join(', ')}}; ${maxThreads} thread${maxThreads > 1 ? 's' : ''}`,
            `median of ${itersFor(sweep.matrix, 'native')} run(s) per point; ${new Date().toISOString().slice(0, 10)}; bench/run.mjs`,
          ],
        });
        plotFile = path.join(outDir, svgName);
        writeFileAtomic(plotFile, svg);
      } else plotError = 'no successful sweep runs';
    } catch (e) {
      plotError = `plot failed: ${e?.message ?? e}`;
      log(plotError);
    }
  }

  const report = {
    schema: 2,
    benchmark: 'rsvd',
    date: new Date().toISOString(),
    quick,
    duration_s: (performance.now() - t0run) / 1000,
    machine: { cpu: os.cpus()[0]?.model ?? '?', cpus: os.cpus().length, load_average_at_start: +load0.toFixed(2), memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${process.platform}-${process.arch}` },
    node: process.version,
    environment: env,
    params: { rank: k, oversamples: p, powerIters: q, normalizer, seed, threads: threadList, passes_over_A: 2 * q + 2, sweep_q: SWEEP_QS, normalizer_q: NORMALIZER_QS, sketches: SKETCHES, tall_skinny_shapes: TALL_SKINNY_SHAPES },
    matrices: Object.fromEntries(usedMatrices.map((m) => [m, matrixInfo(mats[m])])),
    accuracy: {
      spectral_error: '‖A − U diag(S) Vt‖₂ by Golub–Kahan–Lanczos on the implicit residual (full reorthogonalization, fixed-seed start, stopped when the estimate changes by < 1e-7 relative twice; bench/lib/accuracy.mjs)',
      spectral_error_ratio: 'dense: spectral error / σ_{k+1}, σ_{k+1} being the Eckart–Young minimum (tables show the ratio − 1; the estimate resolves about 1e-7); CSR: spectral error / ‖A‖₂ (same Lanczos)',
      frobenius_residual: '‖A − U diag(S) Vt‖_F / ‖A‖_F: dense row by row in f64; CSR as ‖A‖² − 2⟨A, USVᵀ⟩ + ‖USVᵀ‖² over the non-zeros',
      sigma_error: 'dense: max_{j≤k} |S_j − σ_j| / σ_j against the known σ',
    },
    facade,
    python: peers.python
      ? { available: true, python: peers.pythonVersion, ...peers.versions, optional: peers.optional }
      : { available: false, reason: peers.reason },
    peers_not_run: peersNotRun(peers),
    triad: { source: triad.source, binary: triad.binary ? rel(triad.binary) : null, note: triad.note, by_threads: triad.byThreads },
    plot: plotFile ? rel(plotFile) : null,
    plot_error: plotError,
    tables,
    tall_skinny: tallSkinny,
    targets,
    runs: allRuns.map(publicRun),
  };
  const jsonFile = path.join(outDir, `${base}.json`);
  const mdFile = path.join(outDir, `${base}.md`);
  writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(mdFile, markdownReport(report));

  if (tallSkinny?.status === 'ok') {
    log('\nnormalizers on tall-skinny sketches (median ms):');
    log(textTable(TALL_SKINNY_HEAD.slice(0, -1), tallSkinny.rows.map((r) => tallSkinnyCells(r).slice(0, -1)), TALL_SKINNY_ALIGN.slice(0, -1)));
  }
  log(`\ntargets (reported, not enforced)${quick ? ` — quick mode: measured on ${bigDense} and ${sparseCase}, not the target sizes` : ''}:`);
  log(textTable(['target', 'case', 'value', 'want', 'met'], targets.map(targetRow), ['l', 'l', 'r', 'l', 'l']));
  log(`\nwrote ${rel(jsonFile)}, ${rel(mdFile)}${plotFile ? `, ${rel(plotFile)}` : ''} in ${((performance.now() - t0run) / 1000).toFixed(0)} s`);
}

function groupRuns(allRuns) {
  const groups = new Map();
  for (const r of allRuns) {
    const g = `${r.contender}|${r.threads}|${r.matrix}`;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(r);
  }
  return groups;
}

// ---------------------------------------------------------------- matrices
function buildMatrices(names) {
  const mats = {};
  const byShape = new Map();
  const t = performance.now();
  for (const name of names) {
    const c = MATRICES[name];
    if (c.kind === 'dense') {
      const key = `${c.rows}x${c.cols}`;
      if (!byShape.has(key)) byShape.set(key, buildTestMatrix({ rows: c.rows, cols: c.cols, rank: 100, seed: MATRIX_SEED }));
      const b = byShape.get(key);
      const data = c.dtype === 'float32' ? Float32Array.from(b.data) : b.data;
      const file = path.join(tmp, `${name}.npy`);
      writeNpy(file, data, [c.rows, c.cols]);
      mats[name] = { name, kind: 'dense', data, rows: c.rows, cols: c.cols, dtype: c.dtype, sigma: b.sigma, input: { kind: 'dense', file } };
    } else {
      const A = buildSparseTestMatrix({ rows: c.rows, cols: c.cols, nnz: c.nnz, seed: SPARSE_SEED });
      const files = {};
      for (const part of ['indptr', 'indices', 'values']) {
        files[part] = path.join(tmp, `${name}.${part}.npy`);
        writeNpy(files[part], A[part], [A[part].length]);
      }
      const normA = spectralResidualNorm(A, null, null, null).norm;
      mats[name] = { name, ...A, kind: 'csr', dtype: c.dtype, sigma: null, norm2: normA, input: { kind: 'csr', rows: c.rows, cols: c.cols, ...files } };
    }
    mats[name].normF2 = frobenius2(mats[name].kind === 'csr' ? { data: mats[name].values } : mats[name]);
  }
  if (names.length) log(`test matrices ${names.join(', ')} built and written to ${tmp} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return mats;
}

function matrixInfo(M) {
  if (M.kind === 'dense') {
    return {
      kind: 'dense', rows: M.rows, cols: M.cols, dtype: M.dtype, layout: 'row-major (C order .npy)', seed: MATRIX_SEED, rank: 100,
      construction: 'A = Σ_{i≤100} σ_i u_i v_iᵀ, σ_i = i^-2; u_i, v_i: seeded Gaussian vectors orthonormalised by modified Gram–Schmidt (two passes); f32 = the f64 matrix rounded to float32; no added noise',
      sigma_k_plus_1: M.sigma[k],
      optimal_frobenius_residual: optimalResidual(M.sigma, k),
    };
  }
  return {
    kind: 'csr', rows: M.rows, cols: M.cols, nnz: M.nnz, dtype: M.dtype, seed: SPARSE_SEED, zipf: M.zipf,
    construction: `${M.nnz / M.rows} non-zeros per row, columns drawn from a Zipf(${M.zipf}) law over a seeded column permutation (distinct and sorted within a row), N(0, 1) values; canonical CSR; written as int32 indptr/indices and f64 values .npy, loaded by the Python peers as scipy.sparse.csr_matrix`,
    column_counts: columnCounts(M),
    norm2: M.norm2,
  };
}

// ---------------------------------------------------------------- processes
function threadEnv(t) {
  const s = String(t);
  return { ...process.env, RANDLA_NUM_THREADS: s, OPENBLAS_NUM_THREADS: s, OMP_NUM_THREADS: s, MKL_NUM_THREADS: s, VECLIB_MAXIMUM_THREADS: s };
}

function skipAll(list, reason, status = 'skipped') {
  for (const r of list) Object.assign(r, { status, reason });
}

async function runGroup(contender, threads, M, list, facade, peers) {
  const proc = { contender, threads, matrix: M.name };
  // reasons known before spawning anything
  if (contender === 'native' || contender === 'reference') {
    const b = facade.backends.find((x) => x.name === contender);
    const why = !facade.built ? facade.reason : !b ? `backends() lists no '${contender}' backend` : !b.available ? `${contender} backend not available: ${b.reason ?? 'no reason given'}` : null;
    if (why) {
      skipAll(list, why);
      return proc;
    }
  }
  if (runtimeOf(contender) === 'python') {
    const why = !peers.python ? peers.reason : contender === 'torch' && !peers.optional.torch?.available ? `torch not installed: ${peers.optional.torch?.reason ?? 'not requested'}` : null;
    if (why) {
      skipAll(list, why);
      return proc;
    }
  }
  const planFile = path.join(tmp, 'plans', `${contender}-${threads}t-${M.name}.json`);
  fs.mkdirSync(path.dirname(planFile), { recursive: true });
  const planRuns = list.map((r) => ({
    id: r.id, rank: r.rank, oversamples: r.oversamples, powerIters: r.powerIters, normalizer: r.normalizer, sketch: r.sketch, seed: r.seed,
    iterations: r.iterations, warmup: r.warmup, out: path.join(tmp, 'factors', r.id),
  }));
  fs.writeFileSync(planFile, JSON.stringify({ contender, threads, input: M.input, runs: planRuns }, null, 1));
  const [cmd, argv] = runtimeOf(contender) === 'python'
    ? [venvPython(path.join(root, 'bench', '.venv')), [path.join(root, 'bench', 'peers', 'rsvd_peers.py'), '--plan', planFile]]
    : [process.execPath, [path.join(root, 'bench', 'rsvd.bench.mjs'), '--plan', planFile]];
  const t0 = performance.now();
  const r = await runJson(cmd, argv, { cwd: root, env: threadEnv(threads), timeoutMs, echoStderr: args.verbose });
  proc.wall_s = (performance.now() - t0) / 1000;
  const j = r.json;
  if (!j) {
    const why = r.timedOut ? `timed out after ${timeoutMs / 1000} s` : r.error ? r.error.message : `exit ${r.code ?? r.signal}, no JSON line`;
    skipAll(list, `${why}${r.stderr ? `: ${tail(r.stderr, 3)}` : ''}`, 'failed');
    return proc;
  }
  Object.assign(proc, { library: j.library, blas: j.blas, device: j.device, torch_blas: j.torch_blas, torch_threads: j.torch_threads, threads_reported: j.threads_reported ?? null });
  if (j.status !== 'ok') {
    skipAll(list, j.reason ?? j.error ?? tail(r.stderr, 3), j.status ?? 'failed');
    return proc;
  }
  for (const run of list) {
    const x = j.runs?.find((y) => y.id === run.id);
    if (!x) {
      Object.assign(run, { status: 'failed', reason: 'no result for this run' });
      continue;
    }
    if (x.status !== 'ok') {
      Object.assign(run, { status: x.status, reason: x.reason ?? x.error });
      continue;
    }
    Object.assign(run, {
      status: 'ok',
      library: j.library,
      time_ms: summarize(x.samples_ms),
      samples_ms: x.samples_ms,
      dtype_in: x.dtype_in,
      dtype_out: x.dtype_out,
      ran_normalizer: x.normalizer ?? null,
      factors: x.factors,
      notes: [...(x.notes ?? [])],
    });
    if (x.dtype_in && x.dtype_out && x.dtype_in !== x.dtype_out) run.notes.push(`output ${x.dtype_out}`);
    if (proc.threads_reported && proc.threads_reported !== threads) run.notes.push(`threads reported: ${proc.threads_reported}`);
  }
  return proc;
}

// ---------------------------------------------------------------- accuracy
function computeAccuracy(run, M) {
  try {
    const U = readMatrixNpy(run.factors.U);
    const Vt = readMatrixNpy(run.factors.Vt);
    const S = Float64Array.from(readNpy(run.factors.S).data);
    const kk = Math.min(S.length, U.cols, Vt.rows);
    if (kk < k) throw new Error(`contender returned rank ${kk}, expected ${k}`);
    const take = (X, rows, cols) => {
      if (X.rows === rows && X.cols === cols) return X;
      const d = new X.data.constructor(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = X.data[i * X.cols + j];
      return { data: d, rows, cols };
    };
    const Uk = take(U, M.rows, k);
    const Vk = take(Vt, k, M.cols);
    const Sk = S.subarray(0, k);
    const t0 = performance.now();
    const spec = spectralResidualNorm(M, Uk, Sk, Vk);
    const acc = {
      spectral_error: spec.norm,
      spectral_steps: spec.steps,
      spectral_converged: spec.converged,
    };
    if (M.kind === 'dense') {
      acc.spectral_ratio = spec.norm / M.sigma[k];
      acc.rel_residual = relResidual(M, Uk, Sk, Vk, M.normF2);
      acc.sigma_max_rel_error = maxRelSigmaError(Sk, M.sigma);
    } else {
      acc.spectral_ratio = spec.norm / M.norm2;
      acc.rel_residual = csrRelResidual(M, Uk, Sk, Vk);
    }
    acc.seconds = (performance.now() - t0) / 1000;
    run.accuracy = acc;
    if (!spec.converged) run.notes.push(`spectral estimate not converged after ${spec.steps} Lanczos steps`);
  } catch (e) {
    run.accuracy = null;
    run.notes.push(`accuracy not computed: ${e.message}`);
  } finally {
    if (!args.keep && run.factors) fs.rmSync(path.dirname(run.factors.U), { recursive: true, force: true });
  }
}

function describe(r) {
  const what = `${r.label}, q=${r.powerIters} ${r.normalizer} ${r.sketch}`;
  if (r.status === 'skipped') return `${what}: skipped (${r.reason})`;
  if (r.status !== 'ok') return `${what}: FAILED (${r.reason ?? '?'})`;
  const t = r.time_ms;
  const a = r.accuracy;
  const acc = a ? `  ‖R‖₂ ${fmtErr(a.spectral_error)} (×${a.spectral_ratio.toFixed(3)})  ‖R‖_F/‖A‖_F ${fmtErr(a.rel_residual)}` : '';
  return `${what}: median ${fmtMs(t.median)} ms (min ${fmtMs(t.min)}, max ${fmtMs(t.max)}; ${t.runs} run${t.runs > 1 ? 's' : ''})${acc}`;
}

function describeTallSkinny(r) {
  const what = `${r.dtype} ${r.m} × ${r.l}, ${r.threads} thread${r.threads > 1 ? 's' : ''}`;
  if (r.status !== 'ok') return `${what}: FAILED (${r.reason})`;
  return `${what}: qr ${fmtMs(r.median_ms.qr)} ms, cholqr2 ${fmtMs(r.median_ms.cholqr2)} ms, lu ${fmtMs(r.median_ms.lu)} ms; ` +
    `qr / cholqr2 ${fmtRatio(r.qr_over_cholqr2)}; ‖QᵀQ−I‖ qr ${fmtErr(r.orthonormality_error.qr)}, cholqr2 ${fmtErr(r.orthonormality_error.cholqr2)}`;
}

function publicRun(r) {
  const { key: _key, factors: _factors, ...rest } = r;
  return rest;
}

// ---------------------------------------------------------------- tables
const med = (r) => (r?.status === 'ok' ? r.time_ms.median : null);
const specErr = (r) => (r?.status === 'ok' ? r.accuracy?.spectral_error ?? null : null);

function rowOf(run, extra = {}) {
  // ml-matrix computes a full SVD: no power iterations, normalizer or sketch
  const full = run.contender === 'ml-matrix';
  const base = {
    id: run.id, label: run.label, contender: run.contender, threads: run.threads, q: full ? null : run.powerIters,
    normalizer: full ? null : run.normalizer, sketch: full ? null : run.sketch, status: run.status, ...extra,
  };
  if (run.status !== 'ok') return { ...base, reason: run.reason };
  return {
    ...base,
    library: run.library,
    runs: run.time_ms.runs,
    time_ms: run.time_ms,
    spectral_error: run.accuracy?.spectral_error ?? null,
    spectral_ratio: run.accuracy?.spectral_ratio ?? null,
    rel_residual: run.accuracy?.rel_residual ?? null,
    sigma_max_rel_error: run.accuracy?.sigma_max_rel_error ?? null,
    dtype_out: run.dtype_out,
    notes: run.notes,
  };
}

function materialize(t, mats) {
  const M = mats[t.matrix];
  const out = { section: t.section, name: t.name, matrix: t.matrix, rows_count: M.rows, cols_count: M.cols, dtype: M.dtype, kind: M.kind };
  if (M.kind === 'dense') {
    out.sigma_k_plus_1 = M.sigma[k];
    out.optimal_frobenius_residual = optimalResidual(M.sigma, k);
  } else {
    out.norm2 = M.norm2;
    out.nnz = M.nnz;
  }
  if (t.section === 'peers' || t.section === 'sparse') {
    const sk = t.rows.find((r) => r.run.contender === 'sklearn')?.run;
    out.rows = t.rows.map(({ run }) => rowOf(run, { speedup_vs_sklearn: med(sk) && med(run) ? med(sk) / med(run) : null }));
  } else if (t.section === 'normalizers') {
    out.rows = t.rows.map(({ run, normalizer: n, q: qq }) => {
      const qr = t.rows.find((r) => r.normalizer === 'qr' && r.q === qq)?.run;
      return rowOf(run, {
        normalizer: n,
        q: qq,
        speedup_vs_qr: med(qr) && med(run) ? med(qr) / med(run) : null,
        error_vs_qr: specErr(qr) && specErr(run) ? specErr(run) / specErr(qr) : null,
      });
    });
  } else if (t.section === 'sketches') {
    const g = t.rows.find((r) => r.sketch === 'gaussian')?.run;
    out.rows = t.rows.map(({ run, sketch }) => rowOf(run, {
      sketch,
      speedup_vs_gaussian: med(g) && med(run) ? med(g) / med(run) : null,
      error_vs_gaussian: specErr(g) && specErr(run) ? specErr(run) / specErr(g) : null,
    }));
  } else if (t.section === 'sweep') {
    out.rows = t.rows.map(({ run, series, q: qq }) => {
      const sk = t.rows.find((r) => r.run.contender === 'sklearn' && r.q === qq)?.run;
      return rowOf(run, { series, q: qq, speedup_vs_sklearn: med(sk) && med(run) ? med(sk) / med(run) : null });
    });
  }
  return out;
}

// ---------------------------------------------------------------- environment (threads, OpenBLAS core types)
function environment(facade, processes) {
  const nativeDevice = facade.backends?.find((b) => b.name === 'native')?.device ?? null;
  // OpenBLAS's config string ends with "<core> MAX_THREADS=..": the core it picked (DYNAMIC_ARCH builds)
  const nativeCore = nativeDevice ? /\s([A-Za-z0-9_]+)\s+MAX_THREADS=/.exec(nativeDevice)?.[1] ?? null : null;
  const pyBlas = {};
  for (const pr of processes) {
    if (pr.blas && !pyBlas[pr.contender]) pyBlas[pr.contender] = pr.blas;
  }
  const openblasCores = new Set();
  for (const list of Object.values(pyBlas)) for (const b of list) if (b.internal_api === 'openblas' && b.architecture) openblasCores.add(b.architecture);
  const torch = processes.find((pr) => pr.contender === 'torch' && pr.torch_blas);
  const env = {
    OPENBLAS_CORETYPE: coretype,
    OPENBLAS_THREAD_TIMEOUT: threadTimeout,
    thread_env: 'RANDLA_NUM_THREADS, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS, VECLIB_MAXIMUM_THREADS = the contender\'s thread count; randla: setThreads(n); torch: torch.set_num_threads(n)',
    native_blas: nativeDevice,
    native_openblas_core: nativeCore,
    python_blas: pyBlas,
    python_openblas_cores: [...openblasCores],
    torch_blas: torch ? `${torch.torch_blas} (MKL does not read OPENBLAS_CORETYPE)` : null,
    rscript: runSync('Rscript', ['--version']).ok,
  };
  const cores = new Set([nativeCore, ...openblasCores].filter(Boolean));
  if (cores.size > 1) {
    env.coretype_mismatch = `randla's OpenBLAS runs ${nativeCore} kernels, numpy/scipy's OpenBLAS ${[...openblasCores].join(', ')}` +
      `${coretype ? ` (OPENBLAS_CORETYPE=${coretype})` : ' (OPENBLAS_CORETYPE unset: each library picked its own)'}; ` +
      'set --openblas-coretype NAME to run both on the same kernels';
  }
  return env;
}

function peersNotRun(peers) {
  const out = [
    { peer: 'R rsvd (CRAN package rsvd)', reason: runSync('Rscript', ['--version']).ok ? 'Rscript is on PATH, but this bench has no R runner (R is not part of the toolchain)' : 'no R on this machine (Rscript not on PATH)' },
    { peer: 'RandLAPACK (BALLISTIC)', reason: 'a C++ library built with CMake against BLAS++/LAPACK++ and RandBLAS; not on PyPI, no Python or Node binding to call' },
    {
      peer: 'ristretto (PyPI 0.1.2, 2018)',
      reason: '`pip install ristretto` fails: its setup.py imports Cython before declaring it (ModuleNotFoundError). With Cython and wheel preinstalled and --no-build-isolation it builds, but ristretto.mf.rsvd fails at its dtype check on current SciPy: it uses the NumPy aliases `scipy.float32` and `scipy.random`, which SciPy removed (AttributeError: Module \'scipy\' has no attribute \'float32\'). Unmaintained since 2018',
    },
  ];
  const torch = peers.optional?.torch;
  if (torch && !torch.available) out.push({ peer: 'torch.svd_lowrank', reason: torch.reason });
  return out;
}

// ---------------------------------------------------------------- targets
function computeTargets(tables, triad, tallSkinny) {
  const targets = [];
  const table = (section, matrix) => tables.find((t) => t.section === section && (!matrix || t.matrix === matrix));
  const find = (t, pred) => t?.rows.find(pred);
  const why = (t, name, ...rows) => {
    if (!t) return `${name} not run`;
    const bad = rows.find((r) => r?.status !== 'ok');
    if (bad === undefined && rows.every(Boolean)) return null;
    return bad ? `${bad.label} ${bad.status}${bad.reason ? `: ${String(bad.reason).slice(0, 60)}` : ''}` : 'contender not run';
  };
  const nat = (t) => find(t, (r) => r.contender === 'native' && r.threads === maxThreads);
  const m = (r) => (r?.status === 'ok' ? r.time_ms.median : null);

  // dense peers
  const big = table('peers', bigDense);
  const n64 = nat(big);
  const sk = find(big, (r) => r.contender === 'sklearn');
  const fb = find(big, (r) => r.contender === 'fbpca');
  targets.push(ratio(`scikit-learn / native ${maxThreads}t`, bigDense, m(sk), m(n64), '≥ 1.5', (x) => x >= 1.5, why(big, `peers ${bigDense}`, n64, sk)));
  targets.push(ratio(`fbpca / native ${maxThreads}t`, bigDense, m(fb), m(n64), '> 1', (x) => x > 1, why(big, `peers ${bigDense}`, n64, fb)));
  const bw = triad.byThreads[maxThreads]?.bytes_per_second;
  const M = MATRICES[bigDense];
  const readMs = bw ? ((2 * q + 2) * 8 * M.rows * M.cols / bw) * 1000 : null;
  const tb = ratio(`native ${maxThreads}t / (2q+2 reads of A at triad bandwidth)`, bigDense, m(n64), readMs, '≤ 2', (x) => x <= 2, why(big, `peers ${bigDense}`, n64));
  if (readMs) tb.detail = `(2q+2)·8·m·n bytes = ${(((2 * q + 2) * 8 * M.rows * M.cols) / 1e9).toFixed(2)} GB at ${fmtBytes(bw)} (${triad.source} triad, ${maxThreads} threads, measured in this run) = ${fmtMs(readMs)} ms`;
  targets.push(tb);

  // sparse
  const sp = table('sparse');
  targets.push(ratio(`CSR: scikit-learn / native ${maxThreads}t`, sparseCase, m(find(sp, (r) => r.contender === 'sklearn')), m(nat(sp)), '≥ 1.5', (x) => x >= 1.5,
    why(sp, 'sparse section', nat(sp), find(sp, (r) => r.contender === 'sklearn'))));

  // normalizers: speed on the blocks alone (in a whole rsvd call the normalizer is a few percent
  // of the time, below the noise), accuracy in whole rsvd calls
  for (const [dtype, target] of [['float64', true], ['float32', false]]) {
    for (const [mm, l] of TALL_SKINNY_TARGET_SHAPES) {
      const caseName = `${dtype === 'float64' ? 'f64' : 'f32'} ${mm} × ${l}, ${maxThreads}t`;
      const row = tallSkinny?.rows.find((r) => r.dtype === dtype && r.m === mm && r.l === l && r.threads === maxThreads);
      const reason = !tallSkinny ? 'tall-skinny section not run'
        : tallSkinny.status === 'skipped' ? 'tall-skinny section skipped: randla_bench_normalize not found'
          : !row ? `not run${quick ? ' in --quick' : ''}`
            : row.status !== 'ok' ? `failed: ${String(row.reason).slice(0, 60)}` : null;
      const num = row?.median_ms?.qr;
      const den = row?.median_ms?.cholqr2;
      targets.push(target
        ? ratio('cholqr2 faster than qr on tall-skinny sketches (qr / cholqr2 time)', caseName, num, den, '> 1', (x) => x > 1, reason)
        : ratio('f32: qr / cholqr2 time on tall-skinny sketches', caseName, num, den, 'none (informational)', () => null, reason));
    }
  }
  const nz = table('normalizers');
  for (const qq of NORMALIZER_QS) {
    const qr = find(nz, (r) => r.normalizer === 'qr' && r.q === qq);
    const ch = find(nz, (r) => r.normalizer === 'cholqr2' && r.q === qq);
    targets.push(ratio(`cholqr2 / qr spectral error, q=${qq}`, bigDense, specErrRow(ch), specErrRow(qr), '≤ 1.01', (x) => x <= 1.01, why(nz, 'normalizers section', qr, ch)));
  }

  // issue 2's targets, kept
  const small = table('peers', 'small-f64');
  const ml = find(small, (r) => r.contender === 'ml-matrix');
  const ns = nat(small);
  targets.push(ratio(`ml-matrix / native ${maxThreads}t`, 'small-f64', m(ml), m(ns), '≥ 100', (x) => x >= 100, why(small, 'peers small-f64', ml, ns)));
  const b32 = table('peers', bigDense32);
  const n32 = nat(b32);
  targets.push(ratio(`native ${maxThreads}t f64 / f32 time`, `${bigDense} / ${bigDense32}`, m(n64), m(n32), '≈ 2 (1.5–2.5)', (x) => x >= 1.5 && x <= 2.5,
    why(big, `peers ${bigDense}`, n64) ?? why(b32, `peers ${bigDense32}`, n32)));
  return targets;
}

function specErrRow(r) {
  return r?.status === 'ok' ? r.spectral_error : null;
}

function ratio(name, caseName, num, den, want, ok, reason) {
  if (reason || !(num > 0) || !(den > 0)) return { name, case: caseName, value: null, want, met: null, reason: reason ?? 'missing data' };
  const value = num / den;
  return { name, case: caseName, value, want, met: ok(value) };
}

function targetRow(t) {
  return [t.name, t.case, t.value === null ? `n/a (${t.reason})` : fmtRatio(t.value), t.want, t.met === null ? '—' : t.met ? 'yes' : 'no'];
}

// ---------------------------------------------------------------- markdown
const x = (v) => (v === null || v === undefined ? '—' : `${fmtRatio(v)}×`);
const fmtRel = (v) => (v === null || v === undefined ? '—' : v.toFixed(4));
// dense: spectral error / σ_{k+1} − 1, the excess over the Eckart–Young minimum (≈ 1e-7 is the estimator's resolution)
const fmtExcess = (ratio) => (ratio === null || ratio === undefined ? '—' : fmtErr(ratio - 1));

function notesOf(r) {
  const n = [...(r.notes ?? [])];
  if (r.contender === 'reference') n.unshift('pure TS');
  return n.join('; ');
}

function timeCells(r) {
  return r.status === 'ok' ? [r.runs, fmtMs(r.time_ms.median), fmtMs(r.time_ms.min), fmtMs(r.time_ms.max)] : ['—', '—', '—', '—'];
}

function failedNote(r) {
  return `${r.status}: ${String(r.reason ?? '').slice(0, 300)}`;
}

function peersTable(t) {
  const dense = t.kind === 'dense';
  const head = ['contender', 'threads', 'normalizer', 'runs', 'median ms', 'min ms', 'max ms', 'speed-up vs scikit-learn', '‖A−UΣVᵀ‖₂', dense ? '‖·‖₂ / σ_{k+1} − 1' : '‖·‖₂ / ‖A‖₂', '‖A−UΣVᵀ‖_F / ‖A‖_F'];
  if (dense) head.push('max rel err σ₁..σ_k');
  head.push('notes');
  const rows = t.rows.map((r) => {
    const cells = [r.label, r.threads, r.normalizer ? r.normalizer.toUpperCase() : '—', ...timeCells(r)];
    if (r.status !== 'ok') {
      cells.push('—', '—', '—', '—');
      if (dense) cells.push('—');
      cells.push(failedNote(r));
      return cells;
    }
    cells.push(x(r.speedup_vs_sklearn), fmtErr(r.spectral_error), dense ? fmtExcess(r.spectral_ratio) : fmtRel(r.spectral_ratio), fmtErr(r.rel_residual));
    if (dense) cells.push(fmtErr(r.sigma_max_rel_error));
    cells.push(notesOf(r));
    return cells;
  });
  return markdownTable(head, rows, head.map((h, i) => (i === 0 || h === 'notes' || h === 'normalizer' ? 'l' : 'r')));
}

const TALL_SKINNY_HEAD = ['dtype', 'm', 'l', 'threads', 'qr ms', 'cholqr2 ms', 'lu ms', 'qr / cholqr2', '‖QᵀQ−I‖_max qr', '‖QᵀQ−I‖_max cholqr2', 'notes'];
const TALL_SKINNY_ALIGN = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];

function tallSkinnyCells(x2) {
  const head = [x2.dtype, x2.m, x2.l, x2.threads];
  if (x2.status !== 'ok') return [...head, '—', '—', '—', '—', '—', '—', failedNote(x2)];
  return [...head, fmtMs(x2.median_ms.qr), fmtMs(x2.median_ms.cholqr2), fmtMs(x2.median_ms.lu), x(x2.qr_over_cholqr2),
    fmtErr(x2.orthonormality_error.qr), fmtErr(x2.orthonormality_error.cholqr2), ''];
}

function tallSkinnyMarkdown(ts) {
  const L = ['## Normalizers on tall-skinny sketches (m × l, the blocks a range finder normalizes)', ''];
  if (ts.status === 'skipped') {
    L.push(`Skipped: ${ts.reason}.`);
    return L;
  }
  L.push(`\`${ts.binary}\` (native/bench/bench_normalize.cpp: the C++ core, no Node) runs \`randla::normalize\` on a seeded Gaussian m × l block, in place on a fresh copy each call, and reports the median of ${ts.reps} timed calls after one warm-up; times in ms. qr: Householder QR, explicit thin Q; cholqr2: CholeskyQR2 (Gram matrix, Cholesky, triangular solve, twice; shifted CholeskyQR3 when the first Cholesky fails); lu: P·L of LU with partial pivoting, which spans the same range but is not orthonormal by design (no error shown). ‖QᵀQ−I‖_max is the orthonormality error of the result. In a whole rsvd call the normalizer is a few percent of the time (the normalizers section), too little to compare normalizers' speed there; here it is all that is timed.`);
  L.push('');
  L.push(markdownTable(TALL_SKINNY_HEAD, ts.rows.map(tallSkinnyCells), TALL_SKINNY_ALIGN));
  if (ts.status === 'failed') L.push('', `Every invocation failed: ${ts.reason}.`);
  return L;
}

function markdownReport(r) {
  const L = [];
  const env = r.environment;
  L.push(`# rsvd benchmark${r.quick ? ' (quick mode: small sizes, one iteration — not for comparison)' : ''}`);
  L.push('');
  L.push(`Generated by \`npm run bench${r.quick ? ' -- --quick' : ''}\` (bench/run.mjs) on ${r.date} in ${r.duration_s.toFixed(0)} s.`);
  L.push('');
  L.push(`- Machine: ${r.machine.cpu}, ${r.machine.cpus} CPUs, ${r.machine.memory_gib} GiB, ${r.machine.platform}; Node ${r.node}; load average at start ${r.machine.load_average_at_start}`);
  L.push(`- rsvd: k = ${r.params.rank}, p = ${r.params.oversamples}, seed ${r.params.seed}; peers and sparse sections: q = ${r.params.powerIters} (${r.params.passes_over_A} passes over A), normalizer ${r.params.normalizer.toUpperCase()} where the library lets one choose (fbpca: always LU; torch.svd_lowrank: always QR)`);
  L.push(`- Threads: randla native ${r.params.threads.join(' and ')} (setThreads); Python peers ${r.params.threads[r.params.threads.length - 1]} (${env.thread_env})`);
  L.push(`- OPENBLAS_CORETYPE: ${env.OPENBLAS_CORETYPE ?? 'unset'} (the same for every contender). OpenBLAS core in use: randla native ${env.native_openblas_core ?? '?'}${env.native_blas ? ` (${env.native_blas})` : ''}; numpy/scipy ${env.python_openblas_cores.length ? env.python_openblas_cores.join(', ') : '?'} (threadpoolctl)${env.torch_blas ? `; torch ${env.torch_blas}` : ''}`);
  L.push(`- OPENBLAS_THREAD_TIMEOUT: ${env.OPENBLAS_THREAD_TIMEOUT ?? 'unset'} for every contender (randla's loader default; without it numpy's and scipy's separate OpenBLAS pools spin against each other)`);
  if (env.coretype_mismatch) L.push(`- **Note:** ${env.coretype_mismatch}.`);
  L.push(`- randla: ${r.facade.built ? r.facade.backends.map((b) => `${b.name} ${b.available ? 'available' : `unavailable (${b.reason ?? '?'})`}`).join(', ') : `not run: ${r.facade.reason}`}`);
  if (r.python.available) {
    const opt = Object.entries(r.python.optional ?? {}).map(([n, o]) => (o.available
      ? `${n} ${o.version}${o.source && o.source !== 'default index' ? ` from ${o.source}` : ''}${o.notes?.length ? ` (${o.notes.join('; ')})` : ''}`
      : `${n} not available (${o.reason})`));
    L.push(`- Python peers (bench/.venv): Python ${r.python.python}, numpy ${r.python.numpy}, scipy ${r.python.scipy}, scikit-learn ${r.python['scikit-learn']}, fbpca ${r.python.fbpca}, threadpoolctl ${r.python.threadpoolctl}${opt.length ? `; ${opt.join('; ')}` : ''}`);
  } else {
    L.push(`- Python peers: ${r.python.reason}`);
  }
  L.push(`- Triad bandwidth (${r.triad.source}${r.triad.binary ? `, ${r.triad.binary}` : ''}, this run): ${Object.entries(r.triad.by_threads).map(([t, v]) => `${t} thread(s) ${fmtBytes(v.bytes_per_second)}`).join(', ')}${r.triad.note ? ` — ${r.triad.note}` : ''}`);
  L.push('- Times: wall-clock per call in ms, median / min / max over the timed runs (tinybench for Node, time.perf_counter for Python; warm-up runs untimed). One process per library, thread count and matrix; every contender reads its matrix from the same .npy file(s).');
  L.push(`- Accuracy (the same code for every contender, from the factors it saved): ‖A−UΣVᵀ‖₂ = ${r.accuracy.spectral_error}. ${r.accuracy.spectral_error_ratio}. ${r.accuracy.frobenius_residual}.`);
  L.push('- Speed-ups are ratios of medians measured in this run (> 1: faster than the reference row).');
  L.push('');
  for (const [name, info] of Object.entries(r.matrices)) {
    L.push(`- Matrix \`${name}\`: ${info.rows} × ${info.cols} ${info.dtype}${info.kind === 'csr' ? `, CSR with ${info.nnz} non-zeros: ${info.construction}; column counts min ${info.column_counts.min}, median ${info.column_counts.median}, max ${info.column_counts.max}; ‖A‖₂ ≈ ${info.norm2.toPrecision(6)}` : `: ${info.construction}; σ_{k+1} = ${fmtErr(info.sigma_k_plus_1)}`}`);
  }
  L.push('');

  const peers = r.tables.filter((t) => t.section === 'peers');
  if (peers.length) {
    L.push(`## Dense: every contender, k = ${r.params.rank}, p = ${r.params.oversamples}, q = ${r.params.powerIters}`);
    L.push('');
    for (const t of peers) {
      L.push(`### ${t.matrix}: ${t.rows_count} × ${t.cols_count} ${t.dtype}`);
      L.push('');
      L.push(peersTable(t));
      L.push('');
      L.push(`σ_{k+1} = ${fmtErr(t.sigma_k_plus_1)} is the smallest spectral error any rank-${r.params.rank} approximation can have; the Frobenius optimum is ${fmtErr(t.optimal_frobenius_residual)}.`);
      L.push('');
    }
  }
  const sp = r.tables.find((t) => t.section === 'sparse');
  if (sp) {
    L.push(`## Sparse: CSR ${sp.rows_count} × ${sp.cols_count}, ${sp.nnz} non-zeros, k = ${r.params.rank}, p = ${r.params.oversamples}, q = ${r.params.powerIters}`);
    L.push('');
    L.push('Python peers get the same arrays as `scipy.sparse.csr_matrix` (torch: `torch.sparse_csr_tensor`). The spectrum is unknown, so the spectral error is shown relative to ‖A‖₂; compare contenders with each other.');
    L.push('');
    L.push(peersTable(sp));
    L.push('');
  }
  const nz = r.tables.find((t) => t.section === 'normalizers');
  if (nz) {
    L.push(`## Normalizers: randla native (${maxThreads} threads), ${nz.rows_count} × ${nz.cols_count} ${nz.dtype}, k = ${r.params.rank}, p = ${r.params.oversamples}`);
    L.push('');
    L.push('The normalizer runs between power iterations (2q times per call), on the m × (k+p) and n × (k+p) sketches; the final orthonormalization is cholqr2 (with its Householder fallbacks) for all three.');
    L.push('');
    const head = ['normalizer', 'q', 'runs', 'median ms', 'min ms', 'max ms', 'speed-up vs qr', '‖A−UΣVᵀ‖₂', '‖·‖₂ / σ_{k+1} − 1', 'error / qr\'s', 'notes'];
    L.push(markdownTable(head, nz.rows.map((x2) => (x2.status !== 'ok'
      ? [x2.normalizer, x2.q, '—', '—', '—', '—', '—', '—', '—', '—', failedNote(x2)]
      : [x2.normalizer, x2.q, ...timeCells(x2), x(x2.speedup_vs_qr), fmtErr(x2.spectral_error), fmtExcess(x2.spectral_ratio), x2.error_vs_qr === null ? '—' : x2.error_vs_qr.toFixed(6), notesOf(x2)])),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
    L.push('');
  }
  if (r.tall_skinny) L.push(...tallSkinnyMarkdown(r.tall_skinny), '');
  const sk = r.tables.find((t) => t.section === 'sketches');
  if (sk) {
    L.push(`## Sketches: randla native (${maxThreads} threads), ${sk.rows_count} × ${sk.cols_count} ${sk.dtype}, k = ${r.params.rank}, p = ${r.params.oversamples}, q = ${r.params.powerIters}, normalizer QR`);
    L.push('');
    const head = ['sketch', 'runs', 'median ms', 'min ms', 'max ms', 'speed-up vs gaussian', '‖A−UΣVᵀ‖₂', '‖·‖₂ / σ_{k+1} − 1', 'error / gaussian\'s', 'notes'];
    L.push(markdownTable(head, sk.rows.map((x2) => (x2.status !== 'ok'
      ? [x2.sketch, '—', '—', '—', '—', '—', '—', '—', '—', failedNote(x2)]
      : [x2.sketch, ...timeCells(x2), x(x2.speedup_vs_gaussian), fmtErr(x2.spectral_error), fmtExcess(x2.spectral_ratio), x2.error_vs_gaussian === null ? '—' : x2.error_vs_gaussian.toFixed(4), notesOf(x2)])),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
    L.push('');
  }
  const sw = r.tables.find((t) => t.section === 'sweep');
  if (sw) {
    L.push(`## Error vs time: q ∈ {${r.params.sweep_q.join(', ')}}, ${sw.rows_count} × ${sw.cols_count} ${sw.dtype}, k = ${r.params.rank}, p = ${r.params.oversamples}`);
    L.push('');
    if (r.plot) L.push(`![spectral error vs time](${path.basename(r.plot)})`);
    else L.push(`(no plot: ${r.plot_error ?? 'not drawn'})`);
    L.push('');
    const head = ['series', 'q', 'runs', 'median ms', 'min ms', 'max ms', 'speed-up vs scikit-learn (same q)', '‖A−UΣVᵀ‖₂', '‖·‖₂ / σ_{k+1} − 1', 'notes'];
    L.push(markdownTable(head, sw.rows.map((x2) => (x2.status !== 'ok'
      ? [x2.series, x2.q, '—', '—', '—', '—', '—', '—', '—', failedNote(x2)]
      : [x2.series, x2.q, ...timeCells(x2), x(x2.speedup_vs_sklearn), fmtErr(x2.spectral_error), fmtExcess(x2.spectral_ratio), notesOf(x2)])),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
    L.push('');
    L.push('At q = 0 no normalizer runs, so the qr and cholqr2 series share one run.');
    L.push('');
  }
  L.push('## Targets (reported, not enforced)');
  L.push('');
  if (r.quick) {
    L.push(`Quick mode: measured on ${bigDense} and ${sparseCase}, not the target sizes.`);
    L.push('');
  }
  L.push(markdownTable(['target', 'case', 'value', 'want', 'met'], r.targets.map(targetRow), ['l', 'l', 'r', 'l', 'l']));
  const details = r.targets.filter((t) => t.detail);
  if (details.length) {
    L.push('');
    for (const t of details) L.push(`- ${t.name}: ${t.detail}`);
  }
  L.push('');
  L.push('## Peers not run');
  L.push('');
  for (const x2 of r.peers_not_run) L.push(`- ${x2.peer}: ${x2.reason}`);
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------- run
const log = (...a) => console.log(...a);
const t0run = performance.now();
log(`randla rsvd bench${quick ? ' (quick)' : ''}: k=${k} p=${p} q=${q} normalizer=${normalizer} seed=${seed}; sections ${sections.join(', ')}; ` +
  `native threads ${threadList.join(',')}; ${os.cpus().length} CPUs; OPENBLAS_CORETYPE=${coretype ?? 'unset'}; OPENBLAS_THREAD_TIMEOUT=${threadTimeout}`);

const load0 = os.loadavg()[0];
if (load0 > 0.5) {
  log(`warning: load average ${load0.toFixed(2)} on ${os.cpus().length} CPUs: other processes are using the CPU, timings will be noisy (multi-threaded BLAS especially)`);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randla-bench-'));
process.once('SIGINT', () => {
  // the matrices are large: do not leave them behind (children get the same SIGINT from the terminal)
  if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});
let exitCode = 0;
try {
  await main();
} catch (e) {
  console.error(`bench: ${e?.stack ?? e}`);
  exitCode = 1;
} finally {
  if (args.keep) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = exitCode;
