#!/usr/bin/env node
// `npm run bench:nystrom`: the Nyström benchmark of issue 4. Two sections, every contender in a
// fresh process, 2 threads for everyone:
//   network  the vortical network of a 256² decaying-turbulence field (≈ 65 536 nodes): randla
//            nystrom (quasi-uniform and uniform, 400 columns, rank 10) end to end, its peak memory,
//            and the matrix-free block-Lanczos reference (bench/lib/lanczos.mjs) for time and
//            accuracy;
//   rbf      a dense 8000 × 8000 RBF kernel, top 10 eigenpairs: randla nystrom (rpcholesky,
//            uniform, gaussian; 100 and 400 columns, K never formed) vs scipy eigsh on the formed K
//            and a numpy column Nyström, against scipy.linalg.eigh's exact top 10.
// Writes bench/results/nystrom.json and nystrom.md (atomically; --quick: nystrom.quick.*).
// See bench/README.md, section "Nyström".
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmtErr, fmtMs, fmtRatio, markdownTable, summarize, textTable, writeFileAtomic } from './lib/format.mjs';
import { readNpy, writeNpy } from './lib/npy.mjs';
import { ensurePeers } from './lib/python.mjs';
import { runJson, tail } from './lib/spawn.mjs';
import { gaussian, xoshiro128ss } from './lib/testmatrix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';
const RUNNER = path.join(root, 'bench', 'lib', 'nystrom-runner.mjs');
const PEERS = path.join(root, 'bench', 'peers', 'nystrom_peers.py');

const HELP = `usage: npm run bench:nystrom -- [options]     (or: node bench/nystrom.mjs [options])

Nyström benchmark (issue 4). Every contender runs in its own process with 2 threads.

Sections (default: both):
  network  vortical network of a 256² turbulence field (turbulenceField, seed 1; ≈ 65 536 nodes):
           randla nystrom, rank 10, 400 columns, quasi-uniform and uniform: median end-to-end time
           (network + nystrom), peak memory added by one call; block-Lanczos reference (k = 10,
           tol 1e-10, matrix-free over the network's native multiply): time, speed-up, accuracy.
           The field is cached as .npy under ${path.join(os.tmpdir(), 'randla-bench-cache')}.
  rbf      8000 × 8000 RBF kernel of a seeded Gaussian mixture in d = 8, top 10 eigenpairs: randla
           nystrom (rpcholesky, uniform, gaussian; 100 and 400 columns) vs scipy eigsh on the formed
           K (formation timed separately) and a numpy column Nyström, accuracy against scipy's exact
           eigh; Python peers from bench/.venv (bench/peers/requirements.txt)
Writes bench/results/nystrom.json and nystrom.md (--quick: nystrom.quick.*).

options:
  --quick                 64² network, 2000-point kernel, fewer runs (< 1 minute)
  --sections LIST         network,rbf (default both)
  --runs N                timed runs per contender (default 5; --quick 3); Lanczos and exact eigh run once
  --seed S                nystrom / numpy sampling seed (default 42)
  --out DIR               results directory (default bench/results)
  --no-peers              skip the Python peers (the exact reference too: no RBF accuracy)
  --no-install            do not pip-install; use bench/.venv as it is
  --python PATH           Python 3 used to create bench/.venv (default: python3 on PATH)
  --openblas-thread-timeout N
                          OPENBLAS_THREAD_TIMEOUT for every contender (default: inherited, else 4)
  --timeout SEC           per-process time limit (default 900)
  --keep                  keep the temporary directory (points, plans, vectors)
  --verbose               echo the children's stderr
  -h, --help              this text

Targets (printed, never enforced): network at 2 threads, 400 columns, rank 10: nystrom end to end
under 3 s; peak memory added under 4·N·l·8 bytes; speed-up over the Lanczos reference (reported).`;

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
      python: { type: 'string' },
      'openblas-thread-timeout': { type: 'string' },
      timeout: { type: 'string', default: '900' },
      keep: { type: 'boolean', default: false },
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
function die(msg) {
  console.error(`bench:nystrom: ${msg}`);
  process.exit(2);
}
function int(name, v, min = 1) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`--${name} must be an integer >= ${min}, got ${v}`);
  return n;
}

const quick = args.quick;
const SECTIONS = ['network', 'rbf'];
const sections = args.sections ? args.sections.split(',').map((s) => s.trim()).filter(Boolean) : SECTIONS;
for (const s of sections) if (!SECTIONS.includes(s)) die(`unknown section ${s} (known: ${SECTIONS.join(', ')})`);
const runs = args.runs !== undefined ? int('runs', args.runs) : quick ? 3 : 5;
const seed = int('seed', args.seed, 0);
const timeoutMs = int('timeout', args.timeout) * 1000;
const outDir = path.resolve(args.out ?? path.join(root, 'bench', 'results'));
// Same handling as bench/run.mjs: randla's addon loader sets OPENBLAS_THREAD_TIMEOUT=4 unless the
// user did; numpy and scipy load their own OpenBLAS, whose idle workers would otherwise spin against
// each other's, so every contender runs under the same value.
if (args['openblas-thread-timeout'] !== undefined) process.env.OPENBLAS_THREAD_TIMEOUT = args['openblas-thread-timeout'];
if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';

const THREADS = 2;
const RANK = 10;
const NETWORK = {
  n: quick ? 64 : 256,
  fieldSeed: 1,
  columns: 400,
  samplings: ['quasi-uniform', 'uniform'],
  warmup: 1,
  // Lanczos: block 8 matches the native product's panel of 8 columns (one pass over A per block)
  lanczos: { k: RANK, block: 8, tol: 1e-10, maxBlocks: 60, seed: 1 },
};
const RBF = {
  n: quick ? 2000 : 8000,
  d: 8,
  clusters: 12,
  pointsSeed: 20240801,
  // with these clusters (2000 points) λ_10/λ_1 ≈ 0.2 and the tail beyond rank 10 holds about a
  // quarter of tr K: a decaying spectrum on which rank 10 is neither trivial nor hopeless
  gamma: 0.02,
  samplings: ['rpcholesky', 'uniform', 'gaussian'],
  columns: [100, 400],
  warmup: 1,
  eigshRuns: quick ? 2 : 3,
};
const TIME_TARGET_MS = 3000;

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
  fs.writeFileSync(file, JSON.stringify(plan));
  const [cmd, argv] = python ? [python, [PEERS, file]] : [process.execPath, ['--expose-gc', RUNNER, file]];
  const r = await runJson(cmd, argv, { cwd: root, env: threadEnv(), timeoutMs, echoStderr: args.verbose });
  if (r.json) return r.json;
  const why = r.timedOut ? `timed out after ${timeoutMs / 1000} s` : r.signal ? `killed by ${r.signal}` : `exit ${r.code}${r.error ? ` (${r.error.message})` : ''}`;
  return { status: 'failed', reason: `${why}: ${tail(r.stderr || r.stdout, 3)}` };
}

/** max_t |got_t − want_t| / |want_t| over the first k, both already ordered by |λ| descending. */
function maxRelError(got, want, k = RANK) {
  if (!got || !want || got.length < k || want.length < k) return null;
  let m = 0;
  for (let t = 0; t < k; t++) m = Math.max(m, Math.abs(got[t] - want[t]) / Math.abs(want[t]));
  return m;
}

/** sin∠(u, v) for unit vectors as ‖u − (u·v)·v‖ (exact to rounding, unlike √(1 − (u·v)²)). */
function sinAngle(u, v) {
  let d = 0;
  for (let i = 0; i < u.length; i++) d += u[i] * v[i];
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] - d * v[i]) ** 2;
  return Math.sqrt(s);
}

const median = (xs) => summarize(xs)?.median ?? null;
const fmtMB = (b) => (b === null || b === undefined ? '—' : `${(b / 1e6).toFixed(0)} MB`);
const fmtGB = (b) => `${(b / 1e9).toFixed(1)} GB`;
const x = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${fmtRatio(v)}×`);

// ---------------------------------------------------------------- network section
/** The cached turbulence field: generated once per (n, seed, generator code) under the OS temp dir. */
async function fieldFile() {
  const dir = path.join(os.tmpdir(), 'randla-bench-cache');
  const generator = path.join(root, 'dist', 'flow', 'fields.js');
  const hash = fs.existsSync(generator) ? crypto.createHash('sha256').update(fs.readFileSync(generator)).digest('hex').slice(0, 12) : 'unknown';
  const file = path.join(dir, `turbulence-n${NETWORK.n}-seed${NETWORK.fieldSeed}-${hash}.npy`);
  if (fs.existsSync(file) && fs.existsSync(`${file}.json`)) return { file, cached: true };
  log(`  generating turbulenceField({ n: ${NETWORK.n}, seed: ${NETWORK.fieldSeed} }) → ${file}`);
  const r = await task({ task: 'field', n: NETWORK.n, seed: NETWORK.fieldSeed, file, threads: THREADS });
  if (r.status !== 'ok') return { error: r.reason };
  return { file, cached: false, seconds: r.seconds };
}

async function networkSection() {
  const N0 = NETWORK.n;
  log(`\n[network] ${N0}² turbulence field, nystrom rank ${RANK}, ${NETWORK.columns} columns, ${THREADS} threads`);
  const field = await fieldFile();
  if (field.error) return { status: 'failed', reason: `field generation failed: ${field.error}` };
  const meta = JSON.parse(fs.readFileSync(`${field.file}.json`, 'utf8'));
  const rows = [];
  for (const sampling of NETWORK.samplings) {
    const base = { task: 'network', field: field.file, rank: RANK, columns: NETWORK.columns, sampling, seed, threads: THREADS };
    const mem = await task({ ...base, memory: true });
    const out = fs.mkdtempSync(path.join(tmp, `net-${sampling}-`));
    const time = await task({ ...base, runs, warmup: NETWORK.warmup, out });
    const row = { sampling, status: time.status === 'ok' ? 'ok' : time.status, reason: time.reason, out };
    if (time.status === 'ok') {
      Object.assign(row, { nodes: time.nodes, method: time.method, columns: time.columns, backend: time.backend, samples_ms: time.samples_ms, time_ms: summarize(time.samples_ms), values: time.values });
    }
    row.memory = mem.status === 'ok' ? { ...mem.memory, first_run_ms: mem.first_run_ms } : { reason: mem.reason };
    rows.push(row);
    log(`  nystrom ${sampling}: ${row.status === 'ok' ? `median ${fmtMs(row.time_ms.median)} ms over ${runs} runs (N = ${row.nodes})` : `${row.status}: ${row.reason}`}; ` +
      `memory ${row.memory.added !== undefined ? `+${fmtMB(row.memory.added)} (baseline ${fmtMB(row.memory.baseline_rss)}, peak ${fmtMB(row.memory.peak_rss)})` : `n/a (${row.memory.reason})`}`);
  }
  log(`  Lanczos reference (k = ${NETWORK.lanczos.k}, block ${NETWORK.lanczos.block}, tol ${NETWORK.lanczos.tol}) ...`);
  const lzOut = fs.mkdtempSync(path.join(tmp, 'lanczos-'));
  const lz = await task({ task: 'lanczos', field: field.file, ...NETWORK.lanczos, threads: THREADS, out: lzOut });
  if (lz.status === 'ok') {
    log(`  Lanczos: ${fmtMs(lz.ms)} ms (${fmtMs(lz.product_ms)} ms in ${lz.blocks} block products, ${lz.products} vectors, multiply ${lz.multiply}); ` +
      `converged ${lz.converged}, max residual ${fmtErr(Math.max(...lz.residuals) / lz.scale)}·|λ₁|`);
  } else log(`  Lanczos ${lz.status}: ${lz.reason}`);

  const N = rows.find((r) => r.nodes)?.nodes ?? lz.nodes ?? null;
  let lzVector = null;
  if (lz.status === 'ok') lzVector = readNpy(path.join(lzOut, 'vector0.npy')).data;
  for (const r of rows) {
    if (r.status !== 'ok') continue;
    r.speedup_vs_lanczos = lz.status === 'ok' ? lz.ms / r.time_ms.median : null;
    if (lz.status === 'ok') {
      r.max_rel_error = maxRelError(r.values, lz.values);
      r.rel_error = r.values.slice(0, RANK).map((v, t) => Math.abs(v - lz.values[t]) / Math.abs(lz.values[t]));
      r.sin_angle_v1 = sinAngle(readNpy(path.join(r.out, 'vector0.npy')).data, lzVector);
      log(`  nystrom ${r.sampling} vs Lanczos: ${x(r.speedup_vs_lanczos)} faster; max rel err λ₁..₁₀ ${fmtErr(r.max_rel_error)}, rel err λ₁ ${fmtErr(r.rel_error[0])}, sin∠ v₁ ${fmtErr(r.sin_angle_v1)}`);
    }
    delete r.out;
  }
  return {
    status: 'ok',
    field: { generator: `turbulenceField({ n: ${N0}, seed: ${NETWORK.fieldSeed} })`, cache: field.file, cached: field.cached, generate_seconds: meta.seconds, dx: meta.dx, dy: meta.dy },
    nodes: N,
    rank: RANK,
    columns: NETWORK.columns,
    memory_target_bytes: N ? 4 * N * NETWORK.columns * 8 : null,
    columns_bytes: N ? N * NETWORK.columns * 8 : null,
    dense_adjacency_bytes: N ? N * N * 8 : null,
    rows,
    lanczos: lz.status === 'ok' ? { status: 'ok', ...NETWORK.lanczos, ...lz, max_rel_residual: Math.max(...lz.residuals) / lz.scale } : { status: lz.status, reason: lz.reason },
  };
}

// ---------------------------------------------------------------- rbf section
/** n points in R^d from a seeded mixture of Gaussians: cluster centres N(0, 3²·I), per-cluster scales in [0.5, 1.5]. */
function mixturePoints({ n, d, clusters, pointsSeed }) {
  const g = gaussian(pointsSeed);
  const u = xoshiro128ss(pointsSeed + 1);
  const centres = Float64Array.from({ length: clusters * d }, () => 3 * g());
  const scales = Float64Array.from({ length: clusters }, () => 0.5 + u() / 4294967296);
  const P = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = u() % clusters;
    for (let k = 0; k < d; k++) P[i * d + k] = centres[c * d + k] + scales[c] * g();
  }
  return P;
}

async function rbfSection(peers) {
  const { n, d } = RBF;
  log(`\n[rbf] ${n} × ${n} RBF kernel (gamma ${RBF.gamma}, Gaussian mixture in d = ${d}), top ${RANK} eigenpairs, ${THREADS} threads`);
  const pointsFile = path.join(tmp, 'points.npy');
  writeNpy(pointsFile, mixturePoints(RBF), [n, d]);
  const common = { points: pointsFile, gamma: RBF.gamma, rank: RANK, seed };
  const py = peers.python;

  let exact = { status: 'skipped', reason: peers.reason };
  if (py) {
    exact = await task({ task: 'exact', ...common }, { python: py });
    log(exact.status === 'ok' ? `  exact (scipy.linalg.eigh subset): forming K ${fmtMs(exact.form_ms)} ms, eigh ${fmtMs(exact.eigh_ms)} ms; λ₁ = ${exact.values[0].toPrecision(6)}, λ₁₀ = ${exact.values[RANK - 1].toPrecision(6)}` : `  exact ${exact.status}: ${exact.reason}`);
  }
  const rows = [];
  const randla = await task({ task: 'rbf', ...common, threads: THREADS, runs, warmup: RBF.warmup, cases: RBF.samplings.flatMap((s) => RBF.columns.map((l) => ({ sampling: s, columns: l }))) });
  if (randla.status === 'ok') {
    for (const c of randla.cases) rows.push({ contender: `randla nystrom ${c.sampling}`, kind: 'randla', ...c, time_ms: c.samples_ms ? summarize(c.samples_ms) : null });
  } else {
    for (const s of RBF.samplings) for (const l of RBF.columns) rows.push({ contender: `randla nystrom ${s}`, kind: 'randla', sampling: s, columns: l, status: randla.status, reason: randla.reason });
  }
  if (py) {
    const ny = await task({ task: 'nystrom', ...common, columns: RBF.columns, runs, warmup: RBF.warmup }, { python: py });
    for (const l of RBF.columns) {
      const c = ny.cases?.find((cc) => cc.columns === l);
      rows.push(c ? { contender: 'numpy column Nyström (uniform)', kind: 'numpy', columns: l, status: 'ok', samples_ms: c.samples_ms, time_ms: summarize(c.samples_ms), values: c.values }
        : { contender: 'numpy column Nyström (uniform)', kind: 'numpy', columns: l, status: ny.status, reason: ny.reason });
    }
    const es = await task({ task: 'eigsh', ...common, runs: RBF.eigshRuns, warmup: 0 }, { python: py });
    rows.push(es.status === 'ok'
      ? { contender: 'scipy eigsh (dense K)', kind: 'eigsh', columns: null, status: 'ok', samples_ms: es.samples_ms, time_ms: summarize(es.samples_ms), form_ms: summarize(es.form_samples_ms), values: es.values, blas: es.blas }
      : { contender: 'scipy eigsh (dense K)', kind: 'eigsh', columns: null, status: es.status, reason: es.reason });
  } else {
    for (const c of ['numpy column Nyström (uniform)', 'scipy eigsh (dense K)']) rows.push({ contender: c, kind: 'peer', status: 'skipped', reason: peers.reason });
  }
  const eigsh = rows.find((r) => r.kind === 'eigsh' && r.status === 'ok');
  const eigshTotal = eigsh ? eigsh.time_ms.median + eigsh.form_ms.median : null;
  const optimumTrace = exact.status === 'ok' ? exact.trace - exact.values.reduce((a, b) => a + b, 0) : null;
  for (const r of rows) {
    if (r.status !== 'ok') continue;
    if (r.kind !== 'eigsh' && eigshTotal) r.speedup_vs_eigsh = eigshTotal / r.time_ms.median;
    if (exact.status === 'ok') {
      r.max_rel_error = maxRelError(r.values, exact.values);
      // Every contender's rank-10 K̂ satisfies K̂ ≼ K (a column or sketch Nyström approximation, or
      // exact eigenpairs), so ‖K − K̂‖_* = tr(K) − tr(K̂) = tr(K) − Σ λ̂: no n × n matrix needed.
      r.trace_error = exact.trace - r.values.slice(0, RANK).reduce((a, b) => a + b, 0);
      r.trace_error_ratio = optimumTrace > 0 ? r.trace_error / optimumTrace : null;
    }
    const label = r.kind === 'eigsh' ? `${r.contender}: eigsh ${fmtMs(r.time_ms.median)} ms + forming K ${fmtMs(r.form_ms.median)} ms` : `${r.contender}, l = ${r.columns}: ${fmtMs(r.time_ms.median)} ms`;
    log(`  ${label}; max rel err λ₁..₁₀ ${fmtErr(r.max_rel_error)}`);
  }
  for (const r of rows) if (r.status !== 'ok') log(`  ${r.contender}${r.columns ? `, l = ${r.columns}` : ''}: ${r.status}: ${r.reason}`);
  return {
    status: 'ok',
    n, d, gamma: RBF.gamma, clusters: RBF.clusters, points_seed: RBF.pointsSeed,
    points: `${n} points, ${RBF.clusters} Gaussian clusters in d = ${d}: centres N(0, 3²·I), cluster scales U[0.5, 1.5], cluster of each point uniform (bench/nystrom.mjs mixturePoints, seed ${RBF.pointsSeed})`,
    dense_kernel_bytes: n * n * 8,
    exact: exact.status === 'ok' ? { status: 'ok', form_ms: exact.form_ms, eigh_ms: exact.eigh_ms, values: exact.values, trace: exact.trace, optimum_trace_error: optimumTrace } : { status: exact.status, reason: exact.reason },
    eigsh_total_ms: eigshTotal,
    rows,
  };
}

// ---------------------------------------------------------------- targets and report
function computeTargets(net) {
  const t = [];
  const label = quick ? ` (quick: ${NETWORK.n}² network, not the target size)` : '';
  if (!net || net.status !== 'ok') return [{ name: 'network section', value: 'n/a', want: '—', met: null, reason: net?.reason ?? 'not run' }];
  for (const r of net.rows) {
    if (r.status !== 'ok') {
      t.push({ name: `nystrom ${r.sampling} end to end${label}`, value: 'n/a', want: '< 3 s', met: null, reason: r.reason });
      continue;
    }
    t.push({ name: `nystrom ${r.sampling} end to end${label}`, value: `${fmtMs(r.time_ms.median)} ms`, want: '< 3 s', met: r.time_ms.median < TIME_TARGET_MS });
    const m = r.memory;
    t.push(m.added !== undefined
      ? { name: `nystrom ${r.sampling} peak memory added${label}`, value: fmtMB(m.added), want: `< 4·N·l·8 = ${fmtMB(net.memory_target_bytes)}`, met: m.added < net.memory_target_bytes }
      : { name: `nystrom ${r.sampling} peak memory added${label}`, value: 'n/a', want: `< 4·N·l·8 = ${fmtMB(net.memory_target_bytes)}`, met: null, reason: m.reason });
    t.push({ name: `speed-up of nystrom ${r.sampling} over Lanczos${label}`, value: r.speedup_vs_lanczos ? x(r.speedup_vs_lanczos) : 'n/a', want: 'reported', met: null, reason: r.speedup_vs_lanczos ? undefined : 'no Lanczos time' });
  }
  return t;
}

const targetRow = (t) => [t.name, t.value + (t.reason ? ` (${t.reason})` : ''), t.want, t.met === null ? '—' : t.met ? 'yes' : 'no'];

function networkMarkdown(net) {
  const L = [`## Vortical network: ${NETWORK.n}² turbulence field`, ''];
  if (net.status !== 'ok') return [...L, `Not run: ${net.reason}`, ''];
  const lz = net.lanczos;
  L.push(`Field \`${net.field.generator}\` (generated in ${net.field.generate_seconds?.toFixed(1) ?? '?'} s, cached as .npy in the OS temp dir), \`vorticalNetwork(field)\` with the default thresholds: every cell with ω ≠ 0 is a node, **N = ${net.nodes}**. ` +
    `\`nystrom(net, { rank: ${net.rank}, columns: ${net.columns}, sampling, seed: ${seed} })\` after \`setThreads(${THREADS})\`, native backend (indefinite core: the adjacency has zero trace).`);
  L.push('');
  L.push(`- **Time**: end to end = \`vorticalNetwork(field)\` + \`await nystrom(...)\`, the field already in memory; median / min / max of ${runs} timed runs after ${NETWORK.warmup} warm-up run in one fresh process per sampling (a full GC before each run, outside the timed region).`);
  L.push(`- **Memory**: a separate fresh process per sampling loads the field, runs a full GC, resets the peak RSS (\`/proc/self/clear_refs\` ← 5) and reads VmRSS (the baseline), runs network + nystrom once, then reads VmHWM (the peak RSS since the reset). Reported: peak − baseline, i.e. the resident memory the call added at its peak (native column block, factorization workspace, JS results and garbage not yet collected), against the target 4·N·l·8 = ${fmtMB(net.memory_target_bytes)}; the sampled columns alone are N·l·8 = ${fmtMB(net.columns_bytes)}.`);
  L.push(`- **Dense adjacency**: N²·8 = ${fmtGB(net.dense_adjacency_bytes)} (never formed).`);
  if (lz.status === 'ok') {
    L.push(`- **Reference**: block Lanczos (bench/lib/lanczos.mjs: block ${lz.block}, full reorthogonalization, Rayleigh–Ritz on Vᵀ(A·V), seed ${lz.seed}) over the network's native matrix-free product (${lz.multiply}), stopped when the ${lz.k} eigenpairs of largest |λ| had ‖A·v − θ·v‖ ≤ ${lz.tol}·|θ₁|: ${lz.blocks} block products (${lz.products} vectors, basis ${lz.basis}), converged: ${lz.converged}, max residual ${fmtErr(lz.max_rel_residual)}·|θ₁|. Timed once, network construction included: ${fmtMs(lz.ms)} ms, of which ${fmtMs(lz.product_ms)} ms in the products.`);
    L.push(`- Reference eigenvalues (by |λ|): ${lz.values.map((v) => v.toPrecision(6)).join(', ')}.`);
  } else L.push(`- **Reference**: Lanczos ${lz.status}: ${lz.reason}`);
  L.push('- **Accuracy**: relative error |λ̂_t − λ_t| / |λ_t| of the top 10 by |λ| against the Lanczos values (max over t, and t = 1), and sin∠ between the leading eigenvectors.');
  L.push('');
  const head = ['contender', 'runs', 'median ms', 'min ms', 'max ms', 'speed-up vs Lanczos', 'peak − baseline RSS', '/ 4·N·l·8', 'max rel err λ₁..₁₀', 'rel err λ₁', 'sin∠ v₁', 'notes'];
  const rows = net.rows.map((r) => {
    if (r.status !== 'ok') return [`randla nystrom ${r.sampling}`, '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`];
    const m = r.memory;
    return [`randla nystrom ${r.sampling} (l = ${net.columns})`, r.time_ms.runs, fmtMs(r.time_ms.median), fmtMs(r.time_ms.min), fmtMs(r.time_ms.max), x(r.speedup_vs_lanczos),
      m.added !== undefined ? fmtMB(m.added) : '—', m.added !== undefined ? (m.added / net.memory_target_bytes).toFixed(2) : '—',
      fmtErr(r.max_rel_error), r.rel_error ? fmtErr(r.rel_error[0]) : '—', fmtErr(r.sin_angle_v1),
      [`${r.method} core`, m.added !== undefined ? `RSS baseline ${fmtMB(m.baseline_rss)}, peak ${fmtMB(m.peak_rss)}` : `memory n/a: ${m.reason}`].join('; ')];
  });
  if (lz.status === 'ok') rows.push(['block Lanczos reference (k = 10)', 1, fmtMs(lz.ms), '—', '—', '1.00×', '—', '—', '0', '0', '0', `${lz.products} products`]);
  L.push(markdownTable(head, rows, head.map((h, i) => (i === 0 || h === 'notes' ? 'l' : 'r'))));
  L.push('');
  return L;
}

function rbfMarkdown(rbf) {
  const L = [`## RBF kernel: ${RBF.n} × ${RBF.n}, top ${RANK} eigenpairs`, ''];
  if (rbf.status !== 'ok') return [...L, `Not run: ${rbf.reason}`, ''];
  const ex = rbf.exact;
  L.push(`K_ij = exp(−γ‖p_i − p_j‖²), γ = ${rbf.gamma}, over ${rbf.points}. The dense K would need ${fmtMB(rbf.dense_kernel_bytes)}; randla computes only the sampled columns (natively), the numpy column Nyström too, while eigsh works on the formed K.`);
  L.push('');
  if (ex.status === 'ok') {
    L.push(`- **Exact reference**: scipy.linalg.eigh(K, subset_by_index=[n−10, n−1]) once (forming K ${fmtMs(ex.form_ms)} ms, eigh ${fmtMs(ex.eigh_ms)} ms): λ₁..₁₀ = ${ex.values.map((v) => v.toPrecision(5)).join(', ')}; tr K = ${ex.trace}.`);
  } else L.push(`- **Exact reference**: ${ex.status}: ${ex.reason} (no accuracy columns).`);
  L.push(`- **Time**: median / min / max of ${runs} timed runs after ${RBF.warmup} warm-up (eigsh: ${RBF.eigshRuns} runs, no warm-up), each contender in its own process, ${THREADS} threads. eigsh's time excludes forming K, shown separately; the speed-up column compares with eigsh **plus** forming K (${fmtMs(rbf.eigsh_total_ms)} ms), since Nyström never forms it.`);
  L.push('- **Accuracy**: max_t |λ̂_t − λ_t| / λ_t over the top 10; trace-norm error ‖K − K̂‖_* of the rank-10 approximation K̂ = U·diag(λ̂)·Uᵀ, computed from the eigenvalues alone as tr K − Σλ̂ (valid because K̂ ≼ K for every contender: column and sketch Nyström approximations of a PSD K, and exact eigenpairs), shown relative to the optimum tr K − Σλ (the exact top 10): 1 is optimal.');
  L.push('- numpy column Nyström: `bench/peers/nystrom_peers.py` (uniform columns from numpy\'s Generator with the same seed, C = K[:, S] from the points, W⁺ by eigh with truncation below l·ε·max, then C = QR and the eigenpairs of the l × l matrix R·W⁺·Rᵀ); its sample differs from randla\'s Philox uniform sample.');
  L.push('');
  const head = ['contender', 'l', 'runs', 'median ms', 'min ms', 'max ms', 'speed-up vs eigsh + forming K', 'max rel err λ₁..₁₀', '‖K − K̂‖_* / optimum', 'notes'];
  const rows = rbf.rows.map((r) => {
    if (r.status !== 'ok') return [r.contender, r.columns ?? '—', '—', '—', '—', '—', '—', '—', '—', `${r.status}: ${r.reason}`];
    const notes = r.kind === 'eigsh' ? `forming K: median ${fmtMs(r.form_ms.median)} ms` : r.kind === 'randla' ? `${r.method} core${r.columns_used !== r.columns ? `; ${r.columns_used} columns used` : ''}` : '';
    return [r.contender, r.columns ?? '—', r.time_ms.runs, fmtMs(r.time_ms.median), fmtMs(r.time_ms.min), fmtMs(r.time_ms.max), r.kind === 'eigsh' ? '1.00× (eigsh alone)' : x(r.speedup_vs_eigsh),
      fmtErr(r.max_rel_error), r.trace_error_ratio ? r.trace_error_ratio.toFixed(4) : '—', notes];
  });
  L.push(markdownTable(head, rows, head.map((h, i) => (i === 0 || h === 'notes' ? 'l' : 'r'))));
  L.push('');
  return L;
}

function markdownReport(r) {
  const L = [];
  L.push(`# Nyström benchmark${r.quick ? ' (quick mode: small sizes — not for comparison)' : ''}`);
  L.push('');
  L.push(`Generated by \`npm run bench:nystrom${r.quick ? ' -- --quick' : ''}\` (bench/nystrom.mjs) on ${r.date} in ${r.duration_s.toFixed(0)} s.`);
  L.push('');
  L.push(`- Machine: ${r.machine.cpu}, ${r.machine.cpus} CPUs, ${r.machine.memory_gib} GiB, ${r.machine.platform}; Node ${r.node}; load average at start ${r.machine.load_average_at_start}`);
  L.push(`- Threads: ${THREADS} for every contender (randla: setThreads(${THREADS}); RANDLA_NUM_THREADS, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS = ${THREADS}); OPENBLAS_THREAD_TIMEOUT=${r.environment.OPENBLAS_THREAD_TIMEOUT} for every contender (randla's loader default; numpy's and scipy's OpenBLAS pools would otherwise spin against each other)`);
  L.push(`- randla: ${r.facade.built ? r.facade.backends.map((b) => `${b.name} ${b.available ? 'available' : `unavailable (${b.reason ?? '?'})`}`).join(', ') : `not run: ${r.facade.reason}`}`);
  L.push(`- Python peers (bench/.venv): ${r.python.available ? `Python ${r.python.python}, numpy ${r.python.numpy}, scipy ${r.python.scipy}` : r.python.reason}`);
  L.push('');
  if (r.network) L.push(...networkMarkdown(r.network));
  if (r.rbf) L.push(...rbfMarkdown(r.rbf));
  L.push('## Targets (reported, not enforced)');
  L.push('');
  L.push(markdownTable(['target', 'value', 'want', 'met'], r.targets.map(targetRow), ['l', 'r', 'l', 'l']));
  L.push('');
  return L.join('\n');
}

// ---------------------------------------------------------------- main
async function main() {
  log(`randla nystrom bench${quick ? ' (quick)' : ''}: sections ${sections.join(', ')}; ${THREADS} threads; ${runs} timed runs; seed ${seed}; ${os.cpus().length} CPUs; OPENBLAS_THREAD_TIMEOUT=${process.env.OPENBLAS_THREAD_TIMEOUT}`);
  if (load0 > 0.5) log(`warning: load average ${load0.toFixed(2)} on ${os.cpus().length} CPUs: other processes are using the CPU, timings will be noisy`);
  const probe = await task({ task: 'probe', threads: THREADS });
  const facade = probe.status === 'ok' ? { built: true, backends: probe.backends } : { built: false, reason: probe.reason, backends: [] };
  log(facade.built ? `randla backends: ${facade.backends.map((b) => `${b.name}${b.available ? '' : ' (unavailable)'}`).join(', ')}` : `randla facade: ${facade.reason}`);

  let peers = { python: null, reason: 'not requested (--sections)' };
  if (sections.includes('rbf')) {
    if (args['no-peers']) peers = { python: null, reason: 'Python peers skipped (--no-peers)' };
    else {
      peers = ensurePeers({ root, python: args.python, noInstall: args['no-install'], noOptional: true, log });
      log(peers.python ? `Python peers: ${rel(peers.python)} (Python ${peers.pythonVersion}; numpy ${peers.versions.numpy}, scipy ${peers.versions.scipy})` : peers.reason);
    }
  }

  const network = sections.includes('network') ? (facade.built ? await networkSection() : { status: 'skipped', reason: facade.reason }) : null;
  const rbf = sections.includes('rbf') ? await rbfSection(peers) : null;
  const targets = computeTargets(network);
  const report = {
    schema: 1,
    benchmark: 'nystrom',
    date: new Date().toISOString(),
    quick,
    duration_s: (performance.now() - t0run) / 1000,
    machine: { cpu: os.cpus()[0]?.model ?? '?', cpus: os.cpus().length, load_average_at_start: +load0.toFixed(2), memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${process.platform}-${process.arch}` },
    node: process.version,
    environment: { OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT, threads: THREADS },
    params: { rank: RANK, seed, runs, network: NETWORK, rbf: RBF },
    facade,
    python: peers.python ? { available: true, python: peers.pythonVersion, ...peers.versions } : { available: false, reason: peers.reason },
    network,
    rbf,
    targets,
  };
  const base = quick ? 'nystrom.quick' : 'nystrom';
  const jsonFile = path.join(outDir, `${base}.json`);
  const mdFile = path.join(outDir, `${base}.md`);
  writeFileAtomic(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(mdFile, markdownReport(report));
  log(`\ntargets (reported, not enforced):`);
  log(textTable(['target', 'value', 'want', 'met'], targets.map(targetRow), ['l', 'r', 'l', 'l']));
  log(`\nwrote ${rel(jsonFile)}, ${rel(mdFile)} in ${((performance.now() - t0run) / 1000).toFixed(0)} s`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randla-bench-nystrom-'));
process.once('SIGINT', () => {
  if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(130);
});
try {
  await main();
} catch (e) {
  console.error(`bench:nystrom: ${e?.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (args.keep) log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
