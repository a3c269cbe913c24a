// Normalizers on tall-skinny sketches: runs native/bench/bench_normalize.cpp (CMake target
// randla_bench_normalize), which times randla::normalize on the m × l Gaussian blocks a range
// finder normalizes. In a whole rsvd call the normalizer is a few percent of the time, so its
// speed is measured here, on the block alone, where it is not lost in the noise of the products.
import path from 'node:path';
import { firstExecutable, lastJsonLine, runSync, tail } from './spawn.mjs';

export const NORMALIZE_BENCH_CANDIDATES = [
  'build-native/native/bench/randla_bench_normalize',
  'build/native/bench/randla_bench_normalize',
];

export const NORMALIZE_BENCH_BUILD =
  '`npm run test:native` builds it (or `cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release && cmake --build build-native --target randla_bench_normalize -j 2`); `--normalize-bench PATH` names another build';

const NORMALIZERS = ['qr', 'cholqr2', 'lu'];
const DTYPES = ['float64', 'float32'];

/** Path of randla_bench_normalize (explicit path first), or null. */
export function findNormalizeBench(root, explicit) {
  return firstExecutable(explicit ? [explicit] : NORMALIZE_BENCH_CANDIDATES.map((p) => path.join(root, p)));
}

/** The JSON object lines of the program's output (it prints one per dtype and normalizer). */
function jsonLines(text) {
  return text.split('\n').map((l) => lastJsonLine(l)).filter(Boolean);
}

/**
 * One invocation `binary m l threads reps`, turned into one row per dtype:
 * { dtype, m, l, threads, reps, status, median_ms: {qr, cholqr2, lu}, min_ms: {...},
 *   orthonormality_error: {qr, cholqr2, lu}, qr_over_cholqr2 } or { ..., status: 'failed', reason }.
 */
function runShape(binary, { m, l, threads, reps, env, timeoutMs }) {
  const base = { m, l, threads, reps };
  const failed = (reason) => DTYPES.map((dtype) => ({ dtype, ...base, status: 'failed', reason }));
  const r = runSync(binary, [m, l, threads, reps].map(String), { env, timeout: timeoutMs });
  if (!r.ok) {
    const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000} s` : r.error ? r.error.message : `exit ${r.status ?? 'by signal'}`;
    return failed(`${why}${r.stderr.trim() ? `: ${tail(r.stderr, 3)}` : ''}`);
  }
  const lines = jsonLines(r.stdout);
  return DTYPES.map((dtype) => {
    const row = { dtype, ...base, status: 'ok', median_ms: {}, min_ms: {}, orthonormality_error: {} };
    for (const n of NORMALIZERS) {
      const j = lines.find((x) => x.dtype === dtype && x.normalizer === n);
      if (!j) return { dtype, ...base, status: 'failed', reason: `no ${dtype} ${n} line in the output: ${tail(r.stdout, 2)}` };
      // the program must have run what was asked: a mismatch means a stale or different binary
      if (j.m !== m || j.l !== l || j.threads !== threads) {
        return { dtype, ...base, status: 'failed', reason: `output is for m=${j.m} l=${j.l} threads=${j.threads}, asked m=${m} l=${l} threads=${threads}` };
      }
      if (!(j.median_s > 0) || !(j.min_s > 0)) return { dtype, ...base, status: 'failed', reason: `bad time in ${JSON.stringify(j)}` };
      row.median_ms[n] = j.median_s * 1000;
      row.min_ms[n] = j.min_s * 1000;
      row.orthonormality_error[n] = j.orthonormality_error ?? null;
    }
    row.qr_over_cholqr2 = row.median_ms.qr / row.median_ms.cholqr2;
    return row;
  });
}

/**
 * Run the program for every shape [m, l] and thread count. Never throws: a missing binary gives
 * { status: 'skipped', reason }, a failing invocation failed rows with the reason.
 * Returns { status, reason, binary, shapes, threads, reps, rows }.
 */
export function measureTallSkinny(root, { shapes, threads, reps, explicit, env = () => process.env, timeoutMs = 300_000, log = () => {} }) {
  const out = { status: 'ok', reason: null, binary: null, shapes, threads, reps, rows: [] };
  const binary = findNormalizeBench(root, explicit);
  if (!binary) {
    const looked = explicit ? `${explicit} is not an executable file` : `not built (looked for ${NORMALIZE_BENCH_CANDIDATES.join(', ')})`;
    return { ...out, status: 'skipped', reason: `randla_bench_normalize ${looked}; ${NORMALIZE_BENCH_BUILD}` };
  }
  out.binary = binary;
  for (const [m, l] of shapes) {
    for (const t of threads) {
      const rows = runShape(binary, { m, l, threads: t, reps, env: env(t), timeoutMs });
      for (const row of rows) log(row);
      out.rows.push(...rows);
    }
  }
  if (out.rows.every((r) => r.status !== 'ok')) {
    out.status = 'failed';
    out.reason = out.rows[0]?.reason ?? 'nothing ran';
  }
  return out;
}
