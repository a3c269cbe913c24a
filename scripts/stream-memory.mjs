#!/usr/bin/env node
// The streaming SVD's memory check at full size (Tropp, Yurtsever, Udell, Cevher 2019; see
// docs/algorithms/streaming.md): writes a 200000 x 2000 f64 .npy (3.2 GB) of known spectrum,
// streams it in a fresh process (test/fixtures/stream-memory.ts) and checks that process's peak
// RSS stays below 400 MB and that the singular values come out right; the file is deleted after.
//
//   node scripts/stream-memory.mjs [--scale 0.1] [--rows 200000] [--cols 2000] [--rank 10]
//                                  [--budget-mb 400] [--backend auto] [--dir <tmpdir>] [--keep]
//
// --scale multiplies the rows (0.1: 20000 x 2000, 320 MB) for a quick run; the budget is the same.
// Needs free disk space for the file in --dir, and `npm install` (tsx) for the TypeScript sources.
import { spawnSync } from 'node:child_process';
import { rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { register } from 'tsx/esm/api';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    cols: { type: 'string', default: '2000' },
    rank: { type: 'string', default: '10' },
    scale: { type: 'string', default: '1' },
    'budget-mb': { type: 'string', default: '400' },
    backend: { type: 'string', default: 'auto' },
    dir: { type: 'string', default: tmpdir() },
    keep: { type: 'boolean', default: false },
  },
});

const rows = Math.max(1, Math.round(Number(args.rows) * Number(args.scale)));
const cols = Number(args.cols);
const rank = Number(args.rank);
const budgetMb = Number(args['budget-mb']);
if (![rows, cols, rank, budgetMb].every((v) => Number.isInteger(v) && v > 0) || rank > Math.min(rows, cols)) {
  console.error('stream-memory: --rows, --cols, --rank, --budget-mb must be positive integers with rank <= min(rows, cols)');
  process.exit(2);
}
const bytes = rows * cols * 8;
const fs = await statfs(args.dir);
if (fs.bavail * fs.bsize < bytes * 1.05) {
  console.error(`stream-memory: ${args.dir} has ${(fs.bavail * fs.bsize / 1e9).toFixed(1)} GB free, the file needs ${(bytes / 1e9).toFixed(1)} GB (use --dir or --scale)`);
  process.exit(2);
}

register();
const { writeNpyRows } = await import('../src/io/npy.ts');

// A = Σ_t σ_t u_t v_tᵀ, σ_t = rank − t, with u_t, v_t DCT-IV basis vectors (orthonormal): its
// singular values are known exactly, and a row block costs O(rank·cols) to generate.
const sigma = Array.from({ length: rank }, (_, t) => rank - t);
const basis = (len, t, i) => Math.sqrt(2 / len) * Math.cos((Math.PI / len) * (t + 0.5) * (i + 0.5));
const V = sigma.map((_, t) => Float64Array.from({ length: cols }, (_, j) => basis(cols, t, j)));
function* blocks() {
  const step = Math.max(1, Math.floor((8 << 20) / (cols * 8)));
  const u = new Float64Array(rank);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const count = Math.min(step, rows - r0);
    const out = new Float64Array(count * cols);
    for (let i = 0; i < count; i++) {
      for (let t = 0; t < rank; t++) u[t] = sigma[t] * basis(rows, t, r0 + i);
      const row = out.subarray(i * cols, (i + 1) * cols);
      for (let t = 0; t < rank; t++) {
        const ut = u[t];
        const v = V[t];
        for (let j = 0; j < cols; j++) row[j] += ut * v[j];
      }
    }
    yield out;
  }
}

const path = join(args.dir, `randla-stream-memory-${process.pid}.npy`);
let status = 1;
try {
  let t0 = performance.now();
  await writeNpyRows(path, { rows, cols }, blocks());
  console.log(`wrote ${path}: ${rows} x ${cols} f64, ${(bytes / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const fixture = fileURLToPath(new URL('../test/fixtures/stream-memory.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, path, String(rank), args.backend], {
    encoding: 'utf8',
    env: { ...process.env, RANDLA_QUIET: '1' },
  });
  if (child.status !== 0) {
    console.error(child.stderr);
    throw new Error(`the streaming process exited with ${child.status}`);
  }
  const out = JSON.parse(child.stdout);
  let worst = 0;
  for (let t = 0; t < rank; t++) worst = Math.max(worst, Math.abs(out.S[t] / sigma[t] - 1));
  const memoryOk = out.peakMb < budgetMb;
  const valuesOk = worst < 1e-10;
  console.log(
    `streamed on ${out.backend} (rank ${rank}, k = ${out.rangeSize}, s = ${out.coreSize}) in ${out.seconds.toFixed(1)} s: ` +
      `peak RSS ${out.peakMb.toFixed(1)} MB (${out.baselineMb.toFixed(1)} MB before streaming), budget ${budgetMb} MB: ${memoryOk ? 'PASS' : 'FAIL'}; ` +
      `max |σ̃/σ − 1| = ${worst.toExponential(2)}: ${valuesOk ? 'PASS' : 'FAIL'}`,
  );
  status = memoryOk && valuesOk ? 0 : 1;
} finally {
  if (!args.keep) await rm(path, { force: true });
}
process.exit(status);
