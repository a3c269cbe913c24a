// NumPy .npy files (format versions 1.0, 2.0, 3.0 as numpy/lib/format.py specifies them), read as
// a stream of row blocks through one reused buffer, so a file far larger than memory can be fed
// to the streaming SVD (docs/algorithms/streaming.md). Only little-endian f64/f32 in C order.
// The format itself (preamble, header literal, header writer) lives in npy_format.ts, shared with
// the in-memory readers of weight files (docs/weights-io.md).
import { endianness } from 'node:os';

import { ErrorCode, invalid, RandlaError } from '../errors.js';
import type { Float, Matrix } from '../types.js';
import { expectInteger, expectMatrix } from '../validate.js';
import { writeAtomically } from './atomic.js';
import { decodeNpyHeaderText, npyHeaderBytes, parseNpyHeaderText, parseNpyPreamble } from './npy_format.js';
import { formatError, openReadable, pathSource } from './tensor.js';

/** What the header of a .npy file says about the array after it. */
export interface NpyHeader {
  /** Format version [major, minor]: 1.0, 2.0 or 3.0. */
  version: [number, number];
  dtype: 'float64' | 'float32';
  /** True for a Fortran-order (column-major) array, which cannot be streamed by rows. */
  fortranOrder: boolean;
  shape: number[];
  /** shape[0] and shape[1] of a 2-D array. */
  rows: number;
  cols: number;
  /** Bytes before the data: magic, version, header length and header. */
  dataOffset: number;
}

export interface NpyRowBlock<T extends Float = Float> {
  /**
   * Rows [rowOffset, rowOffset + block.rows) of the array, row-major. Its data is a view of the
   * reader's reused buffer: it is overwritten when the next block is read.
   */
  block: Matrix<T>;
  rowOffset: number;
}

export interface NpyReadOptions {
  /** Size of the reused read buffer in bytes (default 32 MiB); it holds at least one row. */
  blockBytes?: number;
}

const DEFAULT_BLOCK_BYTES = 32 * 1024 * 1024;
const ITEM_SIZE = { float64: 8, float32: 4 } as const;

function npyError(path: string, message: string, code: ErrorCode = ErrorCode.INVALID_ARGUMENT): RandlaError {
  return formatError(pathSource(path), message, code);
}

function expectLittleEndianHost(): void {
  if (endianness() !== 'LE') {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected a little-endian machine for .npy I/O but received a big-endian one', {
      argument: 'path',
    });
  }
}

/**
 * Reads and checks the header of a .npy file: a 2-D, C-order, little-endian f64 (`<f8`) or f32
 * (`<f4`) array whose data is all there. Fortran order, other dtypes and truncated files are
 * `RandlaError`s that say what was found.
 *
 * @example
 * ```ts
 * import { readNpyHeader } from 'randla';
 * const { rows, cols, dtype } = await readNpyHeader('/data/snapshots.npy');
 * ```
 */
export async function readNpyHeader(path: string): Promise<NpyHeader> {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'a file path (string)', path);
  const file = await openReadable(path, '.npy file');
  try {
    const size = (await file.stat()).size;
    const prefix = new Uint8Array(12);
    const { bytesRead } = await file.read(prefix, 0, 12, 0);
    const source = pathSource(path);
    const { major, minor, headerLength, dataOffset } = parseNpyPreamble(prefix.subarray(0, bytesRead), size, source);
    const headerBytes = new Uint8Array(headerLength);
    await file.read(headerBytes, 0, headerLength, dataOffset - headerLength);
    const { descr, fortranOrder, shape } = parseNpyHeaderText(decodeNpyHeaderText(headerBytes, major, source), source);

    const dtype = descr === '<f8' ? 'float64' : descr === '<f4' ? 'float32' : undefined;
    if (!dtype) {
      throw npyError(path, `a little-endian float64 ('<f8') or float32 ('<f4') array (found dtype '${descr}'; convert with a.astype('<f8'))`);
    }
    if (shape.length !== 2) throw npyError(path, `a 2-D array (found shape (${shape.join(', ')}))`, ErrorCode.SHAPE);
    const [rows, cols] = shape as [number, number];
    if (rows < 1 || cols < 1) throw npyError(path, `a non-empty array (found shape (${rows}, ${cols}))`, ErrorCode.SHAPE);
    if (fortranOrder) {
      throw npyError(
        path,
        'a C-order (row-major) array: this file is in Fortran (column-major) order, which cannot be streamed by rows ' +
          '(rewrite it with numpy.save(path, numpy.ascontiguousarray(a)))',
      );
    }
    const dataBytes = rows * cols * ITEM_SIZE[dtype];
    if (size < dataOffset + dataBytes) {
      throw npyError(path, `${dataBytes} bytes of data for shape (${rows}, ${cols}) ${dtype} (the file has ${size - dataOffset}: truncated)`, ErrorCode.SHAPE);
    }
    return { version: [major, minor], dtype, fortranOrder, shape, rows, cols, dataOffset };
  } finally {
    await file.close();
  }
}

/**
 * The rows of a .npy file as consecutive row blocks, read with one reused buffer of about
 * `blockBytes` (never the whole file): memory stays O(blockBytes) whatever the file's size.
 * Each block's data is overwritten by the next one, so use it (e.g. `await state.update(...)`)
 * before asking for the next.
 *
 * @example
 * ```ts
 * import { readNpyRowBlocks } from 'randla';
 * let sum = 0;
 * for await (const { block } of readNpyRowBlocks('/data/snapshots.npy')) for (const v of block.data) sum += v;
 * ```
 */
export async function* readNpyRowBlocks(path: string, options: NpyReadOptions = {}): AsyncGenerator<NpyRowBlock, void, undefined> {
  expectLittleEndianHost();
  const header = await readNpyHeader(path);
  const blockBytes = expectInteger(options.blockBytes ?? DEFAULT_BLOCK_BYTES, 'options.blockBytes', 1);
  const { rows, cols, dtype, dataOffset } = header;
  const rowBytes = cols * ITEM_SIZE[dtype];
  const rowsPerBlock = Math.max(1, Math.min(rows, Math.floor(blockBytes / rowBytes)));
  const buffer = new ArrayBuffer(rowsPerBlock * rowBytes);
  const bytes = new Uint8Array(buffer);
  const values = dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer);
  const file = await openReadable(path, '.npy file');
  try {
    for (let rowOffset = 0; rowOffset < rows; rowOffset += rowsPerBlock) {
      const count = Math.min(rowsPerBlock, rows - rowOffset);
      const length = count * rowBytes;
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(bytes, filled, length - filled, dataOffset + rowOffset * rowBytes + filled);
        if (bytesRead === 0) throw npyError(path, `${rows} rows of data (the file ended at row ${rowOffset})`, ErrorCode.SHAPE);
        filled += bytesRead;
      }
      yield { block: { data: values.subarray(0, count * cols), rows: count, cols, layout: 'row-major' }, rowOffset };
    }
  } finally {
    await file.close();
  }
}

/**
 * Writes a 2-D C-order .npy file from row blocks (each a row-major Float64Array/Float32Array
 * holding whole rows, in order), atomically: into a temporary file in the same directory, renamed
 * over `path` only once complete, so a reader never sees a partial file.
 *
 * @example
 * ```ts
 * import { writeNpyRows } from 'randla';
 * await writeNpyRows('/tmp/ramp.npy', { rows: 2, cols: 3, dtype: 'float64' }, [new Float64Array([0, 1, 2, 3, 4, 5])]);
 * ```
 */
export async function writeNpyRows(
  path: string,
  shape: { rows: number; cols: number; dtype?: 'float64' | 'float32' },
  blocks: Iterable<Float> | AsyncIterable<Float>,
): Promise<void> {
  expectLittleEndianHost();
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'a file path (string)', path);
  const rows = expectInteger(shape.rows, 'shape.rows', 1);
  const cols = expectInteger(shape.cols, 'shape.cols', 1);
  const dtype = shape.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') throw invalid('shape.dtype', "'float64' or 'float32'", dtype);
  await writeAtomically(path, async (file) => {
    await file.write(npyHeaderBytes(dtype === 'float64' ? '<f8' : '<f4', false, [rows, cols]));
    let written = 0;
    for await (const block of blocks) {
      const expected = dtype === 'float64' ? Float64Array : Float32Array;
      if (!(block instanceof expected)) throw invalid('blocks', `${expected.name} blocks (the file's dtype is ${dtype})`, block);
      if (block.length % cols !== 0 || written + block.length > rows * cols) {
        throw new RandlaError(ErrorCode.SHAPE, `Expected whole rows of ${cols} values, ${rows * cols} in all, for blocks but received a block of ${block.length} after ${written}`, {
          argument: 'blocks',
        });
      }
      await file.write(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
      written += block.length;
    }
    if (written !== rows * cols) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected ${rows * cols} values (${rows} x ${cols}) for blocks but received ${written}`, { argument: 'blocks' });
    }
  });
}

/**
 * Writes a Matrix as a 2-D C-order .npy file (`<f8` or `<f4` after its dtype), atomically (see
 * {@link writeNpyRows}). A column-major matrix is written transposed into C order, by blocks of rows.
 *
 * @example
 * ```ts
 * import { matrix, writeNpy } from 'randla';
 * await writeNpy('/tmp/a.npy', matrix([[1, 2], [3, 4]]));
 * ```
 */
export async function writeNpy(path: string, m: Matrix): Promise<void> {
  const A = expectMatrix(m, 'matrix');
  const dtype = A.data instanceof Float32Array ? 'float32' : 'float64';
  function* rowBlocks(): Generator<Float> {
    if (A.layout === 'row-major') {
      yield A.data;
      return;
    }
    const step = Math.max(1, Math.floor((1 << 20) / A.cols));
    for (let r0 = 0; r0 < A.rows; r0 += step) {
      const count = Math.min(step, A.rows - r0);
      const out = dtype === 'float64' ? new Float64Array(count * A.cols) : new Float32Array(count * A.cols);
      for (let i = 0; i < count; i++) for (let j = 0; j < A.cols; j++) out[i * A.cols + j] = A.data[r0 + i + j * A.rows]!;
      yield out;
    }
  }
  await writeNpyRows(path, { rows: A.rows, cols: A.cols, dtype }, rowBlocks());
}
