// Randomized SVD (Halko, Martinsson, Tropp 2011) on every backend, against independent truth:
// matrices with known spectra (ml-matrix QR bases), exact residual norms (ml-matrix SVD),
// invariants, determinism, cross-backend agreement and bad input.
import { Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { matrix, RandlaError, rsvd, rsvdSync, toMlMatrix, type Layout, type Matrix, type RsvdResult } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { bytesOf, orthonormalityError, product, spectralNorm, store, withSpectrum } from './helpers/spectrum.js';
import { expectAtMost, expectClose, tolerance } from './helpers/tolerance.js';

const exactRank10 = withSpectrum(300, 200, Array.from({ length: 10 }, (_, i) => 1 / (i + 1)));
const polyDecay = withSpectrum(1000, 400, Array.from({ length: 400 }, (_, i) => (i + 1) ** -2), 3);

function checkSignRule(r: RsvdResult): void {
  for (let j = 0; j < r.S.length; j++) {
    let arg = 0;
    for (let i = 1; i < r.U.rows; i++) if (Math.abs(r.U.data[i * r.U.cols + j]!) > Math.abs(r.U.data[arg * r.U.cols + j]!)) arg = i;
    expect(r.U.data[arg * r.U.cols + j], `largest-|.| entry of U[:, ${j}]`).toBeGreaterThan(0);
    if (j > 0) expect(r.S[j], `S[${j}] <= S[${j - 1}]`).toBeLessThanOrEqual(r.S[j - 1]!);
  }
}

describe.each(BACKENDS)('rsvd on the $name backend', ({ name: backend, available }) => {
  describe.skipIf(!available)('', () => {
    describe.each([
      ['float64', 'row-major'],
      ['float64', 'col-major'],
      ['float32', 'row-major'],
      ['float32', 'col-major'],
    ] as const)('exact rank 10, 300 x 200, %s %s', (dtype, layout) => {
      it('recovers the spectrum, the matrix, orthonormal factors and canonical signs; leaves A untouched', async () => {
        const A = store(exactRank10.dense, layout as Layout, dtype);
        const before = bytesOf(A.data);
        const r = await rsvd(A, { rank: 10, oversamples: 10, powerIters: 2, seed: 7, backend });
        expect(bytesOf(A.data)).toEqual(before);
        expect(r.backend).toBe(backend);
        expect(r.dtype).toBe(dtype);
        expect(r.U.data).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
        expect([r.U.rows, r.U.cols, r.Vt.rows, r.Vt.cols]).toEqual([300, 10, 10, 200]);
        const given = toMlMatrix(A);
        const residual = given.clone().sub(product(r.U, r.S, r.Vt)).norm() / given.norm();
        expectAtMost(residual, tolerance.exactLowRankResidual[dtype], 'relative Frobenius residual');
        for (let i = 0; i < 10; i++) {
          expectClose(r.S[i]! / exactRank10.sigma[i]!, 1, tolerance.exactLowRankValues[dtype], `σ${i + 1} relative`);
        }
        expectAtMost(orthonormalityError(toMlMatrix(r.U)), tolerance.orthonormality[dtype], '‖UᵀU − I‖');
        expectAtMost(orthonormalityError(toMlMatrix(r.Vt).transpose()), tolerance.orthonormality[dtype], '‖VᵀV − I‖');
        checkSignRule(r);
      });
    });

    it('handles a wide matrix (200 x 300) by transposition', () => {
      const A = store(exactRank10.dense.transpose(), 'row-major', 'float64');
      const r = rsvdSync(A, { rank: 10, seed: 3, backend });
      expect([r.U.rows, r.U.cols, r.Vt.rows, r.Vt.cols]).toEqual([200, 10, 10, 300]);
      for (let i = 0; i < 10; i++) expectClose(r.S[i]! / exactRank10.sigma[i]!, 1, tolerance.exactLowRankValues.float64, `σ${i + 1}`);
      checkSignRule(r);
    });

    describe.each(['qr', 'lu'] as const)('polynomial decay 1000 x 400, σᵢ = i⁻², k = 20, p = 10, normalizer %s', (normalizer) => {
      it.each([
        [0, 3.0],
        [2, 1.05],
      ])('q = %i: ‖A − USVᵀ‖₂ <= %f · σ₂₁', async (powerIters, factor) => {
        const A = store(polyDecay.dense, 'row-major', 'float64');
        const r = await rsvd(A, { rank: 20, oversamples: 10, powerIters, normalizer, seed: 11, backend });
        const err = spectralNorm(polyDecay.dense.clone().sub(product(r.U, r.S, r.Vt)));
        expectAtMost(err, factor * polyDecay.sigma[20]!, `spectral error (σ₂₁ = ${polyDecay.sigma[20]})`);
      });
    });

    it('is deterministic for a given seed and returns the seed it used', async () => {
      const A = store(exactRank10.dense, 'col-major', 'float64');
      const a = await rsvd(A, { rank: 5, seed: 123n, backend });
      const b = await rsvd(A, { rank: 5, seed: 123n, backend });
      expect(a.seed).toBe(123n);
      expect(Array.from(a.S)).toEqual(Array.from(b.S));
      expect(Array.from(a.U.data)).toEqual(Array.from(b.U.data));
      expect(Array.from(a.Vt.data)).toEqual(Array.from(b.Vt.data));
      const random = await rsvd(A, { rank: 5, backend });
      expect(Number.isSafeInteger(random.seed)).toBe(true);
      const again = await rsvd(A, { rank: 5, seed: random.seed, backend });
      expect(Array.from(again.U.data)).toEqual(Array.from(random.U.data));
    });

    it('accepts number[][], ml-matrix and TypedArray views with a byteOffset', () => {
      const small = exactRank10.dense.subMatrix(0, 39, 0, 29);
      const rows = small.to2DArray();
      const fromRows = rsvdSync(rows, { rank: 3, seed: 1, backend });
      const fromMl = rsvdSync(small, { rank: 3, seed: 1, backend });
      const padded = new Float64Array(5 + 40 * 30);
      padded.set(small.to1DArray(), 5);
      const fromView = rsvdSync(matrix(padded.subarray(5), 40, 30), { rank: 3, seed: 1, backend });
      expect(Array.from(fromMl.S)).toEqual(Array.from(fromRows.S));
      expect(Array.from(fromView.S)).toEqual(Array.from(fromRows.S));
    });

    it('reports progress after each of the 2q + 2 passes and aborts on signal', async () => {
      const A = store(exactRank10.dense, 'row-major', 'float64');
      const passes: number[] = [];
      await rsvd(A, { rank: 5, powerIters: 3, seed: 1, backend, onProgress: (p) => { passes.push(p.pass); expect(p.totalPasses).toBe(8); } });
      expect(passes).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(rsvd(A, { rank: 5, seed: 1, backend, signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_RANDLA_ABORTED' });

      // Progress reaches JS asynchronously: give the native worker enough passes (122) that an
      // abort sent at the first report always lands before the last one.
      const midway = new AbortController();
      let reports = 0;
      const aborted = rsvd(A, {
        rank: 5, powerIters: 60, seed: 1, backend, signal: midway.signal,
        onProgress: () => { reports++; midway.abort(); },
      });
      await expect(aborted).rejects.toMatchObject({ code: 'ERR_RANDLA_ABORTED' });
      expect(reports).toBeLessThan(122);

      const thrown = rsvd(A, { rank: 5, seed: 1, backend, onProgress: () => { throw new Error('callback failed'); } });
      await expect(thrown).rejects.toThrow('callback failed');
    });

    describe('bad input rejects with a RandlaError naming the argument; the process survives', () => {
      const good = () => matrix(Float64Array.from({ length: 20 * 10 }, (_, i) => Math.sin(i)), 20, 10);
      const detached = () => {
        const m = good();
        structuredClone(m.data.buffer, { transfer: [m.data.buffer] });
        return m;
      };
      const cases: [string, () => unknown, Record<string, unknown>, string, string][] = [
        ['NaN', () => { const m = good(); m.data[13] = NaN; return m; }, { rank: 2 }, 'ERR_RANDLA_NOT_FINITE', 'A'],
        ['Infinity', () => { const m = good(); m.data[3] = -Infinity; return m; }, { rank: 2 }, 'ERR_RANDLA_NOT_FINITE', 'A'],
        ['rank 0', good, { rank: 0 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank'],
        ['rank -1', good, { rank: -1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank'],
        ['rank > min(m, n)', good, { rank: 11 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank'],
        ['rank 2.5', good, { rank: 2.5 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.rank'],
        ['negative oversamples', good, { rank: 2, oversamples: -1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.oversamples'],
        ['negative power iterations', good, { rank: 2, powerIters: -1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.powerIters'],
        ['unknown normalizer', good, { rank: 2, normalizer: 'svd' }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.normalizer'],
        ['bad seed', good, { rank: 2, seed: -4 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.seed'],
        ['unknown option', good, { rank: 2, tolerance: 1e-3 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'options.tolerance'],
        ['data.length ≠ rows·cols', () => ({ data: new Float64Array(199), rows: 20, cols: 10, layout: 'row-major' }), { rank: 2 }, 'ERR_RANDLA_SHAPE', 'A.data'],
        ['Int32Array data', () => ({ data: new Int32Array(200), rows: 20, cols: 10, layout: 'row-major' }), { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.data'],
        ['plain array data', () => ({ data: new Array(200).fill(1), rows: 20, cols: 10, layout: 'row-major' }), { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.data'],
        ['bad layout', () => ({ ...good(), layout: 'diagonal' }), { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.layout'],
        ['detached buffer', detached, { rank: 2 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A.data'],
        ['ragged number[][]', () => [[1, 2], [3]], { rank: 1 }, 'ERR_RANDLA_SHAPE', 'A[1]'],
        ['null input', () => null, { rank: 1 }, 'ERR_RANDLA_INVALID_ARGUMENT', 'A'],
      ];
      it.each(cases)('%s', async (_, makeA, options, code, argument) => {
        const A = makeA();
        for (const call of [() => rsvd(A as Matrix, { ...options, backend } as never), async () => rsvdSync(A as Matrix, { ...options, backend } as never)]) {
          const error = await call().then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(RandlaError);
          expect((error as RandlaError).code).toBe(code);
          expect((error as RandlaError).argument).toBe(argument);
          expect((error as RandlaError).message).toContain(argument);
        }
      });
      it('an input with NaN is rejected without being modified; checkFinite: false lets it through', async () => {
        const m = good();
        m.data[13] = NaN;
        const before = bytesOf(m.data);
        await expect(rsvd(m, { rank: 2, backend })).rejects.toMatchObject({ code: 'ERR_RANDLA_NOT_FINITE' });
        expect(bytesOf(m.data)).toEqual(before);
        // With the check off the computation runs; NaN propagates but nothing crashes.
        const r = await rsvd(m, { rank: 2, backend, checkFinite: false, seed: 1 }).catch((e: RandlaError) => e);
        expect(r instanceof RandlaError ? r.code : 'ok').toMatch(/^(ok|ERR_RANDLA_)/);
      });
    });
  });
});

describe('native and reference agree for the same seed', () => {
  const native = BACKENDS.find((b) => b.name === 'native')!;
  it.skipIf(!native.available)('S to 1e-10 relative, f64 and f32, qr and lu, both sketches', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const normalizer of ['qr', 'lu'] as const) {
        for (const sketch of ['gaussian', 'rademacher'] as const) {
          const A = store(polyDecay.dense, 'row-major', dtype);
          const options = { rank: 20, oversamples: 10, powerIters: 2, normalizer, sketch, seed: 99 };
          const n = rsvdSync(A, { ...options, backend: 'native' });
          const r = rsvdSync(A, { ...options, backend: 'reference' });
          // f32: native computes in f32, the reference in f64, so they agree to f32 rounding.
          const tol = dtype === 'float64' ? tolerance.backendsAgree : tolerance.exactLowRankValues.float32;
          for (let i = 0; i < 20; i++) expectClose(n.S[i]! / r.S[i]!, 1, tol, `${dtype} ${normalizer} ${sketch} S[${i}] native/reference`);
          if (dtype === 'float64') {
            // Same sketch, same signs: the leading singular vectors agree entry-wise.
            for (let i = 0; i < 1000; i++) expectClose(n.U.data[i * 20]!, r.U.data[i * 20]!, 1e-8, `U[${i}, 0]`);
          }
        }
      }
    }
  });
});

describe('ml-matrix interop', () => {
  it('an ml-matrix Matrix input gives the same factors as its Float64Array', () => {
    const ml = new MlMatrix(exactRank10.dense.to2DArray());
    const a = rsvdSync(ml, { rank: 4, seed: 5, backend: 'reference' });
    const b = rsvdSync(store(exactRank10.dense, 'row-major', 'float64'), { rank: 4, seed: 5, backend: 'reference' });
    expect(Array.from(a.S)).toEqual(Array.from(b.S));
  });
});
