// What every weight-file reader shares (docs/weights-io.md): the tensor and file types, the
// element types with their decoders (f16 and bf16 widened to f32, integers to f64), shape
// arithmetic that is checked against the bytes actually present before anything is allocated,
// and the one error grammar. The format modules (npy_format.ts, npz.ts, safetensors.ts,
// tfjs.ts) only locate bytes; turning bytes into numbers happens here, once.
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';

import { ErrorCode, RandlaError } from '../errors.js';

/** The element type a tensor has in its file. */
export type WeightDtype =
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

/** One tensor of a weight file, its values in C (row-major) order. */
export interface WeightTensor {
  name: string;
  /** The element type in the file; `data` is Float32Array for float16/bfloat16/float32, Float64Array otherwise. */
  dtype: WeightDtype;
  /** Dimensions, outermost first ([] for a scalar). */
  shape: number[];
  data: Float32Array | Float64Array;
  /** TF.js only: the weight was stored quantized and has been dequantized into `data`. */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

export type WeightFormat = 'npy' | 'npz' | 'safetensors' | 'tfjs';

/** The tensors of one weight file, in file order. */
export interface WeightFile {
  format: WeightFormat;
  /** Name -> tensor; iteration follows the file's order (a Map, so any name is safe as a key). */
  tensors: Map<string, WeightTensor>;
  /** safetensors `__metadata__`; for TF.js the model.json's `format`, `generatedBy`, `convertedBy`; otherwise empty. */
  metadata: Record<string, string>;
}

export interface ReadWeightsOptions {
  /**
   * What to do with integer and bool tensors: `'reject'` (default: a RandlaError naming the
   * tensor and its dtype), `'float64'` (converted exactly into a Float64Array; 64-bit values
   * beyond ±2^53 are still an error) or `'skip'` (left out of the result).
   */
  integers?: 'reject' | 'float64' | 'skip';
}

/** Where a reader is looking, for its error messages: the argument at fault and how to show it. */
export interface Source {
  argument: string;
  received: string;
  /** Where inside the file, e.g. `member "w.npy"`. */
  context?: string;
}

/** The error grammar of src/io: `Expected <what>[ in <context>] for <argument> but received <source>`. */
export function formatError(source: Source, expected: string, code: ErrorCode = ErrorCode.INVALID_ARGUMENT): RandlaError {
  const what = source.context ? `${expected} in ${source.context}` : expected;
  return new RandlaError(code, `Expected ${what} for ${source.argument} but received ${source.received}`, { argument: source.argument });
}

export function pathSource(path: string): Source {
  return { argument: 'path', received: JSON.stringify(path) };
}

export function bytesSource(argument: string, bytes: Uint8Array): Source {
  return { argument, received: `Uint8Array(${bytes.length})` };
}

export function within(source: Source, context: string): Source {
  return { ...source, context: source.context ? `${context} of ${source.context}` : context };
}

/** Reads a whole file, turning fs failures into a RandlaError that names it. */
/** The RandlaError for a file that cannot be opened or read: names `path` and the system's code. */
function unreadable(path: string, what: string, error: unknown): RandlaError {
  const e = error as NodeJS.ErrnoException;
  return new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a readable ${what} for path but received ${JSON.stringify(path)} (${e.code ?? e.message})`, {
    argument: 'path',
    cause: error,
  });
}

export async function readWholeFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw unreadable(path, what, error);
  }
}

/** Opens `path` for reading; a failure is the same RandlaError as {@link readWholeFile}'s. */
export async function openReadable(path: string, what: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw unreadable(path, what, error);
  }
}

export function expectPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a file path (string) for path but received ${typeof path === 'string' ? 'an empty string' : typeof path}`, {
      argument: 'path',
    });
  }
  return path;
}

export function expectBytes(value: unknown, argument: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a Uint8Array (a Buffer is one) for ${argument} but received ${value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`, {
      argument,
    });
  }
  return value;
}

export function integerPolicy(options: ReadWeightsOptions | undefined): 'reject' | 'float64' | 'skip' {
  if (options === undefined) return 'reject';
  if (options === null || typeof options !== 'object') {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected an options object for options but received ${options === null ? 'null' : typeof options}`, { argument: 'options' });
  }
  for (const key of Object.keys(options)) {
    if (key !== 'integers') throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected only the option 'integers' for options but received '${key}'`, { argument: `options.${key}` });
  }
  const v = options.integers ?? 'reject';
  if (v !== 'reject' && v !== 'float64' && v !== 'skip') {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected 'reject', 'float64' or 'skip' for options.integers but received ${JSON.stringify(v)}`, { argument: 'options.integers' });
  }
  return v;
}

// ------------------------------------------------------------------------------ element types

export const ITEM_BYTES: Readonly<Record<WeightDtype, 1 | 2 | 4 | 8>> = {
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

export function isFloatDtype(dtype: WeightDtype): boolean {
  return dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float32' || dtype === 'float64';
}

/**
 * Decides, before any data is read, whether a tensor of this dtype is decoded, skipped or an
 * error under the `integers` policy. Returns false for a tensor to skip.
 */
export function admitDtype(dtype: WeightDtype, policy: 'reject' | 'float64' | 'skip', source: Source, stored: string): boolean {
  if (isFloatDtype(dtype)) return true;
  if (policy === 'skip') return false;
  if (policy === 'float64') return true;
  throw formatError(
    source,
    `a float tensor (float16, bfloat16, float32 or float64; integer and bool tensors load with { integers: 'float64' } or { integers: 'skip' }) (found dtype ${stored}, ${dtype})`,
  );
}

const HOST_LITTLE_ENDIAN = endianness() === 'LE';

/**
 * The `count` elements of `size` bytes at `bytes[offset..]` copied into a fresh, aligned buffer
 * in host byte order. The caller has checked that the range lies inside `bytes`.
 */
function nativeCopy(bytes: Uint8Array, offset: number, count: number, size: number, littleEndian: boolean, owned = false): ArrayBuffer {
  const length = count * size;
  const swap = size > 1 && littleEndian !== HOST_LITTLE_ENDIAN;
  // A buffer the reader allocated for exactly these bytes is used as it is: no second copy.
  if (owned && !swap && offset === 0 && bytes.byteOffset === 0 && bytes.byteLength === length && bytes.buffer.byteLength === length && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  const out = new Uint8Array(length);
  out.set(bytes.subarray(offset, offset + length));
  if (swap) {
    // Swapping bytes (rather than DataView reads) keeps every bit, NaN payloads included.
    for (let i = 0; i < length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = out[a]!;
        out[a] = out[b]!;
        out[b] = t;
      }
    }
  }
  return out.buffer;
}

/**
 * The bytes of `data` in little-endian order: a view of it on a little-endian host (every bit
 * kept, NaN payloads included), a byte-swapped copy otherwise.
 */
export function littleEndianBytes(data: Float32Array | Float64Array): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Host -> little-endian is the same swap as little-endian -> host.
  return HOST_LITTLE_ENDIAN ? view : new Uint8Array(nativeCopy(view, 0, data.length, data.BYTES_PER_ELEMENT, true));
}

let halfTable: Uint32Array | undefined;

/** f32 bit patterns of all 65536 f16 values (built once, 256 KiB): exact, NaN payloads kept. */
function float16Table(): Uint32Array {
  if (halfTable) return halfTable;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    let exponent = (h >> 10) & 0x1f;
    let mantissa = h & 0x3ff;
    if (exponent === 0x1f) {
      table[h] = sign | 0x7f800000 | (mantissa << 13); // inf, or NaN with its payload
    } else if (exponent !== 0) {
      table[h] = sign | ((exponent + 112) << 23) | (mantissa << 13); // rebias 15 -> 127
    } else if (mantissa === 0) {
      table[h] = sign; // ±0
    } else {
      // Subnormal f16 (mantissa · 2^-24) is a normal f32: shift the leading 1 into the implicit bit.
      exponent = 113;
      while ((mantissa & 0x400) === 0) {
        mantissa <<= 1;
        exponent--;
      }
      table[h] = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
  }
  halfTable = table;
  return table;
}

/** IEEE half-precision bit patterns widened exactly to float32 (every f16 value is an f32 value). */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const table = float16Table();
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = table[bits[i]!]!;
  return out;
}

/** bfloat16 bit patterns widened exactly to float32: bfloat16 is the upper half of an f32. */
export function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}

/**
 * Decodes `count` elements of `dtype` at `bytes[offset..]` into a fresh array: f32/f16/bf16 ->
 * Float32Array, f64 and integers -> Float64Array. The caller has checked the byte range.
 * `owned`: `bytes` is a fresh buffer of exactly these bytes that nobody else holds, which an
 * f32/f64 result in host byte order may take over.
 */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: WeightDtype,
  littleEndian: boolean,
  source: Source,
  owned = false,
): Float32Array | Float64Array {
  const buffer = nativeCopy(bytes, offset, count, ITEM_BYTES[dtype], littleEndian, owned);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'float16':
      return float16ToFloat32(new Uint16Array(buffer));
    case 'bfloat16':
      return bfloat16ToFloat32(new Uint16Array(buffer));
    case 'int8':
      return Float64Array.from(new Int8Array(buffer));
    case 'uint8':
      return Float64Array.from(new Uint8Array(buffer));
    case 'int16':
      return Float64Array.from(new Int16Array(buffer));
    case 'uint16':
      return Float64Array.from(new Uint16Array(buffer));
    case 'int32':
      return Float64Array.from(new Int32Array(buffer));
    case 'uint32':
      return Float64Array.from(new Uint32Array(buffer));
    case 'bool': {
      const raw = new Uint8Array(buffer);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = raw[i] === 0 ? 0 : 1;
      return out;
    }
    case 'int64':
    case 'uint64': {
      const raw = dtype === 'int64' ? new BigInt64Array(buffer) : new BigUint64Array(buffer);
      const out = new Float64Array(count);
      const limit = BigInt(Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < count; i++) {
        const v = raw[i]!;
        // Past 2^53 a Float64Array would round silently: say so instead.
        if (v > limit || v < -limit) throw formatError(source, `${dtype} values within ±(2^53 − 1), exactly representable in float64 (found ${v} at flat index ${i})`);
        out[i] = Number(v);
      }
      return out;
    }
  }
}

// ------------------------------------------------------------------------------ shapes

/**
 * Validates a shape read from a file (non-negative safe integers) and returns its element
 * count, or throws. `available` bounds the count: a shape that needs more elements than the
 * bytes present could hold is reported before its product is even formed, so a lying header
 * can neither overflow the arithmetic nor cause a large allocation.
 */
export function checkedCount(shape: unknown, itemBytes: number, available: number, source: Source, what: string): { shape: number[]; count: number } {
  if (!Array.isArray(shape)) throw formatError(source, `${what} as an array of non-negative integers (found ${describeJson(shape)})`);
  if (shape.length > 64) throw formatError(source, `${what} of at most 64 dimensions (found ${shape.length})`, ErrorCode.SHAPE);
  const dims: number[] = [];
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw formatError(source, `${what} of non-negative integers (found ${describeJson(shape)})`, ErrorCode.SHAPE);
    dims.push(d);
  }
  if (dims.includes(0)) return { shape: dims, count: 0 };
  const maxCount = Math.floor(available / itemBytes);
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > maxCount) {
      throw formatError(source, `${what} (${dims.join(', ')}) to fit the ${available} bytes present (${itemBytes}-byte elements): the header claims more data than the file holds (truncated, or the header lies)`, ErrorCode.SHAPE);
    }
  }
  return { shape: dims, count };
}

/**
 * Validates a caller's shape for `data.length` values: non-negative safe integers whose product
 * is the length. Errors name `<argument>.shape` or `<argument>.data`.
 */
export function expectShape(shape: unknown, length: number, argument: string): number[] {
  if (!Array.isArray(shape) || shape.length > 64 || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected an array of at most 64 non-negative integers for ${argument}.shape but received ${describeJson(shape)}`, {
      argument: `${argument}.shape`,
    });
  }
  const count = (shape as number[]).reduce((p, d) => p * d, 1);
  if (count !== length) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected ${argument}.data.length = ${count} (the product of shape (${shape.join(', ')})) but received ${length}`, {
      argument: `${argument}.data`,
    });
  }
  return [...(shape as number[])];
}

/** A short rendering of a parsed JSON value for messages. */
export function describeJson(value: unknown): string {
  // Values come from files: a huge array is not printed, and a pathologically deep one (whose
  // stringification overflows the stack) is described rather than allowed to throw a RangeError.
  if (Array.isArray(value) && value.length > 16) return `an array of ${value.length} items`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? 'a nested array' : typeof value;
  }
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Reorders Fortran-order (first index fastest) values into C order (last index fastest). */
export function fortranToC<T extends Float32Array | Float64Array>(data: T, shape: readonly number[]): T {
  const n = shape.length;
  if (n < 2 || data.length === 0) return data;
  const out = new (data.constructor as { new (length: number): T })(data.length);
  // Walk the C-order multi-index like an odometer and keep the matching Fortran offset.
  const fStride = new Array<number>(n);
  fStride[0] = 1;
  for (let k = 1; k < n; k++) fStride[k] = fStride[k - 1]! * shape[k - 1]!;
  const index = new Array<number>(n).fill(0);
  let f = 0;
  for (let c = 0; c < data.length; c++) {
    out[c] = data[f]!;
    for (let k = n - 1; k >= 0; k--) {
      index[k]!++;
      f += fStride[k]!;
      if (index[k]! < shape[k]!) break;
      f -= fStride[k]! * shape[k]!;
      index[k] = 0;
    }
  }
  return out;
}
