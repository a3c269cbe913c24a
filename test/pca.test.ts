// PCA by randomized SVD of the implicitly centered matrix, on every backend, against the exact
// SVD (ml-matrix) of the explicitly centered matrix; dense and CSR inputs; a large CSR input is
// never densified.
import { SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { csrFromDense, pca, pcaSync, RandlaError, toMlMatrix, type CsrMatrix } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { lcg, store, withSpectrum } from './helpers/spectrum.js';
import { expectAllClose, expectAtMost, expectClose, tolerance } from './helpers/tolerance.js';

// Rank 5 plus a non-zero mean: X = L + 1μᵀ.
const low = withSpectrum(400, 60, [9, 7, 5, 3, 1], 41);
const mu = Array.from({ length: 60 }, (_, j) => 3 + Math.sin(j));
const X = low.dense.clone();
for (let i = 0; i < 400; i++) for (let j = 0; j < 60; j++) X.set(i, j, X.get(i, j) + mu[j]!);
const centered = X.clone().subRowVector(X.mean('column'));
const exact = new SingularValueDecomposition(centered, { autoTranspose: true });

/** A random CSR matrix with about nnz non-zeros (row-wise, sorted indices). */
function randomCsr(rows: number, cols: number, nnz: number, seed: number): CsrMatrix<Float64Array> {
  const next = lcg(seed);
  const perRow = Math.max(1, Math.round(nnz / rows));
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(rows * perRow);
  const values = new Float64Array(rows * perRow);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < perRow; t++) {
      indices[i * perRow + t] = Math.floor((next() + 0.5) * cols) % cols;
      values[i * perRow + t] = next() + (t === 0 ? 1 : 0);
    }
    indptr[i + 1] = (i + 1) * perRow;
  }
  return { format: 'csr', rows, cols, indptr, indices, values };
}

describe.each(BACKENDS)('pca on the $name backend', ({ name: backend, available }) => {
  describe.skipIf(!available)('', () => {
    it('rank 5 plus a mean: spectrum, variance, ratio, components, transform, inverse, like scikit-learn', async () => {
      const p = await pca(store(X, 'row-major', 'float64'), { components: 5, seed: 4, backend });
      const dof = 399;
      for (let i = 0; i < 5; i++) {
        expectClose(p.singularValues[i]! / exact.diagonal[i]!, 1, tolerance.exactLowRankValues.float64, `σ${i + 1}`);
        expectClose(p.explainedVariance[i]! / (exact.diagonal[i]! ** 2 / dof), 1, tolerance.exactLowRankValues.float64, `variance ${i + 1}`);
      }
      const total = centered.norm() ** 2 / dof;
      expectClose(p.totalVariance / total, 1, 1e-12, 'total variance');
      // Rank 5 data: five components explain everything.
      expectClose(p.explainedVarianceRatio.reduce((s, v) => s + v, 0), 1, 1e-10, 'Σ ratio');
      expectAllClose(p.mean, X.mean('column'), 1e-12, 'mean');
      // Components: ±V of the exact SVD, with the largest-|.| entry of each one positive.
      for (let j = 0; j < 5; j++) {
        const row = Array.from(p.components.data.subarray(j * 60, (j + 1) * 60));
        const v = exact.rightSingularVectors.getColumn(j);
        const sign = Math.sign(row.reduce((s, x, c) => s + x * v[c]!, 0));
        expectAllClose(row, v.map((x) => sign * x), 1e-9, `component ${j}`);
        const arg = row.reduce((b, x, c) => (Math.abs(x) > Math.abs(row[b]!) ? c : b), 0);
        expect(row[arg]).toBeGreaterThan(0);
      }
      // transform = (X − μ)·componentsᵀ; inverse_transform recovers X exactly at full rank 5.
      const scores = p.transform(store(X, 'col-major', 'float64'));
      const expected = centered.mmul(toMlMatrix(p.components).transpose());
      expectAllClose(scores.data, expected.to1DArray(), 1e-10 * exact.diagonal[0]!, 'transform');
      const back = p.inverseTransform(scores);
      expectAllClose(back.data, X.to1DArray(), 1e-10 * exact.diagonal[0]!, 'inverseTransform');
    });

    it('dense and CSR input give the same PCA (the CSR input is centered implicitly)', () => {
      const dense = pcaSync(store(X, 'row-major', 'float64'), { components: 5, seed: 8, backend });
      const sparse = pcaSync(csrFromDense(store(X, 'row-major', 'float64')), { components: 5, seed: 8, backend });
      expectAllClose(sparse.singularValues, dense.singularValues, 1e-10 * dense.singularValues[0]!, 'σ');
      expectAllClose(sparse.components.data, dense.components.data, 1e-9, 'components');
      expectAllClose(sparse.explainedVarianceRatio, dense.explainedVarianceRatio, 1e-10, 'ratio');
      const t = sparse.transform(csrFromDense(store(X, 'row-major', 'float64')));
      expectAllClose(t.data, dense.transform(store(X, 'row-major', 'float64')).data, 1e-9, 'CSR transform');
    });

    it('CSR with repeated (i, j) entries: they add up before squaring (total variance and ratios as dense)', () => {
      const dense = store(X.subMatrix(0, 59, 0, 11), 'row-major', 'float64');
      const once = csrFromDense(dense);
      // Every entry stored twice, each copy half the value, in reversed order within the row.
      const indptr = Int32Array.from(once.indptr, (p) => 2 * p);
      const indices = new Int32Array(2 * once.indices.length);
      const values = new Float64Array(2 * once.values.length);
      for (let i = 0; i < once.rows; i++) {
        const [a, b] = [once.indptr[i]!, once.indptr[i + 1]!];
        for (let p = a; p < b; p++) {
          const q = 2 * a + (b - 1 - p);
          indices[q] = once.indices[p]!;
          values[q] = once.values[p]! / 2;
          indices[q + (b - a)] = once.indices[p]!;
          values[q + (b - a)] = once.values[p]! / 2;
        }
      }
      const repeated: CsrMatrix = { format: 'csr', rows: once.rows, cols: once.cols, indptr, indices, values };
      const d = pcaSync(dense, { components: 4, seed: 2, backend });
      const r = pcaSync(repeated, { components: 4, seed: 2, backend });
      expectClose(r.totalVariance / d.totalVariance, 1, 1e-12, 'total variance');
      expectAllClose(r.explainedVarianceRatio, d.explainedVarianceRatio, 1e-10, 'ratio');
    });

    it('100000 x 20000 CSR with 1e6 non-zeros is never densified (peak memory far below the 16 GB dense size)', async () => {
      const A = randomCsr(100000, 20000, 1e6, 3);
      const before = process.memoryUsage().rss;
      let peak = before;
      const p = await pca(A, {
        components: 20, powerIters: 2, seed: 1, backend,
        onProgress: () => { peak = Math.max(peak, process.memoryUsage().rss); },
      });
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(p.components.rows).toBe(20);
      // Dense f64 would be 16 GB; the sketches (100000 x 30 and 20000 x 30, f64) and a CSC copy are ~60 MB.
      expectAtMost(peak - before, 600 * 2 ** 20, 'RSS growth in bytes');
    }, 120_000);

    it('rejects bad options', () => {
      const A = store(X, 'row-major', 'float64');
      for (const [options, argument] of [
        [{ components: 0 }, 'options.components'],
        [{ components: 61 }, 'options.components'],
        [{}, 'options.components'],
        [{ components: 2, center: false }, 'options.center'],
        [{ components: 2, rank: 2 }, 'options.rank'],
      ] as const) {
        let error: unknown;
        try {
          pcaSync(A, { ...options, backend } as never);
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(options)).toBeInstanceOf(RandlaError);
        expect((error as RandlaError).argument).toBe(argument);
      }
    });
  });
});
