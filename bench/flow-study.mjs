#!/usr/bin/env node
// The sampling study of docs/flow-networks.md: Bai, Erichson, Gopalakrishnan Meena, Taira &
// Brunton (PLoS ONE 2019) report that quasi-uniform (spatially stratified) column sampling gives
// better Nyström eigenpairs of a vortical network than uniform sampling at the same cost. This
// script measures that claim on randla's own flow fields: for each field, number of columns l and
// seed, nystrom() (rank 10, indefinite core) against a reference, the relative error of the 5
// leading eigenvalues (by |λ|) and the sine of the angle between the leading eigenvectors.
//
// References: at the 16 384-cell size the dense adjacency is formed in numpy from the nodes'
// coordinates and circulations (bench/peers/flow_reference.py, independent of randla's column
// kernel) and eigendecomposed by LAPACK (dsyevr, both ends of the spectrum); at the 65 536-cell
// size, where the dense matrix would need 34 GB, block Lanczos (bench/lib/lanczos.mjs) on the
// network's native matrix-free product. At the small size Lanczos is also checked against LAPACK.
//
// Writes bench/results/flow-study.{json,md} and docs/flow-networks-study.svg atomically, and the
// table between the markers of docs/flow-networks.md. `--quick`: 2 seeds, l ∈ {50, 100}, small
// size only, nothing under docs/ is written.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTable, writeFileAtomic } from './lib/format.mjs';
import { lanczos, networkMatmul } from './lib/lanczos.mjs';
import { readNpy, writeNpy } from './lib/npy.mjs';
import { ensurePeers, venvPython } from './lib/python.mjs';
import { runJson } from './lib/spawn.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seeds: { type: 'string' },
    columns: { type: 'string' },
    cases: { type: 'string' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string' },
    'no-install': { type: 'boolean', default: false },
    replot: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(`usage: node bench/flow-study.mjs [--quick] [--seeds N] [--columns 50,100,200,400]
       [--cases turbulence-128,street-128,turbulence-256,street-256] [--threads 2] [--out DIR] [--no-install]
--replot FILE redraws the plot and tables from a flow-study.json without computing.
Needs the native addon and dist/ (npm run build); the dense reference needs bench/.venv (numpy, scipy),
created as for npm run bench. Full run: about 25 minutes on 2 cores.`);
  process.exit(0);
}

const { nystrom, setThreads, turbulenceField, vortexStreetField, vorticalNetwork, backends } = await import(path.join(root, 'dist', 'index.js'));
if (!backends().find((b) => b.name === 'native' && b.available)) {
  console.error('flow-study: the native addon is not built (npm run build)');
  process.exit(1);
}
const quick = args.quick;
let seeds = Number(args.seeds ?? (quick ? 2 : 50));
const columnList = (args.columns ?? (quick ? '50,100' : '50,100,200,400')).split(',').map(Number);
const threads = Number(args.threads);
setThreads(threads);
const RANK = 10;
const LEADING = 5;
const SAMPLINGS = ['uniform', 'quasi-uniform', 'rpcholesky'];
const outDir = path.resolve(args.out ?? path.join(root, 'bench', 'results'));
const suffix = quick ? '.quick' : '';
const log = (...a) => console.error(...a);

// The two flows at two sizes. The street's nodes are the cells with |ω| > 10⁻³·max|ω| (the
// vortex cores and their surroundings); the turbulence keeps every cell, as in the papers.
const STREET = { lx: 8, ly: 2 };
const CASES = {
  'turbulence-128': { flow: 'turbulence', cells: 128 * 128, reference: 'dense', make: () => turbulenceField({ n: 128, seed: 1 }), network: {} },
  'street-128': { flow: 'vortex street', cells: 256 * 64, reference: 'dense', make: () => vortexStreetField({ nx: 256, ny: 64, ...STREET }), network: { relativeThreshold: 1e-3 } },
  'turbulence-256': { flow: 'turbulence', cells: 256 * 256, reference: 'lanczos', make: () => turbulenceField({ n: 256, seed: 1 }), network: {} },
  'street-256': { flow: 'vortex street', cells: 512 * 128, reference: 'lanczos', make: () => vortexStreetField({ nx: 512, ny: 128, ...STREET }), network: { relativeThreshold: 1e-3 } },
};
const caseNames = (args.cases ?? (quick ? 'turbulence-128,street-128' : Object.keys(CASES).join(','))).split(',');
for (const c of caseNames) if (!CASES[c]) throw new Error(`unknown case ${c}`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'randla-flow-study-'));
let python = null;
function pythonPath() {
  if (python) return python;
  ensurePeers({ root, noInstall: args['no-install'], noOptional: true, log });
  python = venvPython(path.join(root, 'bench', '.venv'));
  return python;
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
// sin∠(u, v) of unit vectors from the component of u orthogonal to v (accurate near 0).
function sinAngle(u, v) {
  let c = 0;
  for (let i = 0; i < u.length; i++) c += u[i] * v[i];
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] - c * v[i]) ** 2;
  return Math.min(1, Math.sqrt(s));
}
const column0 = (M) => Float64Array.from({ length: M.rows }, (_, i) => (M.layout === 'col-major' ? M.data[i] : M.data[i * M.cols]));

async function denseReference(name, net) {
  const coords = path.join(work, `${name}-coords.npy`);
  const circ = path.join(work, `${name}-circulation.npy`);
  writeNpy(coords, net.coords.data, [net.size, 2]);
  writeNpy(circ, net.circulation, [net.size]);
  // A few of randla's columns, to check the two adjacency implementations against each other.
  const check = Int32Array.from([0, 1, Math.floor(net.size / 2), net.size - 1]);
  const C = net.columns(check);
  const checkFile = path.join(work, `${name}-columns.npy`);
  writeNpy(checkFile, C.data, [net.size, check.length], { fortranOrder: true });
  const plan = path.join(work, `${name}-plan.json`);
  const vectors = path.join(work, `${name}-vectors.npy`);
  fs.writeFileSync(plan, JSON.stringify({ coords, circulation: circ, alpha: 0.5, k: RANK, out_vectors: vectors, check_columns: checkFile, check_indices: [...check] }));
  const r = await runJson(pythonPath(), [path.join(root, 'bench', 'peers', 'flow_reference.py'), plan], {
    cwd: root,
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT ?? '4' },
    timeoutMs: 60 * 60_000,
  });
  if (!r.json) throw new Error(`dense reference failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.slice(-2000)}`);
  const V = readNpy(vectors);
  return {
    kind: 'LAPACK dsyevr on the dense adjacency formed in numpy',
    values: Float64Array.from(r.json.values),
    leading: Float64Array.from({ length: net.size }, (_, i) => V.data[i * V.shape[1]]),
    seconds: r.json.form_s + r.json.eigh_s,
    columnError: r.json.column_error,
  };
}

async function lanczosReference(net) {
  const t = performance.now();
  const r = await lanczos(networkMatmul(net), net.size, { k: RANK, block: 8, tol: 1e-10, maxBlocks: 80, seed: 1 });
  if (!r.converged) log(`  lanczos did not converge: residuals ${[...r.residuals].map((x) => x.toExponential(1)).join(' ')}`);
  return {
    kind: `block Lanczos (b = 8, full reorthogonalization) on the native matrix-free product, ${r.products} products`,
    values: r.values,
    leading: column0(r.vectors),
    seconds: (performance.now() - t) / 1000,
    converged: r.converged,
    maxResidual: Math.max(...r.residuals) / Math.abs(r.values[0]),
  };
}

// References cost minutes (LAPACK on 16 384² takes 3–9 minutes on 2 cores): kept in the OS temp
// directory, keyed by a hash of the network's nodes and circulations.
const cacheDir = path.join(os.tmpdir(), 'randla-flow-study-cache');
async function cached(kind, net, compute) {
  const hash = crypto.createHash('sha256');
  hash.update(kind);
  hash.update(new Uint8Array(net.coords.data.buffer, net.coords.data.byteOffset, net.coords.data.byteLength));
  hash.update(new Uint8Array(net.circulation.buffer, net.circulation.byteOffset, net.circulation.byteLength));
  const file = path.join(cacheDir, `${hash.digest('hex').slice(0, 24)}.json`);
  if (fs.existsSync(file)) {
    const c = JSON.parse(fs.readFileSync(file, 'utf8'));
    log(`  reference from the cache (${path.basename(file)})`);
    return { ...c, values: Float64Array.from(c.values), leading: Float64Array.from(c.leading) };
  }
  const r = await compute();
  fs.mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(file, JSON.stringify({ ...r, values: [...r.values], leading: [...r.leading] }));
  return r;
}

let results = [];
let cases = [];
if (args.replot) {
  const saved = JSON.parse(fs.readFileSync(args.replot, 'utf8'));
  ({ results, cases, seeds } = saved);
  columnList.splice(0, columnList.length, ...saved.columns);
}
for (const name of args.replot ? [] : caseNames) {
  const spec = CASES[name];
  log(`${name}: generating the field`);
  const field = spec.make();
  const net = vorticalNetwork(field, spec.network);
  const coordsN = net.size;
  log(`${name}: ${coordsN} nodes; reference (${spec.reference})`);
  const ref = await cached(`${spec.reference}-${name}`, net, () => (spec.reference === 'dense' ? denseReference(name, net) : lanczosReference(net)));
  const info = { name, flow: spec.flow, grid: `${field.vorticity.cols} × ${field.vorticity.rows}`, nodes: coordsN, reference: ref.kind, referenceSeconds: ref.seconds, referenceValues: [...ref.values] };
  if (ref.columnError != null) info.columnError = ref.columnError;
  if (spec.reference === 'dense') {
    // The Lanczos reference used at the large size, checked against LAPACK here.
    const lz = await cached(`lanczos-${name}`, net, () => lanczosReference(net));
    let worst = 0;
    for (let i = 0; i < LEADING; i++) worst = Math.max(worst, Math.abs(lz.values[i] - ref.values[i]) / Math.abs(ref.values[i]));
    info.lanczosCheck = { maxRelValueError: worst, leadingSin: sinAngle(lz.leading, ref.leading), seconds: lz.seconds };
    log(`  lanczos vs LAPACK: eigenvalues ${worst.toExponential(2)}, leading vector sin ${info.lanczosCheck.leadingSin.toExponential(2)}`);
  } else {
    info.lanczosResidual = ref.maxResidual;
  }
  cases.push(info);
  for (const sampling of SAMPLINGS) {
    for (const l of columnList) {
      const valueErrors = [];
      const sines = [];
      const times = [];
      let refused = null;
      for (let s = 1; s <= seeds; s++) {
        const t = performance.now();
        let r;
        try {
          r = await nystrom(net, { rank: RANK, columns: l, sampling, seed: s });
        } catch (e) {
          refused = `${e.code}: ${e.message}`;
          break;
        }
        times.push(performance.now() - t);
        let worst = 0;
        for (let i = 0; i < LEADING; i++) worst = Math.max(worst, Math.abs(r.values[i] - ref.values[i]) / Math.abs(ref.values[i]));
        valueErrors.push(worst);
        sines.push(sinAngle(column0(r.vectors), ref.leading));
      }
      const row = { case: name, sampling, columns: l, seeds: valueErrors.length };
      if (refused) {
        row.refused = refused;
        log(`  ${sampling} l=${l}: refused (${refused.slice(0, 100)})`);
      } else {
        Object.assign(row, {
          valueMedian: quantile(valueErrors, 0.5), valueP95: quantile(valueErrors, 0.95),
          sinMedian: quantile(sines, 0.5), sinP95: quantile(sines, 0.95),
          msMedian: quantile(times, 0.5), valueErrors, sines,
        });
        log(`  ${sampling.padEnd(13)} l=${String(l).padStart(3)}: eig median ${row.valueMedian.toExponential(2)} p95 ${row.valueP95.toExponential(2)}; sin median ${row.sinMedian.toExponential(2)} p95 ${row.sinP95.toExponential(2)}; ${row.msMedian.toFixed(0)} ms`);
      }
      results.push(row);
      if (refused) break;
    }
  }
}

// ---------------------------------------------------------------- outputs
const fmt = (x) => (x == null ? '—' : x.toExponential(2));
function table() {
  const header = ['flow (nodes)', 'l', 'uniform: λ err median / p95', 'quasi-uniform: λ err median / p95', 'uniform: sin∠ median / p95', 'quasi-uniform: sin∠ median / p95', 'quasi / uniform (λ median, sin median)'];
  const rows = [];
  for (const c of cases) {
    for (const l of columnList) {
      const u = results.find((r) => r.case === c.name && r.sampling === 'uniform' && r.columns === l);
      const q = results.find((r) => r.case === c.name && r.sampling === 'quasi-uniform' && r.columns === l);
      if (!u || !q || u.refused || q.refused) continue;
      rows.push([`${c.flow} ${c.grid} (${c.nodes})`, String(l), `${fmt(u.valueMedian)} / ${fmt(u.valueP95)}`, `${fmt(q.valueMedian)} / ${fmt(q.valueP95)}`,
        `${fmt(u.sinMedian)} / ${fmt(u.sinP95)}`, `${fmt(q.sinMedian)} / ${fmt(q.sinP95)}`,
        `${(q.valueMedian / u.valueMedian).toFixed(2)}, ${(q.sinMedian / u.sinMedian).toFixed(2)}`]);
    }
  }
  return markdownTable(header, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']);
}

async function plot() {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const values = [];
  for (const r of results) {
    if (r.refused) continue;
    const c = cases.find((x) => x.name === r.case);
    const panel = `${c.flow}, ${c.nodes} nodes`;
    for (const [metric, med, p95] of [['eigenvalue error (max of 5)', r.valueMedian, r.valueP95], ['leading eigenvector sin∠', r.sinMedian, r.sinP95]]) {
      values.push({ panel, metric, sampling: r.sampling, stat: 'median', columns: r.columns, value: med });
      values.push({ panel, metric, sampling: r.sampling, stat: '95th percentile', columns: r.columns, value: p95 });
    }
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Nyström on vortical networks: uniform vs quasi-uniform columns', subtitle: [`rank ${RANK}, ${seeds} seeds per point; solid: median, dashed: 95th percentile`], anchor: 'start', fontSize: 13, subtitleFontSize: 10 },
    background: 'white',
    data: { values },
    facet: {
      row: { field: 'metric', type: 'nominal', title: null, sort: ['eigenvalue error (max of 5)', 'leading eigenvector sin∠'] },
      column: { field: 'panel', type: 'nominal', title: null, sort: cases.map((c) => `${c.flow}, ${c.nodes} nodes`) },
    },
    spec: {
      width: 190,
      height: 170,
      mark: { type: 'line', point: true, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'columns', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: columnList }, title: 'columns l' },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, axis: { format: '.0e' }, title: 'relative error' },
        color: { field: 'sampling', type: 'nominal', title: null },
        strokeDash: { field: 'stat', type: 'nominal', title: null, scale: { domain: ['median', '95th percentile'], range: [[1, 0], [5, 3]] } },
        detail: { field: 'stat' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: 'sans-serif', axis: { labelFontSize: 9, titleFontSize: 10 }, header: { labelFontSize: 10 } },
  };
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const md = [`# Sampling study (bench/flow-study.mjs${quick ? ' --quick' : ''})`, '', `rank ${RANK}, ${seeds} seeds, threads ${threads}; λ err = max over the ${LEADING} leading eigenvalues (by |λ|) of |λ̂ − λ|/|λ|; sin∠ of the leading eigenvector.`, ''];
for (const c of cases) {
  md.push(`- ${c.flow} ${c.grid}, ${c.nodes} nodes: reference ${c.reference} (${c.referenceSeconds.toFixed(1)} s)` +
    (c.columnError != null ? `; randla's columns vs numpy's matrix: max relative difference ${fmt(c.columnError)}` : '') +
    (c.lanczosCheck ? `; Lanczos vs LAPACK: λ ${fmt(c.lanczosCheck.maxRelValueError)}, sin∠ ${fmt(c.lanczosCheck.leadingSin)}` : '') +
    (c.lanczosResidual != null ? `; Lanczos max residual / |λ₁| ${fmt(c.lanczosResidual)}` : ''));
}
const refusedRows = results.filter((r) => r.refused);
if (refusedRows.length) md.push('', ...[...new Set(refusedRows.map((r) => `- ${r.sampling} on ${r.case}: refused, ${r.refused}`))]);
md.push('', table(), '');
fs.mkdirSync(outDir, { recursive: true });
writeFileAtomic(path.join(outDir, `flow-study${suffix}.md`), md.join('\n'));
writeFileAtomic(path.join(outDir, `flow-study${suffix}.json`), JSON.stringify({ rank: RANK, leading: LEADING, seeds, threads, columns: columnList, cases, results }, null, 1));
const svg = await plot();
writeFileAtomic(path.join(quick ? outDir : path.join(root, 'docs'), `flow-networks-study${suffix}.svg`), svg);
if (!quick) {
  const docPath = path.join(root, 'docs', 'flow-networks.md');
  const doc = fs.readFileSync(docPath, 'utf8');
  const begin = '<!-- flow-study:begin -->', end = '<!-- flow-study:end -->';
  if (doc.includes(begin) && doc.includes(end)) {
    const body = md.slice(2).join('\n');
    writeFileAtomic(docPath, doc.slice(0, doc.indexOf(begin) + begin.length) + '\n' + body + '\n' + doc.slice(doc.indexOf(end)));
  }
}
fs.rmSync(work, { recursive: true, force: true });
console.log(md.join('\n'));
