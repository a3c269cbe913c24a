// nystrom() through the facade (docs/algorithms/nystrom.md) on every backend: exact low-rank
// PSD and indefinite matrices against ml-matrix's symmetric eigendecomposition, kernels,
// SymmetricOperators (sync and async), the same sampled indices on every backend, and bad input.
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { matrix, nystrom, nystromSync, RandlaError, type Matrix, type SymmetricOperator } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';
import { EPS64, expectAtMost, flow, tolerance } from './helpers/tolerance.js';

/** A = V diag(λ) Vᵀ with V seeded orthonormal columns (Gram–Schmidt of a deterministic matrix). */
function lowRankSymmetric(n: number, lambdas: number[], seed = 1): Matrix<Float64Array> {
  const r = lambdas.length;
  let s = seed;
  const rand = () => (((Math.sin(++s * 12.9898 + seed * 78.233) * 43758.5453) % 1) + 1) % 1 * 2 - 1;
  const V = Array.from({ length: r }, () => Float64Array.from({ length: n }, rand));
  for (let j = 0; j < r; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += V[j]![i]! * V[k]![i]!;
        for (let i = 0; i < n; i++) V[j]![i]! -= d * V[k]![i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += V[j]![i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) V[j]![i]! /= norm;
  }
  const data = new Float64Array(n * n);
  for (let k = 0; k < r; k++) {
    const v = V[k]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j]! += lambdas[k]! * v[i]! * v[j]!;
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) data[j * n + i] = data[i * n + j]!;  // exactly symmetric
  return matrix(data, n, n);
}

/** Exact eigenpairs by non-increasing |λ|. */
function exactPairs(A: Matrix<Float64Array>): { values: number[]; vectors: number[][] } {
  const e = new EigenvalueDecomposition(new MlMatrix(Array.from({ length: A.rows }, (_, i) => Array.from(A.data.subarray(i * A.cols, (i + 1) * A.cols)))), { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => Math.abs(b[0]) - Math.abs(a[0]) || b[0] - a[0]);
  const V = e.eigenvectorMatrix;
  return { values: order.map(([v]) => v), vectors: order.map(([, i]) => V.getColumn(i)) };
}

function checkPairs(result: { values: Float64Array; vectors: Matrix<Float64Array> }, A: Matrix<Float64Array>, r: number): void {
  const exact = exactPairs(A);
  const scale = Math.abs(exact.values[0]!);
  const n = A.rows;
  for (let j = 0; j < r; j++) {
    const diff = Math.abs(result.values[j]! - exact.values[j]!);
    expect(diff, `value ${j}: actual ${result.values[j]}, expected ${exact.values[j]}, tolerance ${tolerance.nystromExact * scale}`).toBeLessThanOrEqual(tolerance.nystromExact * scale);
    let dot = 0;
    for (let i = 0; i < n; i++) dot += result.vectors.data[i * r + j]! * exact.vectors[j]![i]!;
    const sinAngle = Math.sqrt(Math.max(0, 1 - dot * dot));
    expect(sinAngle, `vector ${j}: sin-angle ${sinAngle}, tolerance ${Math.sqrt(tolerance.nystromExact)}`).toBeLessThanOrEqual(Math.sqrt(tolerance.nystromExact));
  }
}

const lambdasPsd = Array.from({ length: 10 }, (_, i) => 10 / (i + 1));
const lambdasIndefinite = lambdasPsd.map((v, i) => (i % 3 === 1 ? -v : v));

describe.each(BACKENDS)('nystrom on $name', ({ name, available }) => {
  const backend = name;
  it.skipIf(!available)('reproduces exact low-rank PSD eigenpairs with every sampling', async () => {
    const A = lowRankSymmetric(120, lambdasPsd);
    const coords = matrix(Float64Array.from({ length: 240 }, (_, i) => (i % 2 ? Math.floor(i / 2) % 12 : Math.floor(i / 24))), 120, 2);
    for (const sampling of ['uniform', 'quasi-uniform', 'rpcholesky', 'gaussian'] as const) {
      const r = await nystrom(A, { rank: 5, columns: 20, sampling, coords, seed: 7, backend });
      expect(r.backend).toBe(backend);
      expect(r.method).toBe('psd');
      checkPairs(r, A, 5);
    }
  });

  it.skipIf(!available)('is exact on an indefinite low-rank matrix (auto → indefinite); psd refuses', async () => {
    const A = lowRankSymmetric(120, lambdasIndefinite, 3);
    const r = await nystrom(A, { rank: 6, columns: 20, coreRank: 10, seed: 5, backend });
    expect(r.method).toBe('indefinite');
    checkPairs(r, A, 6);
    await expect(nystrom(A, { rank: 6, columns: 20, method: 'psd', seed: 5, backend })).rejects.toMatchObject({ code: 'ERR_RANDLA_NOT_PSD' });
    const scaled = nystromSync(A, { rank: 6, columns: 20, method: 'scaled', coreRank: 10, seed: 5, backend });
    expect(scaled.method).toBe('scaled');
    expect(scaled.values.length).toBe(6);
  });

  it.skipIf(!available)('factors an RBF kernel given by its points', async () => {
    const points = matrix(Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 0.7) * 3), 200, 2);
    const r = await nystrom({ kernel: 'rbf', points, gamma: 0.5 }, { rank: 4, columns: 60, sampling: 'rpcholesky', seed: 2, backend });
    expect(r.method).toBe('psd');
    for (let j = 1; j < 4; j++) expect(r.values[j]!).toBeLessThanOrEqual(r.values[j - 1]!);
    expect(r.values[3]!).toBeGreaterThan(0);
  });

  it.skipIf(!available)('rejects bad input with stable codes', async () => {
    const A = lowRankSymmetric(30, [3, 2, 1]);
    const bad: [unknown, object, string][] = [
      [A, { rank: 2, columns: 5, sampling: 'random' }, 'ERR_RANDLA_INVALID_ARGUMENT'],
      [A, { rank: 2, columns: 31 }, 'ERR_RANDLA_INVALID_ARGUMENT'],
      [A, { rank: 6, columns: 5 }, 'ERR_RANDLA_INVALID_ARGUMENT'],
      [A, { rank: 2, columns: 5, sampling: 'quasi-uniform', coords: matrix(new Float64Array(20), 10, 2) }, 'ERR_RANDLA_SHAPE'],
      [A, { rank: 2, columns: 5, sampling: 'quasi-uniform' }, 'ERR_RANDLA_INVALID_ARGUMENT'],
      [A, { rank: 2, columns: 5, sampling: 'gaussian', method: 'scaled' }, 'ERR_RANDLA_INVALID_ARGUMENT'],
      [matrix(new Float64Array(6), 2, 3), { rank: 1, columns: 1 }, 'ERR_RANDLA_SHAPE'],
      [matrix(Float64Array.from([1, 2, 3, 1]), 2, 2), { rank: 1, columns: 1 }, 'ERR_RANDLA_NOT_SYMMETRIC'],
      [matrix(Float64Array.from([1, NaN, NaN, 1]), 2, 2), { rank: 1, columns: 1 }, 'ERR_RANDLA_NOT_FINITE'],
      [{ kernel: 'rbf', points: matrix(new Float64Array(4), 2, 2), gamma: -1 }, { rank: 1, columns: 1 }, 'ERR_RANDLA_INVALID_ARGUMENT'],
    ];
    for (const [input, options, code] of bad) {
      await expect(nystrom(input as Matrix, { ...options, backend } as never), JSON.stringify(options)).rejects.toMatchObject({ code });
    }
  });
});

describe('nystrom with a SymmetricOperator', () => {
  const A = lowRankSymmetric(80, lambdasPsd.slice(0, 6), 9);
  const columnsOf = (indices: Int32Array): Matrix => {
    const out = new Float64Array(80 * indices.length);
    for (let i = 0; i < 80; i++) for (let t = 0; t < indices.length; t++) out[i * indices.length + t] = A.data[i * 80 + indices[t]!]!;
    return matrix(out, 80, indices.length);
  };
  it('equals the dense result with the same seed, sync or async columns', async () => {
    const dense = await nystrom(A, { rank: 4, columns: 12, seed: 3, backend: 'reference' });
    const sync: SymmetricOperator = { size: 80, columns: columnsOf };
    const asyncOp: SymmetricOperator = { size: 80, columns: async (idx) => columnsOf(idx) };
    for (const op of [sync, asyncOp]) {
      const r = await nystrom(op, { rank: 4, columns: 12, seed: 3 });
      expect(Array.from(r.indices!)).toEqual(Array.from(dense.indices!));
      for (let j = 0; j < 4; j++) expect(Math.abs(r.values[j]! - dense.values[j]!)).toBeLessThanOrEqual(tolerance.nystromExact * dense.values[0]!);
    }
  });
  it('rejects columns of the wrong shape or with NaN, and gaussian sampling', async () => {
    await expect(nystrom({ size: 80, columns: () => matrix(new Float64Array(79), 79, 1) }, { rank: 1, columns: 1, seed: 1 })).rejects.toMatchObject({ code: 'ERR_RANDLA_SHAPE' });
    await expect(nystrom({ size: 80, columns: (idx) => matrix(new Float64Array(80 * idx.length).fill(NaN), 80, idx.length) }, { rank: 1, columns: 2, seed: 1 })).rejects.toMatchObject({ code: 'ERR_RANDLA_NOT_FINITE' });
    await expect(nystrom({ size: 80, columns: columnsOf }, { rank: 1, columns: 2, sampling: 'gaussian' })).rejects.toBeInstanceOf(RandlaError);
    await expect(nystrom({ size: 80, columns: columnsOf }, { rank: 1, columns: 2, sampling: 'rpcholesky' })).rejects.toBeInstanceOf(RandlaError);
  });
});

describe.skipIf(!BACKENDS.every((b) => b.available))('native and reference draw the same columns', () => {
  it('uniform, quasi-uniform and rpcholesky indices are identical; values agree', async () => {
    const A = lowRankSymmetric(150, lambdasPsd, 11);
    const coords = matrix(Float64Array.from({ length: 300 }, (_, i) => Math.cos(i * 1.3) * (i % 7)), 150, 2);
    for (const sampling of ['uniform', 'quasi-uniform', 'rpcholesky'] as const) {
      for (const seed of [1, 2, 0x0123456789abcdefn]) {
        const [nat, ref] = await Promise.all(['native', 'reference'].map((backend) => nystrom(A, { rank: 5, columns: 25, sampling, coords, seed, backend: backend as 'native' })));
        expect(Array.from(nat!.indices!), `${sampling} seed ${seed}`).toEqual(Array.from(ref!.indices!));
        for (let j = 0; j < 5; j++) expect(Math.abs(nat!.values[j]! - ref!.values[j]!)).toBeLessThanOrEqual(tolerance.nystromExact * ref!.values[0]!);
      }
    }
  });
});

describe.each(BACKENDS)('vortical network on $name', ({ name, available }) => {
  it.skipIf(!available)('columns match the reference network; nystrom finds a positive leading eigenvector', async () => {
    const { lambOseenField, vorticalNetwork } = await import('../src/index.js');
    const field = lambOseenField({ nx: 40, ny: 40, lx: 1, ly: 1, vortices: [{ x: 0.3, y: 0.5, circulation: 1, coreRadius: 0.08 }, { x: 0.7, y: 0.45, circulation: -0.8, coreRadius: 0.06 }] });
    const net = vorticalNetwork(field, { relativeThreshold: 0.05, backend: name });
    const ref = vorticalNetwork(field, { relativeThreshold: 0.05, backend: 'reference' });
    expect(net.size).toBe(ref.size);
    const idx = Int32Array.from([0, 5, net.size - 1]);
    const a = net.columns(idx), b = ref.columns(idx);
    for (let i = 0; i < a.data.length; i++) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThanOrEqual(16 * Number.EPSILON * Math.abs(b.data[i]!));
    const r = await nystrom(net, { rank: 3, columns: Math.min(200, net.size), sampling: 'quasi-uniform', seed: 4, backend: name });
    expect(r.method).toBe('indefinite');
    expect(r.values[0]!).toBeGreaterThan(0);
    for (let i = 0; i < net.size; i++) expect(r.vectors.data[i * 3]!).toBeGreaterThan(-1e-12);
  });

  it.skipIf(!available)('multiply: a block equals dense A·X and its one-column products; sync = async; bad x', async () => {
    const { lambOseenField, vorticalNetwork } = await import('../src/index.js');
    const field = lambOseenField({ nx: 30, ny: 30, lx: 1, ly: 1, vortices: [{ x: 0.4, y: 0.5, circulation: 1, coreRadius: 0.1 }] });
    const net = vorticalNetwork(field, { relativeThreshold: 0.02, backend: name });
    const n = net.size, b = 11;
    const A = net.columns(Int32Array.from({ length: n }, (_, j) => j));
    const X = matrix(Float64Array.from({ length: n * b }, (_, k) => Math.cos(0.013 * ((k * k) % 977) + 0.5)), n, b, 'row-major');
    const before = Float64Array.from(X.data);
    const Y = await net.multiply(X);
    expect(Y.rows).toBe(n);
    expect(Y.cols).toBe(b);
    expect(Y.layout).toBe('col-major');
    expect(X.data).toEqual(before);
    expect(net.multiplySync(X).data).toEqual(Y.data);
    let worst = 0;
    for (let c = 0; c < b; c++) {
      const x = Float64Array.from({ length: n }, (_, i) => X.data[i * b + c]!);
      const y = await net.multiply(x);
      for (let i = 0; i < n; i++) {
        expect(y[i]).toBe(Y.data[c * n + i]);
        let expected = 0, magnitude = 0;
        for (let j = 0; j < n; j++) {
          expected += A.data[j * n + i]! * x[j]!;
          magnitude += Math.abs(A.data[j * n + i]! * x[j]!);
        }
        worst = Math.max(worst, Math.abs(y[i]! - expected) / magnitude);
      }
    }
    // Each sum of n terms carries n·u of rounding; the entries a few u more.
    expectAtMost(worst, (n + 2) * EPS64 + flow.vorticalEntry, 'multiply vs dense A·X, relative to Σ|A||x|');
    const s = await net.strength();
    expect(net.strengthSync()).toEqual(s);
    await expect(net.multiply(new Float64Array(3))).rejects.toMatchObject({ code: 'ERR_RANDLA_SHAPE', argument: 'x' });
    await expect(net.multiply(matrix(new Float64Array(n * 0 + 6), 3, 2))).rejects.toMatchObject({ code: 'ERR_RANDLA_SHAPE', argument: 'x' });
    await expect(net.multiply(null as unknown as Float64Array)).rejects.toMatchObject({ code: 'ERR_RANDLA_INVALID_ARGUMENT', argument: 'x' });
  });
});
