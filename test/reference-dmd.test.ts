// Dynamic Mode Decomposition on the reference backend (docs/algorithms/dmd.md) against analytic
// truth: linear maps with known eigenvalues and modes, the sech/tanh signals of PyDMD's tutorials,
// gradient descent on a quadratic (an affine map), the Gavish–Donoho threshold on rank-5 + noise,
// the optimal amplitudes against an independent least-squares solve, online/window DMD against the
// weighted batch least-squares operator, and the contract's errors.
import { EigenvalueDecomposition, Matrix as MlMatrix, QrDecomposition, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import {
  ccholeskySolve,
  cluSolve,
  cmul,
  complexEig,
  csvd,
  czeros,
  pivotIndex,
  realEig,
  type CMat,
} from '../src/backend/reference/complex.js';
import { referenceDmd } from '../src/backend/reference/dmd.js';
import { eigenOrder, normaliseEigenvectors, normaliseModePhases } from '../src/backend/reference/dmd_exact.js';
import { chooseRank, marchenkoPasturMedian, omegaCubic, omegaExact } from '../src/backend/reference/dmd_rank.js';
import { ReferenceOnlineDmd, ReferenceWindowDmd, referenceDmdBatch } from '../src/backend/reference/online_dmd.js';
import type { DmdOutput, DmdRequest } from '../src/backend/types.js';
import { dmdModel, dmdModelInfo, dynamics, frequency, growthRate, omega } from '../src/dmd_model.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import type { ComplexArray, ComplexMatrix, Matrix } from '../src/types.js';
import { bytesOf, lcg, withSpectrum } from './helpers/spectrum.js';
import { dmd as tol, expectAllClose, expectAtMost, expectClose } from './helpers/tolerance.js';

// ---------------------------------------------------------------------------------------------
// Helpers

type Complex = [number, number];

/** Standard normal draws (Box–Muller over the deterministic LCG). */
function normal(seed: number): () => number {
  const next = lcg(seed);
  return () => {
    const u1 = next() + 0.5 + 2 ** -33; // (0, 1]
    const u2 = next() + 0.5;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

function colMajor(rows: number, cols: number, f: (i: number, k: number) => number): Matrix<Float64Array> {
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < cols; k++) for (let i = 0; i < rows; i++) data[i + k * rows] = f(i, k);
  return { data, rows, cols, layout: 'col-major' };
}

function complexColMajor(rows: number, cols: number, f: (i: number, k: number) => Complex): ComplexMatrix {
  const re = new Float64Array(rows * cols);
  const im = new Float64Array(rows * cols);
  for (let k = 0; k < cols; k++) {
    for (let i = 0; i < rows; i++) {
      const [a, b] = f(i, k);
      re[i + k * rows] = a;
      im[i + k * rows] = b;
    }
  }
  return { re: { data: re, rows, cols, layout: 'col-major' }, im: { data: im, rows, cols, layout: 'col-major' } };
}

function at(M: Matrix, i: number, j: number): number {
  return M.data[M.layout === 'row-major' ? i * M.cols + j : i + j * M.rows]!;
}

function request(X: Matrix | ComplexMatrix, o: Partial<DmdRequest> = {}): DmdRequest {
  return {
    X,
    dt: 1,
    variant: 'exact',
    rank: 0,
    threshold: 'exact',
    delays: 1,
    affine: false,
    increments: false,
    amplitudes: 'first',
    oversamples: 10,
    powerIters: 2,
    normalizer: 'qr',
    sketch: 'gaussian',
    seed: 42n,
    ...o,
  };
}

/** Expected eigenvalues in the contract's order: imaginary part, then real part, ascending. */
function ordered(values: Complex[]): Complex[] {
  return [...values].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

function expectEigs(actual: ComplexArray, expected: Complex[], tolerance: number, what: string): void {
  const e = ordered(expected);
  expectAllClose(actual.re, e.map((z) => z[0]), tolerance, `${what} (real parts)`);
  expectAllClose(actual.im, e.map((z) => z[1]), tolerance, `${what} (imaginary parts)`);
}

function polar(rho: number, theta: number): Complex {
  return [rho * Math.cos(theta), rho * Math.sin(theta)];
}

/** x_{k+1} = A·x_k from x_0 (m snapshots as columns). */
function trajectory(A: number[][], x0: number[], m: number): Matrix<Float64Array> {
  const n = x0.length;
  const data = new Float64Array(n * m);
  let x = x0.slice();
  for (let k = 0; k < m; k++) {
    data.set(x, k * n);
    x = A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
  }
  return { data, rows: n, cols: m, layout: 'col-major' };
}

/** max |a − b| over two real matrices of the same shape (any layouts), and max |b|. */
function maxDiff(a: Matrix, b: Matrix): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      diff = Math.max(diff, Math.abs(at(a, i, j) - at(b, i, j)));
      scale = Math.max(scale, Math.abs(at(b, i, j)));
    }
  }
  return { diff, scale };
}

function expectRandlaError(fn: () => unknown, code: string, argument: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a RandlaError naming ${argument}`).toBeInstanceOf(RandlaError);
  expect((caught as RandlaError).code).toBe(code);
  expect((caught as RandlaError).argument).toBe(argument);
}

const S3 = Math.sqrt(3);
/** The issue's 2 × 2 system: eigenvalues e^{±iπ/6}. */
const A2 = [
  [1 / S3, 1 / S3],
  [-1 / S3, 2 / S3],
];
const VARIANTS = ['exact', 'projected', 'fb', 'tls', 'randomized'] as const;

/**
 * The 64-dimensional system with six non-orthogonal modes: x_k = Φ·B^k·c, Φ (64 × 6) random
 * (non-orthogonal columns), B block-diagonal with two rotation-scaling blocks (two complex pairs)
 * and two real entries, one of them negative.
 */
const SIX: Complex[] = [polar(0.98, 0.3), polar(0.98, -0.3), polar(0.95, 0.9), polar(0.95, -0.9), [0.9, 0], [-0.85, 0]];
function sixModeData(n: number, m: number, seed = 3): Matrix<Float64Array> {
  const next = lcg(seed);
  const Phi = Array.from({ length: 6 }, () => Array.from({ length: n }, () => next()));
  const c = [1, 0.7, 0.9, -0.5, 0.8, 0.6];
  const z = c.slice();
  const data = new Float64Array(n * m);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += Phi[j]![i]! * z[j]!;
      data[i + k * n] = s;
    }
    // z ← B·z: blocks [[a, −b], [b, a]] have eigenvalues a ± ib
    for (const p of [0, 2]) {
      const [a, b] = SIX[p]!;
      const u = z[p]!;
      const v = z[p + 1]!;
      z[p] = a * u - b * v;
      z[p + 1] = b * u + a * v;
    }
    z[4] = 0.9 * z[4]!;
    z[5] = -0.85 * z[5]!;
  }
  return { data, rows: n, cols: m, layout: 'col-major' };
}

/** The sech/tanh signals of PyDMD's tutorial on x ∈ [−5, 5] (n points), t ∈ [0, 4π] (m samples). */
const SECH_N = 64;
const SECH_M = 80;
const SECH_DT = (4 * Math.PI) / (SECH_M - 1);
const sech = (x: number) => 1 / Math.cosh(x);
const gridX = (i: number) => -5 + (10 * i) / (SECH_N - 1);

// ---------------------------------------------------------------------------------------------

describe('rank rules (Gavish & Donoho 2014; PyDMD)', () => {
  it('ω(1) matches Gavish & Donoho’s table and the cubic within 0.02 on [0.05, 1]', () => {
    expectClose(omegaExact(1), 2.858, tol.omegaTable, 'ω(1)');
    let worst = 0;
    let prev = 0;
    for (let k = 0; k <= 95; k++) {
      const beta = 0.05 + k * 0.01;
      const w = omegaExact(beta);
      worst = Math.max(worst, Math.abs(w - omegaCubic(beta)));
      expect(w, `ω increasing at β = ${beta}`).toBeGreaterThan(prev);
      prev = w;
    }
    expectAtMost(worst, tol.omegaCubic, 'max |ω(β) − cubic(β)| over [0.05, 1]');
  });

  it('the Marchenko–Pastur median at β = 1 agrees with an independent trapezoid rule', () => {
    // x = u² removes the 1/√x pole: ρ(x)dx = √(4 − u²)/π du on [0, 2]. Cumulative trapezoid, then
    // linear interpolation of the crossing of 1/2.
    const panels = 2_000_000;
    const h = 2 / panels;
    const f = (u: number) => Math.sqrt(Math.max(0, 4 - u * u)) / Math.PI;
    let cum = 0;
    let median = Number.NaN;
    for (let k = 0; k < panels; k++) {
      const a = f(k * h);
      const b = f((k + 1) * h);
      const step = ((a + b) / 2) * h;
      if (cum + step >= 0.5) {
        const u = k * h + ((0.5 - cum) / step) * h;
        median = u * u;
        break;
      }
      cum += step;
    }
    expectClose(marchenkoPasturMedian(1), median, tol.mpMedian, 'MP median at β = 1');
  });

  it('integer, energy, full and threshold rules', () => {
    const s = new Float64Array([10, 5, 1, 0.5, 0.1]);
    expect(chooseRank(s, 5, 8, 3, 'exact')).toBe(3);
    expect(chooseRank(s, 5, 8, 99, 'exact')).toBe(5); // clipped, not refused
    expect(chooseRank(s, 5, 8, -1, 'exact')).toBe(5);
    // Σσ² = 126.26: 100 < 0.9·126.26 = 113.6 ≤ 125
    expect(chooseRank(s, 5, 8, 0.9, 'exact')).toBe(2);
    expect(chooseRank(s, 5, 8, 100 / 126.26 - 1e-6, 'exact')).toBe(1);
    // a flat spectrum keeps nothing above ω·median: the rule keeps 1
    expect(chooseRank(new Float64Array([1, 1, 1, 1]), 4, 4, 0, 'exact')).toBe(1);
    expect(chooseRank(new Float64Array([1, 1, 1, 1]), 4, 4, 0, 'cubic')).toBe(1);
  });

  it('the optimal hard threshold picks 5 on rank-5 signal + noise (300 × 100)', () => {
    const { dense } = withSpectrum(300, 100, [200, 150, 100, 80, 60], 11);
    const g = normal(5);
    const X = colMajor(300, 100, (i, k) => dense.get(i, k) + g());
    for (const threshold of ['exact', 'cubic'] as const) {
      const out = referenceDmd(request(X, { rank: 0, threshold }));
      expect(out.rank, `rank (${threshold})`).toBe(5);
      expect(out.singularValues.length).toBe(99);
    }
  });
});

describe('complex kernels', () => {
  const next = lcg(17);
  const random = (r: number, c: number): CMat => {
    const M = czeros(r, c);
    for (let t = 0; t < r * c; t++) {
      M.re[t] = next();
      M.im[t] = next();
    }
    return M;
  };

  it('thin SVD: UΣVᴴ = A, orthonormal factors, canonical phases (tall, wide, square, rank-deficient)', () => {
    const cases: CMat[] = [random(30, 7), random(6, 20), random(9, 9)];
    // rank 2 in a 6 × 5: zero singular values, U completed to an orthonormal basis
    const a = random(6, 2);
    const b = random(2, 5);
    cases.push(cmul(a, b));
    for (const A of cases) {
      const { U, S, V } = csvd(A);
      const k = S.length;
      const D = czeros(k, k);
      for (let j = 0; j < k; j++) D.re[j + j * k] = S[j]!;
      const R = cmul(cmul(U, D), V, 'N', 'C');
      let err = 0;
      let norm = 0;
      for (let t = 0; t < A.re.length; t++) {
        err = Math.max(err, Math.hypot(R.re[t]! - A.re[t]!, R.im[t]! - A.im[t]!));
        norm = Math.max(norm, Math.hypot(A.re[t]!, A.im[t]!));
      }
      expectAtMost(err / norm, 256 * Number.EPSILON, `‖UΣVᴴ − A‖ / ‖A‖ (${A.rows} x ${A.cols})`);
      for (const Q of [U, V]) {
        const G = cmul(Q, Q, 'C', 'N');
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) {
            expectClose(G.re[i + j * k]!, i === j ? 1 : 0, 256 * Number.EPSILON, `QᴴQ (${A.rows} x ${A.cols}) [${i}, ${j}]`);
            expectClose(G.im[i + j * k]!, 0, 256 * Number.EPSILON, `QᴴQ imag (${A.rows} x ${A.cols})`);
          }
        }
      }
      for (let j = 1; j < k; j++) expect(S[j]!).toBeLessThanOrEqual(S[j - 1]!);
      for (let j = 0; j < k; j++) {
        const i = pivotIndex(U, j);
        expect(U.im[i + j * U.rows]).toBe(0);
        expect(U.re[i + j * U.rows]!).toBeGreaterThan(0);
      }
    }
  });

  it('complex eigendecomposition: A·v = λ·v; real matrices give exact conjugate pairs', () => {
    for (const n of [1, 2, 5, 12]) {
      const A = random(n, n);
      const { values, vectors } = complexEig(A);
      const AV = cmul(A, vectors);
      for (let j = 0; j < n; j++) {
        let err = 0;
        let vn = 0;
        for (let i = 0; i < n; i++) {
          const vr = vectors.re[i + j * n]!;
          const vi = vectors.im[i + j * n]!;
          err = Math.max(err, Math.hypot(AV.re[i + j * n]! - (values.re[j]! * vr - values.im[j]! * vi), AV.im[i + j * n]! - (values.re[j]! * vi + values.im[j]! * vr)));
          vn = Math.max(vn, Math.hypot(vr, vi));
        }
        expectAtMost(err / vn, 1024 * Number.EPSILON * n, `‖Av − λv‖ (n = ${n}, j = ${j})`);
      }
    }
    const R = random(6, 6).re;
    const { values, vectors } = realEig(R, 6);
    for (let j = 0; j < 6; j++) {
      if (values.im[j] === 0) continue;
      const k = Array.from(values.im).findIndex((v, t) => t !== j && v === -values.im[j]! && values.re[t] === values.re[j]);
      expect(k, 'conjugate partner').toBeGreaterThanOrEqual(0);
      for (let i = 0; i < 6; i++) {
        expect(vectors.re[i + k * 6]).toBe(vectors.re[i + j * 6]);
        expect(vectors.im[i + k * 6]).toBe(-vectors.im[i + j * 6]!);
      }
    }
  });

  it('LU and Cholesky solves', () => {
    const A = random(5, 5);
    const B = random(5, 2);
    const X = cluSolve(A, B)!;
    const AX = cmul(A, X);
    for (let t = 0; t < B.re.length; t++) {
      expectClose(AX.re[t]!, B.re[t]!, 256 * Number.EPSILON, 'LU: AX = B (re)');
      expectClose(AX.im[t]!, B.im[t]!, 256 * Number.EPSILON, 'LU: AX = B (im)');
    }
    expect(cluSolve(czeros(3, 3), random(3, 1))).toBeUndefined();
    const F = random(7, 4);
    const P = cmul(F, F, 'C', 'N'); // Hermitian positive definite
    const q = { re: Float64Array.from([1, -2, 0.5, 3]), im: Float64Array.from([0, 1, -1, 2]) };
    const x = ccholeskySolve(P, q)!;
    const Px = cmul(P, { rows: 4, cols: 1, re: x.re, im: x.im });
    expectAllClose(Px.re, q.re, 1024 * Number.EPSILON, 'Cholesky: Px = q (re)');
    expectAllClose(Px.im, q.im, 1024 * Number.EPSILON, 'Cholesky: Px = q (im)');
  });
});

describe('exact truth: linear systems', () => {
  it('2 × 2 system: e^{±iπ/6} for every variant, and the 200-step forecast', () => {
    const m = 10;
    const X = trajectory(A2, [1, 0.5], m);
    const truth = trajectory(A2, [1, 0.5], m + 200);
    for (const variant of VARIANTS) {
      const out = referenceDmd(request(X, { variant, rank: 2 }));
      expect(out.rank).toBe(2);
      expectEigs(out.eigs, [polar(1, Math.PI / 6), polar(1, -Math.PI / 6)], tol.eigs2x2, `2 x 2 eigs (${variant})`);
      const model = dmdModel(out, dmdModelInfo(request(X)));
      const forecast = model.predict(200) as Matrix;
      let worst = 0;
      for (let k = 0; k < 200; k++) for (let i = 0; i < 2; i++) worst = Math.max(worst, Math.abs(at(forecast, i, k) - at(truth, i, m + k)));
      expectAtMost(worst, tol.forecast, `200-step forecast (${variant})`);
    }
  });

  it('64-dimensional system, six non-orthogonal modes: eigenvalues at rank 6 (every variant)', () => {
    const X = sixModeData(64, 40);
    for (const variant of VARIANTS) {
      const out = referenceDmd(request(X, { variant, rank: 6 }));
      expectEigs(out.eigs, SIX, tol.eigsExact, `six-mode eigs (${variant})`);
    }
  });

  it('exact modes are the generating modes (up to scale); amplitudes × modes rebuild x₀', () => {
    const n = 64;
    const X = sixModeData(n, 40);
    const out = referenceDmd(request(X, { rank: 6 }));
    // the generating modes: Φ_p ∓ i·Φ_{p+1} for a ± ib (block [[a, −b], [b, a]]), Φ_4, Φ_5 for the reals
    const next = lcg(3);
    const Phi = Array.from({ length: 6 }, () => Array.from({ length: n }, () => next()));
    const truth = (lam: Complex): Complex[] => {
      const p = SIX.findIndex(([a, b]) => Math.hypot(a - lam[0], b - lam[1]) < 1e-6);
      if (p >= 4) return Phi[p]!.map((v): Complex => [v, 0]);
      const base = p - (p % 2);
      const sign = SIX[base]![1] * lam[1] > 0 ? -1 : 1;
      return Phi[base]!.map((v, i): Complex => [v, sign * Phi[base + 1]![i]!]);
    };
    for (let j = 0; j < 6; j++) {
      const t = truth([out.eigs.re[j]!, out.eigs.im[j]!]);
      // |φ̂ᴴφ| / (‖φ̂‖‖φ‖) = 1 for parallel complex vectors
      let dr = 0;
      let di = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < n; i++) {
        const ar = at(out.modes.re, i, j);
        const ai = at(out.modes.im, i, j);
        const [br, bi] = t[i]!;
        dr += ar * br + ai * bi;
        di += ar * bi - ai * br;
        na += ar * ar + ai * ai;
        nb += br * br + bi * bi;
      }
      expectClose(Math.hypot(dr, di) / Math.sqrt(na * nb), 1, tol.eigsExact, `cosine of mode ${j} and its generating mode`);
    }
    // Σⱼ bⱼ·φⱼ = x₀ (the imaginary parts cancel over the conjugate pairs)
    for (let i = 0; i < n; i++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < 6; j++) {
        re += at(out.modes.re, i, j) * out.amplitudes.re[j]! - at(out.modes.im, i, j) * out.amplitudes.im[j]!;
        im += at(out.modes.re, i, j) * out.amplitudes.im[j]! + at(out.modes.im, i, j) * out.amplitudes.re[j]!;
      }
      expectClose(re, X.data[i]!, tol.reconstruct, `(Φb)_${i} vs x₀`);
      expectClose(im, 0, tol.reconstruct, `Im (Φb)_${i}`);
    }
  });

  it('progress in three stages; an aborted signal stops the call', () => {
    const X = trajectory(A2, [1, 0], 8);
    const seen: number[] = [];
    referenceDmd(request(X, { rank: 2, onProgress: (p) => seen.push(p.pass * 10 + p.totalPasses) }));
    expect(seen).toEqual([13, 23, 33]);
    const controller = new AbortController();
    controller.abort();
    let caught: unknown;
    try {
      referenceDmd(request(X, { rank: 2, signal: controller.signal }));
    } catch (e) {
      caught = e;
    }
    expect((caught as RandlaError).code).toBe(ErrorCode.ABORTED);
  });

  it('explicit pairs Y = A·X (not a sequence): exact, projected, fb, tls', () => {
    const next = lcg(29);
    const A = [
      [0.5, 0.2, 0, 0.1],
      [-0.3, 0.6, 0.1, 0],
      [0, 0.2, -0.7, 0.3],
      [0.1, 0, 0.2, 0.4],
    ];
    const truth = new MlMatrix(A);
    const X = colMajor(4, 9, () => next());
    const Y = colMajor(4, 9, (i, k) => A[i]!.reduce((s, a, j) => s + a * X.data[j + k * 4]!, 0));
    const evd = new EigenvalueDecomposition(truth);
    const expected: Complex[] = evd.realEigenvalues.map((re, j): Complex => [re, evd.imaginaryEigenvalues[j]!]);
    for (const variant of ['exact', 'projected', 'fb', 'tls'] as const) {
      const out = referenceDmd(request(X, { Y, variant, rank: 4 }));
      expectEigs(out.eigs, expected, tol.eigsExact, `eigs with explicit Y (${variant})`);
    }
  });

  it('fb on noise-free data equals exact (eigenvalues and projected modes)', () => {
    const X = sixModeData(64, 40);
    const fb = referenceDmd(request(X, { variant: 'fb', rank: 6 }));
    const projected = referenceDmd(request(X, { variant: 'projected', rank: 6 }));
    const exact = referenceDmd(request(X, { variant: 'exact', rank: 6 }));
    expectAllClose(fb.eigs.re, exact.eigs.re, tol.eigsExact, 'fb vs exact eigs (re)');
    expectAllClose(fb.eigs.im, exact.eigs.im, tol.eigsExact, 'fb vs exact eigs (im)');
    // fb's modes are U·W with W the eigenvectors of M = Ã²: the same as projected DMD's.
    expectAllClose(fb.modes.re.data, projected.modes.re.data, tol.eigsExact, 'fb vs projected modes (re)');
    expectAllClose(fb.modes.im.data, projected.modes.im.data, tol.eigsExact, 'fb vs projected modes (im)');
  });

  it('fb keeps the sign of an eigenvalue with negative real part (PyDMD’s sqrtm would flip it)', () => {
    // three real modes, λ = −0.8, 0.6, 0.3, non-orthogonal
    const P = [
      [1, 0.4, 0.2],
      [0.3, 1, -0.5],
      [0.1, 0.6, 1],
    ];
    const lam = [-0.8, 0.6, 0.3];
    const c = [1, 1, 1];
    const X = colMajor(3, 12, (i, k) => P[i]!.reduce((s, p, j) => s + p * c[j]! * lam[j]! ** k, 0));
    const out = referenceDmd(request(X, { variant: 'fb', rank: 3 }));
    expectEigs(out.eigs, [[-0.8, 0], [0.6, 0], [0.3, 0]], tol.eigsExact, 'fb eigs');
  });

  it('residuals: ~0 for noise-free modes, large for a spurious one', () => {
    const X = sixModeData(64, 40);
    const out = referenceDmd(request(X, { rank: 6 }));
    const s1 = out.singularValues[0]!;
    for (let j = 0; j < 6; j++) expectAtMost(out.residuals[j]! / s1, tol.residualNoiseFree, `residual ${j} / σ₁`);

    const g = normal(9);
    const noisy = colMajor(64, 40, (i, k) => X.data[i + k * 64]! + 1e-3 * g());
    const fit = referenceDmd(request(noisy, { rank: 8 }));
    const isTrue = (j: number) => SIX.some(([a, b]) => Math.hypot(fit.eigs.re[j]! - a, fit.eigs.im[j]! - b) < 1e-2);
    let worstTrue = 0;
    let bestSpurious = Number.POSITIVE_INFINITY;
    let spurious = 0;
    for (let j = 0; j < 8; j++) {
      if (isTrue(j)) worstTrue = Math.max(worstTrue, fit.residuals[j]!);
      else {
        spurious++;
        bestSpurious = Math.min(bestSpurious, fit.residuals[j]!);
      }
    }
    expect(spurious).toBe(2);
    expectAtMost(tol.spuriousFactor * worstTrue, bestSpurious, 'spuriousFactor × largest true residual vs smallest spurious residual');
  });

  it('randomized agrees with exact on exactly low-rank data', () => {
    const X = sixModeData(200, 60, 5);
    const exact = referenceDmd(request(X, { rank: 6 }));
    for (const normalizer of ['qr', 'lu'] as const) {
      const rnd = referenceDmd(request(X, { variant: 'randomized', rank: 6, powerIters: 2, normalizer, seed: 7n }));
      expectAllClose(rnd.eigs.re, exact.eigs.re, tol.randomizedExact, `randomized vs exact (re, ${normalizer})`);
      expectAllClose(rnd.eigs.im, exact.eigs.im, tol.randomizedExact, `randomized vs exact (im, ${normalizer})`);
      expect(rnd.singularValues.length).toBe(16); // l = r + oversamples
      expectAllClose(rnd.singularValues.subarray(0, 6), exact.singularValues.subarray(0, 6), tol.randomizedExact * exact.singularValues[0]!, 'σ of B₁ vs X₁');
    }
  });
});

describe('complex and delayed signals', () => {
  it('complex sech/tanh snapshots: e^{i2.3dt}, e^{i2.8dt}; rank 0.9 selects 2', () => {
    const X = complexColMajor(SECH_N, SECH_M, (i, k) => {
      const x = gridX(i);
      const t = k * SECH_DT;
      const a = sech(x + 3);
      const b = 2 * sech(x) * Math.tanh(x);
      return [a * Math.cos(2.3 * t) + b * Math.cos(2.8 * t), a * Math.sin(2.3 * t) + b * Math.sin(2.8 * t)];
    });
    for (const variant of ['exact', 'projected', 'fb', 'tls'] as const) {
      const out = referenceDmd(request(X, { rank: 0.9, dt: SECH_DT, variant }));
      expect(out.rank, `rank (${variant})`).toBe(2);
      expectEigs(out.eigs, [polar(1, 2.3 * SECH_DT), polar(1, 2.8 * SECH_DT)], tol.eigsExact, `sech/tanh eigs (${variant})`);
      // complex input: a complex reconstruction, equal to the data
      const rec = dmdModel(out, dmdModelInfo(request(X, { dt: SECH_DT }))).reconstruct() as ComplexMatrix;
      expect(rec.re.rows).toBe(SECH_N);
      const re = maxDiff(rec.re, X.re);
      const im = maxDiff(rec.im, X.im);
      expectAtMost(Math.max(re.diff, im.diff) / Math.max(re.scale, im.scale), tol.reconstruct, `complex reconstruction (${variant})`);
    }
  });

  const realSignal = colMajor(SECH_N, SECH_M, (i, k) => {
    const x = gridX(i);
    const t = k * SECH_DT;
    return sech(x + 3) * Math.cos(2.3 * t) + 2 * sech(x) * Math.tanh(x) * Math.sin(2.8 * t);
  });

  it('real cos/sin signal with delays = 2 recovers ±2.3i, ±2.8i (continuous), with and without projectRank', () => {
    for (const projectRank of [undefined, 2]) {
      const out = referenceDmd(request(realSignal, { rank: 4, dt: SECH_DT, delays: 2, ...(projectRank ? { projectRank } : {}) }));
      expect(out.modes.re.rows).toBe(2 * SECH_N);
      const w = omega(out.eigs, SECH_DT);
      expectEigs(w, [[0, 2.3], [0, -2.3], [0, 2.8], [0, -2.8]], tol.omega, `ω with delays (projectRank ${projectRank})`);
      const model = dmdModel(out, dmdModelInfo(request(realSignal, { dt: SECH_DT, delays: 2 })));
      const rec = model.reconstruct() as Matrix;
      const { diff, scale } = maxDiff(rec, realSignal);
      expectAtMost(diff / scale, tol.reconstruct, `delay reconstruction (projectRank ${projectRank})`);
      const future = model.predict(10) as Matrix;
      const truth = colMajor(SECH_N, 10, (i, k) => {
        const x = gridX(i);
        const t = (SECH_M + k) * SECH_DT;
        return sech(x + 3) * Math.cos(2.3 * t) + 2 * sech(x) * Math.tanh(x) * Math.sin(2.8 * t);
      });
      const p = maxDiff(future, truth);
      expectAtMost(p.diff / p.scale, tol.reconstruct, `delay prediction (projectRank ${projectRank})`);
    }
    // without delays the rank-2 snapshots cannot hold four modes
    const plain = referenceDmd(request(realSignal, { rank: -1, dt: SECH_DT }));
    const wPlain = omega(plain.eigs, SECH_DT);
    const hits = Array.from(wPlain.im).filter((v) => Math.abs(Math.abs(v) - 2.3) < 1e-3 || Math.abs(Math.abs(v) - 2.8) < 1e-3).length;
    expect(hits).toBeLessThan(4);
  });
});

describe('noise', () => {
  it('noisy oscillator: exact DMD is biased below |λ| = 1, fb and tls are closer', () => {
    const theta = 0.3;
    const R = [
      [Math.cos(theta), -Math.sin(theta)],
      [Math.sin(theta), Math.cos(theta)],
    ];
    const clean = trajectory(R, [1, 0], 100);
    const mean: Record<string, number> = { exact: 0, fb: 0, tls: 0 };
    const trials = 30;
    const exactMods: number[] = [];
    for (let s = 0; s < trials; s++) {
      const g = normal(100 + s);
      const X = colMajor(2, 100, (i, k) => clean.data[i + 2 * k]! + 0.1 * g());
      for (const variant of ['exact', 'fb', 'tls'] as const) {
        const out = referenceDmd(request(X, { variant, rank: 2 }));
        const mod = (Math.hypot(out.eigs.re[0]!, out.eigs.im[0]!) + Math.hypot(out.eigs.re[1]!, out.eigs.im[1]!)) / 2;
        mean[variant]! += mod / trials;
        if (variant === 'exact') exactMods.push(mod);
      }
    }
    const sd = Math.sqrt(exactMods.reduce((s, v) => s + (v - mean.exact!) ** 2, 0) / (trials - 1));
    const bias = 1 - mean.exact!;
    // biased below 1 by many standard errors
    expectAtMost(5 * (sd / Math.sqrt(trials)), bias, 'five standard errors vs 1 − mean |λ| (exact)');
    for (const variant of ['fb', 'tls'] as const) {
      expectAtMost(Math.abs(1 - mean[variant]!), tol.debiasShare * bias, `|1 − mean |λ|| (${variant}) vs debiasShare × exact's bias`);
    }
  });

  it('tls with the threshold rule: the re-applied rule is capped at t (X₁·P has rank ≤ t)', () => {
    // Without the cap, ω·median of X₁·P's singular values is rounding-level (most are ~1e-16)
    // and the rule keeps rounding noise as modes (measured: rank 11 with five spurious λ here).
    const clean = sixModeData(64, 40);
    const g = normal(13);
    const X = colMajor(64, 40, (i, k) => clean.data[i + k * 64]! + 1e-3 * g());
    const exact = referenceDmd(request(X, { rank: 0 }));
    const tls = referenceDmd(request(X, { variant: 'tls', rank: 0 }));
    expect(exact.rank).toBe(6);
    expect(tls.rank).toBe(6);
    expectEigs(tls.eigs, SIX, 1e-2, 'tls eigs with rank 0 (noise 1e-3)');
  });

  it('randomized vs exact on low-rank + noise (1e-3) data with q = 2, to 1e-6', () => {
    const clean = sixModeData(200, 60, 5);
    const g = normal(21);
    const X = colMajor(200, 60, (i, k) => clean.data[i + k * 200]! + 1e-3 * g());
    const exact = referenceDmd(request(X, { rank: 6 }));
    const rnd = referenceDmd(request(X, { variant: 'randomized', rank: 6, powerIters: 2 }));
    expectAllClose(rnd.eigs.re, exact.eigs.re, tol.randomizedNoisy, 'randomized vs exact, noisy (re)');
    expectAllClose(rnd.eigs.im, exact.eigs.im, tol.randomizedNoisy, 'randomized vs exact, noisy (im)');
  });
});

describe('affine dynamics and increments', () => {
  // Gradient descent on f(w) = ½(w − w*)ᵀH(w − w*): w ↦ (I − ηH)w + ηHw*, eigenvalues 1 − ηhᵢ.
  const n = 5;
  const h = [0.4, 0.8, 1.2, 1.6, 2.0];
  const eta = 0.25;
  const Q = withSpectrum(n, n, [1, 1, 1, 1, 1], 23).X; // an orthonormal basis
  const H = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => h.reduce((s, hk, k) => s + Q.get(i, k) * hk * Q.get(j, k), 0)));
  const wStar = [1, -2, 0.5, 3, -1];
  const step = (w: number[]) => w.map((wi, i) => wi - eta * H[i]!.reduce((s, hij, j) => s + hij * (w[j]! - wStar[j]!), 0));
  const m = 30;
  const path = (count: number) => {
    const cols: number[][] = [[2, 1, -1, 0.5, 4]];
    while (cols.length < count) cols.push(step(cols[cols.length - 1]!));
    return colMajor(n, count, (i, k) => cols[k]![i]!);
  };
  const X = path(m);
  const truth = path(m + 20);
  const rates: Complex[] = h.map((hi) => [1 - eta * hi, 0]);

  it('affine: true recovers 1 − ηhᵢ and the eigenvalue 1; plain DMD does not', () => {
    const out = referenceDmd(request(X, { affine: true, rank: -1 }));
    expect(out.rank).toBe(6);
    expect(out.modes.re.rows).toBe(n); // the constant row dropped
    expectEigs(out.eigs, [...rates, [1, 0]], tol.affine, 'affine eigs');
    const model = dmdModel(out, dmdModelInfo(request(X)));
    const rec = maxDiff(model.reconstruct() as Matrix, X);
    expectAtMost(rec.diff / rec.scale, tol.reconstruct, 'affine reconstruction');
    const future = model.predict(20) as Matrix;
    const p = maxDiff(future, colMajor(n, 20, (i, k) => truth.data[i + (m + k) * n]!));
    expectAtMost(p.diff / p.scale, tol.reconstruct, 'affine prediction');

    const plain = referenceDmd(request(X, { rank: -1 }));
    const e = ordered(rates);
    const err = Math.max(...Array.from(plain.eigs.re, (v, j) => Math.abs(v - e[j]![0]) + Math.abs(plain.eigs.im[j]!)));
    expect(err, 'plain DMD of an affine map misses 1 − ηhᵢ').toBeGreaterThan(1e-3);
  });

  it('increments: true recovers 1 − ηhᵢ; the reconstruction sums the differences from X[:, 0]', () => {
    const out = referenceDmd(request(X, { increments: true, rank: -1 }));
    expect(out.rank).toBe(n);
    expectEigs(out.eigs, rates, tol.affine, 'increments eigs');
    const model = dmdModel(out, dmdModelInfo(request(X, { increments: true })));
    const rec = maxDiff(model.reconstruct() as Matrix, X);
    expectAtMost(rec.diff / rec.scale, tol.reconstruct, 'increments reconstruction');
    const future = model.predict(20) as Matrix;
    const p = maxDiff(future, colMajor(n, 20, (i, k) => truth.data[i + (m + k) * n]!));
    expectAtMost(p.diff / p.scale, tol.reconstruct, 'increments prediction');
    expectRandlaError(() => model.reconstruct([0, 0.5]), ErrorCode.INVALID_ARGUMENT, 'times');
  });
});

describe('amplitudes', () => {
  // Complex data from three non-orthogonal modes plus noise: the fit is not exact, so the
  // minimiser of ‖X − Φ·diag(b)·V_λ‖_F is a real question.
  const N = 8;
  const M = 20;
  const next = lcg(31);
  const modes = Array.from({ length: 3 }, () => Array.from({ length: N }, (): Complex => [next(), next()]));
  const lams: Complex[] = [polar(0.97, 0.4), polar(0.9, -1.1), polar(0.99, 2.0)];
  const amps: Complex[] = [[1, 0.5], [-0.7, 0.8], [0.4, -0.3]];
  const g = normal(37);
  const X = complexColMajor(N, M, (i, k) => {
    let re = 0.02 * g();
    let im = 0.02 * g();
    for (let j = 0; j < 3; j++) {
      const [pr, pi] = modes[j]![i]!;
      const [lr, li] = polar(Math.hypot(...lams[j]!) ** k, Math.atan2(lams[j]![1], lams[j]![0]) * k);
      const [br, bi] = amps[j]!;
      // φ·b·λᵏ
      const fr = pr * br - pi * bi;
      const fi = pr * bi + pi * br;
      re += fr * lr - fi * li;
      im += fr * li + fi * lr;
    }
    return [re, im];
  });

  /** ‖X − Φ·diag(b)·V_λ‖_F from the output's modes and eigenvalues. */
  function objective(out: DmdOutput, b: ComplexArray): number {
    let s = 0;
    const r = out.rank;
    for (let k = 0; k < M; k++) {
      for (let i = 0; i < N; i++) {
        let re = at(X.re, i, k);
        let im = at(X.im, i, k);
        for (let j = 0; j < r; j++) {
          const pr = at(out.modes.re, i, j);
          const pi = at(out.modes.im, i, j);
          const mag = Math.hypot(out.eigs.re[j]!, out.eigs.im[j]!) ** k;
          const ph = Math.atan2(out.eigs.im[j]!, out.eigs.re[j]!) * k;
          const lr = mag * Math.cos(ph);
          const li = mag * Math.sin(ph);
          const fr = pr * b.re[j]! - pi * b.im[j]!;
          const fi = pr * b.im[j]! + pi * b.re[j]!;
          re -= fr * lr - fi * li;
          im -= fr * li + fi * lr;
        }
        s += re * re + im * im;
      }
    }
    return Math.sqrt(s);
  }

  it("'optimal' equals an independent solve of the vectorised least-squares problem; P·b = conj(q) does not minimise", () => {
    const out = referenceDmd(request(X, { rank: 3, amplitudes: 'optimal' }));
    const r = out.rank;
    // vec(X) ≈ Σⱼ bⱼ·vec(φⱼ·λⱼᵏ): the real form [[Re A, −Im A], [Im A, Re A]]·[Re b; Im b] = [Re x; Im x].
    const rows = N * M;
    const big = new MlMatrix(2 * rows, 2 * r);
    const rhs = new MlMatrix(2 * rows, 1);
    for (let k = 0; k < M; k++) {
      for (let i = 0; i < N; i++) {
        const row = i + k * N;
        rhs.set(row, 0, at(X.re, i, k));
        rhs.set(rows + row, 0, at(X.im, i, k));
        for (let j = 0; j < r; j++) {
          const mag = Math.hypot(out.eigs.re[j]!, out.eigs.im[j]!) ** k;
          const ph = Math.atan2(out.eigs.im[j]!, out.eigs.re[j]!) * k;
          const lr = mag * Math.cos(ph);
          const li = mag * Math.sin(ph);
          const pr = at(out.modes.re, i, j);
          const pi = at(out.modes.im, i, j);
          const ar = pr * lr - pi * li;
          const ai = pr * li + pi * lr;
          big.set(row, j, ar);
          big.set(row, r + j, -ai);
          big.set(rows + row, j, ai);
          big.set(rows + row, r + j, ar);
        }
      }
    }
    const sol = new QrDecomposition(big).solve(rhs);
    const expected = { re: Float64Array.from({ length: r }, (_, j) => sol.get(j, 0)), im: Float64Array.from({ length: r }, (_, j) => sol.get(r + j, 0)) };
    const scale = Math.max(...Array.from(expected.re, (v, j) => Math.hypot(v, expected.im[j]!)));
    expectAllClose(out.amplitudes.re, expected.re, tol.optimalAmplitudes * scale, 'optimal b vs vectorised solve (re)');
    expectAllClose(out.amplitudes.im, expected.im, tol.optimalAmplitudes * scale, 'optimal b vs vectorised solve (im)');

    // P·b = conj(q) (P and q formed here independently) is not a normal equation on complex data.
    const P = new MlMatrix(2 * r, 2 * r);
    const qc = new MlMatrix(2 * r, 1);
    const phiHphi = (a: number, b: number): Complex => {
      let re = 0;
      let im = 0;
      for (let i = 0; i < N; i++) {
        const xr = at(out.modes.re, i, a);
        const xi = -at(out.modes.im, i, a);
        const yr = at(out.modes.re, i, b);
        const yi = at(out.modes.im, i, b);
        re += xr * yr - xi * yi;
        im += xr * yi + xi * yr;
      }
      return [re, im];
    };
    const pow = (j: number, k: number): Complex => polar(Math.hypot(out.eigs.re[j]!, out.eigs.im[j]!) ** k, Math.atan2(out.eigs.im[j]!, out.eigs.re[j]!) * k);
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < r; b++) {
        // conj(Σₖ λₐᵏ conj(λ_bᵏ))
        let vr = 0;
        let vi = 0;
        for (let k = 0; k < M; k++) {
          const [ar, ai] = pow(a, k);
          const [br, bi] = pow(b, k);
          vr += ar * br + ai * bi;
          vi += ai * br - ar * bi;
        }
        vi = -vi;
        const [gr, gi] = phiHphi(a, b);
        const pr = gr * vr - gi * vi;
        const pi = gr * vi + gi * vr;
        P.set(a, b, pr);
        P.set(a, r + b, -pi);
        P.set(r + a, b, pi);
        P.set(r + a, r + b, pr);
      }
      // q_a = Σₖ (φₐᴴ xₖ)·conj(λₐᵏ); the conjugated system solves with conj(q)
      let qr = 0;
      let qi = 0;
      for (let k = 0; k < M; k++) {
        let dr = 0;
        let di = 0;
        for (let i = 0; i < N; i++) {
          const xr = at(out.modes.re, i, a);
          const xi = -at(out.modes.im, i, a);
          const yr = at(X.re, i, k);
          const yi = at(X.im, i, k);
          dr += xr * yr - xi * yi;
          di += xr * yi + xi * yr;
        }
        const [lr, li] = pow(a, k);
        qr += dr * lr + di * li;
        qi += di * lr - dr * li;
      }
      qc.set(a, 0, qr);
      qc.set(r + a, 0, -qi);
    }
    const pyd = solve(P, qc);
    const bPy = { re: Float64Array.from({ length: r }, (_, j) => pyd.get(j, 0)), im: Float64Array.from({ length: r }, (_, j) => pyd.get(r + j, 0)) };
    const best = objective(out, out.amplitudes);
    expectAtMost(tol.conjugatedExcess * best, objective(out, bPy), 'conjugatedExcess × optimum vs the conj(q) residual');
    // and the optimum beats 'first' (which fits x₀ only)
    const first = referenceDmd(request(X, { rank: 3, amplitudes: 'first' }));
    expectAtMost(best, objective(out, first.amplitudes) * (1 + 1e-12), "optimal vs 'first' residual");
  });
});

describe('order and normalisation', () => {
  it("eigenvalues by imaginary part then real part; W unit norm; each mode's pivot real positive, Φ·b unchanged", () => {
    const values = { re: Float64Array.from([1, 0.5, 0.2, 0.9, 0.1, 0.5]), im: Float64Array.from([0, 0, -0.3, 0.3, 0.3, 0]) };
    expect(eigenOrder(values)).toEqual([2, 1, 5, 0, 4, 3]); // ties keep their order (stable)
    // within the 1e-8 relative tie of the largest squared modulus, the FIRST index is the pivot
    const tie: CMat = { rows: 2, cols: 1, re: Float64Array.from([Math.SQRT1_2, 0]), im: Float64Array.from([0, -Math.SQRT1_2 * (1 + 1e-12)]) };
    expect(pivotIndex(tie, 0)).toBe(0);
    tie.im[1] = -Math.SQRT1_2 * (1 + 1e-6);
    expect(pivotIndex(tie, 0)).toBe(1);

    const W: CMat = { rows: 3, cols: 1, re: Float64Array.from([3, 0, -5]), im: Float64Array.from([4, 1, 0]) };
    normaliseEigenvectors(W);
    expectClose(Math.hypot(W.re[0]!, W.im[0]!, W.re[1]!, W.im[1]!, W.re[2]!, W.im[2]!), 1, tol.unitNorm, '‖w‖');
    expectClose(W.im[0]!, 4 / Math.sqrt(51), tol.unitNorm, 'w₀ keeps its phase (im)');

    // a tie in modulus (3 + 4i and −5): the first index is the pivot; b·φ is unchanged
    const phi: CMat = { rows: 3, cols: 1, re: Float64Array.from([3, 0, -5]), im: Float64Array.from([4, 1, 0]) };
    const b = { re: Float64Array.from([0.5]), im: Float64Array.from([2]) };
    const before = [0, 1, 2].map((i): Complex => [phi.re[i]! * 0.5 - phi.im[i]! * 2, phi.re[i]! * 2 + phi.im[i]! * 0.5]);
    normaliseModePhases(phi, b);
    expect(phi.im[0]).toBe(0);
    expectClose(phi.re[0]!, 5, tol.unitNorm * 5, 'φ₀ = |φ₀|');
    // −5·conj(3 + 4i)/5 = −3 + 4i
    expectClose(phi.re[2]!, -3, tol.unitNorm * 5, 'φ₂ (re)');
    expectClose(phi.im[2]!, 4, tol.unitNorm * 5, 'φ₂ (im)');
    for (let i = 0; i < 3; i++) {
      expectClose(phi.re[i]! * b.re[0]! - phi.im[i]! * b.im[0]!, before[i]![0], tol.unitNorm * 10, `(φb)_${i} (re)`);
      expectClose(phi.re[i]! * b.im[0]! + phi.im[i]! * b.re[0]!, before[i]![1], tol.unitNorm * 10, `(φb)_${i} (im)`);
    }
  });

  it("every output mode's pivot entry is real and positive (real, complex, delayed, affine input)", () => {
    const complexX = complexColMajor(SECH_N, 20, (i, k) => {
      const x = gridX(i);
      const t = k * SECH_DT;
      return [sech(x + 3) * Math.cos(2.3 * t) + Math.tanh(x) * Math.cos(2.8 * t), sech(x + 3) * Math.sin(2.3 * t) + Math.tanh(x) * Math.sin(2.8 * t)];
    });
    const fits = [
      referenceDmd(request(sixModeData(64, 40), { rank: 6 })),
      referenceDmd(request(complexX, { rank: 2, variant: 'fb' })),
      referenceDmd(request(sixModeData(20, 30), { rank: 6, delays: 3, projectRank: 6 })),
      referenceDmd(request(trajectory(A2, [1, 2], 10), { rank: -1, affine: true, variant: 'tls' })),
    ];
    for (const out of fits) {
      const M: CMat = { rows: out.modes.re.rows, cols: out.modes.re.cols, re: new Float64Array(out.modes.re.data.length), im: new Float64Array(out.modes.re.data.length) };
      for (let i = 0; i < M.rows; i++) {
        for (let j = 0; j < M.cols; j++) {
          M.re[i + j * M.rows] = at(out.modes.re, i, j);
          M.im[i + j * M.rows] = at(out.modes.im, i, j);
        }
      }
      for (let j = 0; j < M.cols; j++) {
        const p = pivotIndex(M, j);
        expect(M.im[p + j * M.rows]).toBe(0);
        expect(M.re[p + j * M.rows]!).toBeGreaterThan(0);
      }
    }
  });

  it('real input: ordered output, exact conjugate pairs of modes, amplitudes conjugate to rounding, unit projected modes', () => {
    const X = sixModeData(64, 40);
    const out = referenceDmd(request(X, { variant: 'projected', rank: 6 }));
    for (let j = 1; j < 6; j++) {
      const di = out.eigs.im[j]! - out.eigs.im[j - 1]!;
      expect(di > 0 || (di === 0 && out.eigs.re[j]! >= out.eigs.re[j - 1]!), `order at ${j}`).toBe(true);
    }
    const rows = out.modes.re.rows;
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += at(out.modes.re, i, j) ** 2 + at(out.modes.im, i, j) ** 2;
      expectClose(Math.sqrt(s), 1, tol.unitNorm, `‖φ_${j}‖ (projected)`);
      if (out.eigs.im[j] === 0) continue;
      const k = Array.from(out.eigs.im).findIndex((v, t) => v === -out.eigs.im[j]! && out.eigs.re[t] === out.eigs.re[j]);
      expect(k, `conjugate of eig ${j}`).toBeGreaterThanOrEqual(0);
      // amplitudes: conjugate to rounding (a complex least-squares solve does not preserve the
      // symmetry exactly; the contract asks it of the eigenvectors only)
      const bScale = Math.hypot(out.amplitudes.re[j]!, out.amplitudes.im[j]!);
      expectClose(out.amplitudes.re[k]!, out.amplitudes.re[j]!, tol.unitNorm * bScale, `conj amplitude ${j} (re)`);
      expectClose(out.amplitudes.im[k]!, -out.amplitudes.im[j]!, tol.unitNorm * bScale, `conj amplitude ${j} (im)`);
      for (let i = 0; i < rows; i++) {
        expect(at(out.modes.re, i, k)).toBe(at(out.modes.re, i, j));
        expect(at(out.modes.im, i, k) === -at(out.modes.im, i, j), `Im φ conjugate at ${i}`).toBe(true); // ±0 alike
      }
    }
  });

  it('layouts and f32 give the same numbers; the input is not mutated', () => {
    const X = sixModeData(20, 15);
    const f32 = { data: Float32Array.from(X.data), rows: 20, cols: 15, layout: 'col-major' as const };
    const f32as64 = { data: Float64Array.from(f32.data), rows: 20, cols: 15, layout: 'col-major' as const };
    const rowMajor = { data: new Float32Array(300), rows: 20, cols: 15, layout: 'row-major' as const };
    for (let i = 0; i < 20; i++) for (let k = 0; k < 15; k++) rowMajor.data[i * 15 + k] = f32.data[i + k * 20]!;
    const before = bytesOf(rowMajor.data);
    const a = referenceDmd(request(f32as64, { rank: 6 }));
    const b = referenceDmd(request(f32, { rank: 6 }));
    const c = referenceDmd(request(rowMajor, { rank: 6, variant: 'fb' }));
    expect(b).toEqual(a);
    expect(c.eigs).toEqual(referenceDmd(request(f32as64, { rank: 6, variant: 'fb' })).eigs);
    expect(bytesOf(rowMajor.data)).toEqual(before);
  });
});

describe('model outputs (dmd_model.ts)', () => {
  it('omega, frequency, growthRate and dynamics', () => {
    const eigs = { re: Float64Array.from([0, ...polar(0.9, 0.5).slice(0, 1)]), im: Float64Array.from([0, polar(0.9, 0.5)[1]]) };
    const dt = 0.1;
    const w = omega(eigs, dt);
    expect(w.re[0]).toBe(Number.NEGATIVE_INFINITY);
    expectClose(w.re[1]!, Math.log(0.9) / dt, 16 * Number.EPSILON * 10, 'Re ω');
    expectClose(w.im[1]!, 0.5 / dt, 16 * Number.EPSILON * 10, 'Im ω');
    expectClose(frequency(eigs, dt)[1]!, 0.5 / (2 * Math.PI * dt), 16 * Number.EPSILON, 'frequency');
    expectClose(growthRate(eigs, dt)[1]!, Math.log(0.9) / dt, 16 * Number.EPSILON * 10, 'growthRate');
    const b = { re: Float64Array.from([2, 1]), im: Float64Array.from([0, 0]) };
    const dyn = dynamics(eigs, b, [0, dt, 2 * dt], dt);
    // λ = 0: b at t = 0, then 0
    expect(Array.from(dyn.re.data.subarray(0, 3))).toEqual([2, 0, 0]);
    const [lr, li] = polar(0.81, 1);
    expectClose(dyn.re.data[5]!, lr, 64 * Number.EPSILON, 'b·λ² (re)');
    expectClose(dyn.im.data[5]!, li, 64 * Number.EPSILON, 'b·λ² (im)');
  });
});

describe('online, windowed and batched DMD', () => {
  const n = 5;
  const next = lcg(41);
  const Atrue = Array.from({ length: n }, () => Array.from({ length: n }, () => next()));
  const g = normal(43);
  const pairs = Array.from({ length: 40 }, () => {
    const x = Array.from({ length: n }, () => g());
    const y = Atrue.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0) + 0.01 * g());
    return { x: Float64Array.from(x), y: Float64Array.from(y) };
  });

  /** Y·W·Xᵀ·(X·W·Xᵀ)⁻¹ by ml-matrix, weights w for the pairs given. */
  function batchOperator(ps: typeof pairs, w: number[]): MlMatrix {
    const C = new MlMatrix(n, n);
    const G = new MlMatrix(n, n);
    ps.forEach(({ x, y }, t) => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          C.set(i, j, C.get(i, j) + w[t]! * y[i]! * x[j]!);
          G.set(i, j, G.get(i, j) + w[t]! * x[i]! * x[j]!);
        }
      }
    });
    return solve(G, C.transpose()).transpose(); // G symmetric: A = C·G⁻¹
  }

  function relativeDiff(A: Matrix, B: MlMatrix): number {
    let d = 0;
    let s = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        d += (at(A, i, j) - B.get(i, j)) ** 2;
        s += B.get(i, j) ** 2;
      }
    }
    return Math.sqrt(d / s);
  }

  it('OnlineDmd equals the exponentially weighted batch operator after every update', () => {
    for (const rho of [1, 0.95]) {
      const online = new ReferenceOnlineDmd({ weighting: rho });
      pairs.forEach((p, k) => {
        online.update(p.x, p.y);
        if (k < n - 1) {
          expectRandlaError(() => online.operator(), ErrorCode.INVALID_ARGUMENT, 'pairs');
          return;
        }
        const seen = pairs.slice(0, k + 1);
        const w = seen.map((_, i) => rho ** (k - i));
        expectAtMost(relativeDiff(online.operator(), batchOperator(seen, w)), tol.online, `online (ρ = ${rho}) after ${k + 1} pairs`);
      });
      const eigs = online.eigs();
      for (let j = 1; j < n; j++) expect(eigs.im[j]! >= eigs.im[j - 1]!).toBe(true);
    }
  });

  it('WindowDmd equals the batch fit over the window', () => {
    const w = 8;
    const win = new ReferenceWindowDmd({ window: w });
    pairs.forEach((p, k) => {
      win.update(p.x, p.y);
      if (k < w - 1) {
        expectRandlaError(() => win.operator(), ErrorCode.INVALID_ARGUMENT, 'pairs');
        return;
      }
      const inWindow = pairs.slice(k + 1 - w, k + 1);
      expectAtMost(relativeDiff(win.operator(), batchOperator(inWindow, inWindow.map(() => 1))), tol.online, `window after ${k + 1} pairs`);
    });
  });

  it('dmdBatch is a loop of dmd calls', () => {
    const groups = [sixModeData(12, 10, 1), sixModeData(12, 10, 2), trajectory(A2, [0.3, 1], 8)];
    const opts = { ...request(groups[0]!, { rank: 2, variant: 'fb' }) } as Partial<DmdRequest>;
    delete opts.X;
    const batch = referenceDmdBatch(groups, opts as Omit<DmdRequest, 'X' | 'Y'>);
    expect(batch).toEqual(groups.map((X) => referenceDmd(request(X, { rank: 2, variant: 'fb' }))));
  });
});

describe('bad input (contract "Errors")', () => {
  const X = trajectory(A2, [1, 0], 6);
  const { INVALID_ARGUMENT: INV, SHAPE, NOT_FINITE } = ErrorCode;

  it('shapes, dt, delays, ranks, names, finiteness', () => {
    const one = colMajor(2, 1, () => 1);
    expectRandlaError(() => referenceDmd(request(one)), SHAPE, 'X');
    expectRandlaError(() => referenceDmd(request(colMajor(2, 2, () => 1), { increments: true })), SHAPE, 'X');
    expectRandlaError(() => referenceDmd(request(X, { Y: colMajor(2, 5, () => 1) })), SHAPE, 'options.Y');
    expectRandlaError(() => referenceDmd(request(X, { Y: complexColMajor(2, 6, () => [1, 0]) })), SHAPE, 'options.Y');
    for (const dt of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expectRandlaError(() => referenceDmd(request(X, { dt })), INV, 'options.dt');
    for (const delays of [0, 6, 1.5]) expectRandlaError(() => referenceDmd(request(X, { delays })), INV, 'options.delays');
    expectRandlaError(() => referenceDmd(request(X, { delays: 5, increments: true })), INV, 'options.delays');
    for (const rank of [1.5, -2, Number.NaN, 1]) {
      if (rank === 1) expect(referenceDmd(request(X, { rank })).rank).toBe(1);
      else expectRandlaError(() => referenceDmd(request(X, { rank })), INV, 'options.rank');
    }
    for (const rank of [0, 0.5, -1]) expectRandlaError(() => referenceDmd(request(X, { variant: 'randomized', rank })), INV, 'options.rank');
    expectRandlaError(() => referenceDmd(request(X, { delays: 2, projectRank: 2.5 })), INV, 'options.projectRank');
    expectRandlaError(() => referenceDmd(request(X, { variant: 'tls', tlsRank: 0 })), INV, 'options.tlsRank');
    expectRandlaError(() => referenceDmd(request(X, { variant: 'magic' as never })), INV, 'options.variant');
    expectRandlaError(() => referenceDmd(request(X, { amplitudes: 'best' as never })), INV, 'options.amplitudes');
    expectRandlaError(() => referenceDmd(request(X, { threshold: 'quartic' as never })), INV, 'options.threshold');
    expectRandlaError(() => referenceDmd(request(X, { increments: true, affine: true })), INV, 'options.increments');
    expectRandlaError(() => referenceDmd(request(X, { Y: X, variant: 'randomized', rank: 1 })), INV, 'options.Y');
    expectRandlaError(() => referenceDmd(request(X, { Y: X, delays: 2 })), INV, 'options.Y');
    expectRandlaError(() => referenceDmd(request(X, { Y: X, increments: true })), INV, 'options.Y');
    expectRandlaError(() => referenceDmd(request(complexColMajor(2, 6, () => [1, 1]), { variant: 'randomized', rank: 1 })), INV, 'options.variant');
    const nan = colMajor(2, 6, (i, k) => (i === 1 && k === 3 ? Number.NaN : 1));
    expectRandlaError(() => referenceDmd(request(nan)), NOT_FINITE, 'X');
    const inf = colMajor(2, 6, (i, k) => (k === 0 ? Number.POSITIVE_INFINITY : 1));
    expectRandlaError(() => referenceDmd(request(X, { Y: inf })), NOT_FINITE, 'options.Y');
    const badIm = complexColMajor(2, 6, () => [1, 1]);
    badIm.im.data[3] = Number.NaN;
    expectRandlaError(() => referenceDmd(request(badIm)), NOT_FINITE, 'X');
  });

  it("fb without a backward operator (rank-deficient Uᴴ·X₂) names X", () => {
    // X₁ = [e₁, e₂] has rank 2, X₂ = [e₂, 0] rank 1
    const Z = colMajor(2, 3, (i, k) => (k === 0 ? (i === 0 ? 1 : 0) : k === 1 ? (i === 1 ? 1 : 0) : 0));
    expectRandlaError(() => referenceDmd(request(Z, { variant: 'fb', rank: 2 })), INV, 'X');
  });

  it('online and window DMD', () => {
    expectRandlaError(() => new ReferenceOnlineDmd({ weighting: 0 }), INV, 'options.weighting');
    expectRandlaError(() => new ReferenceOnlineDmd({ weighting: 1.5 }), INV, 'options.weighting');
    const online = new ReferenceOnlineDmd();
    online.update(new Float64Array(3), new Float64Array(3));
    expectRandlaError(() => online.update(new Float64Array(3), new Float64Array(2)), SHAPE, 'y');
    expectRandlaError(() => online.update(Float64Array.from([1, Number.NaN, 0]), new Float64Array(3)), NOT_FINITE, 'x');
    const win = new ReferenceWindowDmd({ window: 2 });
    expectRandlaError(() => win.update(new Float64Array(3), new Float64Array(3)), INV, 'options.window');
  });
});

describe('complex SVD edge cases', () => {
  it('a column of subnormal entries (zero to working precision) does not stall the Jacobi sweeps', () => {
    // A diverging gradient descent produced such a column: 1e-313 survives in the data, its square underflows.
    const A = { rows: 3, cols: 3, re: Float64Array.of(1, 0, 0, 0, 0.5, 0, 8e-313, 3e-321, 0), im: new Float64Array(9) };
    const { S } = csvd(A);
    expect(S[0]).toBeCloseTo(1, 15);
    expect(S[1]).toBeCloseTo(0.5, 15);
    expect(S[2]).toBeLessThan(1e-300);
  });
});
