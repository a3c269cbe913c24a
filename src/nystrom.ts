// Nyström eigendecomposition facade (docs/algorithms/nystrom.md): column Nyström with uniform,
// quasi-uniform (Bai, Erichson, Gopalakrishnan Meena, Taira, Brunton, PLoS ONE 2019) or
// randomly pivoted Cholesky sampling (Chen, Epperly, Tropp, Webber 2022, Alg. 2), and the
// sketch-based stable Nyström of Tropp, Yurtsever, Udell, Cevher 2017 (Alg. 3); a core that is
// correct for indefinite matrices. Validates and normalises the input, picks a backend.
import { selectBackend, type BackendName } from './backend/index.js';
import { referenceBackend } from './backend/reference/index.js';
import { checkedResult } from './backend/reference/operator_driver.js';
import type { Backend } from './backend/types.js';
import type { NystromInput, NystromMethod, NystromOutput, NystromRequest, NystromSampling } from './backend/types.js';
import { ErrorCode, invalid, RandlaError } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { randomSeed, rejectUnknownOptions } from './options.js';
import type { KernelMatrix, Matrix, Progress, SymmetricOperator } from './types.js';
import { expectBoolean, expectFinite, expectInteger, expectObject, expectOneOf, expectSeed } from './validate.js';

export interface NystromOptions {
  /** r, eigenpairs returned (1 ≤ r ≤ columns). */
  rank: number;
  /** l, columns sampled (the sketch width for 'gaussian'), rank ≤ l ≤ n. */
  columns: number;
  /** Default 'uniform'. */
  sampling?: NystromSampling;
  /** n × d point coordinates for 'quasi-uniform' (default: a network's node coords, a kernel's points). */
  coords?: MatrixInput;
  /** 'auto' (default): psd when known or detected PSD, else indefinite. */
  method?: NystromMethod;
  /** Eigenvalues of the sampled block W kept by the indefinite and scaled cores (default rank). */
  coreRank?: number;
  /** W's eigenvalues with |λ| ≤ coreTolerance·max|λ| are dropped (default 10·l·2⁻⁵³). */
  coreTolerance?: number;
  /** Columns per RPCholesky step (default ⌈l/10⌉). */
  blockSize?: number;
  seed?: number | bigint;
  /** Dense input: reject a matrix that is not symmetric to 64 ulps of max|A| (default true). */
  checkSymmetry?: boolean;
  /** 'auto' (default): native when built, else reference. Operators always run the TypeScript driver. */
  backend?: BackendName;
  signal?: AbortSignal;
  /** Called as columns are computed: `pass` columns of `totalPasses`. */
  onProgress?: (progress: Progress) => void;
}

export interface NystromResult {
  /** r eigenvalues by non-increasing |value| (f64). */
  values: Float64Array;
  /** n × r eigenvectors, row-major f64, each with its largest-|.| entry positive. */
  vectors: Matrix<Float64Array>;
  /** The sampled columns, in sampling order (absent for 'gaussian'). */
  indices?: Int32Array;
  /** The core that ran ('auto' resolved). */
  method: Exclude<NystromMethod, 'auto'>;
  /** Columns used (RPCholesky stops early when the residual diagonal is exhausted). */
  columns: number;
  seed: number | bigint;
  backend: string;
}

/** Internal: what vorticalNetwork() returns carries its builder for the backends. */
export const NETWORK = Symbol.for('randla.vorticalNetwork');
export interface NetworkHandle {
  /** coords (N × 2) for quasi-uniform by default. */
  coords: Matrix<Float64Array>;
  alpha: number;
  /** The backend-specific input for this network. */
  input(backend: string): NystromInput;
}

const KNOWN_OPTIONS = new Set([
  'rank', 'columns', 'sampling', 'coords', 'method', 'coreRank', 'coreTolerance', 'blockSize', 'seed', 'checkSymmetry',
  'backend', 'signal', 'onProgress',
]);
const SAMPLINGS: readonly NystromSampling[] = ['uniform', 'quasi-uniform', 'rpcholesky', 'gaussian'];
const METHODS: readonly NystromMethod[] = ['auto', 'indefinite', 'psd', 'scaled'];
/** Unit roundoff of f64 (the factorization runs in f64). */
const U64 = 2 ** -53;

export type NystromInputLike = MatrixInput | SymmetricOperator | KernelMatrix;

function isKernel(value: unknown): value is KernelMatrix {
  return typeof value === 'object' && value !== null && 'kernel' in value;
}
function isSymmetricOperator(value: unknown): value is SymmetricOperator {
  const v = value as Partial<SymmetricOperator> | null;
  return typeof v === 'object' && v !== null && typeof v.columns === 'function' && 'size' in v;
}
function networkOf(value: unknown): NetworkHandle | undefined {
  return typeof value === 'object' && value !== null ? ((value as Record<symbol, NetworkHandle>)[NETWORK] ?? undefined) : undefined;
}

/** The operator's columns checked (shape, finite) and converted to col-major f64. */
function checkedColumns(op: SymmetricOperator, n: number): (indices: Int32Array) => Float64Array | Promise<Float64Array> {
  return (indices) => {
    const convert = (r: unknown) => checkedResult(r, 'A.columns', n, indices.length, `${indices.length} indices`, true);
    const r = op.columns(Int32Array.from(indices));
    return r instanceof Promise ? r.then(convert) : convert(r);
  };
}

/**
 * The operator's diagonal(), type-checked; its length and finiteness are checked by the driver
 * that uses it (backend/reference/nystrom.ts), so they are not scanned twice.
 */
function checkedDiagonal(op: SymmetricOperator): (() => Float64Array | Promise<Float64Array>) | undefined {
  if (typeof op.diagonal !== 'function') return undefined;
  const convert = (d: unknown): Float64Array => {
    if (!(d instanceof Float64Array)) throw invalid('A.diagonal', 'a Float64Array as the result', d);
    return d;
  };
  return () => {
    const r = op.diagonal!();
    return r instanceof Promise ? r.then(convert) : convert(r);
  };
}

/** Max |A − Aᵀ| against 64 ulps of max|A| (docs/algorithms/nystrom.md), plus finiteness. */
export function checkSymmetric(A: Matrix, argument = 'A'): void {
  expectFinite(A, argument);
  const n = A.rows;
  const { data } = A;
  let max = 0;
  for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i]!));
  const u = A.data instanceof Float32Array ? 2 ** -24 : U64;
  const bound = 64 * u * max;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = data[i * n + j]!, b = data[j * n + i]!;  // (i, j) and (j, i) in either layout
      if (Math.abs(a - b) > bound) {
        const [aij, aji] = A.layout === 'row-major' ? [a, b] : [b, a];
        throw new RandlaError(
          ErrorCode.NOT_SYMMETRIC,
          `Expected a symmetric matrix for ${argument} (|A_ij − A_ji| ≤ ${bound.toExponential(3)}) but received A(${i}, ${j}) = ${aij}, A(${j}, ${i}) = ${aji}`,
          { argument },
        );
      }
    }
  }
}

interface Prepared {
  request: NystromRequest;
  seed: number | bigint;
  backendName: BackendName;
  /** Operators (and networks on the reference backend) need the TypeScript driver. */
  denseInput?: Matrix;
  checkSymmetry: boolean;
  network?: NetworkHandle;
}

function prepare(input: unknown, options: NystromOptions): Prepared {
  const o = expectObject(options, 'options') as Partial<NystromOptions> & Record<string, unknown>;
  rejectUnknownOptions(o, KNOWN_OPTIONS);
  const sampling = expectOneOf<NystromSampling>(o.sampling ?? 'uniform', 'options.sampling', SAMPLINGS);
  const method = expectOneOf<NystromMethod>(o.method ?? 'auto', 'options.method', METHODS);
  const checkSymmetry = expectBoolean(o.checkSymmetry ?? true, 'options.checkSymmetry');

  const network = networkOf(input);
  let n: number;
  let nystromInput: NystromInput;
  let denseInput: Matrix | undefined;
  let defaultCoords: Matrix | undefined;
  if (network) {
    if (network.alpha !== 0.5) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected an undirected network (alpha 0.5) for A but received alpha ${network.alpha}: a directed adjacency is not symmetric`, { argument: 'A' });
    }
    n = network.coords.rows;
    nystromInput = { kind: 'operator', size: n, columns: () => new Float64Array(0) };  // replaced per backend below
    defaultCoords = network.coords;
  } else if (isKernel(input)) {
    const kernel = expectOneOf(input.kernel, 'A.kernel', ['rbf', 'laplacian'] as const);
    const points = toMatrix(input.points, 'A.points');
    expectFinite(points, 'A.points');
    const gamma = input.gamma ?? 1 / points.cols;
    if (!(typeof gamma === 'number' && gamma > 0 && Number.isFinite(gamma))) throw invalid('A.gamma', 'a finite number > 0', input.gamma);
    n = points.rows;
    nystromInput = { kind: 'kernel', kernel, points, gamma };
    defaultCoords = points;
  } else if (isSymmetricOperator(input)) {
    n = expectInteger(input.size, 'A.size', 1);
    const diagonal = checkedDiagonal(input);
    nystromInput = { kind: 'operator', size: n, columns: checkedColumns(input, n), ...(diagonal ? { diagonal } : {}) };
  } else {
    const A = toMatrix(input, 'A');
    if (A.rows !== A.cols) throw new RandlaError(ErrorCode.SHAPE, `Expected a square matrix for A but received ${A.rows} x ${A.cols}`, { argument: 'A' });
    n = A.rows;
    denseInput = A;
    nystromInput = { kind: 'dense', A };
  }

  const columns = expectInteger(o.columns, 'options.columns', 1, n);
  const rank = expectInteger(o.rank, 'options.rank', 1, columns);
  const coreRank = expectInteger(o.coreRank ?? rank, 'options.coreRank', rank, columns);
  const coreTolerance = o.coreTolerance ?? 10 * columns * U64;
  if (!(typeof coreTolerance === 'number' && coreTolerance >= 0 && coreTolerance < 1)) throw invalid('options.coreTolerance', 'a number in [0, 1)', o.coreTolerance);
  const blockSize = expectInteger(o.blockSize ?? Math.ceil(columns / 10), 'options.blockSize', 1, columns);

  if (sampling === 'gaussian' && (nystromInput.kind === 'operator' || network)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, "Expected a dense matrix or a kernel for A with sampling 'gaussian' but received an operator: the sketch needs products A·Ω, an operator only gives columns", { argument: 'options.sampling' });
  }
  if (sampling === 'gaussian' && method === 'scaled') {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, "Expected sampling by columns with method 'scaled' but received sampling 'gaussian': the Williams–Seeger scaling n/l is defined for sampled columns", { argument: 'options.method' });
  }

  let coords: Matrix | undefined;
  if (sampling === 'quasi-uniform') {
    const c = o.coords !== undefined ? toMatrix(o.coords, 'options.coords') : defaultCoords;
    if (!c) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, "Expected options.coords (n × d point coordinates) with sampling 'quasi-uniform' but received none", { argument: 'options.coords' });
    }
    if (c.rows !== n) throw new RandlaError(ErrorCode.SHAPE, `Expected ${n} rows (one per node) for options.coords but received ${c.rows} x ${c.cols}`, { argument: 'options.coords' });
    expectFinite(c, 'options.coords');
    coords = c;
  }
  const seed = o.seed ?? randomSeed();
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', o.signal);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('options.onProgress', 'a function', o.onProgress);
  const request: NystromRequest = {
    input: nystromInput,
    rank,
    columns,
    sampling,
    ...(coords ? { coords } : {}),
    method,
    coreRank,
    coreTolerance,
    blockSize,
    seed: expectSeed(seed, 'options.seed'),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
  return { request, seed, backendName: (o.backend ?? 'auto') as BackendName, checkSymmetry, ...(denseInput ? { denseInput } : {}), ...(network ? { network } : {}) };
}

function finish(out: NystromOutput, prepared: Prepared, backend: string): NystromResult {
  return {
    values: out.values,
    vectors: out.vectors,
    ...(out.indices ? { indices: out.indices } : {}),
    method: out.method,
    columns: out.columns,
    seed: prepared.seed,
    backend,
  };
}

/**
 * The backend that runs a request: a user's SymmetricOperator always runs the TypeScript driver
 * (its columns come from JS, and the work beyond them is O(n·l²)); everything else runs where
 * options.backend says.
 */
function backendFor(prepared: Prepared): Backend {
  if (prepared.request.input.kind === 'operator' && !prepared.network) return referenceBackend;
  return selectBackend(prepared.backendName);
}

/** The request as the chosen backend takes it: symmetry checks and network inputs resolved. */
function forBackend(prepared: Prepared, backendName: string): NystromRequest {
  const { request } = prepared;
  if (prepared.network) return { ...request, input: prepared.network.input(backendName) };
  if (request.input.kind === 'dense' && prepared.checkSymmetry) {
    if (backendName === 'native') return { ...request, input: { ...request.input, checkSymmetry: true } };
    checkSymmetric(request.input.A);
  }
  return request;
}

/**
 * Leading eigenpairs of a symmetric n × n matrix from l sampled columns (or one sketch), off the
 * main thread: A is a dense symmetric matrix, a SymmetricOperator (only sampled columns are ever
 * computed), a kernel `{ kernel, points, gamma }` or a vortical network (vorticalNetwork()).
 * Eigenvalues come by non-increasing |value|; indefinite matrices are handled (method 'auto').
 *
 * @example
 * ```ts
 * import { matrix, nystrom } from 'randla';
 * const points = matrix(Float64Array.from({ length: 2000 }, Math.random), 1000, 2);
 * const { values, vectors } = await nystrom({ kernel: 'rbf', points, gamma: 5 }, { rank: 10, columns: 100, sampling: 'rpcholesky', seed: 1 });
 * ```
 */
export async function nystrom(A: NystromInputLike, options: NystromOptions): Promise<NystromResult> {
  const prepared = prepare(A, options);
  const backend = backendFor(prepared);
  const request = forBackend(prepared, backend.name);
  return finish(await backend.nystrom(request), prepared, backend.name);
}

/** Synchronous twin of {@link nystrom}: blocks the event loop; an operator's columns must be synchronous. */
export function nystromSync(A: NystromInputLike, options: NystromOptions): NystromResult {
  const prepared = prepare(A, options);
  const backend = backendFor(prepared);
  const request = forBackend(prepared, backend.name);
  return finish(backend.nystromSync(request), prepared, backend.name);
}

