#!/usr/bin/env node
// `npm run bench:dmd`: the Dynamic Mode Decomposition benchmark of issue 6 (docs/algorithms/dmd.md).
// Four sections, every contender in a fresh process, 2 threads for everyone:
//   exact       20000 × 400 snapshots of 20 known modes + 1e-3 noise, rank 20: randla exact DMD
//               against PyDMD's DMD (exact=True) and a plain numpy exact DMD (the same algorithm);
//   randomized  the same data: randla randomized DMD (oversamples 10, powerIters 2) against randla
//               exact (speed and eigenvalue error), with randla fb, PyDMD's RDMD and FbDMD timed;
//   batch       dmdBatch of 10 000 problems of 32 × 40 (rank 0 and rank 8) against a loop of
//               dmdSync and a numpy loop;
//   online      OnlineDmd and WindowDmd (window 400) updates at n = 200 against numpy rank-one
//               update loops.
// Writes bench/results/dmd.json and dmd.md (atomically; --quick: dmd.quick.*). See bench/README.md,
// "DMD".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { batchGroups, eigDistance, onlinePairs, snapshotSystem } from './lib/dmd-data.mjs';
import { fmtErr, fmtMs, fmtRatio, markdownTable, summarize, textTable, writeFileAtomic } from './lib/format.mjs';
import { readNpy, writeNpy } from './lib/npy.mjs';
import { ensurePeers } from './lib/python.mjs';
import { runJson, tail } from './lib/spawn.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';
const RUNNER = path.join(root, 'bench', 'lib', 'dmd-runner.mjs');
const PEERS = path.join(root, 'bench', 'peers', 'dmd_peers.py');

const HELP = `usage: npm run bench:dmd -- [options]     (or: node bench/dmd.mjs [options])

Dynamic Mode Decomposition benchmark (issue 6). Every contender runs in its own process with
2 threads; the data are generated once per run (bench/lib/dmd-data.mjs, seeded) and passed as .npy.

Sections (default: all):
  exact       20000 × 400 real snapshots of 20 modes (10 conjugate pairs, 5 on the unit circle,
              5 inside) + 1e-3 Gaussian noise, rank 20: median time of randla dmd (exact), PyDMD
              DMD(svd_rank=20, exact=True) and a numpy exact DMD (np.linalg.svd, truncate, A~, eig,
              modes, lstsq amplitudes); eigenvalue agreement (nearest-match max |Δλ|)
  randomized  the same data: randla variant 'randomized' (rank 20, oversamples 10, powerIters 2)
              against randla exact (speed-up, eigenvalue error); randla fb, PyDMD RDMD(svd_rank=20,
              oversampling=10, power_iters=2) and FbDMD(svd_rank=20, exact=True) timed
  batch       10 000 problems of 32 × 40 (3 damped rotations + 1e-2 noise each), rank 0 (optimal
              hard threshold) and rank 8: await dmdBatch, a loop of dmdSync, a numpy loop
  online      pairs (x, 0.95·Q·x + 1e-3 noise), n = 200: OnlineDmd and WindowDmd (window 400)
              updates per second after the first 400 pairs, numpy rank-one-update loops
Python peers from bench/.venv: numpy (bench/peers/requirements.txt) and PyDMD
(bench/peers/requirements-optional.txt; its rows are skipped, with the reason, when it cannot be
installed). Writes bench/results/dmd.json and dmd.md (--quick: dmd.quick.json, dmd.quick.md).

options:
  --quick                 5000 × 200 snapshots, 1000 batch problems, 1000 online updates, 3 runs
  --sections LIST         exact,randomized,batch,online (default all)
  --runs N                timed runs per contender (default 5; --quick 3)
  --seed S                randomized DMD / RDMD seed (default 42)
  --out DIR               results directory (default bench/results)
  --no-peers              skip the Python peers (numpy and PyDMD rows)
  --no-install            do not pip-install; use bench/.venv as it is
  --retry-optional-peers  retry PyDMD (or another optional peer) whose pip install failed before
  --python PATH           Python 3 used to create bench/.venv (default: python3 on PATH)
  --openblas-thread-timeout N
                          OPENBLAS_THREAD_TIMEOUT for every contender (default: inherited, else 4)
  --timeout SEC           per-process time limit (default 900)
  --keep                  keep the temporary directory (data, plans, outputs)
  --verbose               echo the children's stderr
  -h, --help              this text

Targets (printed, never enforced): exact DMD >= 2x faster than PyDMD's DMD and than numpy;
randomized >= 5x faster than exact with eigenvalue error <= 1e-6; dmdBatch of 10 000 × (32 × 40)
under 1 s; OnlineDmd >= 10 000 updates/s at n = 200.`;

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sections: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      'retry-optional-peers': { type: 'boolean', default: false },
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
  console.error(`bench:dmd: ${msg}`);
  process.exit(2);
}
function int(name, v, min = 1) {
  const n = Number(v);
  if (v === '' || !Number.isSafeInteger(n) || n < min) die(`--${name} must be an integer in [${min}, 2^53 − 1], got ${JSON.stringify(v)}`);
  return n;
}

const quick = args.quick;
const SECTIONS = ['exact', 'randomized', 'batch', 'online'];
const sections = args.sections !== undefined ? args.sections.split(',').map((s) => s.trim()).filter(Boolean) : SECTIONS;
if (sections.length === 0) die(`--sections needs at least one of ${SECTIONS.join(', ')}`);
for (const s of sections) if (!SECTIONS.includes(s)) die(`unknown section ${s} (known: ${SECTIONS.join(', ')})`);
const runs = args.runs !== undefined ? int('runs', args.runs) : quick ? 3 : 5;
const seed = int('seed', args.seed, 0);
const timeoutMs = int('timeout', args.timeout) * 1000;
if (args['openblas-thread-timeout'] !== undefined) int('openblas-thread-timeout', args['openblas-thread-timeout'], 0);
const outDir = path.resolve(args.out ?? path.join(root, 'bench', 'results'));
// Same handling as bench/run.mjs, bench/nystrom.mjs and bench/bootstrap.mjs: randla's addon loader
// sets OPENBLAS_THREAD_TIMEOUT=4 unless the user did; numpy loads its own OpenBLAS, whose idle
// workers would otherwise spin against randla's, so every contender runs under the same value.
if (args['openblas-thread-timeout'] !== undefined) process.env.OPENBLAS_THREAD_TIMEOUT = args['openblas-thread-timeout'];
if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';

const THREADS = 2;
const WARMUP = 1;
// The snapshots of the exact and randomized sections: 10 conjugate pairs (rank 20), 1e-3 noise.
const SNAP = { n: quick ? 5000 : 20000, m: quick ? 200 : 400, pairs: 10, noise: 1e-3, dataSeed: 20250601, rank: 20 };
const RANDOMIZED = { oversamples: 10, powerIters: 2 };
const BATCH = { groups: quick ? 1000 : 10000, n: 32, m: 40, pairs: 3, noise: 1e-2, dataSeed: 20250602, ranks: [0, 8], width: 32 };
const ONLINE = { n: 200, init: 400, updates: quick ? 1000 : 5000, window: 400, rho: 0.95, noise: 1e-3, dataSeed: 20250603 };
const TARGET = { exactSpeedup: 2, randomizedSpeedup: 5, randomizedEigError: 1e-6, batchMs: 1000, batchGroups: 10000, onlineRate: 10000 };

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

const x = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${fmtRatio(v)}×`);
const fmtM = (m) => m.toLocaleString('en-US').replace(/,/g, ' ');
const fmtRate = (r) => (r === null || r === undefined || !Number.isFinite(r) ? '—' : fmtM(Math.round(r)));
const sizeNote = (what) => (quick ? ` (quick: ${what}, not the target size)` : '');

/** Why a Python contender cannot run, or null. */
function peerUnavailable(peers, needsPydmd) {
  if (!peers.python) return peers.reason;
  if (needsPydmd && !peers.optional?.pydmd?.available) return `PyDMD not installed: ${peers.optional?.pydmd?.reason ?? 'not requested'}`;
  return null;
}

/** One contender row from a runner/peer answer. */
function contenderRow(meta, r) {
  if (r.status !== 'ok') return { ...meta, status: r.status, reason: r.reason };
  return { ...meta, status: 'ok', samples_ms: r.samples_ms, time_ms: summarize(r.samples_ms), rank: r.rank, eigs: r.eigs, backend: r.backend, blas: r.blas };
}

function logRow(row, extra = '') {
  if (row.status !== 'ok') log(`  ${row.contender}: ${row.status}: ${row.reason}`);
  else log(`  ${row.contender}: median ${fmtMs(row.time_ms.median)} ms (min ${fmtMs(row.time_ms.min)}, max ${fmtMs(row.time_ms.max)})${extra}`);
}

// ---------------------------------------------------------------- data
let snapData = null;
function snapshots() {
  if (snapData) return snapData;
  const t = performance.now();
  const S = snapshotSystem({ n: SNAP.n, m: SNAP.m, pairs: SNAP.pairs, noise: SNAP.noise, seed: SNAP.dataSeed });
  const file = path.join(tmp, 'snapshots.npy');
  writeNpy(file, S.data, [S.rows, S.cols]);
  snapData = { file, truth: { re: Array.from(S.eigs.re), im: Array.from(S.eigs.im) }, build_ms: performance.now() - t };
  log(`  snapshots ${fmtM(SNAP.n)} × ${SNAP.m} built in ${(snapData.build_ms / 1000).toFixed(1)} s`);
  return snapData;
}

const snapDescription = () =>
  `${fmtM(SNAP.n)} × ${SNAP.m} real snapshots X[:, k] = Σ_p 2·Re(φ_p·λ_p^k) + ${SNAP.noise}·N(0, 1) (snapshotSystem({ n: ${SNAP.n}, m: ${SNAP.m}, pairs: ${SNAP.pairs}, noise: ${SNAP.noise}, seed: ${SNAP.dataSeed} }), bench/lib/dmd-data.mjs): ${SNAP.pairs} conjugate pairs λ = ρ·e^{±iθ}, θ from 0.15 to π − 0.15, ρ = 1 for half of them and 0.999 … 0.98 for the others; modes φ_p with standard Gaussian real and imaginary parts (not orthogonal)`;

// ---------------------------------------------------------------- exact and randomized
const rowCache = new Map();
/** A contender of the snapshot sections, run once even when both sections list it. */
async function snapContender(key, peers) {
  if (rowCache.has(key)) return rowCache.get(key);
  const data = snapshots();
  const rank = SNAP.rank;
  const defs = {
    'randla-exact': { contender: 'randla dmd, exact', kind: 'randla', options: { rank, variant: 'exact' } },
    'randla-randomized': { contender: `randla dmd, randomized (p = ${RANDOMIZED.oversamples}, q = ${RANDOMIZED.powerIters})`, kind: 'randla', options: { rank, variant: 'randomized', oversamples: RANDOMIZED.oversamples, powerIters: RANDOMIZED.powerIters, seed } },
    // The power iterations trade time for accuracy: q = 0 and 1 are measured too, so the table says
    // which q meets both parts of the randomized target on this data.
    'randla-randomized-q0': { contender: `randla dmd, randomized (p = ${RANDOMIZED.oversamples}, q = 0)`, kind: 'randla', options: { rank, variant: 'randomized', oversamples: RANDOMIZED.oversamples, powerIters: 0, seed } },
    'randla-randomized-q1': { contender: `randla dmd, randomized (p = ${RANDOMIZED.oversamples}, q = 1)`, kind: 'randla', options: { rank, variant: 'randomized', oversamples: RANDOMIZED.oversamples, powerIters: 1, seed } },
    'randla-fb': { contender: 'randla dmd, fb', kind: 'randla', options: { rank, variant: 'fb' } },
    numpy: { contender: 'numpy exact DMD', kind: 'numpy', peer: 'numpy' },
    'pydmd-dmd': { contender: `PyDMD DMD(svd_rank=${rank}, exact=True)`, kind: 'pydmd', peer: 'pydmd-dmd' },
    'pydmd-fbdmd': { contender: `PyDMD FbDMD(svd_rank=${rank}, exact=True)`, kind: 'pydmd', peer: 'pydmd-fbdmd' },
    'pydmd-rdmd': { contender: `PyDMD RDMD(svd_rank=${rank}, oversampling=${RANDOMIZED.oversamples}, power_iters=${RANDOMIZED.powerIters})`, kind: 'pydmd', peer: 'pydmd-rdmd' },
  };
  const d = defs[key];
  const meta = { id: key, contender: d.contender, kind: d.kind };
  let row;
  if (d.kind === 'randla') {
    row = contenderRow({ ...meta, options: d.options }, await task({ task: 'dmd', matrix: data.file, options: d.options, runs, warmup: WARMUP }));
  } else {
    const why = peerUnavailable(peers, d.kind === 'pydmd');
    row = why
      ? { ...meta, status: 'skipped', reason: why }
      : contenderRow(meta, await task({ task: 'dmd', contender: d.peer, matrix: data.file, rank, oversamples: RANDOMIZED.oversamples, power_iters: RANDOMIZED.powerIters, seed, runs, warmup: WARMUP }, { python: peers.python }));
  }
  if (row.status === 'ok') row.eig_error_vs_truth = eigDistance(row.eigs, data.truth);
  rowCache.set(key, row);
  logRow(row, row.status === 'ok' ? `; rank ${row.rank}; max |Δλ| vs the true eigenvalues ${fmtErr(row.eig_error_vs_truth)}` : '');
  return row;
}

/** Ratios and eigenvalue distances of every row against a base row (by time and eigenvalues). */
function compareRows(rows, base) {
  for (const r of rows) {
    if (r.status !== 'ok' || !base || base.status !== 'ok') continue;
    r.time_over_base = r.time_ms.median / base.time_ms.median;
    r.eig_error_vs_base = eigDistance(r.eigs, base.eigs);
  }
}

async function exactSection(peers) {
  log(`\n[exact] ${fmtM(SNAP.n)} × ${SNAP.m}, rank ${SNAP.rank}; ${THREADS} threads, ${runs} timed runs after ${WARMUP} warm-up`);
  const rows = [];
  for (const key of ['randla-exact', 'pydmd-dmd', 'numpy']) rows.push(await snapContender(key, peers));
  const base = rows[0];
  compareRows(rows, base);
  for (const r of rows.slice(1)) if (r.status === 'ok' && base.status === 'ok') log(`  ${r.contender}: ${x(r.time_over_base)} randla's time; max |Δλ| vs randla ${fmtErr(r.eig_error_vs_base)}`);
  return { status: 'ok', data: snapDescription(), truth: snapshots().truth, params: SNAP, rows };
}

async function randomizedSection(peers) {
  log(`\n[randomized] ${fmtM(SNAP.n)} × ${SNAP.m}, rank ${SNAP.rank}, oversamples ${RANDOMIZED.oversamples}, powerIters ${RANDOMIZED.powerIters}, seed ${seed}; ${THREADS} threads, ${runs} timed runs after ${WARMUP} warm-up`);
  const rows = [];
  for (const key of ['randla-randomized', 'randla-exact', 'randla-randomized-q0', 'randla-randomized-q1', 'randla-fb', 'pydmd-rdmd', 'pydmd-fbdmd']) rows.push(await snapContender(key, peers));
  // against randla exact: the reference of the randomized target
  const exact = rows[1];
  const copies = rows.map((r) => ({ ...r }));
  compareRows(copies, exact);
  for (const rnd of copies.filter((r) => r.id.startsWith('randla-randomized'))) {
    if (rnd.status === 'ok' && exact.status === 'ok') {
      rnd.speedup_vs_exact = exact.time_ms.median / rnd.time_ms.median;
      log(`  ${rnd.contender}: ${x(rnd.speedup_vs_exact)} faster than exact; max |Δλ| vs exact ${fmtErr(rnd.eig_error_vs_base)}`);
    }
  }
  for (const r of copies.slice(4)) if (r.status === 'ok' && exact.status === 'ok') log(`  ${r.contender}: ${x(r.time_over_base)} randla exact's time; max |Δλ| vs randla exact ${fmtErr(r.eig_error_vs_base)}`);
  return { status: 'ok', data: snapDescription(), params: { ...SNAP, ...RANDOMIZED, seed }, rows: copies };
}

// ---------------------------------------------------------------- batch
function readEigsOut(dir) {
  const re = readNpy(path.join(dir, 'eigs_re.npy'));
  const im = readNpy(path.join(dir, 'eigs_im.npy'));
  const ranks = readNpy(path.join(dir, 'ranks.npy')).data;
  const W = re.shape[1];
  return {
    ranks,
    group: (g) => ({ re: re.data.subarray(g * W, g * W + Math.min(W, ranks[g])), im: im.data.subarray(g * W, g * W + Math.min(W, ranks[g])) }),
  };
}

/** Per-group agreement of two batch outputs: groups whose ranks differ, max eigenvalue distance over the others. */
function batchAgreement(a, b, G) {
  let rankMismatch = 0;
  let worst = 0;
  for (let g = 0; g < G; g++) {
    if (a.ranks[g] !== b.ranks[g]) {
      rankMismatch++;
      continue;
    }
    worst = Math.max(worst, eigDistance(a.group(g), b.group(g)));
  }
  return { rank_mismatch: rankMismatch, max_eig_distance: worst };
}

async function batchSection(peers) {
  const B = BATCH;
  log(`\n[batch] ${fmtM(B.groups)} problems of ${B.n} × ${B.m}, rank ${B.ranks.join(' and ')}; ${THREADS} threads, ${runs} timed runs after ${WARMUP} warm-up`);
  const t = performance.now();
  const data = batchGroups({ groups: B.groups, n: B.n, m: B.m, pairs: B.pairs, noise: B.noise, seed: B.dataSeed });
  const file = path.join(tmp, 'groups.npy');
  writeNpy(file, data, [B.groups, B.n, B.m]);
  const buildMs = performance.now() - t;
  log(`  groups built in ${(buildMs / 1000).toFixed(1)} s`);
  const cases = [];
  for (const rank of B.ranks) {
    const options = { rank };
    const label = rank === 0 ? 'rank 0 (optimal hard threshold)' : `rank ${rank}`;
    log(`  ${label}:`);
    const rows = [];
    const outs = {};
    const defs = [
      { id: 'randla-batch', contender: 'randla await dmdBatch(groups)', kind: 'randla', mode: 'batch' },
      { id: 'randla-loop', contender: 'randla dmdSync per group', kind: 'randla', mode: 'loop' },
      { id: 'numpy', contender: 'numpy exact DMD per group (Python loop)', kind: 'numpy' },
    ];
    for (const d of defs) {
      const out = path.join(tmp, `batch-${rank}-${d.id}`);
      let r;
      if (d.kind === 'randla') r = await task({ task: 'batch', groups: file, mode: d.mode, options, runs, warmup: WARMUP, width: B.width, out });
      else {
        const why = peerUnavailable(peers, false);
        r = why ? { status: 'skipped', reason: why } : await task({ task: 'batch', groups: file, rank, runs, warmup: WARMUP, width: B.width, out }, { python: peers.python });
      }
      const row = r.status === 'ok'
        ? { id: d.id, contender: d.contender, kind: d.kind, status: 'ok', samples_ms: r.samples_ms, time_ms: summarize(r.samples_ms), per_problem_us: (1000 * summarize(r.samples_ms).median) / B.groups, blas: r.blas }
        : { id: d.id, contender: d.contender, kind: d.kind, status: r.status, reason: r.reason };
      if (r.status === 'ok') outs[d.id] = readEigsOut(out);
      rows.push(row);
      logRow(row, row.status === 'ok' ? ` (${fmtMs(row.per_problem_us)} µs per problem)` : '');
    }
    const base = rows[0];
    for (const r of rows.slice(1)) {
      if (r.status !== 'ok' || base.status !== 'ok') continue;
      r.time_over_base = r.time_ms.median / base.time_ms.median;
      r.agreement = batchAgreement(outs[base.id], outs[r.id], B.groups);
      log(`  ${r.contender}: ${x(r.time_over_base)} dmdBatch's time; eigenvalues vs dmdBatch: ranks differ in ${r.agreement.rank_mismatch} groups, max |Δλ| ${fmtErr(r.agreement.max_eig_distance)} over the others`);
    }
    let rankHistogram = null;
    if (outs['randla-batch']) {
      rankHistogram = {};
      for (const k of outs['randla-batch'].ranks) rankHistogram[k] = (rankHistogram[k] ?? 0) + 1;
    }
    cases.push({ rank, label, options, rows, rank_histogram: rankHistogram });
  }
  return {
    status: 'ok', build_ms: buildMs, params: B,
    data: `${fmtM(B.groups)} groups of ${B.n} × ${B.m} (batchGroups({ groups: ${B.groups}, n: ${B.n}, m: ${B.m}, pairs: ${B.pairs}, noise: ${B.noise}, seed: ${B.dataSeed} }), bench/lib/dmd-data.mjs): each ${B.pairs} damped rotations (ρ in [0.9, 1], θ in [0.1, 3], Gaussian modes, rank ${2 * B.pairs}) + ${B.noise}·N(0, 1)`,
    cases,
  };
}

// ---------------------------------------------------------------- online
async function onlineSection(peers) {
  const O = ONLINE;
  log(`\n[online] n = ${O.n}: ${fmtM(O.updates)} timed updates after the first ${O.init} pairs; WindowDmd window ${O.window}; ${runs} timed runs after ${WARMUP} warm-up`);
  const t = performance.now();
  const count = O.init + O.updates;
  const P = onlinePairs({ n: O.n, count, rho: O.rho, noise: O.noise, seed: O.dataSeed });
  const files = { x: path.join(tmp, 'online-x.npy'), y: path.join(tmp, 'online-y.npy') };
  writeNpy(files.x, P.X, [count, O.n]);
  writeNpy(files.y, P.Y, [count, O.n]);
  const buildMs = performance.now() - t;
  const frob = (a) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
  const relDiff = (a, b) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return Math.sqrt(s) / frob(b);
  };
  const kinds = [];
  for (const kind of ['online', 'window']) {
    const name = kind === 'online' ? 'OnlineDmd' : `WindowDmd (window ${O.window})`;
    const common = { x: files.x, y: files.y, kind, init: O.init, updates: O.updates, window: O.window, runs, warmup: WARMUP };
    const rows = [];
    const ops = {};
    for (const d of [{ id: 'randla', contender: `randla ${name}.update`, kind: 'randla' }, { id: 'numpy', contender: `numpy rank-one ${kind === 'online' ? 'update' : 'update + downdate'} loop`, kind: 'numpy' }]) {
      const out = path.join(tmp, `online-${kind}-${d.id}`);
      let r;
      if (d.kind === 'randla') r = await task({ task: 'online', ...common, out });
      else {
        const why = peerUnavailable(peers, false);
        r = why ? { status: 'skipped', reason: why } : await task({ task: 'online', ...common, out }, { python: peers.python });
      }
      let row;
      if (r.status === 'ok') {
        const s = summarize(r.samples_ms);
        row = { id: d.id, contender: d.contender, kind: d.kind, status: 'ok', samples_ms: r.samples_ms, time_ms: s, updates_per_s: (1000 * O.updates) / s.median, us_per_update: (1000 * s.median) / O.updates, blas: r.blas };
        ops[d.id] = readNpy(path.join(out, 'operator.npy')).data;
        row.operator_error_vs_true = relDiff(ops[d.id], P.A);
      } else row = { id: d.id, contender: d.contender, kind: d.kind, status: r.status, reason: r.reason };
      rows.push(row);
      if (row.status === 'ok') log(`  ${row.contender}: ${fmtRate(row.updates_per_s)} updates/s (${fmtMs(row.us_per_update)} µs each, median of ${runs} runs of ${fmtM(O.updates)}); ‖A − A_true‖_F/‖A_true‖_F ${fmtErr(row.operator_error_vs_true)}`);
      else log(`  ${row.contender}: ${row.status}: ${row.reason}`);
    }
    if (ops.randla && ops.numpy) {
      rows[1].operator_diff_vs_randla = relDiff(ops.numpy, ops.randla);
      rows[1].rate_over_randla = rows[1].updates_per_s / rows[0].updates_per_s;
      log(`  numpy vs randla: final operators differ by ${fmtErr(rows[1].operator_diff_vs_randla)} (relative Frobenius)`);
    }
    kinds.push({ kind, name, rows });
  }
  return {
    status: 'ok', build_ms: buildMs, params: O,
    data: `${fmtM(count)} pairs (x_k, y_k = ${O.rho}·Q·x_k + ${O.noise}·N(0, 1)), x_k standard Gaussian, Q a seeded ${O.n} × ${O.n} orthogonal matrix (onlinePairs({ n: ${O.n}, count: ${count}, rho: ${O.rho}, noise: ${O.noise}, seed: ${O.dataSeed} }), bench/lib/dmd-data.mjs)`,
    kinds,
  };
}

// ---------------------------------------------------------------- targets and report
function computeTargets({ exact, randomized, batch, online }) {
  const t = [];
  const ok = (r) => r && r.status === 'ok';
  const snapNote = sizeNote(`${fmtM(SNAP.n)} × ${SNAP.m}`);
  if (exact) {
    const base = exact.rows.find((r) => r.id === 'randla-exact');
    for (const r of exact.rows.filter((row) => row.kind !== 'randla')) {
      const name = `exact DMD, ${fmtM(SNAP.n)} × ${SNAP.m}, rank ${SNAP.rank}: ${r.contender} time / randla exact${snapNote}`;
      t.push(ok(r) && ok(base)
        ? { name, value: x(r.time_over_base), want: `≥ ${TARGET.exactSpeedup}×`, met: r.time_over_base >= TARGET.exactSpeedup }
        : { name, value: 'n/a', want: `≥ ${TARGET.exactSpeedup}×`, met: null, reason: ok(base) ? r.reason : base?.reason });
    }
  }
  for (const id of randomized ? ['randla-randomized', 'randla-randomized-q1', 'randla-randomized-q0'] : []) {
    const r = randomized.rows.find((row) => row.id === id);
    const e = randomized.rows.find((row) => row.id === 'randla-exact');
    const q = id === 'randla-randomized' ? RANDOMIZED.powerIters : Number(id.slice(-1));
    const n1 = `randomized DMD (q = ${q}): randla exact time / randla randomized${snapNote}`;
    const n2 = `randomized DMD (q = ${q}): max |λ_randomized − λ_exact| (nearest match)${snapNote}`;
    if (ok(r) && ok(e)) {
      t.push({ name: n1, value: x(r.speedup_vs_exact), want: `≥ ${TARGET.randomizedSpeedup}×`, met: r.speedup_vs_exact >= TARGET.randomizedSpeedup });
      t.push({ name: n2, value: fmtErr(r.eig_error_vs_base), want: `≤ ${fmtErr(TARGET.randomizedEigError)}`, met: r.eig_error_vs_base <= TARGET.randomizedEigError });
    } else {
      const reason = !ok(r) ? r?.reason : e?.reason;
      t.push({ name: n1, value: 'n/a', want: `≥ ${TARGET.randomizedSpeedup}×`, met: null, reason });
      t.push({ name: n2, value: 'n/a', want: `≤ ${fmtErr(TARGET.randomizedEigError)}`, met: null, reason });
    }
  }
  if (batch) {
    for (const c of batch.cases) {
      const r = c.rows.find((row) => row.id === 'randla-batch');
      const name = `dmdBatch, ${fmtM(BATCH.groups)} × (${BATCH.n} × ${BATCH.m}), ${c.label}, ${THREADS} threads${BATCH.groups !== TARGET.batchGroups ? ` (quick: ${fmtM(BATCH.groups)} problems; the target is for ${fmtM(TARGET.batchGroups)}, so it is scaled to ${fmtMs((TARGET.batchMs * BATCH.groups) / TARGET.batchGroups)} ms)` : ''}`;
      const limit = (TARGET.batchMs * BATCH.groups) / TARGET.batchGroups;
      t.push(ok(r)
        ? { name, value: `${fmtMs(r.time_ms.median)} ms`, want: `< ${fmtMs(limit)} ms`, met: r.time_ms.median < limit }
        : { name, value: 'n/a', want: `< ${fmtMs(limit)} ms`, met: null, reason: r?.reason });
    }
  }
  if (online) {
    const r = online.kinds.find((k) => k.kind === 'online')?.rows.find((row) => row.id === 'randla');
    const name = `OnlineDmd updates per second at n = ${ONLINE.n}, after initialisation`;
    t.push(ok(r)
      ? { name, value: fmtRate(r.updates_per_s), want: `≥ ${fmtM(TARGET.onlineRate)}`, met: r.updates_per_s >= TARGET.onlineRate }
      : { name, value: 'n/a', want: `≥ ${fmtM(TARGET.onlineRate)}`, met: null, reason: r?.reason });
  }
  return t;
}

const targetRow = (t) => [t.name, t.value + (t.reason ? ` (${t.reason})` : ''), t.want, t.met === null ? '—' : t.met ? 'yes' : 'no'];

function blasNote(r) {
  if (r.kind === 'randla') return r.backend ? `backend ${r.backend}` : '';
  return (r.blas ?? []).map((b) => `${b.internal_api ?? '?'} ${b.version ?? ''} ${b.num_threads ?? '?'} threads`.trim()).join('; ');
}

function snapTable(rows, baseLabel) {
  const head = ['contender', 'runs', 'median ms', 'min ms', 'max ms', `time / ${baseLabel}`, 'rank', `max |Δλ| vs ${baseLabel}`, 'max |Δλ| vs truth', 'notes'];
  const body = rows.map((r) => r.status !== 'ok'
    ? [r.contender, '—', '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`]
    : [r.contender, r.time_ms.runs, fmtMs(r.time_ms.median), fmtMs(r.time_ms.min), fmtMs(r.time_ms.max), x(r.time_over_base), r.rank, fmtErr(r.eig_error_vs_base), fmtErr(r.eig_error_vs_truth), blasNote(r)]);
  return markdownTable(head, body, head.map((h, i) => (i === 0 || h === 'notes' ? 'l' : 'r')));
}

function exactMarkdown(s) {
  const L = [`## exact: ${fmtM(SNAP.n)} × ${SNAP.m}, rank ${SNAP.rank}`, ''];
  L.push(`Data: ${s.data}. Written once as .npy, read by every contender; ${THREADS} threads each, median / min / max of ${runs} timed fits after ${WARMUP} warm-up, each contender in its own process.`);
  L.push('');
  L.push(`- **randla**: \`await dmd(X, { rank: ${SNAP.rank} })\` (variant \`exact\`, amplitudes on the first snapshot, per-mode residuals) after \`setThreads(${THREADS})\`, native backend.`);
  L.push(`- **PyDMD**: \`DMD(svd_rank=${SNAP.rank}, exact=True).fit(X)\` (\`exact=True\`: the same exact modes as randla; PyDMD's default is the projected modes). Its fit also computes \`np.linalg.cond(X)\` (a full SVD of X) to warn about conditioning: part of what a user pays.`);
  L.push(`- **numpy**: \`np.linalg.svd(X[:, :-1], full_matrices=False)\`, truncation to ${SNAP.rank}, Ã = Uᴴ·X₂·V·Σ⁻¹, \`np.linalg.eig\`, modes X₂·V·Σ⁻¹·W, amplitudes by \`np.linalg.lstsq\` on x₀ (bench/peers/dmd_peers.py): the algorithm randla runs, without the residuals.`);
  L.push(`- **max |Δλ|**: nearest-match distance between two eigenvalue sets (the larger of max over one set of the distance to the nearest in the other, both ways); **truth**: the ${2 * SNAP.pairs} eigenvalues the data were built from (the ${SNAP.noise} noise moves the fitted ones by about this much).`);
  L.push('');
  L.push(snapTable(s.rows, 'randla exact'));
  L.push('');
  return L;
}

function randomizedMarkdown(s) {
  const L = [`## randomized: ${fmtM(SNAP.n)} × ${SNAP.m}, rank ${SNAP.rank}, oversamples ${RANDOMIZED.oversamples}, powerIters ${RANDOMIZED.powerIters}`, ''];
  L.push(`The data of the exact section. randla: \`dmd(X, { rank: ${SNAP.rank}, variant: 'randomized', oversamples: ${RANDOMIZED.oversamples}, powerIters: ${RANDOMIZED.powerIters}, seed: ${seed} })\` (Erichson et al. 2019 on randla's randomized QB; no SVD larger than l × m'), \`variant: 'fb'\` (both operators in one basis). PyDMD: \`RDMD(svd_rank=${SNAP.rank}, oversampling=${RANDOMIZED.oversamples}, power_iters=${RANDOMIZED.powerIters}, seed=${seed})\` and \`FbDMD(svd_rank=${SNAP.rank}, exact=True)\` (its backward operator in the basis of SVD(X₂), then \`sqrtm\`: docs/algorithms/dmd.md). Ratios and eigenvalue distances against randla exact; the randomized target is ≥ ${TARGET.randomizedSpeedup}× faster than exact with max |Δλ| ≤ ${fmtErr(TARGET.randomizedEigError)}.`);
  L.push('');
  L.push(snapTable(s.rows, 'randla exact'));
  L.push('');
  return L;
}

function batchMarkdown(s) {
  const L = [`## batch: ${fmtM(BATCH.groups)} problems of ${BATCH.n} × ${BATCH.m}`, ''];
  L.push(`Data: ${s.data}. randla: \`await dmdBatch(groups, { rank })\` (one native call, groups spread over ${THREADS} threads) and a loop of \`dmdSync(group, { rank })\`; numpy: the exact DMD of the exact section per group in a Python loop (rank 0: the same exact ω(β) threshold, computed once outside the clock). Times are for all ${fmtM(BATCH.groups)} problems, including randla's result objects; median / min / max of ${runs} runs after ${WARMUP} warm-up. Eigenvalues are compared group by group against dmdBatch's (groups whose chosen ranks differ are counted, not compared).`);
  L.push('');
  for (const c of s.cases) {
    L.push(`### ${c.label}${c.rank_histogram ? ` — ranks chosen by dmdBatch: ${Object.entries(c.rank_histogram).map(([k, v]) => `${k}: ${fmtM(v)}`).join(', ')}` : ''}`);
    L.push('');
    const head = ['contender', 'runs', 'median ms', 'min ms', 'max ms', 'µs per problem', 'time / dmdBatch', 'groups with another rank', 'max |Δλ| vs dmdBatch', 'notes'];
    const body = c.rows.map((r) => r.status !== 'ok'
      ? [r.contender, '—', '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`]
      : [r.contender, r.time_ms.runs, fmtMs(r.time_ms.median), fmtMs(r.time_ms.min), fmtMs(r.time_ms.max), fmtMs(r.per_problem_us), r.id === 'randla-batch' ? '1.00×' : x(r.time_over_base),
        r.agreement ? r.agreement.rank_mismatch : '—', r.agreement ? fmtErr(r.agreement.max_eig_distance) : '—', blasNote(r)]);
    L.push(markdownTable(head, body, head.map((h, i) => (i === 0 || h === 'notes' ? 'l' : 'r'))));
    L.push('');
  }
  return L;
}

function onlineMarkdown(s) {
  const O = ONLINE;
  const L = [`## online: rank-one updates at n = ${O.n}`, ''];
  L.push(`Data: ${s.data}. Per run a fresh object: the first ${O.init} pairs untimed (randla: \`update\` per pair, the operator formed once ${O.n} pairs are in; numpy: the operator from the first ${O.n} pairs, then rank-one updates), then ${fmtM(O.updates)} timed \`update(x, y)\` calls; for WindowDmd (window ${O.window}) each is an update and a downdate. numpy: the recursions of docs/algorithms/dmd.md in numpy (\`np.outer\`, matrix–vector products) in a Python loop. Updates per second from the median of ${runs} runs after ${WARMUP} warm-up. Operator error: ‖A − A_true‖_F/‖A_true‖_F of the final operator (the noise sets its size), and numpy's final operator against randla's.`);
  L.push('');
  const head = ['fit', 'contender', 'runs', 'median ms', 'updates/s', 'µs per update', 'rate / randla', 'operator error vs A_true', 'vs randla', 'notes'];
  const body = [];
  for (const k of s.kinds) {
    for (const r of k.rows) {
      body.push(r.status !== 'ok'
        ? [k.name, r.contender, '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`]
        : [k.name, r.contender, r.time_ms.runs, fmtMs(r.time_ms.median), fmtRate(r.updates_per_s), fmtMs(r.us_per_update), r.id === 'randla' ? '1.00×' : x(r.rate_over_randla), fmtErr(r.operator_error_vs_true), r.operator_diff_vs_randla !== undefined ? fmtErr(r.operator_diff_vs_randla) : '—', blasNote(r)]);
    }
  }
  L.push(markdownTable(head, body, head.map((h, i) => (i <= 1 || h === 'notes' ? 'l' : 'r'))));
  L.push('');
  return L;
}

/** The "what it shows" paragraph, from the measured numbers. */
function summaryParagraph(r) {
  const parts = [];
  const ok = (row) => row && row.status === 'ok';
  if (r.exact) {
    const [base, ...others] = r.exact.rows;
    if (ok(base)) {
      const o = others.filter(ok);
      parts.push(`At ${fmtM(SNAP.n)} × ${SNAP.m}, rank ${SNAP.rank}, randla's exact DMD takes ${fmtMs(base.time_ms.median)} ms on ${THREADS} threads${o.length ? `; ${o.map((row) => `${row.contender} ${fmtMs(row.time_ms.median)} ms (${x(row.time_over_base)})`).join(', ')}` : ''}. The eigenvalues agree to ${o.length ? o.map((row) => fmtErr(row.eig_error_vs_base)).join(' / ') : '—'} and sit ${fmtErr(base.eig_error_vs_truth)} from the true ones (the noise).`);
    }
  }
  if (r.randomized) {
    const rnd = r.randomized.rows.find((row) => row.id === 'randla-randomized');
    if (ok(rnd) && rnd.speedup_vs_exact) parts.push(`Randomized DMD takes ${fmtMs(rnd.time_ms.median)} ms, ${x(rnd.speedup_vs_exact)} faster than exact, its eigenvalues ${fmtErr(rnd.eig_error_vs_base)} from exact's.`);
    const fb = r.randomized.rows.find((row) => row.id === 'pydmd-fbdmd');
    const rf = r.randomized.rows.find((row) => row.id === 'randla-fb');
    if (ok(fb) && ok(rf)) parts.push(`PyDMD's FbDMD lands ${fmtErr(fb.eig_error_vs_truth)} from the true eigenvalues, randla's fb ${fmtErr(rf.eig_error_vs_truth)}.`);
  }
  if (r.batch) {
    for (const c of r.batch.cases) {
      const b = c.rows.find((row) => row.id === 'randla-batch');
      const l = c.rows.find((row) => row.id === 'randla-loop');
      const n = c.rows.find((row) => row.id === 'numpy');
      if (ok(b)) parts.push(`dmdBatch, ${c.label}: ${fmtM(BATCH.groups)} problems in ${fmtMs(b.time_ms.median)} ms${ok(l) ? `, ${x(l.time_over_base)} faster than a dmdSync loop` : ''}${ok(n) ? ` and ${x(n.time_over_base)} faster than a numpy loop` : ''}.`);
    }
  }
  if (r.online) {
    for (const k of r.online.kinds) {
      const [ra, np] = k.rows;
      if (ok(ra)) parts.push(`${k.name}: ${fmtRate(ra.updates_per_s)} updates/s${ok(np) ? ` (numpy ${fmtRate(np.updates_per_s)})` : ''}.`);
    }
  }
  return parts.join(' ');
}

function markdownReport(r) {
  const L = [];
  L.push(`# DMD benchmark${r.quick ? ' (quick mode: small sizes — not for comparison)' : ''}`);
  L.push('');
  L.push(`Generated by \`npm run bench:dmd${r.quick ? ' -- --quick' : ''}\` (bench/dmd.mjs) on ${r.date} in ${r.duration_s.toFixed(0)} s.`);
  L.push('');
  L.push(`- Machine: ${r.machine.cpu}, ${r.machine.cpus} CPUs, ${r.machine.memory_gib} GiB, ${r.machine.platform}; Node ${r.node}; randla ${r.randla_version}; load average at start ${r.machine.load_average_at_start}`);
  L.push(`- Threads: ${THREADS} for every contender (randla: setThreads(${THREADS}); RANDLA_NUM_THREADS, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS = ${THREADS}; Python: threadpoolctl limit ${THREADS}); OPENBLAS_THREAD_TIMEOUT=${r.environment.OPENBLAS_THREAD_TIMEOUT} for every contender (randla's loader default; numpy's OpenBLAS pool would otherwise spin against randla's)`);
  L.push(`- randla: ${r.facade.built ? r.facade.backends.map((b) => `${b.name} ${b.available ? `available${b.device ? ` (${b.device})` : ''}` : `unavailable (${b.reason ?? '?'})`}`).join(', ') : `not run: ${r.facade.reason}`}`);
  L.push(`- Python peers (bench/.venv): ${r.python.available ? `Python ${r.python.python}, numpy ${r.python.numpy}, scipy ${r.python.scipy}, threadpoolctl ${r.python.threadpoolctl}; PyDMD ${r.python.optional?.pydmd?.available ? r.python.optional.pydmd.version : `unavailable (${r.python.optional?.pydmd?.reason ?? 'not requested'})`}` : r.python.reason}`);
  L.push('');
  const summary = summaryParagraph(r);
  if (summary) L.push('## What it shows', '', summary, '');
  if (r.exact) L.push(...(r.exact.status === 'ok' ? exactMarkdown(r.exact) : ['## exact', '', `Not run: ${r.exact.reason}`, '']));
  if (r.randomized) L.push(...(r.randomized.status === 'ok' ? randomizedMarkdown(r.randomized) : ['## randomized', '', `Not run: ${r.randomized.reason}`, '']));
  if (r.batch) L.push(...(r.batch.status === 'ok' ? batchMarkdown(r.batch) : ['## batch', '', `Not run: ${r.batch.reason}`, '']));
  if (r.online) L.push(...(r.online.status === 'ok' ? onlineMarkdown(r.online) : ['## online', '', `Not run: ${r.online.reason}`, '']));
  L.push('## Targets (reported, not enforced)');
  L.push('');
  L.push(markdownTable(['target', 'value', 'want', 'met'], r.targets.map(targetRow), ['l', 'r', 'l', 'l']));
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  log(`randla DMD bench${quick ? ' (quick)' : ''}: sections ${sections.join(', ')}; ${THREADS} threads; ${runs} timed runs; seed ${seed}; ${os.cpus().length} CPUs; OPENBLAS_THREAD_TIMEOUT=${process.env.OPENBLAS_THREAD_TIMEOUT}`);
  if (load0 > 0.5) log(`warning: load average ${load0.toFixed(2)} on ${os.cpus().length} CPUs: other processes are using the CPU, timings will be noisy`);
  const probe = await task({ task: 'probe' });
  const facade = probe.status === 'ok' ? { built: true, backends: probe.backends } : { built: false, reason: probe.reason, backends: [] };
  log(facade.built ? `randla backends: ${facade.backends.map((b) => `${b.name}${b.available ? '' : ' (unavailable)'}`).join(', ')}` : `randla facade: ${facade.reason}`);

  let peers = { python: null, reason: 'Python peers skipped (--no-peers)', optional: {} };
  if (!args['no-peers']) {
    peers = ensurePeers({ root, python: args.python, noInstall: args['no-install'], only: ['pydmd'], retryOptional: args['retry-optional-peers'], log });
    if (peers.python) {
      const pd = peers.optional?.pydmd;
      log(`Python peers: ${rel(peers.python)} (Python ${peers.pythonVersion}; numpy ${peers.versions.numpy}; PyDMD ${pd?.available ? pd.version : `unavailable: ${pd?.reason ?? 'not listed'}`})`);
    } else log(peers.reason);
  }

  const exact = sections.includes('exact') ? await exactSection(peers) : null;
  const randomized = sections.includes('randomized') ? await randomizedSection(peers) : null;
  const batch = sections.includes('batch') ? await batchSection(peers) : null;
  const online = sections.includes('online') ? await onlineSection(peers) : null;
  const targets = computeTargets({ exact, randomized, batch, online });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const report = {
    schema: 1,
    benchmark: 'dmd',
    date: new Date().toISOString(),
    quick,
    duration_s: (performance.now() - t0run) / 1000,
    machine: { cpu: os.cpus()[0]?.model ?? '?', cpus: os.cpus().length, load_average_at_start: +load0.toFixed(2), memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${process.platform}-${process.arch}` },
    node: process.version,
    randla_version: pkg.version,
    environment: { OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT, OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null, threads: THREADS },
    params: { seed, runs, warmup: WARMUP, snapshots: SNAP, randomized: RANDOMIZED, batch: BATCH, online: ONLINE, targets: TARGET },
    facade,
    python: peers.python ? { available: true, python: peers.pythonVersion, ...peers.versions, optional: peers.optional } : { available: false, reason: peers.reason },
    exact,
    randomized,
    batch,
    online,
    targets,
  };
  const base = quick ? 'dmd.quick' : 'dmd';
  const jsonFile = path.join(outDir, `${base}.json`);
  const mdFile = path.join(outDir, `${base}.md`);
  writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(mdFile, markdownReport(report));
  log(`\ntargets (reported, not enforced):`);
  log(textTable(['target', 'value', 'want', 'met'], targets.map(targetRow), ['l', 'r', 'l', 'l']));
  log(`\nwrote ${rel(jsonFile)}, ${rel(mdFile)} in ${((performance.now() - t0run) / 1000).toFixed(0)} s`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randla-bench-dmd-'));
process.once('SIGINT', () => {
  if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});
try {
  await main();
} catch (e) {
  console.error(`bench:dmd: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (args.keep) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
