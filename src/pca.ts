// Principal component analysis by randomized SVD of the implicitly centered matrix, as
// scikit-learn's PCA(svd_solver='randomized') (Halko, Martinsson, Tropp 2011, Alg. 5.1 on
// A − 1μᵀ, never formed, so sparse input stays sparse). docs/algorithms/pca.md.
import { ErrorCode, invalid, RandlaError } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { rejectUnknownOptions } from './options.js';
import { prepareRsvd, runRsvd, runRsvdSync, type RsvdOptions, type RsvdResult } from './rsvd.js';
import { expectCsr, isCsr } from './sparse.js';
import type { CsrMatrix, Matrix } from './types.js';
import { expectObject } from './validate.js';

export interface PcaOptions
  extends Pick<RsvdOptions, 'oversamples' | 'powerIters' | 'normalizer' | 'sketch' | 'sparseNnz' | 'seed' | 'backend' | 'checkFinite' | 'signal' | 'onProgress'> {
  /** Number of components k, 1 <= k <= min(rows, cols). */
  components: number;
}

export interface PcaResult {
  /** k x cols, row-major: the principal axes, rows of Vt (scikit-learn's `components_`). */
  components: Matrix<Float64Array>;
  /** S²/(rows − 1): the variance along each component (`explained_variance_`). */
  explainedVariance: Float64Array;
  /** explainedVariance / total variance of the centered data (`explained_variance_ratio_`). */
  explainedVarianceRatio: Float64Array;
  /** Singular values of the centered matrix (`singular_values_`). */
  singularValues: Float64Array;
  /** Column means μ (`mean_`). */
  mean: Float64Array;
  /** The (rows − 1)-normalised total variance, Σⱼ var(column j) (the denominator of the ratio). */
  totalVariance: number;
  seed: number | bigint;
  backend: string;
  /** (X − μ)·componentsᵀ (m' x k, row-major f64) for new rows X with the same columns. */
  transform(X: MatrixInput | CsrMatrix): Matrix<Float64Array>;
  /** Y·components + μ (rows x cols) for scores Y (rows x k). */
  inverseTransform(Y: MatrixInput): Matrix<Float64Array>;
}

const KNOWN = new Set(['components', 'oversamples', 'powerIters', 'normalizer', 'sketch', 'sparseNnz', 'seed', 'backend', 'checkFinite', 'signal', 'onProgress']);

function split(options: PcaOptions): RsvdOptions {
  const o = expectObject(options, 'options') as PcaOptions & Record<string, unknown>;
  rejectUnknownOptions(o, KNOWN);
  const { components, ...rest } = o;
  // scikit-learn's PCA(svd_solver='randomized') defaults: n_oversamples 10, iterated_power 'auto', normalizer 'auto'.
  return { powerIters: 'auto', normalizer: 'auto', ...rest, rank: components, center: true };
}

/** Σᵢⱼ (a_ij − μⱼ)², accumulated in f64 (one pass over the stored entries). */
function centeredSquaredNorm(A: Matrix | CsrMatrix, mean: Float64Array): number {
  if ('format' in A) {
    // ‖A − 1μᵀ‖²_F = Σ_entries (a² − 2μⱼa) + m‖μ‖²: the implicit zeros contribute μⱼ² each.
    // Repeated (i, j) entries add up to one entry a before it is squared.
    let sum = 0;
    const { indptr, indices, values } = A;
    const entry = new Float64Array(A.cols);
    const seen = new Uint8Array(A.cols);
    const touched = new Int32Array(A.cols);
    for (let i = 0; i < A.rows; i++) {
      let count = 0;
      for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
        const j = indices[p]!;
        if (!seen[j]) {
          seen[j] = 1;
          entry[j] = 0;
          touched[count++] = j;
        }
        entry[j] += values[p]!;
      }
      for (let t = 0; t < count; t++) {
        const j = touched[t]!;
        const a = entry[j]!;
        sum += a * a - 2 * mean[j]! * a;
        seen[j] = 0;
      }
    }
    for (let j = 0; j < A.cols; j++) sum += A.rows * mean[j]! * mean[j]!;
    return Math.max(0, sum);
  }
  let sum = 0;
  const { data, rows, cols } = A;
  if (A.layout === 'row-major') {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) {
        const d = data[o + j]! - mean[j]!;
        sum += d * d;
      }
    }
  } else {
    for (let j = 0; j < cols; j++) {
      const o = j * rows;
      const mu = mean[j]!;
      for (let i = 0; i < rows; i++) {
        const d = data[o + i]! - mu;
        sum += d * d;
      }
    }
  }
  return sum;
}

function build(A: Matrix | CsrMatrix, r: RsvdResult, seedBackend: { seed: number | bigint; backend: string }): PcaResult {
  const { rows, cols } = A;
  const k = r.rank;
  const mean = r.mean!;
  const Vt = r.Vt!;
  // Components signed like scikit-learn >= 1.5 (svd_flip with u_based_decision=False): the
  // largest-|.| entry of each component is positive.
  const components = new Float64Array(k * cols);
  for (let j = 0; j < k; j++) {
    let best = 0;
    let bestAbs = -1;
    for (let c = 0; c < cols; c++) {
      const v = Math.abs(Vt.data[j * cols + c]!);
      if (v > bestAbs) {
        bestAbs = v;
        best = c;
      }
    }
    const sign = Vt.data[j * cols + best]! < 0 ? -1 : 1;
    for (let c = 0; c < cols; c++) components[j * cols + c] = sign * Vt.data[j * cols + c]!;
  }
  const dof = Math.max(1, rows - 1);
  const explainedVariance = r.S.map((s) => (s * s) / dof);
  const totalVariance = centeredSquaredNorm(A, mean) / dof;
  const explainedVarianceRatio = explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
  const componentsMatrix: Matrix<Float64Array> = { data: components, rows: k, cols, layout: 'row-major' };

  const transform = (input: MatrixInput | CsrMatrix): Matrix<Float64Array> => {
    const X = isCsr(input) ? expectCsr(input, 'X') : toMatrix(input, 'X');
    if (X.cols !== cols) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected ${cols} columns for X but received ${X.cols}`, { argument: 'X' });
    }
    const out = new Float64Array(X.rows * k);
    // μ·componentsᵀ, subtracted from every row.
    const shift = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += mean[c]! * components[j * cols + c]!;
      shift[j] = s;
    }
    if ('format' in X) {
      for (let i = 0; i < X.rows; i++) {
        for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
          const c = X.indices[p]!;
          const a = X.values[p]!;
          for (let j = 0; j < k; j++) out[i * k + j] += a * components[j * cols + c]!;
        }
        for (let j = 0; j < k; j++) out[i * k + j] -= shift[j]!;
      }
    } else {
      const rowMajor = X.layout === 'row-major';
      for (let i = 0; i < X.rows; i++) {
        for (let j = 0; j < k; j++) {
          let s = 0;
          const co = j * cols;
          if (rowMajor) for (let c = 0, o = i * cols; c < cols; c++) s += X.data[o + c]! * components[co + c]!;
          else for (let c = 0; c < cols; c++) s += X.data[i + c * X.rows]! * components[co + c]!;
          out[i * k + j] = s - shift[j]!;
        }
      }
    }
    return { data: out, rows: X.rows, cols: k, layout: 'row-major' };
  };

  const inverseTransform = (input: MatrixInput): Matrix<Float64Array> => {
    const Y = toMatrix(input, 'Y');
    if (Y.cols !== k) throw new RandlaError(ErrorCode.SHAPE, `Expected ${k} columns for Y but received ${Y.cols}`, { argument: 'Y' });
    const out = new Float64Array(Y.rows * cols);
    for (let i = 0; i < Y.rows; i++) {
      for (let c = 0; c < cols; c++) out[i * cols + c] = mean[c]!;
      for (let j = 0; j < k; j++) {
        const y = Y.layout === 'row-major' ? Y.data[i * k + j]! : Y.data[i + j * Y.rows]!;
        for (let c = 0; c < cols; c++) out[i * cols + c] += y * components[j * cols + c]!;
      }
    }
    return { data: out, rows: Y.rows, cols, layout: 'row-major' };
  };

  return {
    components: componentsMatrix,
    explainedVariance,
    explainedVarianceRatio,
    singularValues: r.S,
    mean,
    totalVariance,
    seed: seedBackend.seed,
    backend: seedBackend.backend,
    transform,
    inverseTransform,
  };
}

function prepare(X: MatrixInput | CsrMatrix, options: PcaOptions) {
  const rsvdOptions = split(options);
  const prepared = prepareRsvd(X, rsvdOptions, 'options.components');
  if (!('data' in prepared.A) && !('format' in prepared.A)) {
    throw invalid('X', 'a dense or CSR matrix', X);
  }
  // U is not needed: scores come from transform().
  prepared.request.computeU = false;
  return prepared;
}

/**
 * PCA of the rows of X (samples x features) by randomized SVD of X − 1μᵀ, never formed:
 * dense or CSR input, like scikit-learn's PCA(svd_solver='randomized').
 *
 * @example
 * ```ts
 * import { matrix, pca } from 'randla';
 * const X = matrix(Float64Array.from({ length: 500 * 20 }, (_, i) => Math.sin(i) + (i % 20)), 500, 20);
 * const p = await pca(X, { components: 3, seed: 1 });
 * console.log(p.explainedVarianceRatio, p.transform(X).rows); // 3 ratios, 500
 * ```
 */
export async function pca(X: MatrixInput | CsrMatrix, options: PcaOptions): Promise<PcaResult> {
  const prepared = prepare(X, options);
  const r = await runRsvd(prepared);
  return build(prepared.A as Matrix | CsrMatrix, r, { seed: r.seed, backend: r.backend });
}

/** Synchronous twin of {@link pca}. */
export function pcaSync(X: MatrixInput | CsrMatrix, options: PcaOptions): PcaResult {
  const prepared = prepare(X, options);
  const r = runRsvdSync(prepared);
  return build(prepared.A as Matrix | CsrMatrix, r, { seed: r.seed, backend: r.backend });
}


