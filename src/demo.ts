// `npm run demo`: randomized SVD of a synthetic matrix, against the exact SVD (ml-matrix).
import { performance } from 'node:perf_hooks';

import { Matrix as MlMatrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';

import { backends, matrix, rsvd } from './index.js';

const m = 1500;
const n = 400;
const k = 10;

// A = X·diag(σ)·Yᵀ + small noise, X and Y orthonormal (QR of pseudo-random matrices), σᵢ = 0.8^i.
function synthetic(): Float64Array {
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  const X = new QrDecomposition(MlMatrix.from1DArray(m, n, Float64Array.from({ length: m * n }, next))).orthogonalMatrix;
  const Y = new QrDecomposition(MlMatrix.from1DArray(n, n, Float64Array.from({ length: n * n }, next))).orthogonalMatrix;
  const sigma = Array.from({ length: n }, (_, i) => 0.8 ** i + 1e-6);
  const XS = X.subMatrix(0, m - 1, 0, n - 1).clone();
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) XS.set(i, j, XS.get(i, j) * sigma[j]!);
  return Float64Array.from(XS.mmul(Y.transpose()).to1DArray());
}

const data = synthetic();
const A = matrix(data, m, n);
console.log(`randla demo: randomized SVD of a ${m} x ${n} matrix, rank ${k}, 10 oversamples, 2 power iterations`);
console.log(`backends: ${backends().map((b) => `${b.name}${b.available ? '' : ` (unavailable: ${b.reason})`}`).join(', ')}`);

let t0 = performance.now();
const exact = new SingularValueDecomposition(MlMatrix.from1DArray(m, n, data), { autoTranspose: true });
const exactMs = performance.now() - t0;

for (const backend of ['native', 'reference'] as const) {
  if (!backends().find((b) => b.name === backend)?.available) continue;
  await rsvd(A, { rank: k, seed: 1, backend }); // warm-up
  t0 = performance.now();
  const { S, seed } = await rsvd(A, { rank: k, seed: 1, backend });
  const ms = performance.now() - t0;
  let worst = 0;
  for (let i = 0; i < k; i++) worst = Math.max(worst, Math.abs(S[i]! - exact.diagonal[i]!) / exact.diagonal[i]!);
  console.log(`\n${backend}: ${ms.toFixed(1)} ms (seed ${seed})`);
  console.log(`  singular values: ${Array.from(S, (s) => s.toPrecision(6)).join(' ')}`);
  console.log(`  max relative error vs exact SVD: ${worst.toExponential(2)}`);
}
console.log(`\nexact SVD (ml-matrix): ${exactMs.toFixed(0)} ms`);
console.log(`  singular values: ${exact.diagonal.slice(0, k).map((s) => s.toPrecision(6)).join(' ')}`);
