#!/usr/bin/env node
// The Node side of the Nyström benchmark (bench/nystrom.mjs spawns it, one fresh process per
// task, so no task inherits another's heap, JIT state or peak RSS). Reads a plan (JSON file),
// prints ONE JSON line on stdout.
//
//   node --expose-gc bench/lib/nystrom-runner.mjs PLAN.json
//
// Tasks (plan.task):
//   probe    backends() of the facade
//   field    turbulenceField({ n, seed }) written to plan.file (.npy, ny × nx row-major f64) and
//            plan.file + '.json' ({ dx, dy, n, seed, seconds })
//   network  for each run: vorticalNetwork(field) + nystrom(net, { rank, columns, sampling, seed })
//            timed end to end (the field is loaded before); `warmup` untimed runs first. With
//            `memory: true`, one run between a reset of the peak RSS (/proc/self/clear_refs ← 5,
//            after a full GC) and a read of VmHWM: peak − baseline is what the run added.
//   lanczos  vorticalNetwork(field) + lanczos (bench/lib/lanczos.mjs) over the network's native
//            multiply, timed once; values, vectors (.npy) and the Lanczos counts
//   rbf      nystrom({ kernel: 'rbf', points, gamma }, ...) for each case { sampling, columns }
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lanczos, networkMatmul } from './lanczos.mjs';
import { readMatrixNpy, writeNpy } from './npy.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FACADE = path.resolve(process.env.RANDLA_BENCH_FACADE || path.join(root, 'dist', 'index.js'));

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const gc = () => globalThis.gc?.();

/** VmRSS and VmHWM of this process in bytes (Linux), or null. */
function memoryStatus() {
  try {
    const text = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Reset the peak RSS to the current RSS (Linux ≥ 4.0); the reason when that is not possible. */
function resetPeak() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return null;
  } catch (e) {
    return `cannot reset the peak RSS (/proc/self/clear_refs: ${e.code ?? e.message})`;
  }
}

function loadField(file) {
  const m = readMatrixNpy(file);
  const meta = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8'));
  return { vorticity: { data: m.data, rows: m.rows, cols: m.cols, layout: 'row-major' }, dx: meta.dx, dy: meta.dy };
}

const firstColumn = (M) => Float64Array.from({ length: M.rows }, (_, i) => (M.layout === 'col-major' ? M.data[i] : M.data[i * M.cols]));

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

  if (plan.task === 'field') {
    const t = performance.now();
    const f = randla.turbulenceField({ n: plan.n, seed: plan.seed });
    const seconds = (performance.now() - t) / 1000;
    const v = f.vorticity;
    const data = v.layout === 'row-major' ? Float64Array.from(v.data) : Float64Array.from({ length: v.rows * v.cols }, (_, i) => v.data[(i % v.cols) * v.rows + Math.floor(i / v.cols)]);
    fs.mkdirSync(path.dirname(plan.file), { recursive: true });
    // written under temporary names and renamed: a concurrent or interrupted run never sees half a file
    writeNpy(`${plan.file}.${process.pid}.tmp`, data, [v.rows, v.cols]);
    fs.writeFileSync(`${plan.file}.json.${process.pid}.tmp`, JSON.stringify({ n: plan.n, seed: plan.seed, dx: f.dx, dy: f.dy, seconds }));
    fs.renameSync(`${plan.file}.json.${process.pid}.tmp`, `${plan.file}.json`);
    fs.renameSync(`${plan.file}.${process.pid}.tmp`, plan.file);
    emit({ status: 'ok', seconds });
    return;
  }

  if (plan.task === 'network') {
    const field = loadField(plan.field);
    const opts = { rank: plan.rank, columns: plan.columns, sampling: plan.sampling, seed: plan.seed };
    const once = async () => {
      const net = randla.vorticalNetwork(field);
      const res = await randla.nystrom(net, opts);
      return { net, res };
    };
    if (plan.memory) {
      gc();
      const why = resetPeak();
      const before = memoryStatus();
      const t = performance.now();
      const { net, res } = await once();
      const ms = performance.now() - t;
      const after = memoryStatus();
      const ok = !why && before && after;
      emit({
        status: 'ok', nodes: net.size, backend: res.backend, method: res.method, columns: res.columns, first_run_ms: ms,
        memory: ok ? { baseline_rss: before.rss, peak_rss: after.hwm, added: after.hwm - before.rss } : { reason: why ?? 'no /proc/self/status' },
      });
      return;
    }
    for (let i = 0; i < plan.warmup; i++) await once();
    const samples = [];
    let last;
    for (let i = 0; i < plan.runs; i++) {
      gc(); // outside the timed region: a collection of the previous run's garbage is not this run's cost
      const t = performance.now();
      last = await once();
      samples.push(performance.now() - t);
    }
    writeNpy(path.join(plan.out, 'vector0.npy'), firstColumn(last.res.vectors), [last.net.size]);
    emit({ status: 'ok', nodes: last.net.size, backend: last.res.backend, method: last.res.method, columns: last.res.columns, samples_ms: samples, values: Array.from(last.res.values) });
    return;
  }

  if (plan.task === 'lanczos') {
    const field = loadField(plan.field);
    const t = performance.now();
    const net = randla.vorticalNetwork(field);
    const mm = networkMatmul(net);
    let productMs = 0;
    const timed = async (X, b) => {
      const t0 = performance.now();
      const Y = await mm(X, b);
      productMs += performance.now() - t0;
      return Y;
    };
    const r = await lanczos(timed, net.size, { k: plan.k, block: plan.block, tol: plan.tol, maxBlocks: plan.maxBlocks, seed: plan.seed });
    const ms = performance.now() - t;
    writeNpy(path.join(plan.out, 'vector0.npy'), firstColumn(r.vectors), [net.size]);
    emit({
      status: 'ok', nodes: net.size, ms, product_ms: productMs, multiply: mm.mode === 'vector' ? 'one vector per call' : `block (${mm.mode})`,
      values: Array.from(r.values), residuals: Array.from(r.residuals), scale: r.scale, products: r.products, blocks: r.blocks,
      basis: r.basisSize, converged: r.converged, tol: r.tol,
    });
    return;
  }

  if (plan.task === 'rbf') {
    const P = readMatrixNpy(plan.points);
    const points = { data: P.data, rows: P.rows, cols: P.cols, layout: 'row-major' };
    const input = { kernel: 'rbf', points, gamma: plan.gamma };
    const cases = [];
    for (const c of plan.cases) {
      const opts = { rank: plan.rank, columns: c.columns, sampling: c.sampling, seed: plan.seed };
      try {
        for (let i = 0; i < plan.warmup; i++) await randla.nystrom(input, opts);
        const samples = [];
        let res;
        for (let i = 0; i < plan.runs; i++) {
          gc();
          const t = performance.now();
          res = await randla.nystrom(input, opts);
          samples.push(performance.now() - t);
        }
        cases.push({ ...c, status: 'ok', samples_ms: samples, values: Array.from(res.values), method: res.method, columns_used: res.columns, backend: res.backend });
      } catch (e) {
        cases.push({ ...c, status: 'failed', reason: `${e?.code ?? ''} ${e?.message ?? e}`.trim() });
      }
    }
    emit({ status: 'ok', cases });
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
