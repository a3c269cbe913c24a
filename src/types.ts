/** Public data types shared by every algorithm (DESIGN.md §3). */
export type Float = Float64Array | Float32Array;
export type Layout = 'row-major' | 'col-major';

/** A dense matrix over one contiguous TypedArray; passed to native code without copying. */
export interface Matrix<T extends Float = Float> {
  data: T;
  rows: number;
  cols: number;
  layout: Layout;
}

export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

export interface ComplexMatrix {
  re: Matrix<Float64Array>;
  im: Matrix<Float64Array>;
}

/** Progress of a long computation: `pass` of `totalPasses` passes over the input are done. */
export interface Progress {
  pass: number;
  totalPasses: number;
}

/** Re-normalisation between power iterations (docs/algorithms/rsvd.md). */
export type Normalizer = 'qr' | 'lu' | 'cholqr2' | 'none';
/** Random test matrix Ω of the range finder (docs/rng.md). */
export type SketchKind = 'gaussian' | 'rademacher' | 'uniform' | 'sparse-sign' | 'srht';

/**
 * A sparse matrix in compressed sparse row form (scipy.sparse.csr_matrix's arrays): the column
 * indices of row i are `indices[indptr[i] .. indptr[i + 1])`, with their `values`. Indices
 * within a row may be unsorted; repeated indices add up. Passed to native code without copying.
 */
export interface CsrMatrix<T extends Float = Float> {
  format: 'csr';
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: T;
}

/**
 * A matrix known only through its products (matrix-free input): `matmul(X)` = A·X for X of
 * shape cols × l, `rmatmul(X)` = Aᵀ·X for X of shape rows × l. Either may return a Promise.
 * randla passes X as an f64 Matrix (col-major) and accepts either layout and dtype back.
 */
export interface LinearOperator {
  rows: number;
  cols: number;
  matmul(X: Matrix<Float64Array>): Matrix | Promise<Matrix>;
  rmatmul(X: Matrix<Float64Array>): Matrix | Promise<Matrix>;
}

/**
 * A symmetric n × n matrix known only through its columns (matrix-free Nyström input):
 * `columns(indices)` returns the n × |indices| matrix A[:, indices] (either layout and dtype,
 * sync or async); `diagonal()`, when present, returns diag(A) (needed by `rpcholesky`).
 */
export interface SymmetricOperator {
  size: number;
  columns(indices: Int32Array): Matrix | Promise<Matrix>;
  diagonal?(): Float64Array | Promise<Float64Array>;
}

/**
 * A kernel matrix K_ij = k(x_i, x_j) over the rows of `points` (n × d), computed column by column
 * and never formed: 'rbf' exp(−γ‖x − y‖²₂), 'laplacian' exp(−γ‖x − y‖₁) (scikit-learn's
 * definitions; gamma defaults to 1/d as there).
 */
export interface KernelMatrix {
  kernel: 'rbf' | 'laplacian';
  points: Matrix;
  gamma?: number;
}
