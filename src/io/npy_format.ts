// The .npy format (numpy/lib/format.py, versions 1.0, 2.0, 3.0) in one place: the preamble, the
// header (a Python dict literal) and its dtype, the header writer, and whole-array encode/decode.
// The streaming reader/writer (npy.ts), the in-memory reader (parseNpy, also used for every member
// of an .npz) and readNpy all go through these functions, so they accept and reject the same files.
import { basename } from 'node:path';

import { ErrorCode, RandlaError } from '../errors.js';
import {
  admitDtype,
  bytesSource,
  checkedCount,
  decodeElements,
  expectBytes,
  expectPath,
  expectShape,
  formatError,
  fortranToC,
  integerPolicy,
  ITEM_BYTES,
  littleEndianBytes,
  openReadable,
  pathSource,
  type ReadWeightsOptions,
  type Source,
  type WeightDtype,
  type WeightFile,
  type WeightTensor,
} from './tensor.js';

export const NPY_MAGIC: readonly number[] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The fixed-size start of a .npy file. */
export interface NpyPreamble {
  major: number;
  minor: number;
  headerLength: number;
  /** Bytes before the data: magic, version, header length and header. */
  dataOffset: number;
}

/**
 * Parses the first 10 (version 1) or 12 (versions 2, 3) bytes. `prefix` may be shorter than 12
 * when the file is; `fileSize` bounds the header length so that no reader allocates more than
 * the file holds.
 */
export function parseNpyPreamble(prefix: Uint8Array, fileSize: number, source: Source): NpyPreamble {
  if (prefix.length < 8 || NPY_MAGIC.some((b, i) => prefix[i] !== b)) throw formatError(source, 'a .npy file (magic \\x93NUMPY)');
  const major = prefix[6]!;
  const minor = prefix[7]!;
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) throw formatError(source, `.npy format version 1.0, 2.0 or 3.0 (found ${major}.${minor})`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lengthBytes) throw formatError(source, 'a complete .npy preamble', ErrorCode.SHAPE);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8 + lengthBytes);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > fileSize) throw formatError(source, `a .npy header of ${headerLength} bytes (the file has ${fileSize})`, ErrorCode.SHAPE);
  return { major, minor, headerLength, dataOffset };
}

/** Header text: latin-1 for versions 1 and 2, UTF-8 for version 3 (format.py's encodings). */
export function decodeNpyHeaderText(bytes: Uint8Array, major: number, source: Source): string {
  if (major !== 3) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw formatError(source, 'a UTF-8 .npy version 3.0 header');
  }
}

// ------------------------------------------------------------------------------ header literal

/** A Python literal as the header may hold it: str, bool, int, None, tuple or list. */
type PyValue = string | boolean | number | null | { tuple: PyValue[] } | { list: PyValue[] };

/**
 * A strict reader for the dict literal numpy writes, `{'descr': '<f8', 'fortran_order': False,
 * 'shape': (3, 4), }`: strings, True/False/None, non-negative integers (with Python 2's `L`),
 * tuples and lists, nested at most 16 deep. Anything else is a syntax error; it never evaluates.
 */
function parsePyDict(text: string): Map<string, PyValue> | string {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${i}`);
  };
  const value = (depth: number): PyValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      i++;
      let s = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++; // an escaped character stands for itself (enough for dtype names)
        if (i < text.length) s += text[i++];
      }
      if (i >= text.length) fail('an unterminated string');
      i++;
      return s;
    }
    if (c === '(' || c === '[') {
      if (depth >= 16) fail('nesting deeper than 16');
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          break;
        }
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`',' or '${close}'`);
      }
      return c === '(' ? { tuple: items } : { list: items };
    }
    const word = /^(True|False|None|\d+L?)/.exec(text.slice(i, i + 32));
    if (!word) return fail('a value');
    i += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    const n = Number(word[0].replace(/L$/, ''));
    return Number.isSafeInteger(n) ? n : fail('an integer below 2^53');
  };
  try {
    ws();
    if (text[i] !== '{') fail("'{'");
    i++;
    const dict = new Map<string, PyValue>();
    for (;;) {
      ws();
      if (text[i] === '}') {
        i++;
        break;
      }
      const key = value(0);
      if (typeof key !== 'string') fail('a string key');
      if (dict.has(key as string)) fail(`the key '${key as string}' once`);
      ws();
      if (text[i] !== ':') fail("':'");
      i++;
      dict.set(key as string, value(0));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail("',' or '}'");
    }
    ws();
    if (i !== text.length) fail('only padding after the dict');
    return dict;
  } catch (error) {
    return (error as Error).message;
  }
}

/** What a .npy header says about its array. */
export interface NpyArrayHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses and checks the header dict: exactly the keys 'descr' (a simple dtype), 'fortran_order' and 'shape'. */
export function parseNpyHeaderText(text: string, source: Source): NpyArrayHeader {
  const found = JSON.stringify(text.trim().slice(0, 120));
  const dict = parsePyDict(text);
  const expected = "a .npy header with 'descr' (a simple dtype), 'fortran_order' and 'shape'";
  if (typeof dict === 'string') throw formatError(source, `${expected} (found ${found}: expected ${dict})`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (descr !== undefined && typeof descr === 'object' && descr !== null && 'list' in descr) {
    throw formatError(source, `a simple dtype (found a structured dtype in ${found})`);
  }
  if (typeof descr !== 'string' || typeof fortran !== 'boolean' || shape === undefined || shape === null || typeof shape !== 'object' || !('tuple' in shape)) {
    throw formatError(source, `${expected} (found ${found})`);
  }
  const extra = [...dict.keys()].filter((k) => k !== 'descr' && k !== 'fortran_order' && k !== 'shape');
  if (extra.length > 0) throw formatError(source, `${expected} and no other keys (found '${extra.join("', '")}')`);
  const dims = shape.tuple;
  if (!dims.every((d): d is number => typeof d === 'number')) throw formatError(source, `a shape of non-negative integers (found ${found})`);
  return { descr, fortranOrder: fortran, shape: dims };
}

// ------------------------------------------------------------------------------ dtypes

export interface NpyElementType {
  dtype: WeightDtype;
  littleEndian: boolean;
}

/**
 * The element type of a simple descr ('<f8', '>f2', '|b1', '<i8', ...), or a RandlaError that
 * names the dtype. Big-endian data is supported (bytes are swapped while decoding).
 */
export function npyElementType(descr: string, source: Source): NpyElementType {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)(\[[^\]]*\])?$/.exec(descr);
  const say = (kind: string) =>
    formatError(source, `a float16/float32/float64 array, or with { integers } an integer or bool one (found dtype '${descr}': ${kind})`);
  if (!m) throw say('not a simple dtype');
  const [, order, kind, sizeText] = m as unknown as [string, string, string, string];
  const size = Number(sizeText);
  // '|' (not applicable) is written for one-byte types; '=' is the writer's native order,
  // taken as little-endian, the order of every machine numpy writes .npy files on today.
  const littleEndian = order !== '>';
  const table: Record<string, Partial<Record<number, WeightDtype>>> = {
    f: { 2: 'float16', 4: 'float32', 8: 'float64' },
    i: { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' },
    u: { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' },
    b: { 1: 'bool' },
  };
  const dtype = table[kind]?.[size];
  if (dtype) return { dtype, littleEndian };
  const names: Record<string, string> = {
    f: `a ${size}-byte float is not supported`,
    c: 'complex',
    O: 'Python objects',
    U: 'unicode strings',
    S: 'byte strings',
    a: 'byte strings',
    V: 'raw bytes (void)',
    M: 'datetime',
    m: 'timedelta',
  };
  throw say(names[kind] ?? 'an unsupported type');
}

// ------------------------------------------------------------------------------ writing

/** Header bytes of a .npy array, padded with spaces so that the data starts at a multiple of 64 bytes. */
export function npyHeaderBytes(descr: string, fortranOrder: boolean, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${dims}, }`;
  const paddedFor = (preamble: number) => Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble;
  const version = paddedFor(10) < 65536 ? 1 : 2;
  const preamble = version === 1 ? 10 : 12;
  const padded = paddedFor(preamble);
  const out = new Uint8Array(preamble + padded);
  out.set(NPY_MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded, true);
  else view.setUint32(8, padded, true);
  const text = dict.padEnd(padded - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[preamble + i] = text.charCodeAt(i);
  return out;
}

/** A tensor to encode: values in C order unless `fortranOrder` says they are in Fortran order. */
export interface NpyTensorInput {
  shape: readonly number[];
  data: Float32Array | Float64Array;
  fortranOrder?: boolean;
}

/**
 * The bytes of a .npy file holding `tensor` (`<f4` or `<f8` after its array type), e.g. to build
 * an .npz member or to write an N-D array; {@link writeNpy} writes a Matrix to disk.
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpy } from 'randla';
 * const bytes = encodeNpy({ shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) });
 * parseNpy(bytes).tensors.get('array')!.shape; // [2, 3]
 * ```
 */
export function encodeNpy(tensor: NpyTensorInput): Uint8Array {
  if (tensor === null || typeof tensor !== 'object') throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected { shape, data } for tensor but received ${tensor === null ? 'null' : typeof tensor}`, { argument: 'tensor' });
  const { data } = tensor;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected a Float32Array or Float64Array for tensor.data but received another value', { argument: 'tensor.data' });
  }
  const shape = expectShape(tensor.shape, data.length, 'tensor');
  const header = npyHeaderBytes(data instanceof Float32Array ? '<f4' : '<f8', tensor.fortranOrder === true, shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(littleEndianBytes(data), header.length);
  return out;
}

// ------------------------------------------------------------------------------ reading whole arrays

/** Where the data of a .npy array lies and how to decode it, checked against the bytes present. */
export interface NpyLayout {
  header: NpyArrayHeader;
  element: NpyElementType;
  dataOffset: number;
  count: number;
  dataBytes: number;
  /** False when the `integers` policy skips this array. */
  keep: boolean;
}

/** Checks a parsed header against a file of `fileSize` bytes: the data must be exactly there. */
export function npyLayout(preamble: NpyPreamble, header: NpyArrayHeader, fileSize: number, policy: 'reject' | 'float64' | 'skip', source: Source): NpyLayout {
  const element = npyElementType(header.descr, source);
  const keep = admitDtype(element.dtype, policy, source, `'${header.descr}'`);
  const size = ITEM_BYTES[element.dtype];
  const available = fileSize - preamble.dataOffset;
  const { shape, count } = checkedCount(header.shape, size, available, source, 'a shape');
  const dataBytes = count * size;
  if (dataBytes !== available) {
    throw formatError(
      source,
      `${dataBytes} bytes of data for shape (${shape.join(', ')}) ${element.dtype} (the file has ${available}: ${available < dataBytes ? 'truncated' : 'trailing bytes'})`,
      ErrorCode.SHAPE,
    );
  }
  return { header: { ...header, shape }, element, dataOffset: preamble.dataOffset, count, dataBytes, keep };
}

/** Decodes the data of a checked layout; `bytes` holds the data at `offset`. */
export function decodeNpyData(layout: NpyLayout, name: string, bytes: Uint8Array, offset: number, source: Source, owned = false): WeightTensor {
  const { header, element, count } = layout;
  let data = decodeElements(bytes, offset, count, element.dtype, element.littleEndian, source, owned);
  // Fortran order is returned in C order, like every other tensor here (docs/weights-io.md).
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { name, dtype: element.dtype, shape: header.shape, data };
}

/** The layout of an in-memory .npy file. */
export function npyLayoutOf(bytes: Uint8Array, policy: 'reject' | 'float64' | 'skip', source: Source): NpyLayout {
  const preamble = parseNpyPreamble(bytes.subarray(0, 12), bytes.length, source);
  const text = decodeNpyHeaderText(bytes.subarray(preamble.dataOffset - preamble.headerLength, preamble.dataOffset), preamble.major, source);
  return npyLayout(preamble, parseNpyHeaderText(text, source), bytes.length, policy, source);
}

/** `name` without a trailing `.npy`, as numpy names arrays from file and member names. */
export function arrayName(fileName: string): string {
  return fileName.endsWith('.npy') ? fileName.slice(0, -4) : fileName;
}

/**
 * An in-memory .npy file as a one-tensor {@link WeightFile} (named `name`, default 'array').
 * Any simple float dtype (f2 widened to f32, f4, f8; either byte order) in C or Fortran order
 * (returned in C order); integer and bool arrays as `options.integers` says.
 *
 * @example
 * ```ts
 * import { parseNpy } from 'randla';
 * const { tensors } = parseNpy(new Uint8Array(await (await fetch(url)).arrayBuffer()), 'w');
 * ```
 */
export function parseNpy(bytes: Uint8Array, name = 'array', options?: ReadWeightsOptions): WeightFile {
  const source = bytesSource('bytes', expectBytes(bytes, 'bytes'));
  return npyFile(bytes, name, integerPolicy(options), source);
}

export function npyFile(bytes: Uint8Array, name: string, policy: 'reject' | 'float64' | 'skip', source: Source): WeightFile {
  const layout = npyLayoutOf(bytes, policy, source);
  const tensors = new Map<string, WeightTensor>();
  if (layout.keep) tensors.set(name, decodeNpyData(layout, name, bytes, layout.dataOffset, source));
  return { format: 'npy', tensors, metadata: {} };
}

/**
 * Reads a .npy file of any shape (see {@link parseNpy}) as a one-tensor {@link WeightFile}, the
 * tensor named after the file (`dense.npy` -> 'dense'). Reads the header first and checks the
 * data size against the file's before reading the data.
 *
 * @example
 * ```ts
 * import { readNpy } from 'randla';
 * const w = (await readNpy('/models/dense.npy')).tensors.get('dense')!;
 * ```
 */
export async function readNpy(path: string, options?: ReadWeightsOptions): Promise<WeightFile> {
  expectPath(path);
  const policy = integerPolicy(options);
  const source = pathSource(path);
  const file = await openReadable(path, '.npy file');
  try {
    const size = (await file.stat()).size;
    const prefix = new Uint8Array(12);
    const { bytesRead } = await file.read(prefix, 0, 12, 0);
    const preamble = parseNpyPreamble(prefix.subarray(0, bytesRead), size, source);
    const headerBytes = await readExactly(file, preamble.dataOffset - preamble.headerLength, preamble.headerLength, source);
    const header = parseNpyHeaderText(decodeNpyHeaderText(headerBytes, preamble.major, source), source);
    const layout = npyLayout(preamble, header, size, policy, source);
    const name = arrayName(basename(path));
    const tensors = new Map<string, WeightTensor>();
    if (layout.keep) {
      const data = await readExactly(file, layout.dataOffset, layout.dataBytes, source);
      tensors.set(name, decodeNpyData(layout, name, data, 0, source, true));
    }
    return { format: 'npy', tensors, metadata: {} };
  } finally {
    await file.close();
  }
}

/** Reads `length` bytes at `position`, or throws if the file ends first (it may shrink meanwhile). */
export async function readExactly(file: import('node:fs/promises').FileHandle, position: number, length: number, source: Source): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(out, filled, length - filled, position + filled);
    if (bytesRead === 0) throw formatError(source, `${length} bytes at offset ${position} (the file ended after ${filled}: truncated)`, ErrorCode.SHAPE);
    filled += bytesRead;
  }
  return out;
}
