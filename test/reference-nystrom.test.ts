// Nyström on the reference backend (docs/algorithms/nystrom.md) against exact decompositions
// (ml-matrix's symmetric eigendecomposition of the formed matrix), Tropp et al.'s expected-error
// bound, RPCholesky's advantage on outliers, and the exact sampling rules with fixed index lists
// that the native core must reproduce.
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { kernelColumns, kernelMatrix, kernelProduct } from '../src/backend/reference/kernel_operator.js';
import { nystromReference, nystromReferenceSync } from '../src/backend/reference/nystrom.js';
import { quasiUniformCells, quasiUniformColumns, uniformColumns } from '../src/backend/reference/nystrom_sampling.js';
import { PassCounter, runSync } from '../src/backend/reference/passes.js';
import { nystromColumnWords, seedKey, STREAM_NYSTROM_COLUMNS, STREAM_NYSTROM_SKETCH, uniformOfTwoWords } from '../src/backend/reference/philox.js';
import { rpcholeskySteps } from '../src/backend/reference/rpcholesky.js';
import type { NystromInput, NystromMethod, NystromOutput, NystromRequest, NystromSampling } from '../src/backend/types.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import type { Matrix, Progress } from '../src/types.js';
import { bytesOf, lcg, orthonormal, store } from './helpers/spectrum.js';
import { expectAllClose, expectAtMost, expectClose, referenceNystrom as tol, tolerance } from './helpers/tolerance.js';

// ---------------------------------------------------------------------------------------------
// helpers

const SEED = 0x0123456789abcdefn;

function request(input: NystromInput, overrides: Partial<NystromRequest> = {}): NystromRequest {
  const columns = overrides.columns ?? 10;
  const rank = overrides.rank ?? Math.min(5, columns);
  return {
    input,
    rank,
    columns,
    sampling: 'uniform',
    method: 'auto',
    coreRank: rank,
    coreTolerance: 10 * columns * 2 ** -53,
    blockSize: Math.ceil(columns / 10),
    seed: 42n,
    ...overrides,
  };
}

/** A = V·diag(λ)·Vᵀ with V (n × k) orthonormal: the matrix and its exact nonzero eigenpairs. */
function withEigenpairs(n: number, lambda: number[], seed: number): { A: MlMatrix; V: MlMatrix; lambda: number[] } {
  const V = orthonormal(n, lambda.length, seed);
  const VL = V.clone();
  for (let j = 0; j < lambda.length; j++) for (let i = 0; i < n; i++) VL.set(i, j, VL.get(i, j) * lambda[j]!);
  const A = VL.mmul(V.transpose());
  // Exactly symmetric, as a symmetric input has to be (the facade checks; the cores assume it).
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A.set(j, i, A.get(i, j));
  return { A, V, lambda };
}

function dense(A: MlMatrix, layout: 'row-major' | 'col-major' = 'row-major'): NystromInput {
  return { kind: 'dense', A: store(A, layout, 'float64') };
}

/** Random 2-D points in [0, 1)², row-major n × 2. */
function randomPoints(n: number, seed: number): Matrix {
  const next = lcg(seed);
  return { data: Float64Array.from({ length: 2 * n }, () => next() + 0.5), rows: n, cols: 2, layout: 'row-major' };
}

/** Column j of the output's vectors. */
function vectorOf(out: NystromOutput, j: number): Float64Array {
  const { data, rows, cols } = out.vectors;
  return Float64Array.from({ length: rows }, (_, i) => data[i * cols + j]!);
}

/** Eigenpairs of the formed matrix by ml-matrix, by non-increasing |λ|. */
function exactEigenpairs(A: MlMatrix): { values: number[]; vectors: Float64Array[] } {
  const evd = new EigenvalueDecomposition(A, { assumeSymmetric: true });
  const d = evd.realEigenvalues;
  const order = d.map((_, i) => i).sort((a, b) => Math.abs(d[b]!) - Math.abs(d[a]!) || d[b]! - d[a]!);
  const V = evd.eigenvectorMatrix;
  return {
    values: order.map((i) => d[i]!),
    vectors: order.map((i) => Float64Array.from({ length: A.rows }, (_, r) => V.get(r, i))),
  };
}

/** ‖u − s·v‖₂ with s = sign(uᵀv): the eigenvector error, invariant to the eigenvector's sign. */
function vectorDistance(u: Float64Array, v: Float64Array): number {
  let dot = 0;
  for (let i = 0; i < u.length; i++) dot += u[i]! * v[i]!;
  const s = dot < 0 ? -1 : 1;
  let sq = 0;
  for (let i = 0; i < u.length; i++) sq += (u[i]! - s * v[i]!) ** 2;
  return Math.sqrt(sq);
}

function expectEigenpairs(out: NystromOutput, exact: { values: number[]; vectors: Float64Array[] }, what: string): void {
  const r = out.values.length;
  const scale = Math.abs(exact.values[0]!);
  for (let j = 0; j < r; j++) {
    expectClose(out.values[j]!, exact.values[j]!, tolerance.nystromExact * scale, `${what}: value ${j}`);
    expectAtMost(vectorDistance(vectorOf(out, j), exact.vectors[j]!), tolerance.nystromExact, `${what}: vector ${j}`);
  }
}

/** The columns of out.vectors span the exact leading eigenvectors: ‖(I − VVᵀ)·v̂_j‖ / ‖v̂_j‖ ≤ tol. */
function expectSameSpan(out: NystromOutput, exact: { vectors: Float64Array[] }, what: string): void {
  const r = out.values.length;
  for (let j = 0; j < r; j++) {
    const u = vectorOf(out, j);
    const residual = Float64Array.from(u);
    for (let k = 0; k < r; k++) {
      const v = exact.vectors[k]!;
      let dot = 0;
      for (let i = 0; i < u.length; i++) dot += v[i]! * u[i]!;
      for (let i = 0; i < u.length; i++) residual[i] -= dot * v[i]!;
    }
    expectAtMost(Math.hypot(...residual) / Math.hypot(...u), tolerance.nystromExact, `${what}: vector ${j} outside the span`);
  }
}

/** The canonical output form: |values| non-increasing, each vector's first largest-|.| entry positive. */
function expectCanonical(out: NystromOutput, n: number, r: number): void {
  expect(out.values).toBeInstanceOf(Float64Array);
  expect(out.values.length).toBe(r);
  expect(out.vectors).toMatchObject({ rows: n, cols: r, layout: 'row-major' });
  for (let j = 1; j < r; j++) expect(Math.abs(out.values[j]!)).toBeLessThanOrEqual(Math.abs(out.values[j - 1]!));
  for (let j = 0; j < r; j++) {
    const v = vectorOf(out, j);
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(v[i]!) > Math.abs(v[best]!)) best = i;
    expect(v[best]!).toBeGreaterThanOrEqual(0);
  }
}

/** Â = V·diag(values)·Vᵀ of an output. */
function approximation(out: NystromOutput): MlMatrix {
  const { rows: n, cols: r } = out.vectors;
  const V = new MlMatrix(n, r);
  const VL = new MlMatrix(n, r);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) {
      V.set(i, j, out.vectors.data[i * r + j]!);
      VL.set(i, j, out.vectors.data[i * r + j]! * out.values[j]!);
    }
  }
  return VL.mmul(V.transpose());
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function expectCode(f: () => unknown, code: string): RandlaError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RandlaError);
  expect((caught as RandlaError).code).toBe(code);
  return caught as RandlaError;
}

/** A symmetric operator over a formed matrix, counting the columns it was asked for. */
function operatorOf(A: MlMatrix, opts: { async?: boolean; diagonal?: boolean } = {}): NystromInput & { asked: number[] } {
  const n = A.rows;
  const asked: number[] = [];
  const columns = (indices: Int32Array): Float64Array | Promise<Float64Array> => {
    const out = new Float64Array(n * indices.length);
    indices.forEach((j, t) => {
      asked.push(j);
      for (let i = 0; i < n; i++) out[t * n + i] = A.get(i, j);
    });
    return opts.async ? Promise.resolve(out) : out;
  };
  const input = { kind: 'operator' as const, size: n, columns, asked };
  return opts.diagonal === false ? input : { ...input, diagonal: () => Float64Array.from({ length: n }, (_, i) => A.get(i, i)) };
}

// ---------------------------------------------------------------------------------------------
// exact low rank

describe('exact low-rank PSD matrix (n = 200, rank 10, l = 15)', () => {
  const n = 200;
  const lambda = Array.from({ length: 10 }, (_, i) => 10 - i);
  const { A } = withEigenpairs(n, lambda, 3);
  const exact = exactEigenpairs(A);
  const coords = randomPoints(n, 11);

  const cases: [NystromSampling, NystromMethod, number][] = [
    ['uniform', 'auto', 15],
    ['uniform', 'psd', 15],
    ['uniform', 'indefinite', 15],
    ['quasi-uniform', 'auto', 15],
    ['quasi-uniform', 'psd', 15],
    ['quasi-uniform', 'indefinite', 15],
    ['gaussian', 'auto', 15],
    ['gaussian', 'psd', 15],
    ['gaussian', 'indefinite', 15],
    // l = rank: every pivot carries signal; l > rank: the later pivots meet a residual of rounding
    // noise, whose failed Cholesky ends the sampling early.
    ['rpcholesky', 'auto', 10],
    ['rpcholesky', 'auto', 15],
    ['rpcholesky', 'indefinite', 10],
    ['rpcholesky', 'scaled', 10],
  ];
  for (const [sampling, method, columns] of cases) {
    it(`${sampling} × ${method} reproduces the eigenpairs to 1e-8`, () => {
      for (const layout of ['row-major', 'col-major'] as const) {
        const out = nystromReferenceSync(request(dense(A, layout), { sampling, method, columns, rank: 10, coreRank: 10, coords, seed: 5n }));
        expectCanonical(out, n, 10);
        expect(out.method).toBe(method === 'auto' ? 'psd' : method);
        if (sampling === 'rpcholesky') expect(out.columns).toBeGreaterThanOrEqual(10);
        else expect(out.columns).toBe(columns);
        if (sampling === 'gaussian') expect(out.indices).toBeUndefined();
        else expect(new Set(out.indices).size).toBe(out.columns);
        // Williams–Seeger's values are (n/l)·λ(W), not λ(A): they are exact only when l = n. Its
        // vectors span the right space: checked through the projector below.
        if (method === 'scaled') expectSameSpan(out, exact, `${sampling}/${method}/${layout}`);
        else expectEigenpairs(out, exact, `${sampling}/${method}/${layout}`);
      }
    });
  }

  it('scaled gives Williams–Seeger: (n/l)·eig(W) and √(l/n)·C·v/λ, from an independent eigendecomposition of W', () => {
    const l = 15;
    const out = nystromReferenceSync(request(dense(A), { method: 'scaled', columns: l, rank: 10, coreRank: 10, seed: 5n }));
    expect(out.method).toBe('scaled');
    const S = Array.from(out.indices!);
    const W = new MlMatrix(l, l);
    for (let a = 0; a < l; a++) for (let b = 0; b < l; b++) W.set(a, b, A.get(S[a]!, S[b]!));
    const w = exactEigenpairs(W);
    for (let j = 0; j < 10; j++) {
      expectClose(out.values[j]!, (n / l) * w.values[j]!, tolerance.nystromExact * (n / l) * w.values[0]!, `scaled value ${j}`);
      const expected = Float64Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let t = 0; t < l; t++) s += A.get(i, S[t]!) * w.vectors[j]![t]!;
        return (Math.sqrt(l / n) * s) / w.values[j]!;
      });
      const norm = Math.hypot(...expected);
      expectAtMost(vectorDistance(vectorOf(out, j), expected) / norm, tolerance.nystromExact, `scaled vector ${j}`);
    }
  });

  it('f32 input is read exactly and factored in f64', () => {
    const f32 = store(A, 'row-major', 'float32');
    const widened: Matrix = { ...f32, data: Float64Array.from(f32.data) };
    const a = nystromReferenceSync(request({ kind: 'dense', A: f32 }, { columns: 15, rank: 10, coreRank: 10 }));
    const b = nystromReferenceSync(request({ kind: 'dense', A: widened }, { columns: 15, rank: 10, coreRank: 10 }));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.vectors.data)).toEqual(Array.from(b.vectors.data));
  });

  it('never mutates its input', () => {
    const M = store(A, 'col-major', 'float64');
    const before = bytesOf(M.data);
    for (const sampling of ['uniform', 'rpcholesky', 'gaussian'] as const) {
      nystromReferenceSync(request({ kind: 'dense', A: M }, { sampling, columns: 10, rank: 10, coreRank: 10 }));
    }
    expect(bytesOf(M.data)).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// stable Nyström: Tropp, Yurtsever, Udell, Cevher 2017

describe('stable Nyström (gaussian, psd) on λ_i = i⁻², n = 300', () => {
  it('mean nuclear-norm error of the rank-10 result over 20 seeds is within (1 + r/(l − r − 1))·tail; no negative values', () => {
    const n = 300;
    const r = 10;
    const l = 30;
    const lambda = Array.from({ length: n }, (_, i) => (i + 1) ** -2);
    const { A } = withEigenpairs(n, lambda, 21);
    const tail = lambda.slice(r).reduce((s, x) => s + x, 0);
    const bound = (1 + r / (l - r - 1)) * tail;
    let sum = 0;
    const seeds = 20;
    for (let seed = 0; seed < seeds; seed++) {
      const out = nystromReferenceSync(request(dense(A), { sampling: 'gaussian', method: 'psd', columns: l, rank: r, coreRank: r, seed: BigInt(seed) }));
      for (const v of out.values) expect(v).toBeGreaterThanOrEqual(0);
      const E = A.clone().sub(approximation(out));
      sum += new EigenvalueDecomposition(E, { assumeSymmetric: true }).realEigenvalues.reduce((s, x) => s + Math.abs(x), 0);
    }
    expectAtMost(sum / seeds, bound, 'mean ‖A − Â_r‖_*');
    // The bound is not vacuous: the error is at least the optimum, the tail (Eckart–Young).
    expect(sum / seeds).toBeGreaterThanOrEqual(tail * (1 - tol.exactRelative));
  });
});

// ---------------------------------------------------------------------------------------------
// indefinite input

describe('indefinite input (exact rank 15, ten eigenvalues negated, l = 20)', () => {
  const n = 200;
  // |λ| = 15, 14, …, 1; ten negated (every position but 2, 5, 8, 11, 14).
  const lambda = Array.from({ length: 15 }, (_, i) => (i % 3 === 2 ? 1 : -1) * (15 - i));
  const { A } = withEigenpairs(n, lambda, 31);
  const exact = exactEigenpairs(A);
  const base = { columns: 20, rank: 15, coreRank: 15, seed: 9n } as const;

  it('has ten negative eigenvalues', () => {
    expect(lambda.filter((x) => x < 0).length).toBe(10);
  });

  it("method 'psd' refuses with ERR_RANDLA_NOT_PSD naming the most negative eigenvalue of W", () => {
    for (const sampling of ['uniform', 'gaussian'] as const) {
      const e = expectCode(() => nystromReferenceSync(request(dense(A), { ...base, sampling, method: 'psd' })), ErrorCode.NOT_PSD);
      expect(e.message).toMatch(/most negative eigenvalue -\d/);
      expect(e.argument).toBe('A');
    }
  });

  for (const sampling of ['uniform', 'quasi-uniform', 'gaussian'] as const) {
    it(`${sampling}: 'auto' resolves to 'indefinite' and is exact`, () => {
      const out = nystromReferenceSync(request(dense(A), { ...base, sampling, coords: randomPoints(n, 5) }));
      expect(out.method).toBe('indefinite');
      expectCanonical(out, n, 15);
      expectEigenpairs(out, exact, `indefinite/${sampling}`);
    });
  }

  it("'scaled' runs and reports values of both signs", () => {
    const out = nystromReferenceSync(request(dense(A), { ...base, method: 'scaled' }));
    expect(out.method).toBe('scaled');
    expectCanonical(out, n, 15);
    for (const v of out.values) expect(Number.isFinite(v)).toBe(true);
    expect(out.values.some((v) => v < 0)).toBe(true);
    expect(out.values.some((v) => v > 0)).toBe(true);
  });

  it('rpcholesky refuses a block whose residual has a clearly negative eigenvalue with ERR_RANDLA_NOT_PSD', () => {
    // Unit diagonal, off-diagonal 2: eigenvalues 2n − 1 and −1; every 2 × 2 block is indefinite.
    const B = new MlMatrix(50, 50).fill(2);
    for (let i = 0; i < 50; i++) B.set(i, i, 1);
    const e = expectCode(() => nystromReferenceSync(request(dense(B), { sampling: 'rpcholesky', columns: 10, rank: 5, blockSize: 5 })), ErrorCode.NOT_PSD);
    expect(e.message).toMatch(/residual block at pivots \[.*\] has eigenvalue -/);
  });

  it('rpcholesky refuses a negative diagonal entry with ERR_RANDLA_NOT_PSD', () => {
    const B = MlMatrix.eye(n).mul(2);
    B.set(7, 7, -1);
    const e = expectCode(() => nystromReferenceSync(request(dense(B), { sampling: 'rpcholesky', columns: 5, rank: 5 })), ErrorCode.NOT_PSD);
    expect(e.message).toContain('A[7, 7] = -1');
  });
});

// ---------------------------------------------------------------------------------------------
// RBF kernel with outliers: Chen, Epperly, Tropp, Webber 2022

describe('rbf kernel with outliers', () => {
  /** 280 points in three tight clusters and 20 outliers far from them and from each other. */
  function points(seed: number): Matrix {
    const next = lcg(seed);
    const n = 300;
    const data = new Float64Array(2 * n);
    const centres = [
      [0, 0],
      [3, 0],
      [0, 3],
    ];
    for (let i = 0; i < 280; i++) {
      const c = centres[i % 3]!;
      data[2 * i] = c[0]! + 0.6 * next();
      data[2 * i + 1] = c[1]! + 0.6 * next();
    }
    for (let i = 280; i < n; i++) {
      const angle = (2 * Math.PI * (i - 280)) / 20;
      data[2 * i] = 40 * Math.cos(angle);
      data[2 * i + 1] = 40 * Math.sin(angle);
    }
    return { data, rows: n, cols: 2, layout: 'row-major' };
  }

  it('rpcholesky trace error ≤ 0.5 × uniform sampling’s (median over 7 seeds)', () => {
    const P = points(77);
    const input: NystromInput = { kind: 'kernel', kernel: 'rbf', points: P, gamma: 1 };
    const n = P.rows;
    const l = 40;
    const traceError = (sampling: NystromSampling, seed: number): number => {
      // rank = l: the whole approximation Â (≼ A), so tr(A − Â) = n − Σ values (k(x, x) = 1).
      const out = nystromReferenceSync(request(input, { sampling, columns: l, rank: l, coreRank: l, seed: BigInt(seed) }));
      expect(out.method).toBe('psd');
      return n - out.values.reduce((s, v) => s + v, 0);
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    const rpc = median(seeds.map((s) => traceError('rpcholesky', s)));
    const uni = median(seeds.map((s) => traceError('uniform', s)));
    expectAtMost(rpc, tol.outlierTraceRatio * uni, `rpcholesky trace error (uniform: ${uni})`);
    expect(rpc).toBeGreaterThanOrEqual(0);
  });
});

// ---------------------------------------------------------------------------------------------
// kernels

describe('kernel operator', () => {
  const P: Matrix = { data: Float64Array.from([0, 0, 1, 0, 0, 2, 3, 1, -1, 1]), rows: 5, cols: 2, layout: 'row-major' };
  const Pcol: Matrix = { data: Float64Array.from([0, 1, 0, 3, -1, 0, 0, 2, 1, 1]), rows: 5, cols: 2, layout: 'col-major' };
  const formed = (kernel: 'rbf' | 'laplacian', gamma: number): MlMatrix => {
    const K = new MlMatrix(5, 5);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const dx = P.data[2 * i]! - P.data[2 * j]!;
        const dy = P.data[2 * i + 1]! - P.data[2 * j + 1]!;
        K.set(i, j, Math.exp(-gamma * (kernel === 'rbf' ? dx * dx + dy * dy : Math.abs(dx) + Math.abs(dy))));
      }
    }
    return K;
  };

  for (const kernel of ['rbf', 'laplacian'] as const) {
    it(`${kernel}: columns and A·X equal the formed matrix's, for either layout of the points`, () => {
      const K = formed(kernel, 0.7);
      for (const pts of [P, Pcol]) {
        const km = kernelMatrix(pts, kernel, 0.7);
        const cols = kernelColumns(km, Int32Array.of(3, 0));
        expectAllClose(cols, [...K.getColumn(3), ...K.getColumn(0)], 2 * Number.EPSILON, `${kernel} columns`);
        const X = Float64Array.from({ length: 10 }, (_, i) => i - 4.5);
        const expected = K.mmul(new MlMatrix([Array.from(X.subarray(0, 5)), Array.from(X.subarray(5))]).transpose());
        expectAllClose(kernelProduct(km, X, 2), [...expected.getColumn(0), ...expected.getColumn(1)], 64 * Number.EPSILON, `${kernel} A·X`);
      }
    });
  }

  it('gaussian sampling of a kernel equals gaussian sampling of the formed kernel matrix', () => {
    const pts = randomPoints(150, 9);
    const km = kernelMatrix(pts, 'rbf', 2);
    const K = MlMatrix.from1DArray(150, 150, kernelColumns(km, Int32Array.from({ length: 150 }, (_, i) => i)));
    const opts = { sampling: 'gaussian' as const, columns: 20, rank: 5, seed: 3n };
    const a = nystromReferenceSync(request({ kind: 'kernel', kernel: 'rbf', points: pts, gamma: 2 }, opts));
    const b = nystromReferenceSync(request(dense(K), { ...opts, method: 'psd' }));
    expect(a.method).toBe('psd');
    expectAllClose(a.values, b.values, tol.sameSeed * a.values[0]!, 'kernel vs formed');
  });
});

// ---------------------------------------------------------------------------------------------
// sampling rules

describe('sampling', () => {
  it('uniform: distinct indices in range, reproducible by seed, a permutation when l = n', () => {
    const a = uniformColumns(1000, 200, 7n);
    expect(new Set(a).size).toBe(200);
    for (const i of a) expect(i >= 0 && i < 1000).toBe(true);
    expect(Array.from(uniformColumns(1000, 200, 7n))).toEqual(Array.from(a));
    expect(Array.from(uniformColumns(1000, 200, 8n))).not.toEqual(Array.from(a));
    // Partial Fisher–Yates: the first draws do not depend on how many follow.
    expect(Array.from(uniformColumns(1000, 50, 7n))).toEqual(Array.from(a.subarray(0, 50)));
    expect(Array.from(uniformColumns(37, 37, 1n)).sort((x, y) => x - y)).toEqual(Array.from({ length: 37 }, (_, i) => i));
  });

  it('uniform: the first draw is idx(n) of counter (0, 0) on stream 6', () => {
    const words = new Uint32Array(4);
    const [k0, k1] = seedKey(SEED);
    nystromColumnWords(k0, k1, 0, 0, words);
    expect(STREAM_NYSTROM_COLUMNS).toBe(6);
    expect(STREAM_NYSTROM_SKETCH).toBe(7);
    expect(uniformColumns(1000, 1, SEED)[0]).toBe(Math.floor(uniformOfTwoWords(words[0]!, words[1]!) * 1000));
  });

  /** The 10 × 10 grid of points (x, y) = (c, r), node r·10 + c. */
  const grid: Matrix = {
    data: Float64Array.from({ length: 200 }, (_, t) => (t % 2 === 0 ? (t >> 1) % 10 : Math.floor((t >> 1) / 10))),
    rows: 100,
    cols: 2,
    layout: 'row-major',
  };
  /** Cell of node i on a g × g grid over [0, 9]²: the doc's formula written out. */
  const cellOn = (g: number, i: number): number => {
    const x = i % 10;
    const y = Math.floor(i / 10);
    return Math.min(g - 1, Math.floor((x / 9) * g)) * g + Math.min(g - 1, Math.floor((y / 9) * g));
  };

  it('quasi-uniform cells: g = round(e/h) per dimension, last dimension fastest', () => {
    for (const [l, g] of [
      [12, 3],
      [14, 4],
      [50, 7],
      [100, 10],
    ] as const) {
      const cells = quasiUniformCells(grid, l);
      expect(cells.grid).toEqual([g, g]);
      for (let i = 0; i < 100; i++) expect(cells.cellOf[i]).toBe(cellOn(g, i));
      // Cells ascend by id, members by index.
      const ids = cells.cells.map((c) => cells.cellOf[c[0]!]!);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      for (const c of cells.cells) expect(Array.from(c)).toEqual([...c].sort((a, b) => a - b));
    }
  });

  it('quasi-uniform, cells ≤ l: one node in every cell first, then distinct fill', () => {
    for (const seed of [1n, 2n, 3n]) {
      const S = quasiUniformColumns(grid, 12, seed); // 3 × 3 cells
      expect(new Set(S).size).toBe(12);
      expect(new Set(Array.from(S.subarray(0, 9), (i) => cellOn(3, i))).size).toBe(9);
      const all = quasiUniformColumns(grid, 100, seed); // one node per cell: every node, in cell order
      expect(Array.from(all).map((i) => cellOn(10, i))).toEqual(Array.from({ length: 100 }, (_, c) => c));
    }
  });

  it('quasi-uniform, cells > l: l distinct cells, one node each', () => {
    for (const seed of [1n, 2n, 3n]) {
      const S = quasiUniformColumns(grid, 14, seed); // 4 × 4 = 16 cells
      expect(new Set(Array.from(S, (i) => cellOn(4, i))).size).toBe(14);
    }
  });

  it('quasi-uniform: a dimension without extent and a single point cloud', () => {
    const line: Matrix = { data: Float64Array.from({ length: 40 }, (_, t) => (t % 2 === 0 ? t >> 1 : 5)), rows: 20, cols: 2, layout: 'row-major' };
    const cells = quasiUniformCells(line, 4);
    expect(cells.grid).toEqual([4, 1]); // h = 19 / 4, y has no extent
    expect(cells.cells.map((c) => c.length)).toEqual([5, 5, 5, 5]);
    const same: Matrix = { data: new Float64Array(20), rows: 10, cols: 2, layout: 'col-major' };
    expect(quasiUniformCells(same, 3).cells.length).toBe(1);
    expect(new Set(quasiUniformColumns(same, 3, 1n)).size).toBe(3);
  });

  it('rpcholesky on a diagonal matrix prefers the large entries and never repeats an index', () => {
    const n = 200;
    const d = Float64Array.from({ length: n }, (_, i) => (i % 40 === 0 ? 100 : 0.01));
    const source = {
      size: n,
      columns: (idx: Int32Array) => {
        const out = new Float64Array(n * idx.length);
        idx.forEach((j, t) => (out[t * n + j] = d[j]!));
        return out;
      },
    };
    for (const b of [1, 2, 5]) {
      const { S, F } = runSync(rpcholeskySteps(source, d, 8, b, 3n, 10 * 8 * 2 ** -53, new PassCounter(), false), {});
      expect(new Set(S).size).toBe(S.length);
      expect(S.length).toBe(8);
      expect(Array.from(S.subarray(0, 5)).filter((i) => i % 40 === 0).length).toBeGreaterThanOrEqual(4);
      // F·Fᵀ is exact on the pivots: F[S_t, t]² = d[S_t].
      // Up to the shift u·tr(H) of the block's Cholesky, tr(H) ≤ 100·b.
      S.forEach((i, t) => expectClose(F[i + t * n]! ** 2, d[i]!, 4 * Number.EPSILON * (d[i]! + 100 * b), `F[${i}, ${t}]²`));
    }
  });

  it('rpcholesky stops early when the residual is exactly zero', () => {
    const n = 30;
    const d = Float64Array.from({ length: n }, (_, i) => (i < 3 ? i + 1 : 0));
    const A = MlMatrix.diag(Array.from(d));
    const out = nystromReferenceSync(request(dense(A), { sampling: 'rpcholesky', columns: 6, rank: 5, coreRank: 5 }));
    expect(out.columns).toBe(3);
    expect(Array.from(out.indices!).sort()).toEqual([0, 1, 2]);
    // Â = A has three pairs: all of them come back, not r = 5.
    expectAllClose(out.values, [3, 2, 1], 4 * Number.EPSILON * 3, 'values');
    expect(out.vectors).toMatchObject({ rows: n, cols: 3 });
    for (let j = 0; j < 3; j++) expect(Math.abs(out.vectors.data[(2 - j) * 3 + j]!)).toBe(1);
  });

  it('rpcholesky: a block that crosses the rank of an exactly low-rank A keeps the result exact', () => {
    const n = 150;
    const { A } = withEigenpairs(n, [7, 6, 5, 4, 3, 2, 1], 13);
    const exact = exactEigenpairs(A);
    for (const method of ['auto', 'indefinite'] as const) {
      for (const seed of [1n, 2n, 3n]) {
        // Blocks of 5 over rank 7: the second block has two directions of signal and three of noise.
        const out = nystromReferenceSync(request(dense(A), { sampling: 'rpcholesky', method, columns: 15, rank: 7, coreRank: 7, blockSize: 5, seed }));
        expect(out.columns).toBeGreaterThanOrEqual(7);
        expectEigenpairs(out, exact, `rpcholesky b = 5, ${method}, seed ${seed}`);
      }
    }
  });

  // Fixed lists for seed 0x0123456789abcdef: the native core must give the same indices.
  it('fixed index lists for seed 0x0123456789abcdef', () => {
    expect(Array.from(uniformColumns(1000, 8, SEED))).toEqual(FIXED.uniform);
    expect(Array.from(quasiUniformColumns(grid, 12, SEED))).toEqual(FIXED.quasiUniform12);
    expect(Array.from(quasiUniformColumns(grid, 14, SEED))).toEqual(FIXED.quasiUniform14);
    const A = diagonallyDominant(40);
    for (const b of [1, 3] as const) {
      const out = nystromReferenceSync(request(dense(A), { sampling: 'rpcholesky', columns: 8, rank: 3, blockSize: b, seed: SEED }));
      expect(Array.from(out.indices!)).toEqual(FIXED.rpcholesky[b]);
    }
  });
});

/**
 * The fixed PSD matrix of the rpcholesky index list: A_ii = 2 + (i mod 7), A_ij = 1 / (8·(1 + |i − j|))
 * (strictly diagonally dominant, so PD; every entry a correctly rounded IEEE quotient).
 */
function diagonallyDominant(n: number): MlMatrix {
  const A = new MlMatrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.set(i, j, i === j ? 2 + (i % 7) : 1 / (8 * (1 + Math.abs(i - j))));
  return A;
}

/**
 * The index lists of seed 0x0123456789abcdef (also in the report to the C++ core): uniform n = 1000,
 * l = 8; quasi-uniform on the 10 × 10 grid, l = 12 (3 × 3 cells, 9 + 3 filled) and l = 14 (4 × 4
 * cells, 14 drawn); rpcholesky on diagonallyDominant(40), l = 8, b = 1 and b = 3.
 */
const FIXED = {
  uniform: [910, 23, 442, 270, 1, 340, 989, 514],
  quasiUniform12: [10, 41, 81, 23, 33, 95, 17, 47, 66, 94, 88, 67],
  quasiUniform14: [5, 10, 60, 48, 3, 65, 46, 90, 44, 75, 77, 68, 83, 27],
  rpcholesky: { 1: [19, 17, 25, 4, 20, 10, 2, 24], 3: [19, 18, 24, 4, 17, 9, 2, 23] },
};

// ---------------------------------------------------------------------------------------------
// operators, progress, abort, errors

describe('operators, progress and abort', () => {
  const n = 120;
  // Full rank (a low-rank part plus 0.1·I), so that RPCholesky never stops early here.
  const A = withEigenpairs(n, [5, 4, 3, 2, 1], 41).A.add(MlMatrix.eye(n).mul(0.1));

  it('an async operator gives what the dense matrix gives, asking only for the sampled columns', async () => {
    for (const sampling of ['uniform', 'rpcholesky'] as const) {
      const op = operatorOf(A, { async: true });
      const opts = { sampling, columns: 12, rank: 5, seed: 4n };
      const a = await nystromReference(request(op, opts));
      const b = nystromReferenceSync(request(dense(A), opts));
      expect(Array.from(a.indices!)).toEqual(Array.from(b.indices!));
      expectAllClose(a.values, b.values, tol.sameSeed * 5, `${sampling} operator vs dense`);
      expect(op.asked.sort((x, y) => x - y)).toEqual(Array.from(a.indices!).sort((x, y) => x - y));
    }
  });

  it('the sync driver refuses an async operator; rpcholesky needs diagonal(); gaussian needs a product', () => {
    expectCode(() => nystromReferenceSync(request(operatorOf(A, { async: true }))), ErrorCode.INTERNAL);
    expectCode(() => nystromReferenceSync(request(operatorOf(A, { diagonal: false }), { sampling: 'rpcholesky' })), ErrorCode.INVALID_ARGUMENT);
    expectCode(() => nystromReferenceSync(request(operatorOf(A), { sampling: 'gaussian' })), ErrorCode.INVALID_ARGUMENT);
    expectCode(() => nystromReferenceSync(request(dense(A), { sampling: 'gaussian', method: 'scaled' })), ErrorCode.INVALID_ARGUMENT);
    expectCode(() => nystromReferenceSync(request(dense(A), { sampling: 'quasi-uniform' })), ErrorCode.INVALID_ARGUMENT);
    expectCode(() => nystromReferenceSync(request(dense(A), { columns: n + 1 })), ErrorCode.INVALID_ARGUMENT);
    expectCode(() => nystromReferenceSync(request(dense(A), { columns: 5, rank: 6 })), ErrorCode.INVALID_ARGUMENT);
    expectCode(() => nystromReferenceSync(request(dense(A), { columns: 10, rank: 5, coreRank: 11 })), ErrorCode.INVALID_ARGUMENT);
  });

  it('progress counts columns computed (one pass for gaussian) and ends at the total', () => {
    const seen: Progress[] = [];
    nystromReferenceSync(request(dense(A), { columns: 25, rank: 5, blockSize: 10, onProgress: (p) => seen.push(p) }));
    expect(seen).toEqual([
      { pass: 10, totalPasses: 25 },
      { pass: 20, totalPasses: 25 },
      { pass: 25, totalPasses: 25 },
    ]);
    const rpc: Progress[] = [];
    nystromReferenceSync(request(dense(A), { sampling: 'rpcholesky', columns: 12, rank: 5, blockSize: 4, onProgress: (p) => rpc.push(p) }));
    expect(rpc.at(-1)).toEqual({ pass: 12, totalPasses: 12 });
    for (const p of rpc) expect(p.totalPasses).toBe(12);
    const gauss: Progress[] = [];
    nystromReferenceSync(request(dense(A), { sampling: 'gaussian', columns: 12, rank: 5, onProgress: (p) => gauss.push(p) }));
    expect(gauss).toEqual([{ pass: 1, totalPasses: 1 }]);
  });

  it('an aborted signal stops it between column batches with ERR_RANDLA_ABORTED', async () => {
    const controller = new AbortController();
    const op = operatorOf(A, { async: true });
    const run = nystromReference(
      request(op, { columns: 30, rank: 5, blockSize: 3, signal: controller.signal, onProgress: (p) => p.pass >= 6 && controller.abort() }),
    );
    await expect(run).rejects.toMatchObject({ code: ErrorCode.ABORTED });
    expect(op.asked.length).toBe(6);
  });
});
