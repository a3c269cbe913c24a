// Memory bandwidth for the "time to read A" target: the native STREAM triad
// (native/bench/triad.cpp, CMake target randla_triad) when it is built, otherwise the same
// kernel in JS on Float64Arrays over a SharedArrayBuffer, split across worker threads.
// Both count 24 bytes per element (3 arrays × 8 bytes), as STREAM does.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { firstExecutable, runSync } from './spawn.mjs';

export const TRIAD_CANDIDATES = [
  'build-native/native/bench/randla_triad',
  'build/native/bench/randla_triad',
  'build/Release/randla_triad',
];

/** Path of the native triad binary (explicit path first), or null. */
export function findNativeTriad(root, explicit) {
  return firstExecutable(explicit ? [explicit] : TRIAD_CANDIDATES.map((p) => path.join(root, p)));
}

/** Run the native triad: { threads, bytes_per_second, ..., source: 'native', binary } or throws. */
export function nativeTriad(binary, threads, elements = 10_000_000, reps = 10) {
  const r = runSync(binary, [String(threads), String(elements), String(reps)], { timeout: 120_000 });
  if (!r.ok) throw new Error(`${binary} failed: ${(r.stderr || r.error?.message || '').trim()}`);
  const json = JSON.parse(r.stdout.trim().split('\n').pop());
  return { ...json, source: 'native', binary };
}

const WORKER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const { sab, n, lo, hi, s } = workerData;
const a = new Float64Array(sab, 0, n), b = new Float64Array(sab, 8 * n, n), c = new Float64Array(sab, 16 * n, n);
for (let i = lo; i < hi; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
function triad() { for (let i = lo; i < hi; i++) a[i] = b[i] + s * c[i]; }
triad(); // JIT warm-up
parentPort.on('message', (m) => { if (m === 'go') { triad(); parentPort.postMessage('done'); } else process.exit(0); });
parentPort.postMessage('ready');
`;

/** JS triad with `threads` workers: { threads, bytes_per_second, ..., source: 'js' }. */
export async function jsTriad(threads, elements = 10_000_000, reps = 10) {
  const n = elements;
  const sab = new SharedArrayBuffer(3 * 8 * n);
  const workers = [];
  const waitAll = (msg) =>
    Promise.all(workers.map((w) => new Promise((res, rej) => {
      const onMsg = (m) => {
        if (m === msg) {
          w.off('message', onMsg);
          w.off('error', rej);
          res();
        }
      };
      w.on('message', onMsg);
      w.once('error', rej);
    })));
  for (let t = 0; t < threads; t++) {
    workers.push(
      new Worker(WORKER_SRC, {
        eval: true,
        workerData: { sab, n, lo: Math.floor((n * t) / threads), hi: Math.floor((n * (t + 1)) / threads), s: 3 },
      }),
    );
  }
  try {
    await waitAll('ready');
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const done = waitAll('done');
      const t0 = performance.now();
      for (const w of workers) w.postMessage('go');
      await done;
      const dt = (performance.now() - t0) / 1000;
      if (r > 0 || reps === 1) best = Math.min(best, dt);
    }
    const a = new Float64Array(sab, 0, n);
    if (a[0] !== 7 || a[n - 1] !== 7) throw new Error('JS triad: wrong result');
    return {
      threads,
      bytes_per_second: (24 * n) / best,
      elements: n,
      array_bytes: 8 * n,
      repetitions: reps,
      best_seconds: best,
      kernel: 'triad',
      source: 'js',
    };
  } finally {
    for (const w of workers) w.postMessage('exit');
    await Promise.all(workers.map((w) => new Promise((res) => w.once('exit', res))));
  }
}

/**
 * Bandwidth for each thread count: native binary when found, else JS (reason recorded).
 * Returns { byThreads: { [t]: result }, source, note }.
 */
export async function measureTriad(root, threadList, { explicit, elements, reps } = {}) {
  const bin = findNativeTriad(root, explicit);
  const byThreads = {};
  let note = null;
  for (const t of threadList) {
    if (bin) {
      try {
        byThreads[t] = nativeTriad(bin, t, elements, reps);
        continue;
      } catch (e) {
        note = `native triad failed (${e.message}); used the JS triad`;
      }
    }
    byThreads[t] = await jsTriad(t, elements, reps);
  }
  const sources = new Set(Object.values(byThreads).map((r) => r.source));
  const source = sources.size === 1 ? [...sources][0] : 'mixed';
  if (!bin) {
    note = `native triad not built (looked for ${explicit ?? TRIAD_CANDIDATES.join(', ')}); used the JS triad (worker_threads on a SharedArrayBuffer)`;
  }
  return { byThreads, source, binary: bin, note };
}
