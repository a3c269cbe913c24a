#!/usr/bin/env node
// `npm run bench:bootstrap`: the bootstrap error-estimation benchmark of issue 5 (Lopes, Erichson &
// Mahoney, ICML 2020; docs/algorithms/bootstrap.md). Three sections, every contender in a fresh
// process, 2 threads for everyone:
//   speed     50000 × 200, σᵢ = 1/i, t = 1000, k = 10, B = 50: randla bootstrapSvdError against two
//             numpy implementations of the same algorithm (per-replicate SVD as the authors' code
//             does, and a QR-reduced one);
//   scaling   m from 12500 to 200000 at fixed t: sketchedSvd vs bootstrapSvdError, whose difference
//             (the B replicates) must not grow with m: the estimate makes no pass over A;
//   coverage  estimated vs true error over R independent sketches as t grows (20000 × 200, uniform),
//             with the extrapolation curve (SVG), and the issue's gaussian case (4000 × 200, t = 400).
// Writes bench/results/bootstrap.json, bootstrap.md and bootstrap-coverage.svg (atomically;
// --quick: bootstrap.quick.*, bootstrap-coverage.quick.svg). See bench/README.md, "Bootstrap".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { coverageSvg } from './lib/bootstrap-plot.mjs';
import { fmtErr, fmtMs, fmtRatio, markdownTable, summarize, textTable, writeFileAtomic } from './lib/format.mjs';
import { writeNpy } from './lib/npy.mjs';
import { ensurePeers } from './lib/python.mjs';
import { runJson, tail } from './lib/spawn.mjs';
import { buildTestMatrix } from './lib/testmatrix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';
const RUNNER = path.join(root, 'bench', 'lib', 'bootstrap-runner.mjs');
const PEERS = path.join(root, 'bench', 'peers', 'bootstrap_peers.py');

const HELP = `usage: npm run bench:bootstrap -- [options]     (or: node bench/bootstrap.mjs [options])

Bootstrap error-estimation benchmark (issue 5). Every contender runs in its own process with
2 threads. Test matrices A = U·diag(σ)·Vᵀ, σᵢ = 1/i, n = 200 (U, V: Gram–Schmidt of seeded
Gaussians, bench/lib/testmatrix.mjs), built once per run and passed as .npy.

Sections (default: all):
  speed     50000 × 200, k = 10, t = 1000, B = 50, uniform sketch: median time of randla
            bootstrapSvdError (the full estimate: sketch + SVD of Y + B replicates) and of two numpy
            implementations of the same algorithm from bench/.venv (per-replicate np.linalg.svd,
            as the authors' code; and np.linalg.qr(mode='r') + SVD of R); ratios, estimates
  scaling   seeded Gaussian m × 200, m = 12500 … 200000, t = 1000, k = 10, B = 50: sketchedSvd and
            bootstrapSvdError; their difference (the B replicates) must stay flat in m
  coverage  20000 × 200, uniform, k = 10, B = 50, α = 0.1, t = 250 … 4000, R sketches per t
            (seeds 1..R): coverage of the true error by the estimate, true 0.9-quantile, estimate
            median and 10–90 % range, extrapolation from t = 250 (SVG); and 4000 × 200, gaussian
            sketch, t = 400: coverage of values and vectors. Truth: the construction's σ and V,
            checked against numpy's SVD of A when the Python peers are available
Writes bench/results/bootstrap.json, bootstrap.md, bootstrap-coverage.svg
(--quick: bootstrap.quick.json, bootstrap.quick.md, bootstrap-coverage.quick.svg).

options:
  --quick                 smaller sizes and fewer runs (about a minute on a quiet machine)
  --sections LIST         speed,scaling,coverage (default all)
  --runs N                timed runs per contender in speed and scaling (default 5; --quick 3)
  --coverage-runs R       independent sketches per t in coverage (default 100; --quick 15)
  --seed S                randla / numpy seed in speed and scaling (default 42)
  --out DIR               results directory (default bench/results)
  --no-peers              skip the Python peers (no numpy rows, no numpy check of the truth)
  --no-install            do not pip-install; use bench/.venv as it is
  --python PATH           Python 3 used to create bench/.venv (default: python3 on PATH)
  --openblas-thread-timeout N
                          OPENBLAS_THREAD_TIMEOUT for every contender (default: inherited, else 4)
  --timeout SEC           per-process time limit (default 900)
  --keep                  keep the temporary directory (matrices, plans)
  --verbose               echo the children's stderr
  -h, --help              this text

Targets (printed, never enforced): the full estimate at 50000 × 200, t = 1000, k = 10, B = 50
under 0.5 s on 2 threads and >= 3x faster than numpy; the replicates' cost flat in m; the plot.`;

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sections: { type: 'string' },
      runs: { type: 'string' },
      'coverage-runs': { type: 'string' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      python: { type: 'string' },
      'openblas-thread-timeout': { type: 'string' },
      timeout: { type: 'string', default: '900' },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (e) {
  console.error(`${e.message}\n\n${HELP}`);
  process.exit(2);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
function die(msg) {
  console.error(`bench:bootstrap: ${msg}`);
  process.exit(2);
}
function int(name, v, min = 1) {
  const n = Number(v);
  if (v === '' || !Number.isSafeInteger(n) || n < min) die(`--${name} must be an integer in [${min}, 2^53 − 1], got ${JSON.stringify(v)}`);
  return n;
}

const quick = args.quick;
const SECTIONS = ['speed', 'scaling', 'coverage'];
const sections = args.sections !== undefined ? args.sections.split(',').map((s) => s.trim()).filter(Boolean) : SECTIONS;
if (sections.length === 0) die(`--sections needs at least one of ${SECTIONS.join(', ')}`);
for (const s of sections) if (!SECTIONS.includes(s)) die(`unknown section ${s} (known: ${SECTIONS.join(', ')})`);
const runs = args.runs !== undefined ? int('runs', args.runs) : quick ? 3 : 5;
// R ≥ 2: a coverage fraction and a quantile over fewer sketches mean nothing
const coverageRuns = args['coverage-runs'] !== undefined ? int('coverage-runs', args['coverage-runs'], 2) : quick ? 15 : 100;
const seed = int('seed', args.seed, 0);
const timeoutMs = int('timeout', args.timeout) * 1000;
if (args['openblas-thread-timeout'] !== undefined) int('openblas-thread-timeout', args['openblas-thread-timeout'], 0);
const outDir = path.resolve(args.out ?? path.join(root, 'bench', 'results'));
// Same handling as bench/run.mjs and bench/nystrom.mjs: randla's addon loader sets
// OPENBLAS_THREAD_TIMEOUT=4 unless the user did; numpy loads its own OpenBLAS, whose idle workers
// would otherwise spin against randla's, so every contender runs under the same value.
if (args['openblas-thread-timeout'] !== undefined) process.env.OPENBLAS_THREAD_TIMEOUT = args['openblas-thread-timeout'];
if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';

const THREADS = 2;
const N = 200;
const RANK = 10;
const REPLICATES = 50;
const ALPHA = 0.1;
// One spectrum for the speed and coverage matrices (σᵢ = 1/i, the issue's), different seeds so
// that the two sections do not share a matrix by accident.
const SPEED = { m: quick ? 10000 : 50000, n: N, rank: RANK, sketchRows: 1000, replicates: REPLICATES, alpha: ALPHA, sketch: 'uniform', matrixSeed: 20250501, warmup: 1 };
const SCALING = {
  ms: quick ? [5000, 10000, 20000] : [12500, 25000, 50000, 100000, 200000],
  n: N, rank: RANK, sketchRows: 1000, replicates: REPLICATES, alpha: ALPHA, sketch: 'uniform', matrixSeed: 20250502, warmup: 1,
};
const COVERAGE = {
  m: 20000, n: N, rank: RANK, replicates: REPLICATES, alpha: ALPHA, sketch: 'uniform', matrixSeed: 20250503,
  ts: [250, 500, 1000, 2000, 4000], runs: coverageRuns,
};
const GAUSSIAN_CASE = { m: 4000, n: N, rank: RANK, replicates: REPLICATES, alpha: ALPHA, sketch: 'gaussian', matrixSeed: 20250504, sketchRows: 400, runs: coverageRuns };
const NOMINAL = 1 - ALPHA;
const TIME_TARGET_MS = 500;
const SPEEDUP_TARGET = 3;
const FLAT_TARGET = 1.25;
// the issue's extrapolation test: from t₀ to 4·t₀ within [0.6, 1.6] × the true 0.9-quantile
const EXTRAPOLATION_BAND = [0.6, 1.6];

const log = (...a) => console.log(...a);
const t0run = performance.now();
const load0 = os.loadavg()[0];

function threadEnv() {
  const s = String(THREADS);
  return { ...process.env, RANDLA_NUM_THREADS: s, OPENBLAS_NUM_THREADS: s, OMP_NUM_THREADS: s, MKL_NUM_THREADS: s, VECLIB_MAXIMUM_THREADS: s };
}

let planCount = 0;
/** Run one task in a fresh process: the Node runner (with --expose-gc) or the Python peer. */
async function task(plan, { python = null } = {}) {
  const file = path.join(tmp, `plan-${planCount++}.json`);
  fs.writeFileSync(file, JSON.stringify({ threads: THREADS, ...plan }));
  const [cmd, argv] = python ? [python, [PEERS, file]] : [process.execPath, ['--expose-gc', RUNNER, file]];
  const r = await runJson(cmd, argv, { cwd: root, env: threadEnv(), timeoutMs, echoStderr: args.verbose });
  if (r.json) return r.json;
  const why = r.timedOut ? `timed out after ${timeoutMs / 1000} s` : r.signal ? `killed by ${r.signal}` : `exit ${r.code}${r.error ? ` (${r.error.message})` : ''}`;
  return { status: 'failed', reason: `${why}: ${tail(r.stderr || r.stdout, 3)}` };
}

const median = (xs) => summarize(xs)?.median ?? null;
const x = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${fmtRatio(v)}×`);
const pct = (f) => `${(100 * f).toFixed(0)} %`;
const fmtM = (m) => m.toLocaleString('en-US').replace(/,/g, ' ');

/** The ⌈p·n⌉-th smallest of xs (nearest rank, as the estimator's own quantile). */
function nearestRank(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil(p * s.length))) - 1];
}

/**
 * The central region [lo, hi] of Binomial(R, p) with at most (1 − level)/2 probability in each tail
 * (so at least `level` inside): the coverage counts consistent with a true coverage of p.
 */
function binomialRegion(R, p, level = 0.95) {
  const tailMass = (1 - level) / 2;
  const pmf = new Float64Array(R + 1);
  // in logs: (1 − p)^R underflows for large R
  let lp = R * Math.log1p(-p);
  const step = Math.log(p) - Math.log1p(-p);
  for (let c = 0; c <= R; c++) {
    if (c > 0) lp += Math.log((R - c + 1) / c) + step;
    pmf[c] = Math.exp(lp);
  }
  let lo = 0;
  for (let below = 0; lo < R && below + pmf[lo] <= tailMass; lo++) below += pmf[lo];
  let hi = R;
  for (let above = 0; hi > 0 && above + pmf[hi] <= tailMass; hi--) above += pmf[hi];
  return [lo, hi];
}

/** Wilson score interval (95 %) of a proportion c / R. */
function wilson(c, R, z = 1.959963984540054) {
  const f = c / R;
  const d = 1 + (z * z) / R;
  const centre = (f + (z * z) / (2 * R)) / d;
  const half = (z * Math.sqrt((f * (1 - f)) / R + (z * z) / (4 * R * R))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Write A = U·diag(1/i)·Vᵀ (m × n) and its exact σ and top-k Vᵀ rows as .npy; returns the files. */
function writeSpectrumMatrix(name, { m, n, rank, matrixSeed }) {
  const t = performance.now();
  const M = buildTestMatrix({ rows: m, cols: n, rank: n, decay: 1, seed: matrixSeed });
  const files = { matrix: path.join(tmp, `${name}-A.npy`), sigma: path.join(tmp, `${name}-sigma.npy`), vt: path.join(tmp, `${name}-vt.npy`) };
  writeNpy(files.matrix, M.data, [m, n]);
  writeNpy(files.sigma, M.sigma, [n]);
  writeNpy(files.vt, M.Vt.subarray(0, rank * n), [rank, n]);
  return { files, build_ms: performance.now() - t };
}

const spectrumDescription = (m, seed) =>
  `${fmtM(m)} × ${N}, A = U·diag(σ)·Vᵀ with σᵢ = 1/i (i = 1 … ${N}), U, V Gram–Schmidt of seeded Gaussians (buildTestMatrix({ rows: ${m}, cols: ${N}, rank: ${N}, decay: 1, seed: ${seed} }), bench/lib/testmatrix.mjs)`;

// ---------------------------------------------------------------- speed
async function speedSection(peers) {
  const S = SPEED;
  log(`\n[speed] ${fmtM(S.m)} × ${S.n}, σᵢ = 1/i; k = ${S.rank}, t = ${S.sketchRows}, B = ${S.replicates}, α = ${S.alpha}, ${S.sketch}; ${THREADS} threads, ${runs} timed runs after ${S.warmup} warm-up`);
  const mat = writeSpectrumMatrix('speed', S);
  log(`  matrix built in ${(mat.build_ms / 1000).toFixed(1)} s`);
  const common = { matrix: mat.files.matrix, rank: S.rank, alpha: S.alpha, seed, runs, warmup: S.warmup };
  const rows = [];
  const r = await task({ task: 'speed', ...common, sketchRows: S.sketchRows, replicates: S.replicates, sketch: S.sketch });
  rows.push(r.status === 'ok'
    ? { contender: 'randla bootstrapSvdError', kind: 'randla', status: 'ok', backend: r.backend, samples_ms: r.samples_ms, time_ms: summarize(r.samples_ms), valueError: r.valueError, vectorError: r.vectorError, subspaceError: r.subspaceError }
    : { contender: 'randla bootstrapSvdError', kind: 'randla', status: r.status, reason: r.reason });
  const VARIANTS = [
    { variant: 'svd', contender: "numpy, as the authors' code (SVD per replicate)" },
    { variant: 'qr', contender: 'numpy, QR-reduced (qr(mode=r) + SVD of R)' },
  ];
  for (const v of VARIANTS) {
    if (!peers.python) {
      rows.push({ contender: v.contender, kind: 'numpy', variant: v.variant, status: 'skipped', reason: peers.reason });
      continue;
    }
    const p = await task({ task: 'estimate', ...common, sketch_rows: S.sketchRows, replicates: S.replicates, variant: v.variant }, { python: peers.python });
    rows.push(p.status === 'ok'
      ? { contender: v.contender, kind: 'numpy', variant: v.variant, status: 'ok', samples_ms: p.samples_ms, time_ms: summarize(p.samples_ms), valueError: p.valueError, vectorError: p.vectorError, subspaceError: p.subspaceError, blas: p.blas }
      : { contender: v.contender, kind: 'numpy', variant: v.variant, status: p.status, reason: p.reason });
  }
  const base = rows[0].status === 'ok' ? rows[0].time_ms.median : null;
  for (const row of rows) {
    if (row.status !== 'ok') {
      log(`  ${row.contender}: ${row.status}: ${row.reason}`);
      continue;
    }
    if (row.kind === 'numpy' && base) row.ratio_vs_randla = row.time_ms.median / base;
    log(`  ${row.contender}: median ${fmtMs(row.time_ms.median)} ms${row.ratio_vs_randla ? ` (${x(row.ratio_vs_randla)} randla's)` : ''}; valueError ${fmtErr(row.valueError)}, vectorError ${fmtErr(row.vectorError)}, subspaceError ${fmtErr(row.subspaceError)}`);
  }
  return { status: 'ok', matrix: spectrumDescription(S.m, S.matrixSeed), build_ms: mat.build_ms, params: S, rows };
}

// ---------------------------------------------------------------- scaling
async function scalingSection() {
  const S = SCALING;
  log(`\n[scaling] Gaussian m × ${S.n}, m ∈ {${S.ms.map(fmtM).join(', ')}}; k = ${S.rank}, t = ${S.sketchRows}, B = ${S.replicates}, ${S.sketch}; ${runs} timed rounds after ${S.warmup} warm-up, one process per m`);
  const rows = [];
  for (const m of S.ms) {
    const r = await task({ task: 'scaling', m, n: S.n, matrixSeed: S.matrixSeed + m, rank: S.rank, sketchRows: S.sketchRows, replicates: S.replicates, alpha: S.alpha, sketch: S.sketch, seed, runs, warmup: S.warmup });
    if (r.status !== 'ok') {
      rows.push({ m, status: r.status, reason: r.reason });
      log(`  m = ${fmtM(m)}: ${r.status}: ${r.reason}`);
      continue;
    }
    const sk = summarize(r.sketched_ms);
    const bt = summarize(r.bootstrap_ms);
    // the difference per round (both calls timed back to back), then its median: steadier than
    // the difference of the two medians when the machine drifts between rounds
    const diff = summarize(r.bootstrap_ms.map((b, i) => b - r.sketched_ms[i]));
    rows.push({ m, status: 'ok', generate_ms: r.generate_ms, sketched_samples_ms: r.sketched_ms, bootstrap_samples_ms: r.bootstrap_ms, sketched_ms: sk, bootstrap_ms: bt, replicates_ms: diff });
    log(`  m = ${fmtM(m)}: sketchedSvd ${fmtMs(sk.median)} ms, bootstrapSvdError ${fmtMs(bt.median)} ms, difference (B replicates) ${fmtMs(diff.median)} ms`);
  }
  const ok = rows.filter((r) => r.status === 'ok');
  const first = ok[0];
  const last = ok[ok.length - 1];
  const flat = ok.length >= 2 ? { m_small: first.m, m_large: last.m, m_ratio: last.m / first.m, replicates_ratio: last.replicates_ms.median / first.replicates_ms.median, sketched_ratio: last.sketched_ms.median / first.sketched_ms.median } : null;
  if (flat) log(`  m × ${fmtRatio(flat.m_ratio)}: replicates' time × ${fmtRatio(flat.replicates_ratio)}, sketchedSvd × ${fmtRatio(flat.sketched_ratio)}`);
  return { status: 'ok', matrix: `seeded Gaussian m × ${S.n} (warmupMatrix(m, ${S.n}, Float64Array, ${S.matrixSeed} + m), bench/lib/testmatrix.mjs), built in the runner, untimed`, params: S, rows, flat };
}

// ---------------------------------------------------------------- coverage
/** Per-t statistics over the R runs of one metric. */
function metricStats(runsOut, estKey, trueKey, R) {
  const est = runsOut.map((r) => r[estKey]);
  const tru = runsOut.map((r) => r[trueKey]);
  const covered = runsOut.filter((r) => r[trueKey] <= r[estKey]).length;
  const region = binomialRegion(R, NOMINAL);
  return {
    covered, runs: R, fraction: covered / R, wilson95: wilson(covered, R), nominal_region95: region, consistent: covered >= region[0] && covered <= region[1],
    true_q90: nearestRank(tru, NOMINAL), true_median: median(tru),
    estimate: { median: median(est), p10: nearestRank(est, 0.1), p90: nearestRank(est, 0.9) },
  };
}

async function truthCheck(peers, name, files, rank) {
  if (!peers.python) return { status: 'skipped', reason: peers.reason };
  const r = await task({ task: 'truth', matrix: files.matrix, sigma: files.sigma, vt: files.vt, rank }, { python: peers.python });
  if (r.status !== 'ok') return { status: r.status, reason: r.reason };
  const out = { status: 'ok', svd_ms: r.svd_ms, max_abs_sigma_error: r.max_abs_sigma_error, max_sin_angle_top_k: Math.max(...r.sin_angle_top_k) };
  log(`  truth (${name}): numpy's SVD of A vs the construction: max |σ_numpy − σ| ${fmtErr(out.max_abs_sigma_error)}, max sin∠ of v₁…v${RANK} ${fmtErr(out.max_sin_angle_top_k)} (${fmtMs(r.svd_ms)} ms)`);
  return out;
}

async function coverageCase(c, files, t, label) {
  const seeds = Array.from({ length: c.runs }, (_, i) => i + 1);
  const r = await task({ task: 'coverage', matrix: files.matrix, sigma: files.sigma, vt: files.vt, rank: c.rank, sketchRows: t, replicates: c.replicates, alpha: c.alpha, sketch: c.sketch, seeds });
  if (r.status !== 'ok') {
    log(`  ${label}: ${r.status}: ${r.reason}`);
    return { t, status: r.status, reason: r.reason };
  }
  const row = {
    t, status: 'ok', ms: r.ms,
    value: metricStats(r.runs, 'valueError', 'trueValue', c.runs),
    vector: metricStats(r.runs, 'vectorError', 'trueVector', c.runs),
    subspace: metricStats(r.runs, 'subspaceError', 'trueSubspace', c.runs),
    runs: r.runs,
  };
  log(`  ${label}: covered values ${row.value.covered}/${c.runs}, vectors ${row.vector.covered}/${c.runs}; true 0.9-quantile ${fmtErr(row.value.true_q90)} / ${fmtErr(row.vector.true_q90)}, median estimate ${fmtErr(row.value.estimate.median)} / ${fmtErr(row.vector.estimate.median)} (${(r.ms / 1000).toFixed(1)} s)`);
  return row;
}

async function coverageSection(peers) {
  const C = COVERAGE;
  log(`\n[coverage] ${fmtM(C.m)} × ${C.n}, σᵢ = 1/i, ${C.sketch}; k = ${C.rank}, B = ${C.replicates}, α = ${C.alpha}; t ∈ {${C.ts.join(', ')}}, R = ${C.runs} sketches per t (seeds 1..${C.runs}), one process per t`);
  const mat = writeSpectrumMatrix('coverage', C);
  log(`  matrix built in ${(mat.build_ms / 1000).toFixed(1)} s`);
  const truth = await truthCheck(peers, `${C.m} × ${C.n}`, mat.files, C.rank);
  const rows = [];
  for (const t of C.ts) rows.push(await coverageCase(C, mat.files, t, `t = ${t}`));

  const ok = rows.filter((r) => r.status === 'ok');
  const t0 = C.ts[0];
  const at0 = ok.find((r) => r.t === t0);
  for (const r of ok) {
    for (const metric of ['value', 'vector', 'subspace']) {
      const e = at0 ? at0[metric].estimate.median * Math.sqrt(t0 / r.t) : null;
      r[metric].extrapolated_from_t0 = e;
      r[metric].extrapolated_over_true_q90 = e !== null ? e / r[metric].true_q90 : null;
      r[metric].median_estimate_over_true_q90 = r[metric].estimate.median / r[metric].true_q90;
    }
  }

  const G = GAUSSIAN_CASE;
  log(`  gaussian case: ${fmtM(G.m)} × ${G.n}, σᵢ = 1/i, ${G.sketch} sketch, t = ${G.sketchRows}, R = ${G.runs}`);
  const gmat = writeSpectrumMatrix('gaussian', G);
  const gtruth = await truthCheck(peers, `${G.m} × ${G.n}`, gmat.files, G.rank);
  const grow = await coverageCase(G, gmat.files, G.sketchRows, `gaussian t = ${G.sketchRows}`);

  let plot = { status: 'skipped', reason: 'no coverage rows' };
  if (ok.length >= 2 && at0) {
    const file = path.join(outDir, quick ? 'bootstrap-coverage.quick.svg' : 'bootstrap-coverage.svg');
    try {
      const svg = await coverageSvg({
        rows: ok,
        t0,
        title: `Bootstrap error estimate vs true error of a sketched SVD (${fmtM(C.m)} × ${C.n}, σᵢ = 1/i)${quick ? ' [quick]' : ''}`,
        subtitle: [
          `randla bootstrapSvdError, uniform row sketch of t rows, k = ${C.rank}, B = ${C.replicates}, α = ${C.alpha}`,
          `R = ${C.runs} sketches per t (seeds 1..${C.runs}); true error against the exact σ, V`,
        ],
      });
      writeFileAtomic(file, svg);
      plot = { status: 'ok', file: rel(file) };
      log(`  plot: ${rel(file)}`);
    } catch (e) {
      plot = { status: 'failed', reason: `${e?.message ?? e}` };
      log(`  plot failed: ${plot.reason}`);
    }
  }
  return {
    status: 'ok',
    matrix: spectrumDescription(C.m, C.matrixSeed), build_ms: mat.build_ms, truth_check: truth, params: C, t0, rows, plot,
    gaussian: { matrix: spectrumDescription(G.m, G.matrixSeed), build_ms: gmat.build_ms, truth_check: gtruth, params: G, row: grow },
  };
}

// ---------------------------------------------------------------- targets and report
function computeTargets({ speed, scaling, coverage }) {
  const t = [];
  const sizeNote = quick ? ` (quick: ${fmtM(SPEED.m)} × ${N}, not the target size)` : '';
  const name = `full estimate, ${fmtM(SPEED.m)} × ${N}, t = ${SPEED.sketchRows}, k = ${RANK}, B = ${REPLICATES}, ${THREADS} threads${sizeNote}`;
  const randla = speed?.rows?.find((r) => r.kind === 'randla');
  if (!speed) t.push({ name: 'speed section', value: 'n/a', want: '—', met: null, reason: 'not run (--sections)' });
  else if (randla?.status !== 'ok') t.push({ name, value: 'n/a', want: `< ${TIME_TARGET_MS} ms`, met: null, reason: randla?.reason ?? 'no randla row' });
  else {
    t.push({ name, value: `${fmtMs(randla.time_ms.median)} ms`, want: `< ${TIME_TARGET_MS} ms`, met: randla.time_ms.median < TIME_TARGET_MS });
    for (const r of speed.rows.filter((row) => row.kind === 'numpy')) {
      const n2 = `${r.contender} / randla${sizeNote}`;
      t.push(r.status === 'ok'
        ? { name: n2, value: x(r.ratio_vs_randla), want: `≥ ${SPEEDUP_TARGET}×`, met: r.ratio_vs_randla >= SPEEDUP_TARGET }
        : { name: n2, value: 'n/a', want: `≥ ${SPEEDUP_TARGET}×`, met: null, reason: r.reason });
    }
  }
  if (scaling && scaling.status !== 'ok') t.push({ name: 'scaling section', value: 'n/a', want: '—', met: null, reason: scaling.reason });
  else if (scaling) {
    const f = scaling.flat;
    const n3 = `replicates' time (bootstrapSvdError − sketchedSvd) at m = ${fmtM(SCALING.ms.at(-1))} / at m = ${fmtM(SCALING.ms[0])}${quick ? ' (quick sizes)' : ''}`;
    t.push(f
      ? { name: n3, value: x(f.replicates_ratio), want: `≤ ${FLAT_TARGET}× (m grows ${fmtRatio(f.m_ratio)}×)`, met: f.replicates_ratio <= FLAT_TARGET }
      : { name: n3, value: 'n/a', want: `≤ ${FLAT_TARGET}×`, met: null, reason: 'fewer than two sizes ran' });
  }
  if (coverage && coverage.status !== 'ok') t.push({ name: 'coverage section', value: 'n/a', want: '—', met: null, reason: coverage.reason });
  else if (coverage) {
    const p = coverage.plot;
    t.push({ name: 'coverage plot (SVG)', value: p.status === 'ok' ? p.file : 'n/a', want: 'written', met: p.status === 'ok' ? true : null, reason: p.status === 'ok' ? undefined : p.reason });
    // the issue's statistical tests, measured here with R sketches (reported like the targets)
    const cov = (label, row) => {
      if (!row || row.status !== 'ok') return;
      for (const metric of ['value', 'vector']) {
        const s = row[metric];
        t.push({ name: `coverage of ${metric === 'value' ? 'singular values' : 'right vectors'}, ${label}`, value: `${s.covered}/${s.runs}`, want: `in [${s.nominal_region95[0]}, ${s.nominal_region95[1]}] (95 % region of Bin(${s.runs}, ${NOMINAL}))`, met: s.consistent });
      }
    };
    cov(`uniform ${fmtM(COVERAGE.m)} × ${N}, t = 500`, coverage.rows.find((r) => r.t === 500));
    cov(`gaussian ${fmtM(GAUSSIAN_CASE.m)} × ${N}, t = ${GAUSSIAN_CASE.sketchRows}`, coverage.gaussian.row);
    const at4 = coverage.rows.find((r) => r.t === 4 * coverage.t0 && r.status === 'ok');
    if (at4) {
      for (const metric of ['value', 'vector']) {
        const q = at4[metric].extrapolated_over_true_q90;
        t.push({ name: `extrapolation t₀ = ${coverage.t0} → ${at4.t}, ${metric === 'value' ? 'values' : 'vectors'}: median estimate at t₀ · √(t₀/4t₀) / true 0.9-quantile at 4t₀`, value: x(q), want: `in [${EXTRAPOLATION_BAND[0]}, ${EXTRAPOLATION_BAND[1]}]`, met: q >= EXTRAPOLATION_BAND[0] && q <= EXTRAPOLATION_BAND[1] });
      }
    }
  }
  return t;
}

const targetRow = (t) => [t.name, t.value + (t.reason ? ` (${t.reason})` : ''), t.want, t.met === null ? '—' : t.met ? 'yes' : 'no'];

function speedMarkdown(s) {
  const L = [`## Speed: ${fmtM(s.params.m)} × ${N}, t = ${s.params.sketchRows}, k = ${RANK}, B = ${REPLICATES}`, ''];
  L.push(`Matrix: ${s.matrix}; written once as .npy, read by every contender. Every contender runs the full estimate (uniform sketch with replacement Y = √(m/t)·A[idx], the top-${RANK} SVD of Y, ${REPLICATES} resamples of Y's rows, each factorized, errors per docs/algorithms/bootstrap.md, nearest-rank ${NOMINAL}-quantiles of their maxima over j ≤ ${RANK}) in its own process, ${THREADS} threads: median / min / max of ${runs} timed runs after ${s.params.warmup} warm-up, with the same seed in every run (numpy: a fresh \`default_rng(${seed})\` per run).`);
  L.push('');
  L.push(`- **randla**: \`await bootstrapSvdError(A, { rank: ${RANK}, sketchRows: ${s.params.sketchRows}, replicates: ${REPLICATES}, alpha: ${ALPHA}, sketch: 'uniform', seed: ${seed} })\` after \`setThreads(${THREADS})\` (native: replicates in parallel, each a QR of Y* and a top-k SVD of R; it also reads A once to check it is finite).`);
  L.push(`- **numpy, as the authors' code**: \`np.linalg.svd(Y*, full_matrices=False)\` of every t × n resample (bench/peers/bootstrap_peers.py); **numpy, QR-reduced**: \`R = np.linalg.qr(Y*, mode='r')\`, then \`np.linalg.svd(R)\` (n × n): the same singular values and right vectors, a fairer, tuned peer. Both under threadpoolctl's limit of ${THREADS} threads.`);
  L.push('- The contenders draw different random numbers (randla: Philox, docs/rng.md; numpy: PCG64), so their estimates agree in magnitude, not digit for digit.');
  L.push('');
  const head = ['contender', 'runs', 'median ms', 'min ms', 'max ms', 'time / randla', 'valueError', 'vectorError', 'subspaceError', 'notes'];
  const rows = s.rows.map((r) => r.status !== 'ok'
    ? [r.contender, '—', '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`]
    : [r.contender, r.time_ms.runs, fmtMs(r.time_ms.median), fmtMs(r.time_ms.min), fmtMs(r.time_ms.max), r.kind === 'randla' ? '1.00×' : x(r.ratio_vs_randla), fmtErr(r.valueError), fmtErr(r.vectorError), fmtErr(r.subspaceError),
      r.kind === 'randla' ? `backend ${r.backend}` : (r.blas ?? []).map((b) => `${b.internal_api ?? '?'} ${b.version ?? ''} ${b.num_threads ?? '?'} threads`.trim()).join('; ')]);
  L.push(markdownTable(head, rows, head.map((h, i) => (i === 0 || h === 'notes' ? 'l' : 'r'))));
  L.push('');
  return L;
}

function scalingMarkdown(s) {
  const L = [`## Scaling in m at fixed t = ${s.params.sketchRows}: the estimate makes no pass over A`, ''];
  L.push(`Matrix: ${s.matrix}. One process per m; per round \`sketchedSvd(A, { rank: ${RANK}, sketchRows: ${s.params.sketchRows}, sketch: 'uniform', seed: ${seed} })\` (validates A, one read of it; the sketch; the top-${RANK} SVD of Y) and then \`bootstrapSvdError\` with the same arguments and B = ${REPLICATES}, each timed; ${runs} rounds after ${s.params.warmup} warm-up round. The difference per round is the cost of the ${REPLICATES} replicates (median shown): it should not depend on m.`);
  L.push('');
  const head = ['m', 'sketchedSvd median ms', 'bootstrapSvdError median ms', 'difference: B replicates (median) ms', 'difference min–max ms'];
  const rows = s.rows.map((r) => r.status !== 'ok'
    ? [fmtM(r.m), '—', '—', '—', `${r.status}: ${r.reason}`]
    : [fmtM(r.m), fmtMs(r.sketched_ms.median), fmtMs(r.bootstrap_ms.median), fmtMs(r.replicates_ms.median), `${fmtMs(r.replicates_ms.min)}–${fmtMs(r.replicates_ms.max)}`]);
  L.push(markdownTable(head, rows, head.map(() => 'r')));
  L.push('');
  if (s.flat) L.push(`From m = ${fmtM(s.flat.m_small)} to ${fmtM(s.flat.m_large)} (${fmtRatio(s.flat.m_ratio)}× the rows) the replicates' time changes by ${x(s.flat.replicates_ratio)}, while sketchedSvd, which reads A, changes by ${x(s.flat.sketched_ratio)}.`);
  L.push('');
  return L;
}

const interval = ([a, b]) => `${a.toFixed(2)}–${b.toFixed(2)}`;

function coverageRowCells(r, label) {
  if (r.status !== 'ok') return [[label, '—', '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`]];
  return ['value', 'vector'].map((metric) => {
    const s = r[metric];
    return [label, metric === 'value' ? 'values' : 'vectors', `${s.covered}/${s.runs} (${pct(s.fraction)})`, interval(s.wilson95), `[${s.nominal_region95[0]}, ${s.nominal_region95[1]}]: ${s.consistent ? 'inside' : 'outside'}`,
      fmtErr(s.true_q90), fmtErr(s.estimate.median), `${fmtErr(s.estimate.p10)} – ${fmtErr(s.estimate.p90)}`, x(s.median_estimate_over_true_q90 ?? s.estimate.median / s.true_q90),
      s.extrapolated_from_t0 !== undefined && s.extrapolated_from_t0 !== null ? `${fmtErr(s.extrapolated_from_t0)} (${x(s.extrapolated_over_true_q90)})` : '—'];
  });
}

function truthLine(tc) {
  return tc.status === 'ok'
    ? `numpy's SVD of A (LAPACK gesdd, ${fmtMs(tc.svd_ms)} ms) agrees with the construction: max |σ_numpy − σ| = ${fmtErr(tc.max_abs_sigma_error)} over all ${N} values, max sin∠ of v₁…v${RANK} = ${fmtErr(tc.max_sin_angle_top_k)}`
    : `the numpy check of the construction did not run (${tc.status}: ${tc.reason})`;
}

function coverageMarkdown(c) {
  const C = c.params;
  const L = [`## Coverage: estimated vs true error as the sketch grows`, ''];
  L.push(`Matrix: ${c.matrix}. For each t, R = ${C.runs} independent sketches (seeds 1..${C.runs}), each \`bootstrapSvdError(A, { rank: ${RANK}, sketchRows: t, replicates: ${REPLICATES}, alpha: ${ALPHA}, sketch: '${C.sketch}', seed })\`, and the true error of that sketched solution (its \`S\`, \`Vt\`) against the exact σ, V of the construction: max_j |σ̃ⱼ − σⱼ| and max_j sin∠(ṽⱼ, vⱼ) (by projection, as the estimator). Truth: ${truthLine(c.truth_check)}.`);
  L.push('');
  L.push(`- **covered**: runs with true error ≤ estimate; nominal ${NOMINAL}. **Wilson 95 %**: interval for the coverage fraction. **Bin(R, ${NOMINAL}) 95 % region**: the counts a true coverage of ${NOMINAL} produces with probability ≥ 95 % (≤ 2.5 % in each tail).`);
  L.push(`- **true q₀.₉**: the nearest-rank ${NOMINAL}-quantile of the R true errors, the quantity the estimate targets. **estimate**: median and 10–90 % range (nearest rank) of the R estimates; **median / true q₀.₉** measures sharpness (1 is ideal).`);
  L.push(`- **extrapolated from t₀ = ${c.t0}**: the median estimate at t₀ times √(t₀/t) (what \`extrapolate(t)\` predicts), and its ratio to the true q₀.₉ at t.`);
  L.push('- The R sketches of one t are independent. Across t they are not: a sketch\'s draw q does not depend on t (docs/algorithms/bootstrap.md), so seed s at t = 1000 holds the rows of seed s at t = 500 and more. A seed whose sketch is unlucky tends to stay so as t grows, and the rows of the table are correlated.');
  L.push('');
  const head = ['t', 'metric', 'covered', 'Wilson 95 %', `Bin(R, ${NOMINAL}) 95 % region`, 'true q₀.₉', 'estimate median', 'estimate 10–90 %', 'median / true q₀.₉', `extrapolated from t₀ = ${c.t0} (/ true q₀.₉)`];
  const rows = c.rows.flatMap((r) => coverageRowCells(r, String(r.t)));
  L.push(markdownTable(head, rows, head.map((h, i) => (i <= 1 ? 'l' : 'r'))));
  L.push('');
  if (c.plot.status === 'ok') L.push(`Plot: [${path.basename(c.plot.file)}](${path.basename(c.plot.file)}) (left: singular values, right: right vectors; log–log).`);
  else L.push(`Plot: ${c.plot.status}: ${c.plot.reason}`);
  L.push('');
  const g = c.gaussian;
  L.push(`### The issue's second case: ${fmtM(g.params.m)} × ${N}, gaussian sketch, t = ${g.params.sketchRows}`);
  L.push('');
  L.push(`Matrix: ${g.matrix}; R = ${g.params.runs} sketches (seeds 1..${g.params.runs}), \`sketch: 'gaussian'\` (Y = Ωᵀ·A/√t), otherwise as above. Truth: ${truthLine(g.truth_check)}.`);
  L.push('');
  const gh = ['t', 'metric', 'covered', 'Wilson 95 %', `Bin(R, ${NOMINAL}) 95 % region`, 'true q₀.₉', 'estimate median', 'estimate 10–90 %', 'median / true q₀.₉', '—'];
  L.push(markdownTable(gh, coverageRowCells(g.row, String(g.params.sketchRows)), gh.map((h, i) => (i <= 1 ? 'l' : 'r'))));
  L.push('');
  return L;
}

/** The "what it shows" paragraph, from the measured numbers. */
function summaryParagraph(r) {
  const parts = [];
  const sp = r.speed;
  const ra = sp?.rows?.find((row) => row.kind === 'randla' && row.status === 'ok');
  if (ra) {
    const np = sp.rows.filter((row) => row.kind === 'numpy' && row.status === 'ok');
    parts.push(`At ${fmtM(sp.params.m)} × ${N} (t = ${sp.params.sketchRows}, k = ${RANK}, B = ${REPLICATES}) randla's full estimate takes ${fmtMs(ra.time_ms.median)} ms on ${THREADS} threads${np.length ? `; numpy takes ${np.map((n) => `${fmtMs(n.time_ms.median)} ms ${n.variant === 'svd' ? 'with an SVD per replicate' : 'QR-reduced'} (${x(n.ratio_vs_randla)})`).join(' and ')}` : ''}. The estimates agree in magnitude (valueError ${[ra, ...np].map((n) => fmtErr(n.valueError)).join(' / ')}, vectorError ${[ra, ...np].map((n) => fmtErr(n.vectorError)).join(' / ')}, randla first).`);
  }
  const f = r.scaling?.status === 'ok' ? r.scaling.flat : null;
  if (f) parts.push(`From m = ${fmtM(f.m_small)} to ${fmtM(f.m_large)} the B replicates' time changes by ${x(f.replicates_ratio)} while the rows grow ${fmtRatio(f.m_ratio)}×: only the sketch (and the finiteness check) reads A; sketchedSvd grows ${x(f.sketched_ratio)}.`);
  const cv = r.coverage;
  if (cv?.status === 'ok') {
    const ok = cv.rows.filter((row) => row.status === 'ok');
    if (ok.length) {
      parts.push(`Over R = ${cv.params.runs} sketches per t, the estimate covered the true singular-value error in ${ok.map((row) => `${row.value.covered}`).join(', ')} runs and the vector error in ${ok.map((row) => `${row.vector.covered}`).join(', ')} runs (t = ${ok.map((row) => row.t).join(', ')}; nominal ${NOMINAL * cv.params.runs}); the median estimate is ${ok.map((row) => fmtRatio(row.value.median_estimate_over_true_q90)).join(', ')}× the true 0.9-quantile for values and ${ok.map((row) => fmtRatio(row.vector.median_estimate_over_true_q90)).join(', ')}× for vectors.`);
      const last = ok[ok.length - 1];
      if (last.t !== cv.t0 && last.value.extrapolated_over_true_q90) parts.push(`Extrapolating the median estimate at t₀ = ${cv.t0} to t = ${last.t} gives ${x(last.value.extrapolated_over_true_q90)} (values) and ${x(last.vector.extrapolated_over_true_q90)} (vectors) the true 0.9-quantile there.`);
    }
    const g = cv.gaussian.row;
    if (g?.status === 'ok') parts.push(`Gaussian sketch, ${fmtM(cv.gaussian.params.m)} × ${N}, t = ${g.t}: values covered ${g.value.covered}/${g.value.runs}, vectors ${g.vector.covered}/${g.vector.runs}.`);
  }
  return parts.join(' ');
}

function markdownReport(r) {
  const L = [];
  L.push(`# Bootstrap error-estimation benchmark${r.quick ? ' (quick mode: small sizes — not for comparison)' : ''}`);
  L.push('');
  L.push(`Generated by \`npm run bench:bootstrap${r.quick ? ' -- --quick' : ''}\` (bench/bootstrap.mjs) on ${r.date} in ${r.duration_s.toFixed(0)} s.`);
  L.push('');
  L.push(`- Machine: ${r.machine.cpu}, ${r.machine.cpus} CPUs, ${r.machine.memory_gib} GiB, ${r.machine.platform}; Node ${r.node}; randla ${r.randla_version}; load average at start ${r.machine.load_average_at_start}`);
  L.push(`- Threads: ${THREADS} for every contender (randla: setThreads(${THREADS}); RANDLA_NUM_THREADS, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS = ${THREADS}; numpy: threadpoolctl limit ${THREADS}); OPENBLAS_THREAD_TIMEOUT=${r.environment.OPENBLAS_THREAD_TIMEOUT} for every contender (randla's loader default; numpy's OpenBLAS pool would otherwise spin against randla's)`);
  L.push(`- randla: ${r.facade.built ? r.facade.backends.map((b) => `${b.name} ${b.available ? 'available' : `unavailable (${b.reason ?? '?'})`}`).join(', ') : `not run: ${r.facade.reason}`}`);
  L.push(`- Python peers (bench/.venv): ${r.python.available ? `Python ${r.python.python}, numpy ${r.python.numpy}, threadpoolctl ${r.python.threadpoolctl}` : r.python.reason}`);
  L.push('');
  const summary = summaryParagraph(r);
  if (summary) L.push('## What it shows', '', summary, '');
  if (r.speed) L.push(...(r.speed.status === 'ok' ? speedMarkdown(r.speed) : ['## Speed', '', `Not run: ${r.speed.reason}`, '']));
  if (r.scaling) L.push(...(r.scaling.status === 'ok' ? scalingMarkdown(r.scaling) : ['## Scaling', '', `Not run: ${r.scaling.reason}`, '']));
  if (r.coverage) L.push(...(r.coverage.status === 'ok' ? coverageMarkdown(r.coverage) : ['## Coverage', '', `Not run: ${r.coverage.reason}`, '']));
  L.push('## Targets (reported, not enforced)');
  L.push('');
  L.push(markdownTable(['target', 'value', 'want', 'met'], r.targets.map(targetRow), ['l', 'r', 'l', 'l']));
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  log(`randla bootstrap bench${quick ? ' (quick)' : ''}: sections ${sections.join(', ')}; ${THREADS} threads; ${runs} timed runs; R = ${coverageRuns}; seed ${seed}; ${os.cpus().length} CPUs; OPENBLAS_THREAD_TIMEOUT=${process.env.OPENBLAS_THREAD_TIMEOUT}`);
  if (load0 > 0.5) log(`warning: load average ${load0.toFixed(2)} on ${os.cpus().length} CPUs: other processes are using the CPU, timings will be noisy`);
  const probe = await task({ task: 'probe' });
  const facade = probe.status === 'ok' ? { built: true, backends: probe.backends } : { built: false, reason: probe.reason, backends: [] };
  log(facade.built ? `randla backends: ${facade.backends.map((b) => `${b.name}${b.available ? '' : ' (unavailable)'}`).join(', ')}` : `randla facade: ${facade.reason}`);
  const nativeOk = facade.built && facade.backends.some((b) => b.name === 'native' && b.available);
  const noNative = { status: 'skipped', reason: facade.built ? `native backend not available: ${facade.backends.find((b) => b.name === 'native')?.reason ?? 'not listed'}` : facade.reason };

  let peers = { python: null, reason: 'not requested (--sections)' };
  if (sections.includes('speed') || sections.includes('coverage')) {
    if (args['no-peers']) peers = { python: null, reason: 'Python peers skipped (--no-peers)' };
    else {
      peers = ensurePeers({ root, python: args.python, noInstall: args['no-install'], noOptional: true, log });
      log(peers.python ? `Python peers: ${rel(peers.python)} (Python ${peers.pythonVersion}; numpy ${peers.versions.numpy}, threadpoolctl ${peers.versions.threadpoolctl})` : peers.reason);
    }
  }

  // the speed section's numpy rows can run without randla; the other sections need it
  const speed = sections.includes('speed') ? await speedSection(peers) : null;
  const scaling = sections.includes('scaling') ? (nativeOk ? await scalingSection() : noNative) : null;
  const coverage = sections.includes('coverage') ? (nativeOk ? await coverageSection(peers) : noNative) : null;
  const targets = computeTargets({ speed, scaling, coverage });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const report = {
    schema: 1,
    benchmark: 'bootstrap',
    date: new Date().toISOString(),
    quick,
    duration_s: (performance.now() - t0run) / 1000,
    machine: { cpu: os.cpus()[0]?.model ?? '?', cpus: os.cpus().length, load_average_at_start: +load0.toFixed(2), memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${process.platform}-${process.arch}` },
    node: process.version,
    randla_version: pkg.version,
    environment: { OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null, threads: THREADS },
    params: { rank: RANK, replicates: REPLICATES, alpha: ALPHA, seed, runs, coverage_runs: coverageRuns, speed: SPEED, scaling: SCALING, coverage: COVERAGE, gaussian: GAUSSIAN_CASE },
    facade,
    python: peers.python ? { available: true, python: peers.pythonVersion, ...peers.versions } : { available: false, reason: peers.reason },
    speed,
    scaling,
    coverage,
    targets,
  };
  const base = quick ? 'bootstrap.quick' : 'bootstrap';
  const jsonFile = path.join(outDir, `${base}.json`);
  const mdFile = path.join(outDir, `${base}.md`);
  writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(mdFile, markdownReport(report));
  log(`\ntargets (reported, not enforced):`);
  log(textTable(['target', 'value', 'want', 'met'], targets.map(targetRow), ['l', 'r', 'l', 'l']));
  log(`\nwrote ${rel(jsonFile)}, ${rel(mdFile)} in ${((performance.now() - t0run) / 1000).toFixed(0)} s`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randla-bench-bootstrap-'));
process.once('SIGINT', () => {
  if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});
try {
  await main();
} catch (e) {
  console.error(`bench:bootstrap: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (args.keep) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
