// Loads the N-API addon (build/Release/randla.node) and adapts it to the Backend interface.
// The addon is optional: when it is missing, `loadError` says why and the facade falls back.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ErrorCode, RandlaError } from '../errors.js';
import type { ComplexMatrix, CsrMatrix, Matrix, Normalizer, Progress } from '../types.js';
import type {
  AdaptiveSvdOutput,
  AdaptiveSvdRequest,
  Backend,
  BackendInfo,
  BootstrapCovarianceOutput,
  BootstrapCovarianceRequest,
  BootstrapLstsqOutput,
  BootstrapLstsqRequest,
  BootstrapSvdOutput,
  BootstrapSvdRequest,
  DenseKernels,
  DmdBatchRequest,
  DmdOutput,
  DmdRequest,
  NystromInput,
  NystromOutput,
  NystromRequest,
  RecursiveDmdState,
  RsvdOutput,
  RsvdRequest,
  SketchedLstsqOutput,
  SketchedLstsqRequest,
  SketchedSvdOutput,
  SketchedSvdRequest,
} from './types.js';

/** The addon's exact shape, declared once (bindings/addon.cpp, bindings/ops/*.cpp). */
type AddonRsvdOptions = Omit<RsvdRequest, 'A' | 'signal' | 'onProgress'> & { abortToken?: AbortToken };
interface AbortToken {
  abort(): void;
}
/** A native vortical network (bindings/ops/nystrom.cpp). */
export interface NativeVorticalNetwork {
  columns(indices: Int32Array): Float64Array;
  /** A·X for an N × b col-major block, on a libuv worker. */
  multiply(x: Float64Array, b: number): Promise<Float64Array>;
  multiplySync(x: Float64Array, b: number): Float64Array;
  strength(): Promise<Float64Array>;
  strengthSync(): Float64Array;
  nodes(): Int32Array;
  coords(): Float64Array;
  circulation(): Float64Array;
}
type AddonNystromInput = Exclude<NystromInput, { kind: 'operator' }>;
type AddonNystromOptions = Omit<NystromRequest, 'input' | 'signal' | 'onProgress'> & { abortToken?: AbortToken };
/** The bootstrap's options as bindings/ops/bootstrap.cpp reads them: the request less A, b and the JS-only fields. */
type AddonOptions<R> = Omit<R, 'A' | 'b' | 'signal' | 'onProgress'> & { abortToken?: AbortToken };
type OnProgress = (done: number, total: number) => void;
/** An async bootstrap entry point of the addon and its sync twin (A first, the options last). */
type AddonPair<Name extends string, R, O> = {
  [K in Name]: (A: Matrix, options: AddonOptions<R>, onProgress?: OnProgress) => Promise<O>;
} & { [K in `${Name}Sync`]: (A: Matrix, options: AddonOptions<R>) => O };
type AddonLstsqPair<Name extends string, R, O> = {
  [K in Name]: (A: Matrix, b: Float64Array | Float32Array, options: AddonOptions<R>, onProgress?: OnProgress) => Promise<O>;
} & { [K in `${Name}Sync`]: (A: Matrix, b: Float64Array | Float32Array, options: AddonOptions<R>) => O };
type AddonBootstrap = AddonPair<'sketchedSvd', SketchedSvdRequest, SketchedSvdOutput> &
  AddonPair<'adaptiveSketchedSvd', AdaptiveSvdRequest, AdaptiveSvdOutput> &
  AddonPair<'bootstrapSvdError', BootstrapSvdRequest, BootstrapSvdOutput> &
  AddonPair<'bootstrapCovarianceError', BootstrapCovarianceRequest, BootstrapCovarianceOutput> &
  AddonLstsqPair<'sketchedLstsq', SketchedLstsqRequest, SketchedLstsqOutput> &
  AddonLstsqPair<'bootstrapLstsqError', BootstrapLstsqRequest, BootstrapLstsqOutput>;
type AddonDmdOptions = Omit<DmdRequest, 'X' | 'Y' | 'signal' | 'onProgress'> & { abortToken?: AbortToken };
type AddonRecursiveDmd = new (n: number, parameter: number) => RecursiveDmdState;
interface AddonDmd {
  dmd(X: Matrix | ComplexMatrix, Y: Matrix | ComplexMatrix | null, options: AddonDmdOptions, onProgress?: OnProgress): Promise<DmdOutput>;
  dmdSync(X: Matrix | ComplexMatrix, Y: Matrix | ComplexMatrix | null, options: AddonDmdOptions): DmdOutput;
  dmdBatch(groups: Matrix[], options: AddonDmdOptions, onProgress?: OnProgress): Promise<{ results: DmdOutput[] }>;
  dmdBatchSync(groups: Matrix[], options: AddonDmdOptions): { results: DmdOutput[] };
  OnlineDmd: AddonRecursiveDmd;
  WindowDmd: AddonRecursiveDmd;
}
interface Addon extends AddonBootstrap, AddonDmd {
  AbortToken: new () => AbortToken;
  VorticalNetwork: new (
    vorticity: Matrix,
    dx: number,
    dy: number,
    options: { threshold: number; relativeThreshold: number; alpha: number },
  ) => NativeVorticalNetwork;
  nystrom(input: AddonNystromInput, options: AddonNystromOptions, onProgress?: (done: number, total: number) => void): Promise<NystromOutput>;
  nystromSync(input: AddonNystromInput, options: AddonNystromOptions): NystromOutput;
  backendInfo(): { threads: number; blas: string; kernels: string; cuda: boolean };
  setThreads(n: number): void;
  rsvd(A: Matrix | CsrMatrix, options: AddonRsvdOptions, onProgress?: (done: number, total: number) => void): Promise<RsvdOutput>;
  rsvdSync(A: Matrix | CsrMatrix, options: AddonRsvdOptions): RsvdOutput;
  normalizeBlock(Y: Float64Array, rows: number, cols: number, normalizer: Normalizer): Float64Array;
  thinSvd(B: Float64Array, rows: number, cols: number): { W: Float64Array; S: Float64Array; Z: Float64Array };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * OpenBLAS's idle worker threads spin (sched_yield) for 2^28 cycles after each BLAS call by
 * default, and on a small machine they then steal the cores from randla's own kernels (CSR
 * products, test matrices), which run between BLAS calls: measured 20 % of an rsvd of a CSR
 * matrix. OpenBLAS reads OPENBLAS_THREAD_TIMEOUT once, when the addon loads it, so the default
 * (2^4 cycles, then sleep) is set here, before the load, unless the user chose a value.
 */
function quietBlasThreads(): void {
  if (process.env.OPENBLAS_THREAD_TIMEOUT === undefined) process.env.OPENBLAS_THREAD_TIMEOUT = '4';
}

function load(): { addon?: Addon; error?: string } {
  quietBlasThreads();
  const require = createRequire(import.meta.url);
  // RANDLA_ADDON_PATH: an addon built elsewhere (e.g. a second build directory during development).
  const candidates = [
    ...(process.env.RANDLA_ADDON_PATH ? [process.env.RANDLA_ADDON_PATH] : []),
    join(root, 'build', 'Release', 'randla.node'),
    join(root, 'build', 'Debug', 'randla.node'),
  ];
  let lastError = 'the addon was not built';
  for (const path of candidates) {
    try {
      return { addon: require(path) as Addon };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND') lastError = (e as Error).message;
    }
  }
  return { error: lastError };
}

const loaded = process.env.RANDLA_DISABLE_NATIVE === '1' ? { error: 'disabled by RANDLA_DISABLE_NATIVE=1' } : load();
export const addon: Addon | undefined = loaded.addon;
export const loadError: string | undefined = loaded.error;

/** Turns the addon's error (plain Error with code/argument) into a RandlaError with the caller's stack. */
export function toRandlaError(error: unknown, callSite: Error): unknown {
  const e = error as { code?: string; message?: string; argument?: string };
  if (typeof e?.code !== 'string' || !e.code.startsWith('ERR_RANDLA_')) return error;
  const out = new RandlaError(e.code as ErrorCode, e.message ?? 'native error', {
    ...(e.argument === undefined ? {} : { argument: e.argument }),
    cause: error,
  });
  const frames = callSite.stack?.split('\n').slice(1).join('\n');
  if (frames) out.stack = `RandlaError: ${out.message}\n${frames}`;
  return out;
}

function addonOptions(request: RsvdRequest): AddonRsvdOptions {
  const { A: _A, signal: _signal, onProgress: _onProgress, ...options } = request;
  return options;
}

/** The native dense kernels for the matrix-free driver (errors mapped like every native call). */
const nativeKernels: DenseKernels = {
  normalize(Y, rows, cols, normalizer) {
    if (normalizer === 'none') return Y;
    return syncCall(() => requireAddon().normalizeBlock(Y, rows, cols, normalizer));
  },
  svd(B, rows, cols) {
    return syncCall(() => requireAddon().thinSvd(B, rows, cols));
  },
};

/**
 * Runs an async addon call with the request's AbortSignal wired to a native AbortToken and
 * the user's onProgress shielded: a throwing callback aborts the work and its error is rethrown.
 */
async function withControl<T>(
  native: Addon,
  signal: AbortSignal | undefined,
  onProgress: ((p: Progress) => void) | undefined,
  run: (token: AbortToken, progress?: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const callSite = new Error();
  if (signal?.aborted) {
    throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: signal.reason });
  }
  const token = new native.AbortToken();
  const onAbort = () => token.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let callbackError: { error: unknown } | undefined;
  const progress = onProgress
    ? (done: number, total: number) => {
        if (callbackError) return;
        try {
          onProgress({ pass: done, totalPasses: total });
        } catch (error) {
          callbackError = { error };
          token.abort();
        }
      }
    : undefined;
  try {
    const result = await run(token, progress);
    if (callbackError) throw callbackError.error;
    return result;
  } catch (error) {
    if (callbackError) throw callbackError.error;
    const mapped = toRandlaError(error, callSite);
    if (mapped instanceof RandlaError && mapped.code === ErrorCode.ABORTED && signal?.aborted) {
      throw new RandlaError(ErrorCode.ABORTED, mapped.message, { cause: signal.reason });
    }
    throw mapped;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function syncCall<T>(run: () => T): T {
  const callSite = new Error();
  try {
    return run();
  } catch (error) {
    throw toRandlaError(error, callSite);
  }
}

export const nativeBackend: Backend = {
  name: 'native',
  kernels: nativeKernels,
  info(): BackendInfo {
    if (!addon) return { name: 'native', available: false, reason: loadError ?? 'not built' };
    const info = addon.backendInfo();
    return { name: 'native', available: true, threads: info.threads, device: `cpu (${info.blas}; sketch products: ${info.kernels})` };
  },
  rsvd(request: RsvdRequest): Promise<RsvdOutput> {
    const native = requireAddon();
    return withControl(native, request.signal, request.onProgress, (token, progress) =>
      native.rsvd(request.A, { ...addonOptions(request), abortToken: token }, progress),
    );
  },
  rsvdSync(request: RsvdRequest): RsvdOutput {
    const native = requireAddon();
    return syncCall(() => native.rsvdSync(request.A, addonOptions(request)));
  },
  nystrom(request: NystromRequest): Promise<NystromOutput> {
    const native = requireAddon();
    const [input, options] = nystromArgs(request);
    return withControl(native, request.signal, request.onProgress, (token, progress) =>
      native.nystrom(input, { ...options, abortToken: token }, progress),
    );
  },
  nystromSync(request: NystromRequest): NystromOutput {
    const native = requireAddon();
    const [input, options] = nystromArgs(request);
    return syncCall(() => native.nystromSync(input, options));
  },
  sketchedSvd: (r) => bootstrapAsync(r, (n, o, p) => n.sketchedSvd(r.A, o, p)),
  sketchedSvdSync: (r) => syncCall(() => requireAddon().sketchedSvdSync(r.A, bootstrapOptions(r))),
  adaptiveSketchedSvd: (r) => bootstrapAsync(r, (n, o, p) => n.adaptiveSketchedSvd(r.A, o, p)),
  adaptiveSketchedSvdSync: (r) => syncCall(() => requireAddon().adaptiveSketchedSvdSync(r.A, bootstrapOptions(r))),
  bootstrapSvdError: (r) => bootstrapAsync(r, (n, o, p) => n.bootstrapSvdError(r.A, o, p)),
  bootstrapSvdErrorSync: (r) => syncCall(() => requireAddon().bootstrapSvdErrorSync(r.A, bootstrapOptions(r))),
  bootstrapCovarianceError: (r) => bootstrapAsync(r, (n, o, p) => n.bootstrapCovarianceError(r.A, o, p)),
  bootstrapCovarianceErrorSync: (r) => syncCall(() => requireAddon().bootstrapCovarianceErrorSync(r.A, bootstrapOptions(r))),
  sketchedLstsq: (r) => bootstrapAsync(r, (n, o, p) => n.sketchedLstsq(r.A, r.b, o, p)),
  sketchedLstsqSync: (r) => syncCall(() => requireAddon().sketchedLstsqSync(r.A, r.b, bootstrapOptions(r))),
  bootstrapLstsqError: (r) => bootstrapAsync(r, (n, o, p) => n.bootstrapLstsqError(r.A, r.b, o, p)),
  bootstrapLstsqErrorSync: (r) => syncCall(() => requireAddon().bootstrapLstsqErrorSync(r.A, r.b, bootstrapOptions(r))),
  dmd(request: DmdRequest): Promise<DmdOutput> {
    const native = requireAddon();
    return withControl(native, request.signal, request.onProgress, (token, progress) =>
      native.dmd(request.X, request.Y ?? null, { ...dmdOptions(request), abortToken: token }, progress),
    );
  },
  dmdSync: (request) => syncCall(() => requireAddon().dmdSync(request.X, request.Y ?? null, dmdOptions(request))),
  dmdBatch(request: DmdBatchRequest): Promise<DmdOutput[]> {
    const native = requireAddon();
    return withControl(native, request.signal, request.onProgress, (token, progress) =>
      native.dmdBatch(request.groups, { ...dmdOptions(request), abortToken: token }, progress).then((out) => out.results),
    );
  },
  dmdBatchSync: (request) => syncCall(() => requireAddon().dmdBatchSync(request.groups, dmdOptions(request)).results),
  recursiveDmd(kind, n, parameter) {
    const native = requireAddon();
    const state = syncCall(() => (kind === 'online' ? new native.OnlineDmd(n, parameter) : new native.WindowDmd(n, parameter)));
    // Every call maps native failures to RandlaError with the caller's stack.
    return {
      update: (x, y) => syncCall(() => state.update(x, y)),
      ready: () => state.ready(),
      pairs: () => state.pairs(),
      operator: () => syncCall(() => state.operator()),
      eigs: () => syncCall(() => state.eigs()),
    };
  },
};

/** A DMD request's options for the addon: the data travel as arguments, signal and onProgress as the token and callback. */
function dmdOptions(request: DmdRequest | DmdBatchRequest): AddonDmdOptions {
  const { signal: _signal, onProgress: _onProgress, ...rest } = request as DmdRequest & DmdBatchRequest;
  const { X: _X, Y: _Y, groups: _groups, ...options } = rest;
  return options;
}

/** A bootstrap request's options for the addon: A and b travel as arguments, signal and onProgress as the token and callback. */
function bootstrapOptions<R extends { A: Matrix; signal?: AbortSignal; onProgress?: (p: Progress) => void }>(request: R): AddonOptions<R> {
  const { A: _A, b: _b, signal: _signal, onProgress: _onProgress, ...options } = request as R & { b?: unknown };
  return options as unknown as AddonOptions<R>;
}

function bootstrapAsync<R extends { A: Matrix; signal?: AbortSignal; onProgress?: (p: Progress) => void }, O>(
  request: R,
  run: (native: Addon, options: AddonOptions<R>, progress?: OnProgress) => Promise<O>,
): Promise<O> {
  const native = requireAddon();
  return withControl(native, request.signal, request.onProgress, (token, progress) =>
    run(native, { ...bootstrapOptions(request), abortToken: token }, progress),
  );
}

function nystromArgs(request: NystromRequest): [AddonNystromInput, AddonNystromOptions] {
  const { input, signal: _signal, onProgress: _onProgress, ...options } = request;
  if (input.kind === 'operator') {
    throw new RandlaError(ErrorCode.INTERNAL, 'nystrom: operator input runs the TypeScript driver, not the addon', { argument: 'A' });
  }
  return [input, options];
}

/** A native vortical network (the addon must be built). */
export function nativeVorticalNetwork(
  vorticity: Matrix,
  dx: number,
  dy: number,
  options: { threshold: number; relativeThreshold: number; alpha: number },
): NativeVorticalNetwork {
  const native = requireAddon();
  return syncCall(() => new native.VorticalNetwork(vorticity, dx, dy, options));
}

function requireAddon(): Addon {
  if (!addon) {
    throw new RandlaError(ErrorCode.BACKEND_UNAVAILABLE, `Expected the native backend to be built but it is not: ${loadError}`, {
      argument: 'options.backend',
    });
  }
  return addon;
}
