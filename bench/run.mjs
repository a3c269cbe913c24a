#!/usr/bin/env node
// `npm run bench`: randomized SVD, randla (native, reference) vs ml-matrix (full SVD) vs
// scikit-learn's randomized_svd vs fbpca.pca(raw=True), on the same deterministic matrices,
// one fresh process per contender and case. Writes bench/results/rsvd.json and rsvd.md
// (atomically) and prints the target ratios. See bench/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { maxRelSigmaError, frobenius2, relResidual, optimalResidual } from './lib/accuracy.mjs';
import { fmtErr, fmtMs, fmtRatio, fmtBytes, markdownTable, summarize, textTable, writeFileAtomic } from './lib/format.mjs';
import { readMatrixNpy, readNpy, writeNpy } from './lib/npy.mjs';
import { ensurePeers, venvPython } from './lib/python.mjs';
import { runJson, tail } from './lib/spawn.mjs';
import { buildTestMatrix } from './lib/testmatrix.mjs';
import { measureTriad } from './lib/triad.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';

const HELP = `usage: npm run bench -- [options]     (or: node bench/run.mjs [options])

Randomized SVD benchmark: randla native (1 and 2 threads) and reference backends, ml-matrix's
full SVD (2000×500 only), scikit-learn randomized_svd and fbpca.pca(raw=True) (Python, from
a git-ignored virtual environment bench/.venv that this script creates), on deterministic
matrices with a known spectrum (σ_i = i^-2, rank 100). Every contender runs in its own process.

Cases: small-f64 (2000×500), large-f64 (20000×2000), large-f32 (20000×2000, float32)
Writes bench/results/rsvd.json and bench/results/rsvd.md (--quick: rsvd.quick.json/.md).

options:
  --quick                small sizes only (small-f64, small-f32 = 2000×500), one iteration, no warm-up
  --cases LIST           comma-separated subset of the cases above
  --contenders LIST      subset of native,reference,ml-matrix,sklearn,fbpca
  --threads LIST         native thread counts (default 1,2); the Python peers use the largest
  --rank K               default 20
  --oversamples P        default 10
  --power-iters Q        default 2
  --normalizer N         lu | qr | none (default lu; fbpca always uses LU)
  --seed S               default 42 (rsvd seed; the test matrices use their own fixed seed)
  --iterations N         timed runs for every contender (overrides the per-case defaults)
  --no-peers             do not run the Python peers
  --no-install           do not pip-install; use bench/.venv as it is
  --python PATH          Python 3 used to create bench/.venv (default: python3 on PATH)
  --triad PATH           triad binary (default: build-native/native/bench/randla_triad, else a JS triad)
  --out DIR              results directory (default bench/results)
  --keep                 keep the temporary directory with the matrices and factors
  --timeout SEC          per-contender process time limit (default 900)
  --verbose              echo the contenders' stderr
  -h, --help             this text

The targets (printed, never enforced): (a) large-f64, native 2 threads: time / scikit-learn
time <= 1 and time / ((2q+2)·8·m·n bytes / triad bandwidth) <= 2.5; (b) small-f64: ml-matrix
time / native time >= 100; (c) native large f64 time / f32 time ≈ 2.`;

// ---------------------------------------------------------------- options
let args;
try {
  ({ values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      cases: { type: 'string' },
      contenders: { type: 'string' },
      threads: { type: 'string', default: '1,2' },
      rank: { type: 'string', default: '20' },
      oversamples: { type: 'string', default: '10' },
      'power-iters': { type: 'string', default: '2' },
      normalizer: { type: 'string', default: 'lu' },
      seed: { type: 'string', default: '42' },
      iterations: { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      python: { type: 'string' },
      triad: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
      verbose: { type: 'boolean', default: false },
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
const ALL_CONTENDERS = ['native', 'reference', 'ml-matrix', 'sklearn', 'fbpca'];
const contenders = args.contenders ? args.contenders.split(',').map((s) => s.trim()) : ALL_CONTENDERS;
for (const c of contenders) if (!ALL_CONTENDERS.includes(c)) die(`unknown contender ${c} (known: ${ALL_CONTENDERS.join(', ')})`);

function int(name, v, min = 1) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}
function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- cases
// iterations / warm-up per contender kind; peers get the same count as native.
const CASES = {
  'small-f64': { rows: 2000, cols: 500, dtype: 'float64', mlMatrix: true,
    iters: { native: 10, reference: 10, 'ml-matrix': 3 }, warm: { native: 2, reference: 1, 'ml-matrix': 0 } },
  'small-f32': { rows: 2000, cols: 500, dtype: 'float32', mlMatrix: false,
    iters: { native: 10, reference: 10 }, warm: { native: 2, reference: 1 } },
  'large-f64': { rows: 20000, cols: 2000, dtype: 'float64', mlMatrix: false,
    iters: { native: 5, reference: 3 }, warm: { native: 1, reference: 0 } },
  'large-f32': { rows: 20000, cols: 2000, dtype: 'float32', mlMatrix: false,
    iters: { native: 5, reference: 3 }, warm: { native: 1, reference: 0 } },
};
const caseNames = args.cases
  ? args.cases.split(',').map((s) => s.trim())
  : quick ? ['small-f64', 'small-f32'] : ['small-f64', 'large-f64', 'large-f32'];
for (const c of caseNames) if (!CASES[c]) die(`unknown case ${c} (known: ${Object.keys(CASES).join(', ')})`);
const cases = caseNames.map((name) => ({ name, ...CASES[name] }));
// quick: one timed run, no warm-up runs on the test matrix
const itersFor = (c, kind) => iterOverride ?? (quick ? 1 : c.iters[kind] ?? c.iters.native);
const warmFor = (c, kind) => (quick ? 0 : c.warm[kind] ?? c.warm.native);

async function main() {
  // 1. the facade (probe in a child, so this process never loads the addon)
  const wantRandla = contenders.includes('native') || contenders.includes('reference');
  let facade = { built: false, reason: 'not requested (--contenders)', backends: [] };
  if (wantRandla) {
    const r = await runJson(process.execPath, [path.join(root, 'bench', 'rsvd.bench.mjs'), '--contender', 'probe'], { cwd: root, timeoutMs: 120_000 });
    if (r.json?.status === 'ok') {
      facade = { built: true, backends: r.json.backends };
      log(`randla backends: ${r.json.backends.map((b) => `${b.name}${b.available ? '' : ` (unavailable: ${b.reason ?? '?'})`}`).join(', ')}`);
    } else {
      const reason = r.json?.reason ?? r.json?.error ?? `probe failed: ${tail(r.stderr, 2)}`;
      facade = { built: false, reason, backends: [] };
      log(`${reason} — native and reference contenders reported as skipped`);
    }
  }

  // 2. Python peers
  const wantPeers = contenders.includes('sklearn') || contenders.includes('fbpca');
  let peers = { python: null, reason: 'not requested (--contenders)' };
  if (wantPeers && args['no-peers']) peers = { python: null, reason: 'Python peers skipped (--no-peers)' };
  else if (wantPeers) {
    peers = ensurePeers({ root, python: args.python, noInstall: args['no-install'], log });
    if (peers.python) {
      log(`Python peers: ${rel(peers.python)} (Python ${peers.pythonVersion}; numpy ${peers.versions.numpy}, scipy ${peers.versions.scipy}, scikit-learn ${peers.versions['scikit-learn']}, fbpca ${peers.versions.fbpca}); BLAS threads ${maxThreads}`);
    } else {
      log(peers.reason);
    }
  }

  // 3. memory bandwidth (triad)
  const triad = await measureTriad(root, threadList, { explicit: args.triad, reps: 20 });
  log(`triad bandwidth (${triad.source}${triad.binary ? `: ${rel(triad.binary)}` : ''}): ` +
    threadList.map((t) => `${t} thread${t > 1 ? 's' : ''} ${fmtBytes(triad.byThreads[t].bytes_per_second)}`).join(', '));
  if (triad.note) log(triad.note);

  // 4. test matrices, once per run
  const mats = buildMatrices();

  // 5. contenders
  const results = [];
  for (const c of cases) {
    const M = mats[c.name];
    const normA2 = frobenius2(M);
    const caseRes = {
      name: c.name,
      rows: c.rows,
      cols: c.cols,
      dtype: c.dtype,
      sigma_top_k: Array.from(M.sigma.slice(0, k)),
      optimal_residual: optimalResidual(M.sigma, k),
      contenders: [],
    };
    log(`\n[${c.name}] ${c.rows}×${c.cols} ${c.dtype}`);
    for (const plan of contenderPlan(c, facade, peers)) {
      const res = await runContender(c, plan, M, normA2);
      caseRes.contenders.push(res);
      log(`  ${describe(res)}`);
    }
    results.push(caseRes);
  }

  // 6. targets, files, summary
  const targets = computeTargets(results, triad);
  const report = {
    schema: 1,
    benchmark: 'rsvd',
    date: new Date().toISOString(),
    quick,
    duration_s: (performance.now() - t0run) / 1000,
    machine: { cpu: os.cpus()[0]?.model ?? '?', cpus: os.cpus().length, load_average_at_start: +load0.toFixed(2), memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${process.platform}-${process.arch}` },
    node: process.version,
    params: { rank: k, oversamples: p, powerIters: q, normalizer, seed, threads: threadList, passes_over_A: 2 * q + 2 },
    test_matrix: {
      construction: 'A = Σ_{i≤r} σ_i u_i v_iᵀ, σ_i = i^-2, r = 100; u_i, v_i: seeded Gaussian vectors orthonormalised by modified Gram–Schmidt (two passes); f32 cases are the f64 matrix rounded to float32; no added noise (the noise floor is the rounding of the stored matrix)',
      rank: 100,
      seed: MATRIX_SEED,
      layout: 'row-major (C order .npy)',
    },
    accuracy: {
      sigma_error: 'max_{j≤k} |S_j − σ_j| / σ_j against the known σ',
      residual: '‖A − U diag(S) Vt‖_F / ‖A‖_F, formed row by row in f64 by bench/run.mjs from the factors each contender saved (same code for all)',
      residual_excess: 'residual / Eckart–Young optimum − 1 (optimum = sqrt(Σ_{i>k} σ_i² / Σ σ_i²))',
    },
    facade,
    python: peers.python ? { available: true, python: peers.pythonVersion, ...peers.versions } : { available: false, reason: peers.reason },
    triad: { source: triad.source, binary: triad.binary ? rel(triad.binary) : null, note: triad.note, by_threads: triad.byThreads },
    cases: results,
    targets,
  };
  const base = quick ? 'rsvd.quick' : 'rsvd';
  const jsonFile = path.join(outDir, `${base}.json`);
  const mdFile = path.join(outDir, `${base}.md`);
  writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(mdFile, markdownReport(report));

  log(`\ntargets (reported, not enforced)${quick ? ' — quick mode: measured on the 2000×500 cases, not the target sizes' : ''}:`);
  log(textTable(['target', 'case', 'value', 'want', 'met'], targets.map(targetRow), ['l', 'l', 'r', 'l', 'l']));
  log(`\nwrote ${rel(jsonFile)} and ${rel(mdFile)} in ${((performance.now() - t0run) / 1000).toFixed(0)} s`);
}

// ---------------------------------------------------------------- matrices
const MATRIX_SEED = 20240611;

function buildMatrices() {
  const mats = {};
  const byShape = new Map();
  const t = performance.now();
  for (const c of cases) {
    const key = `${c.rows}x${c.cols}`;
    if (!byShape.has(key)) byShape.set(key, buildTestMatrix({ rows: c.rows, cols: c.cols, rank: 100, seed: MATRIX_SEED }));
    const base = byShape.get(key);
    const data = c.dtype === 'float32' ? Float32Array.from(base.data) : base.data;
    const file = path.join(tmp, `${c.name}.npy`);
    writeNpy(file, data, [c.rows, c.cols]);
    mats[c.name] = { data, rows: c.rows, cols: c.cols, sigma: base.sigma, file };
  }
  log(`test matrices (σ_i = i^-2, rank 100) built and written to ${tmp} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return mats;
}

// ---------------------------------------------------------------- contenders
function contenderPlan(c, facade, peers) {
  const plan = [];
  const be = (name) => facade.backends.find((b) => b.name === name);
  if (contenders.includes('native')) {
    for (const t of threadList) {
      const b = be('native');
      const skip = !facade.built ? facade.reason : !b ? "backends() lists no 'native' backend" : !b.available ? `native backend not available: ${b.reason ?? 'no reason given'}` : null;
      plan.push({ id: `native-${t}t`, label: `randla native (${t} thread${t > 1 ? 's' : ''})`, kind: 'native', runtime: 'node', threads: t, skip });
    }
  }
  if (contenders.includes('reference')) {
    const b = be('reference');
    const skip = !facade.built ? facade.reason : b && !b.available ? `reference backend not available: ${b.reason ?? '?'}` : null;
    plan.push({ id: 'reference', label: 'randla reference (TS)', kind: 'reference', runtime: 'node', threads: 1, skip });
  }
  if (contenders.includes('ml-matrix') && c.mlMatrix) {
    plan.push({ id: 'ml-matrix', label: 'ml-matrix full SVD', kind: 'ml-matrix', runtime: 'node', threads: 1, skip: null });
  }
  for (const peer of ['sklearn', 'fbpca']) {
    if (!contenders.includes(peer)) continue;
    const label = peer === 'sklearn' ? `scikit-learn randomized_svd (${normalizer.toUpperCase()})` : 'fbpca pca(raw=True) (LU)';
    plan.push({ id: peer, label, kind: peer, runtime: 'python', threads: maxThreads, skip: peers.python ? null : peers.reason });
  }
  return plan;
}

function threadEnv(t) {
  const s = String(t);
  return { ...process.env, RANDLA_NUM_THREADS: s, OPENBLAS_NUM_THREADS: s, OMP_NUM_THREADS: s, MKL_NUM_THREADS: s, VECLIB_MAXIMUM_THREADS: s };
}

async function runContender(c, plan, M, normA2) {
  const itersKind = plan.runtime === 'python' ? 'native' : plan.kind;
  const iterations = itersFor(c, itersKind);
  const warmup = warmFor(c, itersKind);
  const res = { id: plan.id, label: plan.label, runtime: plan.runtime, threads: plan.threads, iterations, warmup };
  if (plan.skip) return { ...res, status: 'skipped', reason: plan.skip };

  const out = path.join(tmp, `${c.name}-${plan.id}`);
  const common = ['--input', M.file, '--out', out, '--rank', String(k), '--oversamples', String(p), '--power-iters', String(q),
    '--normalizer', normalizer, '--seed', String(seed), '--iterations', String(iterations), '--warmup', String(warmup)];
  const [cmd, argv] = plan.runtime === 'python'
    ? [peersPython(), [path.join(root, 'bench', 'peers', 'rsvd_peers.py'), '--contender', plan.kind, ...common]]
    : [process.execPath, [path.join(root, 'bench', 'rsvd.bench.mjs'), '--contender', plan.kind, '--threads', String(plan.threads), ...common]];
  const r = await runJson(cmd, argv, { cwd: root, env: threadEnv(plan.threads), timeoutMs, echoStderr: args.verbose });
  const j = r.json;
  if (!j) {
    const why = r.timedOut ? `timed out after ${timeoutMs / 1000} s` : r.error ? r.error.message : `exit ${r.code ?? r.signal}, no JSON line`;
    return { ...res, status: 'failed', error: `${why}${r.stderr ? `: ${tail(r.stderr, 3)}` : ''}` };
  }
  if (j.status !== 'ok') {
    return { ...res, status: j.status ?? 'failed', reason: j.reason, error: j.error ?? (j.status === 'skipped' ? undefined : tail(r.stderr, 3)) };
  }
  const time = summarize(j.samples_ms);
  const out2 = {
    ...res,
    status: 'ok',
    library: j.library,
    threads_reported: j.threads_reported ?? j.threads ?? null,
    blas: j.blas ?? undefined,
    dtype_in: j.dtype_in,
    dtype_out: j.dtype_out,
    time_ms: time,
    samples_ms: j.samples_ms,
    notes: j.notes ?? [],
  };
  try {
    out2.accuracy = accuracyOf(M, j.factors, normA2, optimalResidual(M.sigma, k));
  } catch (e) {
    out2.accuracy = null;
    out2.notes = [...out2.notes, `accuracy not computed: ${e.message}`];
  }
  return out2;
}

function peersPython() {
  return venvPython(path.join(root, 'bench', '.venv'));
}

function accuracyOf(M, files, normA2, optimum) {
  const U = readMatrixNpy(files.U);
  const Vt = readMatrixNpy(files.Vt);
  const S = readNpy(files.S).data;
  const kk = Math.min(k, S.length, U.cols, Vt.rows);
  if (kk !== k) throw new Error(`contender returned rank ${kk}, expected ${k}`);
  const take = (X, rows, cols, byCols) => {
    if (byCols ? X.cols === cols : X.rows === rows) return X;
    const d = new X.data.constructor(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = X.data[i * X.cols + j];
    return { data: d, rows, cols };
  };
  const Uk = take(U, M.rows, k, true);
  const Vk = take(Vt, k, M.cols, false);
  const Sk = Float64Array.from(S.subarray(0, k));
  const res = relResidual(M, Uk, Sk, Vk, normA2);
  return {
    sigma_max_rel_error: maxRelSigmaError(Sk, M.sigma),
    rel_residual: res,
    residual_excess: res / optimum - 1,
  };
}

function describe(r) {
  if (r.status === 'skipped') return `${r.label}: skipped (${r.reason})`;
  if (r.status !== 'ok') return `${r.label}: FAILED (${r.error ?? r.reason ?? '?'})`;
  const t = r.time_ms;
  const acc = r.accuracy
    ? `  σ err ${fmtErr(r.accuracy.sigma_max_rel_error)}  residual ${fmtErr(r.accuracy.rel_residual)} (optimum +${fmtErr(r.accuracy.residual_excess)})`
    : '';
  return `${r.label}: median ${fmtMs(t.median)} ms (min ${fmtMs(t.min)}, max ${fmtMs(t.max)}; ${t.runs} run${t.runs > 1 ? 's' : ''})${acc}`;
}

// ---------------------------------------------------------------- targets
function computeTargets(results, triad) {
  const find = (caseName, id) => results.find((c) => c.name === caseName)?.contenders.find((x) => x.id === id);
  const med = (x) => (x?.status === 'ok' ? x.time_ms.median : null);
  const why = (caseName, ...xs) => {
    if (!results.some((c) => c.name === caseName)) return `case ${caseName} not run`;
    const i = xs.findIndex((x) => x?.status !== 'ok');
    if (i < 0) return null;
    return xs[i] ? `${xs[i].label} ${xs[i].status}` : 'contender not run';
  };
  const bigF64 = quick ? 'small-f64' : 'large-f64';
  const bigF32 = quick ? 'small-f32' : 'large-f32';
  const nat = `native-${maxThreads}t`;
  const targets = [];

  const n64 = find(bigF64, nat);
  const sk = find(bigF64, 'sklearn');
  targets.push(ratioTarget(`(a) native ${maxThreads}t / scikit-learn`, bigF64, med(n64), med(sk), '≤ 1', (x) => x <= 1, why(bigF64, n64, sk)));

  const caseInfo = results.find((c) => c.name === bigF64);
  const bw = triad.byThreads[maxThreads]?.bytes_per_second;
  const readMs = caseInfo && bw ? ((2 * q + 2) * 8 * caseInfo.rows * caseInfo.cols / bw) * 1000 : null;
  const tRead = ratioTarget(`(a) native ${maxThreads}t / (2q+2 reads of A at triad bandwidth)`, bigF64, med(n64), readMs, '≤ 2.5', (x) => x <= 2.5, why(bigF64, n64));
  tRead.detail = readMs ? `(2q+2)·8·m·n bytes = ${(((2 * q + 2) * 8 * caseInfo.rows * caseInfo.cols) / 1e9).toFixed(2)} GB at ${fmtBytes(bw)} (${triad.source} triad, ${maxThreads} threads) = ${fmtMs(readMs)} ms` : undefined;
  targets.push(tRead);

  const ml = find('small-f64', 'ml-matrix');
  const ns = find('small-f64', nat);
  targets.push(ratioTarget(`(b) ml-matrix / native ${maxThreads}t`, 'small-f64', med(ml), med(ns), '≥ 100', (x) => x >= 100, why('small-f64', ml, ns)));

  const n32 = find(bigF32, nat);
  targets.push(ratioTarget(`(c) native ${maxThreads}t f64 / f32`, `${bigF64} / ${bigF32}`, med(n64), med(n32), '≈ 2 (1.5–2.5)', (x) => x >= 1.5 && x <= 2.5,
    !results.some((c) => c.name === bigF32) ? `case ${bigF32} not run` : why(bigF64, n64) ?? why(bigF32, n32)));
  return targets;
}

function ratioTarget(name, caseName, num, den, want, ok, reason) {
  if (reason || !(num > 0) || !(den > 0)) return { name, case: caseName, value: null, want, met: null, reason: reason ?? 'missing data' };
  const value = num / den;
  return { name, case: caseName, value, want, met: ok(value) };
}

function targetRow(t) {
  return [t.name, t.case, t.value === null ? `n/a (${t.reason})` : fmtRatio(t.value), t.want, t.met === null ? '—' : t.met ? 'yes' : 'no'];
}

// ---------------------------------------------------------------- markdown
function markdownReport(r) {
  const L = [];
  L.push(`# rsvd benchmark${r.quick ? ' (quick mode: small sizes, one iteration — not for comparison)' : ''}`);
  L.push('');
  L.push(`Generated by \`npm run bench${r.quick ? ' -- --quick' : ''}\` (bench/run.mjs) on ${r.date}.`);
  L.push('');
  L.push(`- Machine: ${r.machine.cpu}, ${r.machine.cpus} CPUs, ${r.machine.memory_gib} GiB, ${r.machine.platform}; Node ${r.node}`);
  L.push(`- rsvd: k = ${r.params.rank}, p = ${r.params.oversamples}, q = ${r.params.powerIters}, normalizer ${r.params.normalizer.toUpperCase()} (${r.params.passes_over_A} passes over A), seed ${r.params.seed}`);
  L.push(`- Test matrices: ${r.test_matrix.construction}.`);
  L.push(`- Accuracy (same code for every contender): σ err = ${r.accuracy.sigma_error}; residual = ${r.accuracy.residual}.`);
  L.push(`- randla: ${r.facade.built ? r.facade.backends.map((b) => `${b.name} ${b.available ? 'available' : `unavailable (${b.reason ?? '?'})`}`).join(', ') : `not run: ${r.facade.reason}`}`);
  L.push(`- Python peers: ${r.python.available ? `Python ${r.python.python}, numpy ${r.python.numpy}, scipy ${r.python.scipy}, scikit-learn ${r.python['scikit-learn']}, fbpca ${r.python.fbpca} (bench/.venv); BLAS threads = ${r.params.threads[r.params.threads.length - 1]}` : r.python.reason}`);
  L.push(`- Triad bandwidth (${r.triad.source}${r.triad.binary ? `, ${r.triad.binary}` : ''}): ${Object.entries(r.triad.by_threads).map(([t, x]) => `${t} thread(s) ${fmtBytes(x.bytes_per_second)}`).join(', ')}${r.triad.note ? ` — ${r.triad.note}` : ''}`);
  L.push('- Times: wall-clock per call in ms, median / min / max over the timed runs (tinybench for Node, time.perf_counter for Python; warm-up runs untimed). One fresh process per contender.');
  L.push('');
  for (const c of r.cases) {
    L.push(`## ${c.name}: ${c.rows} × ${c.cols} ${c.dtype}`);
    L.push('');
    const rows = c.contenders.map((x) => {
      if (x.status !== 'ok') {
        return [x.label, x.threads, '—', '—', '—', '—', '—', '—', '—', `${x.status}: ${x.reason ?? x.error ?? ''}`];
      }
      const notes = [...(x.notes ?? [])];
      if (x.id === 'reference') notes.unshift(`pure TS${x.time_ms.runs < 5 && !r.quick ? `; only ${x.time_ms.runs} runs (slow)` : ''}`);
      if (x.dtype_in !== x.dtype_out) notes.push(`output ${x.dtype_out}`);
      if (x.threads_reported && x.threads_reported !== x.threads) notes.push(`threads reported: ${x.threads_reported}`);
      return [x.label, x.threads, x.time_ms.runs, fmtMs(x.time_ms.median), fmtMs(x.time_ms.min), fmtMs(x.time_ms.max),
        fmtErr(x.accuracy?.sigma_max_rel_error), fmtErr(x.accuracy?.rel_residual), fmtErr(x.accuracy?.residual_excess), notes.join('; ')];
    });
    L.push(markdownTable(['contender', 'threads', 'runs', 'median ms', 'min ms', 'max ms', 'max rel err σ₁..σ_k', '‖A−USVᵀ‖_F / ‖A‖_F', 'residual / optimum − 1', 'notes'],
      rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
    L.push('');
    L.push(`Eckart–Young optimum of the rank-${r.params.rank} residual (from the known σ): ${fmtErr(c.optimal_residual)}.`);
    L.push('');
  }
  L.push('## Targets (reported, not enforced)');
  L.push('');
  if (r.quick) {
    L.push('Quick mode: measured on the 2000×500 cases, not the target sizes.');
    L.push('');
  }
  L.push(markdownTable(['target', 'case', 'value', 'want', 'met'], r.targets.map(targetRow), ['l', 'l', 'r', 'l', 'l']));
  const details = r.targets.filter((t) => t.detail);
  if (details.length) {
    L.push('');
    for (const t of details) L.push(`- ${t.name}: ${t.detail}`);
  }
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------- run
const log = (...a) => console.log(...a);
const t0run = performance.now();
log(`randla rsvd bench${quick ? ' (quick)' : ''}: k=${k} p=${p} q=${q} normalizer=${normalizer} seed=${seed}; ` +
  `cases ${cases.map((c) => c.name).join(', ')}; native threads ${threadList.join(',')}; ${os.cpus().length} CPUs`);

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
