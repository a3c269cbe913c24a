import type { ComplexArray, ComplexMatrix, CsrMatrix, Matrix, Normalizer, Progress, SketchKind } from '../types.js';

/**
 * What a backend computes, after the facade has validated and normalised the input.
 * Every field is already checked: backends may trust it (the native core re-checks anyway).
 * `auto` choices (powerIters, normalizer) are resolved by the facade before this point.
 */
export interface RsvdRequest {
  /** The input, never mutated: a dense Matrix (either layout, f32 or f64) or a validated CSR matrix. */
  A: Matrix | CsrMatrix;
  /** k, 1 <= k <= min(rows, cols); 0 when `tol` > 0 (the rank is then chosen). */
  rank: number;
  oversamples: number;
  powerIters: number;
  normalizer: Normalizer;
  sketch: SketchKind;
  /** ζ, non-zeros per row of Ω for the sparse-sign sketch. */
  sparseNnz: number;
  /** Unsigned 64-bit seed of the Philox streams (docs/rng.md). */
  seed: bigint;
  /** Range finder on Aᵀ: 'auto' = when rows < cols. */
  transpose: 'auto' | boolean;
  /** 0: fixed rank. In (0, 1): fixed accuracy, relative Frobenius error (Yu, Gu, Li 2018). */
  tol: number;
  blockSize: number;
  /** Fixed accuracy: cap on the rank, 0 = min(rows, cols). */
  maxRank: number;
  estimateError: boolean;
  errorIters: number;
  /** Factorize A − 1μᵀ (μ = column means) without forming it. */
  center: boolean;
  computeU: boolean;
  computeV: boolean;
  /** Reject NaN/±Infinity in A with ERR_RANDLA_NOT_FINITE (the native backend scans off the main thread). */
  checkFinite: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

/** U is rows x rank, Vt is rank x cols, both row-major in the dtype of A; S is f64. */
export interface RsvdOutput {
  /** Absent when `computeU` is false. */
  U?: Matrix;
  S: Float64Array;
  /** Absent when `computeV` is false. */
  Vt?: Matrix;
  /** The rank of the result (= request.rank in fixed-rank mode). */
  rank: number;
  /** Fixed accuracy: the estimate of ‖A − UΣVᵀ‖_F / ‖A‖_F it stopped at. */
  relativeError?: number;
  /** Fixed accuracy: whether `tol` was met within maxRank. */
  converged?: boolean;
  /** estimateError: the estimate of ‖A − UΣVᵀ‖₂. */
  spectralError?: number;
  /** center: the column means μ. */
  mean?: Float64Array;
}

/**
 * The dense steps of the randomized SVD on small blocks (m x l, l x l), as the matrix-free
 * driver (LinearOperator input) needs them: native when the addon is built, else TypeScript.
 * All blocks are column-major Float64Array; inputs are not modified.
 */
export interface DenseKernels {
  /** normalize(Y) as in docs/algorithms/rsvd.md (rows >= cols). 'none' returns Y itself. */
  normalize(Y: Float64Array, rows: number, cols: number, normalizer: Normalizer): Float64Array;
  /** Thin SVD B = W·diag(S)·Zᵀ of a tall block (rows >= cols): W rows x cols, Z cols x cols. */
  svd(B: Float64Array, rows: number, cols: number): { W: Float64Array; S: Float64Array; Z: Float64Array };
}

/** Nyström sampling (docs/algorithms/nystrom.md). */
export type NystromSampling = 'uniform' | 'quasi-uniform' | 'rpcholesky' | 'gaussian';
/** Nyström core: `auto` is resolved by the backend (it needs W) and reported in the output. */
export type NystromMethod = 'auto' | 'indefinite' | 'psd' | 'scaled';

/**
 * What nystrom() factors. `dense`: a validated square Matrix (symmetry already checked by the
 * facade when asked). `kernel`: points (n × d, f64 or f32) and gamma > 0. `operator`: columns
 * from JS (matrix-free; the loop runs in TypeScript on the backend's dense kernels).
 * `network`: a vortical network (docs/flow-networks.md) built by the same backend.
 */
export type NystromInput =
  | { kind: 'dense'; A: Matrix; /** native only: check symmetry (and finiteness) off the main thread */ checkSymmetry?: boolean }
  | { kind: 'kernel'; kernel: 'rbf' | 'laplacian'; points: Matrix; gamma: number }
  | {
      kind: 'operator';
      size: number;
      /** n × |indices| columns, checked (shape, finite) and converted to col-major f64. */
      columns(indices: Int32Array): Float64Array | Promise<Float64Array>;
      /** diag(A) when the operator has one. */
      diagonal?: () => Float64Array | Promise<Float64Array>;
    }
  /** A network built by the native backend (its columns are computed in the worker). */
  | { kind: 'network'; network: unknown };

export interface NystromRequest {
  input: NystromInput;
  rank: number;
  columns: number;
  sampling: NystromSampling;
  /** n × d coordinates for quasi-uniform (already defaulted and checked by the facade). */
  coords?: Matrix;
  method: NystromMethod;
  coreRank: number;
  coreTolerance: number;
  blockSize: number;
  seed: bigint;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface NystromOutput {
  /** r values by non-increasing |value|. */
  values: Float64Array;
  /** n × r, row-major f64, each column's largest-|.| entry positive. */
  vectors: Matrix<Float64Array>;
  /** Sampled columns in sampling order (absent for gaussian). */
  indices?: Int32Array;
  method: Exclude<NystromMethod, 'auto'>;
  /** Columns actually used (RPCholesky may stop early). */
  columns: number;
}

/** Row sketches Y = S·A of the bootstrap (docs/algorithms/bootstrap.md, "Sketches"). */
export type RowSketch = 'uniform' | 'energy' | 'gaussian';
/** Which bootstrap estimate adaptive sketching and rowsFor() aim at: singular values, right vectors, left vectors. */
export type ErrorMetric = 'value' | 'vector' | 'left';

/** sketchedSvd with a fixed sketch size. A is validated (shape; finiteness is the backend's). */
export interface SketchedSvdRequest {
  /** Never mutated; either layout, f32 or f64 (read exactly, computed in f64). */
  A: Matrix;
  /** k, 1 ≤ k ≤ min(sketchRows, cols). */
  rank: number;
  /** t, k ≤ t ≤ 2^31 − 1. */
  sketchRows: number;
  sketch: RowSketch;
  seed: bigint;
  /** Ũ = orth(A·Ṽ·Σ̃⁻¹) (k ≤ rows): one more pass over A. */
  leftVectors: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface SketchedSvdOutput {
  /** σ̃ (k), non-increasing. */
  S: Float64Array;
  /** Ṽᵀ, k × n row-major f64; each row's first largest-|·| entry positive. */
  Vt: Matrix<Float64Array>;
  /** Ũ, m × k row-major f64, with leftVectors. */
  U?: Matrix<Float64Array>;
  sketchRows: number;
}

/** bootstrapSvdError: B resamples of the sketch's rows (progress = replicates done). */
export interface BootstrapSvdRequest extends Omit<SketchedSvdRequest, 'leftVectors'> {
  /** B ≥ 2. */
  replicates: number;
  /** 0 < α < 1: the estimates are (1 − α) quantiles. */
  alpha: number;
}

export interface BootstrapSvdOutput {
  S: Float64Array;
  Vt: Matrix<Float64Array>;
  /** (1 − α) quantile of max_j |σ*ⱼ − σ̃ⱼ|. */
  valueError: number;
  /** (1 − α) quantile of max_j of the sin-angle between v*ⱼ and ṽⱼ. */
  vectorError: number;
  /** (1 − α) quantile of max_j ‖(I − ṼṼᵀ)v*ⱼ‖₂. */
  subspaceError: number;
  /** (1 − α) quantile of max_j of the sin-angle between Y·v*ⱼ and Y·ṽⱼ (the left vectors, from the sketch). */
  leftVectorError: number;
  perComponent: { value: Float64Array; vector: Float64Array; left: Float64Array };
  sketchRows: number;
}

/** sketchedSvd with a tolerance: every default already resolved by the facade. */
export interface AdaptiveSvdRequest extends Omit<BootstrapSvdRequest, 'sketchRows'> {
  tolerance: number;
  /** t₀, rank ≤ t₀ ≤ maxRows. */
  initialRows: number;
  maxRows: number;
  metric: ErrorMetric;
  leftVectors: boolean;
}

export interface AdaptiveSvdOutput extends SketchedSvdOutput {
  /** One entry per sketch tried. */
  path: { rows: number; valueError: number; vectorError: number; leftVectorError: number }[];
  /** Whether the last estimate met the tolerance (else the sketch reached maxRows). */
  converged: boolean;
}

export interface BootstrapCovarianceRequest {
  A: Matrix;
  sketchRows: number;
  sketch: RowSketch;
  replicates: number;
  alpha: number;
  seed: bigint;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface BootstrapCovarianceOutput {
  /** (1 − α) quantile of ‖Y*ᵀY* − Σ̃‖₂: estimates ‖Σ̃ − AᵀA‖₂. */
  error: number;
  /** error / ‖Σ̃‖₂. */
  relativeError: number;
  sketchRows: number;
}

export interface SketchedLstsqRequest {
  A: Matrix;
  /** A.rows values in A's dtype (the facade converts), never mutated. */
  b: Float64Array | Float32Array;
  /** t ≥ cols. */
  sketchRows: number;
  sketch: RowSketch;
  seed: bigint;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface SketchedLstsqOutput {
  /** x̃ = argmin ‖S·A·x − S·b‖₂ (f64). */
  x: Float64Array;
  sketchRows: number;
}

export interface BootstrapLstsqRequest extends SketchedLstsqRequest {
  replicates: number;
  alpha: number;
}

export interface BootstrapLstsqOutput extends SketchedLstsqOutput {
  /** (1 − α) quantile of ‖x*_b − x̃‖₂. */
  error: number;
  /** error / ‖x̃‖₂. */
  relativeError: number;
}

/** DMD variants (docs/algorithms/dmd.md, "Variants"). */
export type DmdVariant = 'exact' | 'projected' | 'fb' | 'tls' | 'randomized';

/** dmd(): every default resolved by the facade; X and Y validated (shape, finiteness). */
export interface DmdRequest {
  /** n × m snapshots as columns: real (either layout, f32 or f64) or complex (f64 parts). Never mutated. */
  X: Matrix | ComplexMatrix;
  /** Explicit pairs: the same shape and kind as X. */
  Y?: Matrix | ComplexMatrix;
  dt: number;
  variant: DmdVariant;
  /** −1, 0, a number in (0, 1) or an integer ≥ 1 (randomized: an integer ≥ 1). */
  rank: number;
  threshold: 'exact' | 'cubic';
  /** tls: the projection rank (undefined: the rank chosen on X₁). */
  tlsRank?: number;
  /** delays > 1: the rank of the first SVD projection (HODMD); undefined: no projection. */
  projectRank?: number;
  /** d ≥ 1 (1: no delays). */
  delays: number;
  affine: boolean;
  increments: boolean;
  amplitudes: 'first' | 'optimal';
  /** randomized only. */
  oversamples: number;
  powerIters: number;
  normalizer: Normalizer;
  sketch: SketchKind;
  seed: bigint;
  signal?: AbortSignal;
  /** Three stages (preprocessing, variant, amplitudes); dmdBatch: groups done. */
  onProgress?: (progress: Progress) => void;
}

/** dmdBatch(): independent real problems with one set of options. */
export interface DmdBatchRequest extends Omit<DmdRequest, 'X' | 'Y'> {
  groups: Matrix<Float64Array>[];
}

/** The state of OnlineDmd / WindowDmd on a backend (docs/algorithms/dmd.md, "Online and windowed DMD"). */
export interface RecursiveDmdState {
  /** Adds the pair (x, y), n values each; never keeps a reference to them. */
  update(x: Float64Array, y: Float64Array): void;
  ready(): boolean;
  pairs(): number;
  /** A, row-major n × n (a fresh array). */
  operator(): Float64Array;
  /** eig(A), ordered as dmd()'s eigenvalues. */
  eigs(): ComplexArray;
}

export interface DmdOutput {
  /** λ, discrete time, ordered by imaginary part then real part (ascending). */
  eigs: ComplexArray;
  /**
   * Φ, row-major, r columns: N rows (N = the preprocessed row count: n·d with delays; the
   * constant row of `affine` dropped; lifted to the n-row data space with projectRank).
   */
  modes: ComplexMatrix;
  amplitudes: ComplexArray;
  /** All singular values of X₁ (randomized: of B₁), non-increasing. */
  singularValues: Float64Array;
  /** r, the rank kept. */
  rank: number;
  /** ‖X₂·V·Σ⁻¹·wⱼ − λⱼ·U·wⱼ‖₂ per mode, in the order of eigs. */
  residuals: Float64Array;
}

export interface BackendInfo {
  name: string;
  available: boolean;
  reason?: string;
  threads?: number;
  device?: string;
}

export interface Backend {
  readonly name: string;
  info(): BackendInfo;
  rsvd(request: RsvdRequest): Promise<RsvdOutput>;
  rsvdSync(request: RsvdRequest): RsvdOutput;
  /** Nyström (docs/algorithms/nystrom.md) for dense and kernel input; operator input runs the reference driver. */
  nystrom(request: NystromRequest): Promise<NystromOutput>;
  nystromSync(request: NystromRequest): NystromOutput;
  /** Bootstrap error estimation (docs/algorithms/bootstrap.md): the same draws on every backend. */
  sketchedSvd(request: SketchedSvdRequest): Promise<SketchedSvdOutput>;
  sketchedSvdSync(request: SketchedSvdRequest): SketchedSvdOutput;
  adaptiveSketchedSvd(request: AdaptiveSvdRequest): Promise<AdaptiveSvdOutput>;
  adaptiveSketchedSvdSync(request: AdaptiveSvdRequest): AdaptiveSvdOutput;
  bootstrapSvdError(request: BootstrapSvdRequest): Promise<BootstrapSvdOutput>;
  bootstrapSvdErrorSync(request: BootstrapSvdRequest): BootstrapSvdOutput;
  bootstrapCovarianceError(request: BootstrapCovarianceRequest): Promise<BootstrapCovarianceOutput>;
  bootstrapCovarianceErrorSync(request: BootstrapCovarianceRequest): BootstrapCovarianceOutput;
  sketchedLstsq(request: SketchedLstsqRequest): Promise<SketchedLstsqOutput>;
  sketchedLstsqSync(request: SketchedLstsqRequest): SketchedLstsqOutput;
  bootstrapLstsqError(request: BootstrapLstsqRequest): Promise<BootstrapLstsqOutput>;
  bootstrapLstsqErrorSync(request: BootstrapLstsqRequest): BootstrapLstsqOutput;
  /** Dynamic Mode Decomposition (docs/algorithms/dmd.md). */
  dmd(request: DmdRequest): Promise<DmdOutput>;
  dmdSync(request: DmdRequest): DmdOutput;
  dmdBatch(request: DmdBatchRequest): Promise<DmdOutput[]>;
  dmdBatchSync(request: DmdBatchRequest): DmdOutput[];
  /** OnlineDmd (weighting ρ) or WindowDmd (window w) state for n-vectors. */
  recursiveDmd(kind: 'online' | 'window', n: number, parameter: number): RecursiveDmdState;
  /** Dense kernels for the matrix-free driver. */
  readonly kernels: DenseKernels;
}
