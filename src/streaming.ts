// Single-pass streaming SVD: Tropp, Yurtsever, Udell, Cevher, "Streaming low-rank matrix
// approximation with an application to scientific simulation", SISC 2019, Alg. 4.1–4.4.
// Facade: validation, backend choice, serialisation and .npy streaming (docs/algorithms/streaming.md).

import { selectBackend, type BackendName } from './backend/index.js';
import { addon, toRandlaError } from './backend/native.js';
import { ReferenceStreamingSketch, type StreamingFactors, type StreamingSizes, type StreamingState } from './backend/reference/streaming.js';
import { ErrorCode, invalid, RandlaError } from './errors.js';
import { readNpyHeader, readNpyRowBlocks } from './io/npy.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { randomSeed, rejectUnknownOptions } from './options.js';
import type { Float, Matrix } from './types.js';
import { expectBoolean, expectInteger, expectObject, expectOneOf, expectSeed, isFloatArray } from './validate.js';

export type Dtype = 'float64' | 'float32';

export interface SketchStateOptions {
  /** m: rows of the matrix being sketched. */
  rows: number;
  /** n: its columns. */
  cols: number;
  /** r: the rank of the approximation finalize() returns, 1 <= r <= min(rows, cols). */
  rank: number;
  /** k: range sketch size, r <= k <= min(rows, cols). Default 4r + 1 (the paper's (5.3)), clamped. */
  rangeSize?: number;
  /** s: core sketch size, k <= s <= min(rows, cols). Default 2k + 1, clamped. */
  coreSize?: number;
  /** Philox seed; random when omitted (and returned in the result). Partitions that will be merged need the same seed. */
  seed?: number | bigint;
  /** The dtype of the row blocks (default 'float64'); the sketches themselves are always f64. */
  dtype?: Dtype;
  /** 'auto' (default): native when built, else reference. */
  backend?: BackendName;
  /** Reject NaN/±Infinity in row blocks (default true). */
  checkFinite?: boolean;
}

export interface StreamingSvdResult<T extends Float = Float> {
  /** rows × rank, row-major, the sketch's dtype. */
  U: Matrix<T>;
  /** rank singular values, non-increasing, f64. */
  S: Float64Array;
  /** rank × cols, row-major, the sketch's dtype. */
  Vt: Matrix<T>;
  seed: number | bigint;
  backend: string;
  dtype: Dtype;
  rank: number;
  rangeSize: number;
  coreSize: number;
}

/** The serialised form of a SketchState (`JSON.stringify(state)` writes it). */
export interface SketchStateJson {
  format: 'randla.streaming-svd';
  version: 1;
  rows: number;
  cols: number;
  rank: number;
  rangeSize: number;
  coreSize: number;
  /** The seed as a decimal string (a bigint does not survive JSON). */
  seed: string;
  dtype: Dtype;
  /** Base64 of the little-endian f64 bytes of Y (rows × rangeSize), column-major. */
  Y: string;
  /** Base64 of Xᵀ = (ΥA)ᵀ (cols × rangeSize), column-major. */
  Xt: string;
  /** Base64 of Z = ΦAΨᵀ (coreSize × coreSize), column-major. */
  Z: string;
}

/** What a backend's sketch object does; native and reference implement the same calls. */
interface Engine {
  update(block: Matrix, rowOffset: number, checkFinite: boolean): Promise<void>;
  updateSync(block: Matrix, rowOffset: number, checkFinite: boolean): void;
  finalize(rank: number): Promise<StreamingFactors>;
  finalizeSync(rank: number): StreamingFactors;
  getState(): StreamingState;
  setState(Y: Float64Array, Xt: Float64Array, Z: Float64Array): void;
  addState(Y: Float64Array, Xt: Float64Array, Z: Float64Array): void;
}

/** The addon's StreamingSketch (bindings/ops/streaming.cpp), declared here since native.ts does not know it. */
interface NativeSketch extends Engine {
  merge(other: NativeSketch): void;
}
interface StreamingAddon {
  StreamingSketch: new (options: StreamingSizes) => NativeSketch;
}

const streamingAddon = (addon as unknown as Partial<StreamingAddon> | undefined)?.StreamingSketch ? (addon as unknown as StreamingAddon) : undefined;

/** A native sketch whose errors come back as RandlaErrors carrying the JS caller's stack. */
function nativeEngine(sizes: StreamingSizes): NativeSketch {
  const sync =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      const callSite = new Error();
      try {
        return f(...args);
      } catch (error) {
        throw toRandlaError(error, callSite);
      }
    };
  const async =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const callSite = new Error();
      try {
        return await f(...args);
      } catch (error) {
        throw toRandlaError(error, callSite);
      }
    };
  const raw = sync(() => new streamingAddon!.StreamingSketch({ ...sizes }))();
  const engine: NativeSketch & { raw: NativeSketch } = {
    raw,
    update: async((b: Matrix, o: number, c: boolean) => raw.update(b, o, c)),
    updateSync: sync((b: Matrix, o: number, c: boolean) => raw.updateSync(b, o, c)),
    finalize: async((r: number) => raw.finalize(r)),
    finalizeSync: sync((r: number) => raw.finalizeSync(r)),
    getState: sync(() => raw.getState()),
    setState: sync((Y: Float64Array, Xt: Float64Array, Z: Float64Array) => raw.setState(Y, Xt, Z)),
    addState: sync((Y: Float64Array, Xt: Float64Array, Z: Float64Array) => raw.addState(Y, Xt, Z)),
    merge: sync((other: NativeSketch) => raw.merge((other as NativeSketch & { raw: NativeSketch }).raw)),
  };
  return engine;
}

const KNOWN_OPTIONS = new Set(['rows', 'cols', 'rank', 'rangeSize', 'coreSize', 'seed', 'dtype', 'backend', 'checkFinite']);

/** The paper's parameter choice (5.3): k = 4r + 1, s = 2k + 1, each clamped to min(m, n). */
export function defaultSketchSizes(rows: number, cols: number, rank: number): { rangeSize: number; coreSize: number } {
  const minDim = Math.min(rows, cols);
  const rangeSize = Math.min(4 * rank + 1, minDim);
  return { rangeSize, coreSize: Math.min(2 * rangeSize + 1, minDim) };
}

function base64Of(x: Float64Array): string {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');
}

function float64Of(text: unknown, count: number, argument: string): Float64Array {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw invalid(argument, 'a base64 string', text);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== count * 8) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${count} f64 values (${count * 8} bytes) for ${argument} but received ${bytes.length} bytes`, { argument });
  }
  const out = new Float64Array(count);
  new Uint8Array(out.buffer).set(bytes);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(out[i])) {
      throw new RandlaError(ErrorCode.NOT_FINITE, `Expected finite values for ${argument} but received ${out[i]} at entry ${i}`, { argument });
    }
  }
  return out;
}

/**
 * The linear sketch of an m × n matrix that arrives as blocks of rows, in any order, possibly in
 * several processes (Tropp, Yurtsever, Udell, Cevher 2019): Y = AΩ, X = ΥA, Z = ΦAΨᵀ. Memory is
 * O((m + n)·k + s²), never the matrix. Sketches of partitions with the same sizes and seed
 * {@link SketchState.merge | merge} into the sketch of the whole; `toJSON`/`fromJSON` carry a
 * state between processes exactly. Async calls run one after another in call order.
 *
 * @example
 * ```ts
 * import { SketchState } from 'randla';
 * const state = new SketchState({ rows: 4, cols: 3, rank: 1, seed: 1 });
 * await state.update([[1, 2, 3], [2, 4, 6]], 0);
 * await state.update([[3, 6, 9], [4, 8, 12]], 2);
 * const { S } = await state.finalize(); // S[0] ≈ √(30·14) ≈ 20.49
 * ```
 */
export class SketchState {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  readonly rangeSize: number;
  readonly coreSize: number;
  /** The seed as given (or drawn); fromJSON gives a number when it is a safe integer, else a bigint. */
  readonly seed: number | bigint;
  readonly dtype: Dtype;
  /** The backend that holds the sketch: 'native' or 'reference'. */
  readonly backend: string;
  readonly checkFinite: boolean;
  private readonly engine: Engine;
  private readonly seedBits: bigint;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(options: SketchStateOptions) {
    const o = expectObject(options, 'options');
    rejectUnknownOptions(o, KNOWN_OPTIONS, 'options');
    this.rows = expectInteger(o.rows, 'options.rows', 1);
    this.cols = expectInteger(o.cols, 'options.cols', 1);
    const minDim = Math.min(this.rows, this.cols);
    this.rank = expectInteger(o.rank, 'options.rank', 1, minDim);
    const defaults = defaultSketchSizes(this.rows, this.cols, this.rank);
    this.rangeSize = expectInteger(o.rangeSize ?? defaults.rangeSize, 'options.rangeSize', this.rank, minDim);
    this.coreSize = expectInteger(o.coreSize ?? Math.min(2 * this.rangeSize + 1, minDim), 'options.coreSize', this.rangeSize, minDim);
    this.seed = (o.seed as number | bigint | undefined) ?? randomSeed();
    this.seedBits = expectSeed(this.seed, 'options.seed');
    this.dtype = expectOneOf<Dtype>(o.dtype ?? 'float64', 'options.dtype', ['float64', 'float32']);
    this.checkFinite = expectBoolean(o.checkFinite ?? true, 'options.checkFinite');
    const requested = (o.backend ?? 'auto') as BackendName;
    const chosen = selectBackend(requested);
    const sizes: StreamingSizes = {
      rows: this.rows,
      cols: this.cols,
      rank: this.rank,
      rangeSize: this.rangeSize,
      coreSize: this.coreSize,
      seed: this.seedBits,
      dtype: this.dtype,
    };
    if (chosen.name === 'native' && !streamingAddon && requested === 'native') {
      throw new RandlaError(ErrorCode.BACKEND_UNAVAILABLE, 'Expected a native addon with the streaming SVD for options.backend but the built addon predates it: rebuild with `npm run build:native`', {
        argument: 'options.backend',
      });
    }
    if (chosen.name === 'native' && streamingAddon) {
      this.engine = nativeEngine(sizes);
      this.backend = 'native';
    } else {
      this.engine = new ReferenceStreamingSketch(sizes);
      this.backend = 'reference';
    }
  }

  private expectIdle(what: string): void {
    if (this.pending > 0) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected no asynchronous update or finalize in progress for ${what} but ${this.pending} are pending (await them first)`, {
        argument: 'this',
      });
    }
  }

  /** Runs `work` after everything queued before it; the queue survives a failed call. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.tail.then(work, work);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run.finally(() => {
      this.pending--;
    });
  }

  private prepareBlock(rowBlock: Matrix | MatrixInput, rowOffset: number): Matrix {
    let block = toMatrix(rowBlock, 'rowBlock');
    if (block.cols !== this.cols) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected ${this.cols} columns for rowBlock but received ${block.cols}`, { argument: 'rowBlock' });
    }
    if (block.rows > this.rows) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected at most ${this.rows} rows for rowBlock but received ${block.rows}`, { argument: 'rowBlock' });
    }
    expectInteger(rowOffset, 'rowOffset', 0, this.rows - block.rows);
    const f32 = this.dtype === 'float32';
    if ((block.data instanceof Float32Array) !== f32) {
      if (isFloatArray((rowBlock as Partial<Matrix>).data)) {
        throw invalid('rowBlock.data', `a ${f32 ? 'Float32Array' : 'Float64Array'} (the sketch's dtype is ${this.dtype})`, block.data);
      }
      // number[][] and ml-matrix input was copied to f64 anyway: round that copy for an f32 sketch.
      block = { ...block, data: Float32Array.from(block.data) };
    }
    return block;
  }

  /**
   * A[rowOffset : rowOffset + b, :] += rowBlock (b × cols): adds the block's contribution to the
   * sketches, off the main thread on the native backend. Rows may come in any order and blocks of
   * any size; a row updated twice counts twice (the sketch is linear). Do not modify the block's
   * data until the promise settles.
   */
  update(rowBlock: Matrix | MatrixInput, rowOffset: number): Promise<void> {
    let block: Matrix;
    try {
      block = this.prepareBlock(rowBlock, rowOffset);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(() => this.engine.update(block, rowOffset, this.checkFinite));
  }

  /** Synchronous twin of {@link SketchState.update}. */
  updateSync(rowBlock: Matrix | MatrixInput, rowOffset: number): void {
    this.expectIdle('updateSync');
    this.engine.updateSync(this.prepareBlock(rowBlock, rowOffset), rowOffset, this.checkFinite);
  }

  /**
   * Adds the sketch of another partition (same rows, cols, rank, sizes, seed and dtype): the
   * result is the sketch of the sum, e.g. of all row blocks seen by both. Returns this.
   */
  merge(other: SketchState): this {
    if (!(other instanceof SketchState)) throw invalid('other', 'a SketchState', other);
    this.expectIdle('merge');
    other.expectIdle('merge (other)');
    const fields = ['rows', 'cols', 'rank', 'rangeSize', 'coreSize', 'dtype'] as const;
    for (const f of fields) {
      if (other[f] !== this[f]) {
        throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected the same ${f} for other but received ${String(other[f])} (this sketch has ${String(this[f])})`, {
          argument: `other.${f}`,
        });
      }
    }
    if (other.seedBits !== this.seedBits) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected the same seed for other but received ${other.seedBits} (this sketch has ${this.seedBits})`, {
        argument: 'other.seed',
      });
    }
    if (other === this) throw invalid('other', 'another SketchState', 'this one');
    if (this.backend === 'native' && other.backend === 'native') {
      (this.engine as NativeSketch).merge(other.engine as NativeSketch);
    } else {
      const { Y, Xt, Z } = other.engine.getState();
      this.engine.addState(Y, Xt, Z);
    }
    return this;
  }

  /** The exact state (sizes, seed, dtype and the f64 sketches in base64); `JSON.stringify` uses it. */
  toJSON(): SketchStateJson {
    this.expectIdle('toJSON');
    const { Y, Xt, Z } = this.engine.getState();
    return {
      format: 'randla.streaming-svd',
      version: 1,
      rows: this.rows,
      cols: this.cols,
      rank: this.rank,
      rangeSize: this.rangeSize,
      coreSize: this.coreSize,
      seed: this.seedBits.toString(),
      dtype: this.dtype,
      Y: base64Of(Y),
      Xt: base64Of(Xt),
      Z: base64Of(Z),
    };
  }

  /**
   * A state from its {@link SketchState.toJSON | toJSON} form (an object or its JSON text), on the
   * given backend (default 'auto'): the sketches come back bit for bit.
   *
   * @example
   * ```ts
   * import { SketchState } from 'randla';
   * const a = new SketchState({ rows: 3, cols: 2, rank: 1, seed: 5 });
   * a.updateSync([[1, 2], [3, 4], [5, 6]], 0);
   * const b = SketchState.fromJSON(JSON.stringify(a));
   * ```
   */
  static fromJSON(json: string | SketchStateJson, options: { backend?: BackendName; checkFinite?: boolean } = {}): SketchState {
    let value: unknown = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (cause) {
        throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected JSON text for json but received text that does not parse (${(cause as Error).message})`, {
          argument: 'json',
          cause,
        });
      }
    }
    const o = expectObject(value, 'json');
    if (o.format !== 'randla.streaming-svd') throw invalid('json.format', "'randla.streaming-svd'", o.format);
    if (o.version !== 1) throw invalid('json.version', 'version 1', o.version);
    if (typeof o.seed !== 'string' || !/^\d{1,20}$/.test(o.seed) || BigInt(o.seed) >= 1n << 64n) {
      throw invalid('json.seed', 'a decimal string of an integer in [0, 2^64)', o.seed);
    }
    const seedBits = BigInt(o.seed);
    const state = new SketchState({
      rows: o.rows as number,
      cols: o.cols as number,
      rank: o.rank as number,
      rangeSize: o.rangeSize as number,
      coreSize: o.coreSize as number,
      seed: seedBits <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seedBits) : seedBits,
      dtype: o.dtype as Dtype,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
      ...(options.checkFinite === undefined ? {} : { checkFinite: options.checkFinite }),
    });
    state.engine.setState(
      float64Of(o.Y, state.rows * state.rangeSize, 'json.Y'),
      float64Of(o.Xt, state.cols * state.rangeSize, 'json.Xt'),
      float64Of(o.Z, state.coreSize * state.coreSize, 'json.Z'),
    );
    return state;
  }

  private expectRank(options: { rank?: number }): number {
    const o = expectObject(options, 'options');
    rejectUnknownOptions(o, new Set(['rank']), 'options');
    return expectInteger(o.rank ?? this.rank, 'options.rank', 1, this.rangeSize);
  }

  private wrap(out: StreamingFactors): StreamingSvdResult {
    return {
      U: out.U,
      S: out.S,
      Vt: out.Vt,
      seed: this.seed,
      backend: this.backend,
      dtype: this.dtype,
      rank: out.rank,
      rangeSize: this.rangeSize,
      coreSize: this.coreSize,
    };
  }

  /**
   * The rank-r approximation A ≈ U·diag(S)·Vt from the sketch (Alg. 4.3–4.4), canonical signs as
   * rsvd. `options.rank` (default the state's rank) may go up to rangeSize, which returns
   * Â = QCPᵀ itself. The sketch is unchanged, so updates may continue afterwards.
   */
  finalize(options: { rank?: number } = {}): Promise<StreamingSvdResult> {
    let rank: number;
    try {
      rank = this.expectRank(options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(async () => this.wrap(await this.engine.finalize(rank)));
  }

  /** Synchronous twin of {@link SketchState.finalize}. */
  finalizeSync(options: { rank?: number } = {}): StreamingSvdResult {
    const rank = this.expectRank(options);
    this.expectIdle('finalizeSync');
    return this.wrap(this.engine.finalizeSync(rank));
  }
}

export interface StreamSvdOptions extends Omit<SketchStateOptions, 'rows' | 'cols' | 'dtype'> {
  /** Required for an iterable source; checked against the file for a .npy path. */
  rows?: number;
  cols?: number;
  /** Default: the file's dtype, or the first block's. */
  dtype?: Dtype;
  /** .npy source: size of the reused read buffer in bytes (default 32 MiB). */
  blockBytes?: number;
  /** Checked between blocks: the promise rejects with ERR_RANDLA_ABORTED. */
  signal?: AbortSignal;
}

/**
 * Single-pass SVD of a matrix that never has to fit in memory: the row blocks of `source` (an
 * async iterable of `{ block, rowOffset }`, or the path of a C-order .npy file read in ~32 MB
 * blocks) are sketched as they come, then the rank-r factors are recovered (Tropp et al. 2019).
 *
 * @example
 * ```ts
 * import { streamSvd } from 'randla';
 * const { S, U, Vt } = await streamSvd('/data/snapshots.npy', { rank: 10, seed: 1 });
 * ```
 */
export async function streamSvd(
  source: AsyncIterable<{ block: Matrix | MatrixInput; rowOffset: number }> | Iterable<{ block: Matrix | MatrixInput; rowOffset: number }> | string,
  options: StreamSvdOptions,
): Promise<StreamingSvdResult> {
  const o = expectObject(options, 'options') as StreamSvdOptions & Record<string, unknown>;
  const { blockBytes, signal, ...stateOptions } = o;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('options.signal', 'an AbortSignal', signal);
  const checkAbort = (): void => {
    if (signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'streamSvd was aborted', { cause: signal.reason });
  };
  checkAbort();
  let blocks: AsyncIterable<{ block: Matrix | MatrixInput; rowOffset: number }> | Iterable<{ block: Matrix | MatrixInput; rowOffset: number }>;
  let shape: { rows?: number; cols?: number; dtype?: Dtype } = {};
  if (typeof source === 'string') {
    const header = await readNpyHeader(source);
    for (const key of ['rows', 'cols', 'dtype'] as const) {
      if (stateOptions[key] !== undefined && stateOptions[key] !== header[key]) {
        throw invalid(`options.${key}`, `the file's ${key} ${String(header[key])}`, stateOptions[key]);
      }
    }
    shape = { rows: header.rows, cols: header.cols, dtype: header.dtype };
    blocks = readNpyRowBlocks(source, blockBytes === undefined ? {} : { blockBytes });
  } else if (source !== null && typeof source === 'object' && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    blocks = source;
  } else {
    throw invalid('source', 'a .npy path or an (async) iterable of { block, rowOffset }', source);
  }
  let state: SketchState | undefined;
  for await (const item of blocks) {
    checkAbort();
    if (!state) {
      const first = typeof source === 'string' ? undefined : toMatrix((item as { block: unknown }).block, 'block');
      state = new SketchState({
        ...stateOptions,
        ...shape,
        dtype: shape.dtype ?? stateOptions.dtype ?? (first?.data instanceof Float32Array ? 'float32' : 'float64'),
      } as SketchStateOptions);
    }
    await state.update(item.block, item.rowOffset);
  }
  checkAbort();
  if (!state) throw new RandlaError(ErrorCode.SHAPE, 'Expected at least one row block for source but received none', { argument: 'source' });
  return state.finalize();
}
