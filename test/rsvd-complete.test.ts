// The complete randomized SVD through the public facade, on every backend: every sketch and
// normalizer, fixed accuracy (Yu, Gu, Li 2018), the a posteriori error, centering, CSR and
// LinearOperator input, computeU/computeV, transpose, the auto rules, and bad input.
// Truth: matrices with known spectra and exact (ml-matrix) residual norms.
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { csrFromDense, csrToDense, matrix, RandlaError, rsvd, rsvdSync, toMlMatrix, type CsrMatrix, type LinearOperator, type Matrix } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { product, spectralNorm, store, withSpectrum } from './helpers/spectrum.js';
import { expectAllClose, expectAtMost, expectClose, tolerance } from './helpers/tolerance.js';

const SKETCHES = ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht'] as const;
const NORMALIZERS = ['qr', 'lu', 'cholqr2', 'none'] as const;

const poly = withSpectrum(600, 300, Array.from({ length: 300 }, (_, i) => (i + 1) ** -2), 5);
const expo = withSpectrum(400, 250, Array.from({ length: 250 }, (_, i) => Math.exp(-0.25 * i)), 9);

/** The smallest rank whose truncation error ‖A − A_k‖_F/‖A‖_F is <= tol, from σ. */
function optimalRank(sigma: number[], tol: number): number {
  const total = sigma.reduce((s, v) => s + v * v, 0);
  let tail = total;
  for (let k = 0; k < sigma.length; k++) {
    if (Math.sqrt(tail / total) <= tol) return k;
    tail -= sigma[k]! ** 2;
  }
  return sigma.length;
}

/** A dense matrix seen only through its products (LinearOperator), optionally asynchronous. */
function operatorOf(A: Matrix, async: boolean): LinearOperator & { calls: number } {
  const ml = toMlMatrix(A);
  const wrap = (m: MlMatrix): Matrix => matrix(Float64Array.from(m.to1DArray()), m.rows, m.columns);
  const op = {
    rows: A.rows,
    cols: A.cols,
    calls: 0,
    matmul(X: Matrix<Float64Array>) {
      op.calls++;
      const r = wrap(ml.mmul(toMlMatrix(X)));
      return async ? Promise.resolve(r) : r;
    },
    rmatmul(X: Matrix<Float64Array>) {
      op.calls++;
      const r = wrap(ml.transpose().mmul(toMlMatrix(X)));
      return async ? Promise.resolve(r) : r;
    },
  };
  return op;
}

function tridiagonal(n: number): CsrMatrix<Float64Array> {
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const j of [i - 1, i, i + 1]) {
      if (j < 0 || j >= n) continue;
      indices.push(j);
      values.push(j === i ? 2 + Math.sin(i) : -1);
    }
    indptr[i + 1] = indices.length;
  }
  return { format: 'csr', rows: n, cols: n, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

describe.each(BACKENDS)('complete rsvd on the $name backend', ({ name: backend, available }) => {
  describe.skipIf(!available)('', () => {
    const A = store(poly.dense, 'row-major', 'float64');

    it.each(SKETCHES.flatMap((s) => NORMALIZERS.map((n) => [s, n] as const)))('sketch %s, normalizer %s: polynomial decay 600 x 300, k = 20, q = 2: ‖A − USVᵀ‖₂ <= 1.05 σ₂₁', async (sketch, normalizer) => {
      const r = await rsvd(A, { rank: 20, oversamples: 10, powerIters: 2, sketch, normalizer, seed: 21, backend });
      const err = spectralNorm(poly.dense.clone().sub(product(r.U, r.S, r.Vt)));
      expectAtMost(err, 1.05 * poly.sigma[20]!, `spectral error (σ₂₁ = ${poly.sigma[20]})`);
      expect(r.normalizer).toBe(normalizer);
    });

    it.each([
      [0, 2.5],
      [1, 1.01],
    ])('exponential decay 400 x 250, k = 15, p = 5, q = %i: ‖A − USVᵀ‖₂ <= %f σ₁₆', async (powerIters, factor) => {
      const E = store(expo.dense, 'col-major', 'float64');
      const r = await rsvd(E, { rank: 15, oversamples: 5, powerIters, seed: 4, backend });
      const err = spectralNorm(expo.dense.clone().sub(product(r.U, r.S, r.Vt)));
      expectAtMost(err, factor * expo.sigma[15]!, `spectral error (σ₁₆ = ${expo.sigma[15]})`);
    });

    it.each([1e-1, 1e-2, 1e-4])('fixed accuracy tol %f: error <= tol, rank within 10 percent of optimal', async (tol) => {
      const r = await rsvd(A, { tol, blockSize: 8, seed: 3, backend });
      const achieved = poly.dense.clone().sub(product(r.U, r.S, r.Vt)).norm() / poly.dense.norm();
      expectAtMost(achieved, tol, `achieved relative Frobenius error (rank ${r.rank})`);
      const best = optimalRank(poly.sigma, tol);
      expectAtMost(r.rank, Math.ceil(1.1 * best), `rank chosen (optimal ${best})`);
      expect(r.converged).toBe(true);
      expectAtMost(r.relativeError!, tol, 'reported relative error');
      expectClose(r.relativeError!, achieved, 1e-3 * tol + 1e-12, 'reported vs achieved relative error');
    });

    it('fixed accuracy that cannot be met within maxRank reports it', async () => {
      const r = await rsvd(A, { tol: 1e-6, maxRank: 12, blockSize: 5, seed: 3, backend });
      expect(r.converged).toBe(false);
      expect(r.rank).toBe(12);
    });

    it('estimateError is within [0.9, 1] of the exact ‖A − USVᵀ‖₂', async () => {
      const r = await rsvd(A, { rank: 10, powerIters: 1, estimateError: true, seed: 8, backend });
      const exact = spectralNorm(poly.dense.clone().sub(product(r.U, r.S, r.Vt)));
      expectAtMost(0.9 * exact, r.spectralError!, 'estimate from below');
      expectAtMost(r.spectralError!, exact * (1 + 1e-10), 'estimate never above the exact norm');
    });

    it('center: singular values of the centered matrix, the mean, dense and CSR alike', async () => {
      const low = withSpectrum(300, 80, [5, 4, 3, 2, 1], 12);
      const mu = Array.from({ length: 80 }, (_, j) => 10 + Math.cos(j));
      const shifted = low.dense.clone();
      for (let i = 0; i < 300; i++) for (let j = 0; j < 80; j++) shifted.set(i, j, shifted.get(i, j) + mu[j]!);
      const centered = shifted.clone().subRowVector(shifted.mean('column'));
      const exact = new SingularValueDecomposition(centered, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
      const dense = store(shifted, 'col-major', 'float64');
      const r = await rsvd(dense, { rank: 5, center: true, seed: 2, backend });
      for (let i = 0; i < 5; i++) expectClose(r.S[i]! / exact[i]!, 1, tolerance.exactLowRankValues.float64, `σ${i + 1} of the centered matrix`);
      expectAllClose(r.mean!, shifted.mean('column'), 1e-12, 'mean');
      const sparse = csrFromDense(store(shifted, 'row-major', 'float64'));
      const s = await rsvd(sparse, { rank: 5, center: true, seed: 2, backend });
      expectAllClose(s.S, r.S, 1e-10 * r.S[0]!, 'CSR vs dense S');
      expectAllClose(s.Vt.data, r.Vt.data, 1e-8, 'CSR vs dense Vt');
    });

    it('sparse tridiagonal 3000 x 3000: CSR gives the dense result for the same seed', async () => {
      const T = tridiagonal(3000);
      const dense = csrToDense(T);
      const options = { rank: 6, oversamples: 8, powerIters: 2, seed: 17, backend } as const;
      const s = await rsvd(T, options);
      const d = await rsvd(dense, options);
      expectAllClose(s.S, d.S, 1e-10 * d.S[0]!, 'S');
      expectAllClose(s.U.data, d.U.data, 1e-8, 'U');
    });

    it.each([false, true])('LinearOperator (async matmul: %s) gives the dense result for the same seed', async (async) => {
      const E = store(expo.dense, 'row-major', 'float64');
      const op = operatorOf(E, async);
      const options = { rank: 8, oversamples: 6, powerIters: 2, seed: 5, backend } as const;
      const o = await rsvd(op, options);
      const d = await rsvd(E, options);
      expect(op.calls).toBe(2 * 2 + 2);
      expectAllClose(o.S, d.S, 1e-10 * d.S[0]!, 'S');
      expectAllClose(o.U.data, d.U.data, 1e-8, 'U');
      expectAllClose(o.Vt.data, d.Vt.data, 1e-8, 'Vt');
    });

    it('computeU / computeV leave out a factor and change nothing else; transpose gives the same answer', async () => {
      const full = await rsvd(A, { rank: 6, seed: 9, backend });
      const noU = await rsvd(A, { rank: 6, seed: 9, backend, computeU: false });
      const noV = await rsvd(A, { rank: 6, seed: 9, backend, computeV: false });
      expect(noU.U).toBeUndefined();
      expect(noV.Vt).toBeUndefined();
      expect(Array.from(noU.Vt.data)).toEqual(Array.from(full.Vt.data));
      expect(Array.from(noV.U.data)).toEqual(Array.from(full.U.data));
      const t = await rsvd(A, { rank: 6, seed: 9, backend, transpose: true });
      expectAllClose(t.S, full.S, 1e-8 * full.S[0]!, 'S with the range finder on Aᵀ');
    });

    it("resolves powerIters 'auto' and normalizer 'auto' like scikit-learn", async () => {
      const small = await rsvd(A, { rank: 20, powerIters: 'auto', normalizer: 'auto', seed: 1, backend });
      expect([small.powerIters, small.normalizer]).toEqual([7, 'lu']); // 10·20 < 300
      const large = await rsvd(A, { rank: 40, powerIters: 'auto', seed: 1, backend });
      expect(large.powerIters).toBe(4);
      const none = await rsvd(A, { rank: 5, powerIters: 2, normalizer: 'auto', seed: 1, backend });
      expect(none.normalizer).toBe('none');
    });

    describe('bad input for the new options and input kinds', () => {
      const good = () => matrix(Float64Array.from({ length: 30 * 12 }, (_, i) => Math.sin(i)), 30, 12);
      const csr = () => csrFromDense(good());
      const cases: [string, () => unknown, Record<string, unknown>, string, string][] = [
        ['tol 0', good, { tol: 0 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.tol'],
        ['tol 1', good, { tol: 1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.tol'],
        ['tol -0.1', good, { tol: -0.1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.tol'],
        ['rank and tol', good, { rank: 2, tol: 0.1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank'],
        ['blockSize 0', good, { tol: 0.1, blockSize: 0 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.blockSize'],
        ['blockSize -3', good, { tol: 0.1, blockSize: -3 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.blockSize'],
        ['maxRank 13', good, { tol: 0.1, maxRank: 13 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.maxRank'],
        ['unknown sketch', good, { rank: 2, sketch: 'cauchy' }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sketch'],
        ['sparseNnz 0', good, { rank: 2, sketch: 'sparse-sign', sparseNnz: 0 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.sparseNnz'],
        ['errorIters 0', good, { rank: 2, estimateError: true, errorIters: 0 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.errorIters'],
        ['transpose "yes"', good, { rank: 2, transpose: 'yes' }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.transpose'],
        ['center "yes"', good, { rank: 2, center: 'yes' }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.center'],
        ['CSR indptr not monotone', () => { const c = csr(); c.indptr[5] = c.indptr[4]! - 1; return c; }, { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.indptr'],
        ['CSR index out of range', () => { const c = csr(); c.indices[7] = 12; return c; }, { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.indices'],
        ['CSR Float64Array indices', () => ({ ...csr(), indices: new Float64Array(csr().indices) }), { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.indices'],
        ['CSR NaN value', () => { const c = csr(); c.values[3] = NaN; return c; }, { rank: 2 }, 'ERR_RANDLA_NOT_FINITE', 'A'],
      ];
      it.each(cases)('%s', async (_, makeA, options, code, argument) => {
        const input = makeA();
        for (const call of [() => rsvd(input as Matrix, { ...options, backend } as never), async () => rsvdSync(input as Matrix, { ...options, backend } as never)]) {
          const error = await call().then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(RandlaError);
          expect((error as RandlaError).code).toBe(code);
          expect((error as RandlaError).argument).toBe(argument);
        }
      });

      it('a LinearOperator returning the wrong shape, NaN, or with tol is rejected', async () => {
        const E = good();
        const wrongShape: LinearOperator = { rows: 30, cols: 12, matmul: () => matrix(new Float64Array(4), 2, 2), rmatmul: () => matrix(new Float64Array(4), 2, 2) };
        await expect(rsvd(wrongShape, { rank: 2, backend })).rejects.toMatchObject({ code: 'ERR_RANDLA_SHAPE', argument: 'A.matmul' });
        const op = operatorOf(E, false);
        const nan: LinearOperator = { ...op, matmul: (X) => { const r = op.matmul(X) as Matrix; r.data[0] = NaN; return r; } };
        await expect(rsvd(nan, { rank: 2, backend })).rejects.toMatchObject({ code: 'ERR_RANDLA_NOT_FINITE', argument: 'A.matmul' });
        await expect(rsvd(op, { tol: 0.1, backend })).rejects.toMatchObject({ code: 'ERR_RANDLA_INVALID_ARGUMENT', argument: 'options.tol' });
        expect(() => rsvdSync(op as never, { rank: 2, backend })).toThrow(RandlaError);
      });
    });
  });
});

describe('native robustness', () => {
  const native = BACKENDS.find((b) => b.name === 'native')!;
  it.skipIf(!native.available)('CSR indices rewritten by JS while the worker runs cannot make it index out of bounds', async () => {
    const T = tridiagonal(2000);
    let first = true;
    const r = await rsvd(T, {
      rank: 4, powerIters: 6, seed: 1, backend: 'native',
      onProgress: () => {
        if (first) T.indices.fill(2_000_000_000);
        first = false;
      },
    });
    // The native call works on its own copy of the structure, validated before the first pass.
    const d = await rsvd(csrToDense(tridiagonal(2000)), { rank: 4, powerIters: 6, seed: 1, backend: 'native' });
    expectAllClose(r.S, d.S, 1e-10 * d.S[0]!, 'S from the structure as it was at the call');
  });

  it.skipIf(!native.available)('the addon loaded in a worker thread (alive, then terminated) leaves the main thread working', async () => {
    const { Worker } = await import('node:worker_threads');
    const { createRequire } = await import('node:module');
    const path = process.env.RANDLA_ADDON_PATH ?? createRequire(import.meta.url).resolve('../build/Release/randla.node');
    const worker = new Worker(`require(${JSON.stringify(path)}); require('node:worker_threads').parentPort.postMessage('loaded');`, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    const A = store(expo.dense, 'row-major', 'float64');
    const alive = await rsvd(A, { rank: 3, seed: 1, backend: 'native' });
    await worker.terminate();
    const after = await rsvd(A, { rank: 3, seed: 1, backend: 'native' });
    expect(Array.from(after.S)).toEqual(Array.from(alive.S));
  });
});

describe('native and reference agree for the same seed on the new options', () => {
  const native = BACKENDS.find((b) => b.name === 'native')!;
  it.skipIf(!native.available)('every sketch, cholqr2, fixed accuracy, center and CSR', () => {
    const A = store(poly.dense, 'row-major', 'float64');
    const cases: Record<string, unknown>[] = [
      ...SKETCHES.map((sketch) => ({ rank: 12, sketch, seed: 31 })),
      { rank: 12, normalizer: 'cholqr2', seed: 31 },
      { tol: 1e-3, blockSize: 6, seed: 31 },
      { rank: 12, center: true, seed: 31 },
      { rank: 12, estimateError: true, seed: 31 },
    ];
    for (const options of cases) {
      const n = rsvdSync(A, { ...options, backend: 'native' } as never);
      const r = rsvdSync(A, { ...options, backend: 'reference' } as never);
      const what = JSON.stringify(options);
      expect(n.rank, what).toBe(r.rank);
      expectAllClose(n.S, r.S, tolerance.backendsAgree * n.S[0]!, `${what} S`);
      if (n.spectralError !== undefined) expectClose(n.spectralError, r.spectralError!, 1e-8 * n.S[0]!, `${what} spectralError`);
      if (n.relativeError !== undefined) expectClose(n.relativeError, r.relativeError!, 1e-8, `${what} relativeError`);
    }
    const T = tridiagonal(500);
    const n = rsvdSync(T, { rank: 5, seed: 2, backend: 'native' });
    const r = rsvdSync(T, { rank: 5, seed: 2, backend: 'reference' });
    expectAllClose(n.S, r.S, tolerance.backendsAgree * n.S[0]!, 'CSR S');
  });
});
