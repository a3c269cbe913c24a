// Test matrices with known spectra: A = X·diag(σ)·Yᵀ with X, Y orthonormal (ml-matrix QR of
// seeded pseudo-random matrices), so the exact SVD is known without computing one.
import { Matrix as MlMatrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';

import { toMlMatrix, type Float, type Layout, type Matrix } from '../../src/index.js';

/** Deterministic uniform(-0.5, 0.5) stream (an LCG: the test needs reproducibility, not quality). */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
}

/** The same sequence in [0, 1) (adding back the 0.5 is exact: 32-bit fractions). */
export function lcg01(seed: number): () => number {
  const next = lcg(seed);
  return () => next() + 0.5;
}

export function orthonormal(rows: number, cols: number, seed: number): MlMatrix {
  const next = lcg(seed);
  const Q = new QrDecomposition(MlMatrix.from1DArray(rows, cols, Array.from({ length: rows * cols }, next))).orthogonalMatrix;
  return Q.subMatrix(0, rows - 1, 0, cols - 1);
}

export interface KnownSpectrum {
  X: MlMatrix; // rows x r
  Y: MlMatrix; // cols x r
  sigma: number[];
  dense: MlMatrix; // rows x cols
}

export function withSpectrum(rows: number, cols: number, sigma: number[], seed = 1): KnownSpectrum {
  const r = sigma.length;
  const X = orthonormal(rows, r, seed);
  const Y = orthonormal(cols, r, seed + 7);
  const XS = X.clone();
  for (let j = 0; j < r; j++) for (let i = 0; i < rows; i++) XS.set(i, j, XS.get(i, j) * sigma[j]!);
  return { X, Y, sigma, dense: XS.mmul(Y.transpose()) };
}

/** The dense matrix stored in the given layout and dtype. */
export function store(m: MlMatrix, layout: Layout, dtype: 'float64' | 'float32'): Matrix {
  const data = dtype === 'float64' ? new Float64Array(m.rows * m.columns) : new Float32Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.columns; j++) data[layout === 'row-major' ? i * m.columns + j : i + j * m.rows] = m.get(i, j);
  }
  return { data, rows: m.rows, cols: m.columns, layout };
}

/** A copy of the bytes of a TypedArray's view (to check an input was left untouched). */
export function bytesOf(x: Float): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength).slice();
}

/** U·diag(S)·Vt as an ml-matrix. */
export function product(U: Matrix<Float>, S: Float64Array, Vt: Matrix<Float>): MlMatrix {
  const US = toMlMatrix(U);
  for (let j = 0; j < S.length; j++) for (let i = 0; i < US.rows; i++) US.set(i, j, US.get(i, j) * S[j]!);
  return US.mmul(toMlMatrix(Vt));
}

export function spectralNorm(m: MlMatrix): number {
  return new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true }).diagonal[0]!;
}

/** max |MᵀM − I| over the columns of M. */
export function orthonormalityError(M: MlMatrix): number {
  const G = M.transpose().mmul(M);
  let worst = 0;
  for (let i = 0; i < G.rows; i++) for (let j = 0; j < G.columns; j++) worst = Math.max(worst, Math.abs(G.get(i, j) - (i === j ? 1 : 0)));
  return worst;
}
