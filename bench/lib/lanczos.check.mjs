#!/usr/bin/env node
// Checks bench/lib/lanczos.mjs against dense symmetric matrices with a known spectrum
// A = Q·diag(λ)·Qᵀ (Q: Gaussian columns orthonormalized, so Haar-like and dense), n = 500:
//   1. indefinite, full rank: the ten largest |λ| alternate in sign, the rest fill [−3, 3];
//   2. exact rank 12 (the Krylov space closes after two blocks: the breakdown path);
//   3. a ± pair of equal |λ| (both found; their order is decided by rounding);
// and, when the facade loads, a small vortical network through networkMatmul against the dense
// adjacency formed from its columns. Prints one line per assertion (actual, expected, difference,
// tolerance) and exits 1 on any failure.  Run: node bench/lib/lanczos.check.mjs
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { denseMatmul, lanczos, networkMatmul } from './lanczos.mjs';
import { orthonormalVectors } from './testmatrix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let failures = 0;

function check(name, actual, expected, tolerance) {
  const difference = Math.abs(actual - expected);
  const ok = difference <= tolerance;
  if (!ok) failures += 1;
  console.log(`${ok ? 'pass' : 'FAIL'}  ${name}: actual ${fmt(actual)}, expected ${fmt(expected)}, difference ${fmt(difference)}, tolerance ${fmt(tolerance)}`);
}
const fmt = (x) => (typeof x === 'number' ? x.toPrecision(6) : String(x));

/** Q·diag(λ)·Qᵀ, row-major, and the eigenvectors (column t of Q at [t*n, (t+1)*n)). */
function knownMatrix(lambda, seed) {
  const n = lambda.length;
  const Q = orthonormalVectors(n, n, seed);
  const A = new Float64Array(n * n);
  for (let t = 0; t < n; t++) {
    if (lambda[t] === 0) continue;
    const q = Q.subarray(t * n, (t + 1) * n);
    for (let i = 0; i < n; i++) {
      const a = lambda[t] * q[i];
      for (let j = 0; j < n; j++) A[i * n + j] += a * q[j];
    }
  }
  // exact symmetry, so the operator is symmetric to the last bit
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i];
  return { A, Q, n };
}

/** The expected top k: indices of λ by |λ| descending (ties: larger value first). */
function topK(lambda, k) {
  return [...lambda.keys()].sort((a, b) => Math.abs(lambda[b]) - Math.abs(lambda[a]) || lambda[b] - lambda[a]).slice(0, k);
}

/** sin of the angle between the unit vectors u and v, as ‖u − (u·v)v‖ (√(1 − (u·v)²) bottoms out at √ε). */
function sinAngle(u, v) {
  let d = 0;
  for (let i = 0; i < u.length; i++) d += u[i] * v[i];
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] - d * v[i]) ** 2;
  return Math.sqrt(s);
}
const column = (M, t) => Float64Array.from({ length: M.rows }, (_, i) => M.data[i * M.cols + t]);

async function spectrumCase(name, lambda, { k = 10, block = 8, seed = 11, gapFloor }) {
  const { A, Q, n } = knownMatrix(lambda, 20240701);
  const tol = 1e-10;
  const r = await lanczos(denseMatmul(A, n), n, { k, block, tol, seed });
  // Among eigenvalues of equal |λ| the order of the Ritz values is decided by rounding (the tie
  // rule applies to exactly equal |θ| only), so θ_t is matched to the expected λ of nearest value.
  const top = topK(lambda, k);
  const want = Array.from(r.values, (v) => top.reduce((a, b) => (Math.abs(lambda[b] - v) < Math.abs(lambda[a] - v) ? b : a)));
  check(`${name} the expected top ${k} found (distinct matches)`, new Set(want).size, k, 0);
  const scale = Math.abs(lambda[top[0]]);
  console.log(`-- ${name}: n = ${n}, k = ${k}, block = ${block}: ${r.blocks} blocks, ${r.products} products, basis ${r.basisSize}`);
  check(`${name} converged`, r.converged ? 1 : 0, 1, 0);
  check(`${name} products = block × blocks`, r.products, block * r.blocks, 0);
  let maxValueError = 0;
  let maxResidual = 0;
  let maxSin = 0;
  for (let t = 0; t < k; t++) {
    maxValueError = Math.max(maxValueError, Math.abs(r.values[t] - lambda[want[t]]));
    maxResidual = Math.max(maxResidual, r.residuals[t]);
    if (gapFloor !== undefined) maxSin = Math.max(maxSin, sinAngle(column(r.vectors, t), Q.subarray(want[t] * n, (want[t] + 1) * n)));
  }
  // |θ − λ| ≤ ‖A·v − θ·v‖ (Weyl/Kahan), so the residual tolerance bounds the value error
  check(`${name} max |θ_t − λ_t|`, maxValueError, 0, tol * scale);
  check(`${name} max residual ‖A·v − θ·v‖`, maxResidual, 0, tol * scale);
  // sin∠ ≤ residual / gap (Davis–Kahan), gap = distance from λ_t to the rest of the spectrum
  if (gapFloor !== undefined) check(`${name} max sin∠(v_t, q_t)`, maxSin, 0, (tol * scale) / gapFloor);
  // the residuals lanczos reports are the true ones
  let worst = 0;
  for (let t = 0; t < k; t++) {
    const v = column(r.vectors, t);
    let s = 0;
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i * n + j] * v[j];
      s += (av - r.values[t] * v[i]) ** 2;
    }
    worst = Math.max(worst, Math.abs(Math.sqrt(s) - r.residuals[t]));
  }
  check(`${name} reported vs recomputed residual`, worst, 0, 1e-13 * scale);
  let orth = 0;
  for (let s = 0; s < k; s++) {
    for (let t = 0; t <= s; t++) {
      const a = column(r.vectors, s);
      const b = column(r.vectors, t);
      let d = 0;
      for (let i = 0; i < n; i++) d += a[i] * b[i];
      orth = Math.max(orth, Math.abs(d - (s === t ? 1 : 0)));
    }
  }
  check(`${name} max |VᵀV − I|`, orth, 0, 1e-12);
  const sorted = r.values.every((v, t) => t === 0 || Math.abs(v) < Math.abs(r.values[t - 1]) || (Math.abs(v) === Math.abs(r.values[t - 1]) && v <= r.values[t - 1]));
  check(`${name} values by non-increasing |value|`, sorted ? 1 : 0, 1, 0);
  const again = await lanczos(denseMatmul(A, n), n, { k, block, tol, seed });
  const same = again.values.every((v, t) => Object.is(v, r.values[t])) && again.vectors.data.every((v, i) => Object.is(v, r.vectors.data[i]));
  check(`${name} same seed, same bits`, same ? 1 : 0, 1, 0);
  return r;
}

// 1. indefinite, full rank: |λ| 10, 9, 8.5, ... alternating in sign, the bulk uniform in [−3, 3]
{
  const n = 500;
  const top = [10, -9, 8.5, -8, 7, -6.5, 6, -5.5, 5, -4.5];
  const lambda = new Float64Array(n);
  top.forEach((v, i) => (lambda[i] = v));
  for (let i = top.length; i < n; i++) lambda[i] = -3 + (6 * (i - top.length)) / (n - top.length - 1);
  await spectrumCase('indefinite', lambda, { gapFloor: 0.5 });
}
// 2. exact rank 12 (four negative): zeros below
{
  const n = 500;
  const lambda = new Float64Array(n);
  [5, -4, 3, 2.5, -2, 1.5, 1.2, -1, 0.8, 0.6, -0.5, 0.4].forEach((v, i) => (lambda[i] = v));
  await spectrumCase('rank-12', lambda, { gapFloor: 0.1 });
}
// 3. tie: +3 and −3 (the eigenvectors of a tied pair are still unique: the values differ)
{
  const n = 500;
  const lambda = new Float64Array(n);
  [4, 3, -3, 2.5, -2.2, 2, 1.8, -1.6, 1.4, 1.3].forEach((v, i) => (lambda[i] = v));
  for (let i = 10; i < n; i++) lambda[i] = -1 + (2 * (i - 10)) / (n - 11);
  await spectrumCase('tie ±3', lambda, { gapFloor: 0.1 });
}

// 4. a vortical network through its operator (skipped when the facade does not load)
try {
  const randla = await import(pathToFileURL(process.env.RANDLA_BENCH_FACADE || path.join(root, 'dist', 'index.js')).href);
  const field = randla.randomVortexField({ nx: 24, ny: 24, count: 6, seed: 3 });
  const net = randla.vorticalNetwork(field);
  const n = net.size;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const C = net.columns(all); // n × n col-major; symmetric
  const A = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) A[i * n + j] = C.layout === 'row-major' ? C.data[i * n + j] : C.data[j * n + i];
  const M = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]);
  const ev = new EigenvalueDecomposition(M, { assumeSymmetric: true }).realEigenvalues;
  const want = topK(ev, 10).map((i) => ev[i]);
  const mm = networkMatmul(net);
  const r = await lanczos(mm, n, { k: 10, block: 8, tol: 1e-10, seed: 5 });
  console.log(`-- vortical network (random vortices 24², ${net.backend} backend, multiply ${mm.mode}): n = ${n}: ${r.blocks} blocks, ${r.products} products`);
  check('network converged', r.converged ? 1 : 0, 1, 0);
  let worst = 0;
  for (let t = 0; t < 10; t++) worst = Math.max(worst, Math.abs(r.values[t] - want[t]));
  check('network max |θ_t − λ_t| vs dense EVD', worst, 0, 1e-10 * Math.abs(want[0]) + 1e-13 * n * Math.abs(want[0]));
  const v0 = column(r.vectors, 0);
  check('network Perron vector one-signed (min entry ≥ 0)', Math.min(0, ...v0), 0, 1e-12);
} catch (e) {
  console.log(`skip  vortical network case: the facade does not load (${e?.message ?? e})`);
}

console.log(failures ? `${failures} check(s) FAILED` : 'all checks passed');
process.exitCode = failures ? 1 : 0;
