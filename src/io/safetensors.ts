// .safetensors (the Hugging Face format): an 8-byte little-endian header length N, N bytes of
// JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { str: str } }`,
// then the data, offsets relative to its start. Checked as the reference implementation checks
// it: the tensors tile the data exactly (sorted by offset: the first begins at 0, each begins
// where the previous ends, the last ends at the end of the file), and each byte range is exactly
// its shape times its element size. Layout checks need only the header and the file size, so
// the file reader validates everything before it reads (or allocates for) a single tensor.

import { ErrorCode, RandlaError } from '../errors.js';
import type { Matrix } from '../types.js';
import { writeAtomically } from './atomic.js';
import { readExactly } from './npy_format.js';
import {
  admitDtype,
  bytesSource,
  checkedCount,
  decodeElements,
  describeJson,
  expectBytes,
  expectPath,
  expectShape,
  formatError,
  integerPolicy,
  ITEM_BYTES,
  littleEndianBytes,
  openReadable,
  pathSource,
  within,
  type ReadWeightsOptions,
  type Source,
  type WeightDtype,
  type WeightFile,
  type WeightTensor,
} from './tensor.js';

/** safetensors dtype names -> ours; the F8/F4/F6/complex types are known but not decoded. */
const DTYPES: Readonly<Record<string, WeightDtype>> = {
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
  I8: 'int8',
  I16: 'int16',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  BOOL: 'bool',
};
const UNSUPPORTED = new Set(['F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

interface SafetensorsEntry {
  name: string;
  dtype: WeightDtype;
  stored: string;
  shape: number[];
  count: number;
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
  keep: boolean;
}

interface SafetensorsLayout {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
}

/** The header length from the first 8 bytes, checked against the file size. */
function headerLength(prefix: Uint8Array, fileSize: number, source: Source): number {
  if (prefix.length < 8) throw formatError(source, `a .safetensors file of at least 8 bytes (the file has ${fileSize}: truncated)`, ErrorCode.SHAPE);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileSize - 8)) throw formatError(source, `a .safetensors header length within the file (the header claims ${n} bytes, the file has ${fileSize - 8} after the length)`, ErrorCode.SHAPE);
  return Number(n);
}

/** Parses and checks the JSON header against a file of `fileSize` bytes. */
function parseLayout(headerBytes: Uint8Array, fileSize: number, policy: 'reject' | 'float64' | 'skip', source: Source): SafetensorsLayout {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw formatError(source, 'a UTF-8 .safetensors header');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw formatError(source, `a JSON .safetensors header (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw formatError(source, `a JSON object as the .safetensors header (found ${describeJson(header)})`);
  const dataStart = 8 + headerBytes.length;
  const dataLength = fileSize - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) throw formatError(source, `__metadata__ as an object of strings (found ${describeJson(info)})`);
      const items = Object.entries(info as Record<string, unknown>);
      for (const [k, v] of items) {
        if (typeof v !== 'string') throw formatError(source, `__metadata__ values that are strings (found ${JSON.stringify(k)}: ${describeJson(v)})`);
      }
      // fromEntries defines own properties: a "__proto__" key stays a key, not a prototype.
      metadata = Object.fromEntries(items) as Record<string, string>;
      continue;
    }
    const where = within(source, `tensor ${JSON.stringify(name)}`);
    if (info === null || typeof info !== 'object' || Array.isArray(info)) throw formatError(where, `{ dtype, shape, data_offsets } (found ${describeJson(info)})`);
    const { dtype: stored, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof stored !== 'string') throw formatError(where, `a dtype string (found ${describeJson(stored)})`);
    const dtype = DTYPES[stored];
    if (!dtype) {
      throw formatError(
        where,
        UNSUPPORTED.has(stored)
          ? `a supported dtype: F16, BF16, F32, F64, or an integer/BOOL one with { integers } (found ${stored}, which randla does not decode)`
          : `a known safetensors dtype (found unknown dtype ${JSON.stringify(stored)})`,
      );
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
      throw formatError(where, `data_offsets as [begin, end] of non-negative integers (found ${describeJson(offsets)})`, ErrorCode.SHAPE);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) throw formatError(where, `data_offsets [begin, end] with begin <= end (found [${begin}, ${end}])`, ErrorCode.SHAPE);
    if (end > dataLength) throw formatError(where, `data_offsets within the ${dataLength} bytes of data (found [${begin}, ${end}]: truncated, or the offsets lie)`, ErrorCode.SHAPE);
    const size = ITEM_BYTES[dtype];
    const checked = checkedCount(shape, size, end - begin, where, 'a shape');
    if (checked.count * size !== end - begin) {
      throw formatError(where, `${checked.count * size} bytes for shape (${checked.shape.join(', ')}) ${stored} (data_offsets [${begin}, ${end}] hold ${end - begin})`, ErrorCode.SHAPE);
    }
    const keep = admitDtype(dtype, policy, where, stored);
    entries.push({ name, dtype, stored, shape: checked.shape, count: checked.count, begin: dataStart + begin, end: dataStart + end, keep });
  }
  // File order is data order; the reference writer also stores tensors in this order.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = dataStart;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k]!;
    if (e.begin < expected) {
      throw formatError(source, `tensors that do not overlap (${JSON.stringify(e.name)} at [${e.begin - dataStart}, ${e.end - dataStart}] overlaps ${JSON.stringify(entries[k - 1]!.name)}, which ends at ${expected - dataStart})`, ErrorCode.SHAPE);
    }
    if (e.begin > expected) {
      throw formatError(source, `tensors that tile the data (${e.begin - expected} unclaimed bytes before ${JSON.stringify(e.name)} at ${e.begin - dataStart})`, ErrorCode.SHAPE);
    }
    expected = e.end;
  }
  if (expected !== fileSize) throw formatError(source, `tensors that tile the data (${fileSize - expected} bytes after the last tensor: trailing data, or the offsets lie)`, ErrorCode.SHAPE);
  return { entries, metadata };
}

function decodeEntry(e: SafetensorsEntry, bytes: Uint8Array, offset: number, source: Source, owned = false): WeightTensor {
  const data = decodeElements(bytes, offset, e.count, e.dtype, true, within(source, `tensor ${JSON.stringify(e.name)}`), owned);
  return { name: e.name, dtype: e.dtype, shape: e.shape, data };
}

function safetensorsFile(bytes: Uint8Array, policy: 'reject' | 'float64' | 'skip', source: Source): WeightFile {
  const n = headerLength(bytes.subarray(0, 8), bytes.length, source);
  const { entries, metadata } = parseLayout(bytes.subarray(8, 8 + n), bytes.length, policy, source);
  const tensors = new Map<string, WeightTensor>();
  for (const e of entries) if (e.keep) tensors.set(e.name, decodeEntry(e, bytes, e.begin, source));
  return { format: 'safetensors', tensors, metadata };
}

/**
 * An in-memory .safetensors file: F32 and F64 as stored, F16 and BF16 widened exactly to f32,
 * integer and BOOL tensors as `options.integers` says; `__metadata__` in `metadata`. Tensors
 * come in data order. Offsets outside the file, overlapping or gapped tensors, shapes that
 * disagree with their byte ranges and a header length beyond the file are RandlaErrors.
 *
 * @example
 * ```ts
 * import { parseSafetensors } from 'randla';
 * const { tensors, metadata } = parseSafetensors(bytes);
 * ```
 */
export function parseSafetensors(bytes: Uint8Array, options?: ReadWeightsOptions): WeightFile {
  return safetensorsFile(expectBytes(bytes, 'bytes'), integerPolicy(options), bytesSource('bytes', bytes));
}

/**
 * Reads a .safetensors file (see {@link parseSafetensors}): the header first, checked against
 * the file's size, then each tensor's bytes straight into its own buffer (no whole-file copy).
 *
 * @example
 * ```ts
 * import { readSafetensors } from 'randla';
 * const { tensors } = await readSafetensors('/models/model.safetensors');
 * ```
 */
export async function readSafetensors(path: string, options?: ReadWeightsOptions): Promise<WeightFile> {
  expectPath(path);
  const policy = integerPolicy(options);
  const source = pathSource(path);
  const file = await openReadable(path, '.safetensors file');
  try {
    const size = (await file.stat()).size;
    const prefix = new Uint8Array(8);
    const { bytesRead } = await file.read(prefix, 0, 8, 0);
    const n = headerLength(prefix.subarray(0, bytesRead), size, source);
    const { entries, metadata } = parseLayout(await readExactly(file, 8, n, source), size, policy, source);
    const tensors = new Map<string, WeightTensor>();
    for (const e of entries) {
      if (!e.keep) continue;
      tensors.set(e.name, decodeEntry(e, await readExactly(file, e.begin, e.end - e.begin, source), 0, source, true));
    }
    return { format: 'safetensors', tensors, metadata };
  } finally {
    await file.close();
  }
}

// ------------------------------------------------------------------------------ writing

/** A tensor to write: `{ shape, data }` (values in C order) or a Matrix (shape [rows, cols]). */
export type TensorInput = { shape: readonly number[]; data: Float32Array | Float64Array } | Matrix;

/** Tensors to write: a Map or a plain object keyed by name, or an array of named tensors. */
export type TensorsInput =
  | ReadonlyMap<string, TensorInput>
  | Readonly<Record<string, TensorInput>>
  | readonly (TensorInput & { name: string })[];

interface Prepared {
  name: string;
  shape: number[];
  data: Float32Array | Float64Array;
}

function prepareTensor(name: unknown, value: unknown, argument: string, seen: Set<string>): Prepared {
  if (typeof name !== 'string' || name.length === 0 || name === '__metadata__') {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a non-empty tensor name other than "__metadata__" for ${argument} but received ${describeJson(name)}`, { argument });
  }
  if (seen.has(name)) throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected unique tensor names for ${argument} but received ${JSON.stringify(name)} twice`, { argument });
  seen.add(name);
  if (value === null || typeof value !== 'object') {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected { shape, data } or a Matrix for ${argument} but received ${value === null ? 'null' : typeof value}`, { argument });
  }
  const v = value as Partial<Matrix> & { shape?: unknown };
  const data = v.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a Float32Array or Float64Array for ${argument}.data (tensor ${JSON.stringify(name)}) but received ${describeJson(data)}`, {
      argument: `${argument}.data`,
    });
  }
  if (v.shape === undefined && v.rows !== undefined) {
    // A Matrix: a col-major one is written transposed into C order.
    const shape = expectShape([v.rows, v.cols], data.length, argument);
    if (v.layout !== 'row-major' && v.layout !== 'col-major') {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected 'row-major' or 'col-major' for ${argument}.layout but received ${describeJson(v.layout)}`, { argument: `${argument}.layout` });
    }
    if (v.layout === 'row-major') return { name, shape, data };
    const [rows, cols] = shape as [number, number];
    const out = new (data.constructor as typeof Float64Array | typeof Float32Array)(data.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = data[i + j * rows]!;
    return { name, shape, data: out };
  }
  return { name, shape: expectShape(v.shape, data.length, argument), data };
}

function prepareTensors(tensors: unknown): Prepared[] {
  const seen = new Set<string>();
  if (tensors instanceof Map) return [...tensors].map(([name, t], i) => prepareTensor(name, t, `tensors[${i}]`, seen));
  if (Array.isArray(tensors)) return tensors.map((t: unknown, i) => prepareTensor((t as { name?: unknown } | null)?.name, t, `tensors[${i}]`, seen));
  if (tensors !== null && typeof tensors === 'object') return Object.entries(tensors).map(([name, t], i) => prepareTensor(name, t, `tensors[${i}]`, seen));
  throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a Map, an object or an array of tensors for tensors but received ${tensors === null ? 'null' : typeof tensors}`, { argument: 'tensors' });
}

/**
 * The bytes of a .safetensors file holding f32 (F32) and f64 (F64) tensors and optional string
 * metadata. The f64 tensors are stored first, then the f32 ones, each group in the given order,
 * so that every tensor starts at a multiple of its element size (the header is padded to 8
 * bytes, as the reference writer pads it); {@link parseSafetensors} returns them in that order.
 *
 * @example
 * ```ts
 * import { encodeSafetensors } from 'randla';
 * const bytes = encodeSafetensors({ 'fc.weight': { shape: [2, 2], data: new Float32Array([1, 0, 0, 1]) } }, { rank: '2' });
 * ```
 */
export function encodeSafetensors(tensors: TensorsInput, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const prepared = prepareTensors(tensors);
  const ordered = [...prepared.filter((t) => t.data instanceof Float64Array), ...prepared.filter((t) => t.data instanceof Float32Array)];
  // Built as text rather than through JSON.stringify of one object: an object would move
  // integer-like names ("0", "1") to the front, and the data order must follow this order.
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected an object of strings for metadata but received ${describeJson(metadata)}`, { argument: 'metadata' });
    }
    const items = Object.entries(metadata).map(([k, v]) => {
      if (typeof v !== 'string') throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a string for metadata[${JSON.stringify(k)}] but received ${describeJson(v)}`, { argument: `metadata[${JSON.stringify(k)}]` });
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${items.join(',')}}`);
  }
  let offset = 0;
  for (const t of ordered) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: t.data instanceof Float64Array ? 'F64' : 'F32', shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = Buffer.from(`{${parts.join(',')}}`, 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // space padding: still valid JSON
  let at = 8 + padded;
  for (const { data } of ordered) {
    out.set(littleEndianBytes(data), at);
    at += data.byteLength;
  }
  return out;
}

/**
 * Writes f32/f64 tensors (e.g. compressed factors A and B) as a .safetensors file, atomically:
 * into a temporary file next to `path`, renamed over it once complete (see
 * {@link encodeSafetensors} for the layout).
 *
 * @example
 * ```ts
 * import { compressDense, writeSafetensors } from 'randla';
 * const { A, B } = await compressDense(W, { rank: 32 });
 * await writeSafetensors('/models/fc1.safetensors', { 'fc1.A': A, 'fc1.B': B }, { rank: '32' });
 * ```
 */
export async function writeSafetensors(path: string, tensors: TensorsInput, metadata?: Readonly<Record<string, string>>): Promise<void> {
  expectPath(path);
  const bytes = encodeSafetensors(tensors, metadata);
  await writeAtomically(path, async (file) => {
    await file.write(bytes);
  });
}
