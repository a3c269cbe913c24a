// Input files of the command line: .npy (float16/32/64, integers, complex64/128; C or Fortran
// order), .npz (one array chosen with --key) and .csv. Every problem is a RandlaError naming the
// file and what was expected, so the CLI can exit 2 with one line.
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';

import { ErrorCode, RandlaError } from '../errors.js';
import { decodeNpyHeaderText, npyFile, parseNpyHeaderText, parseNpyPreamble } from '../io/npy_format.js';
import { readNpz } from '../io/npz.js';
import { formatError, pathSource, type WeightTensor } from '../io/tensor.js';
import type { ComplexMatrix, Matrix } from '../types.js';

export interface LoadedMatrix {
  path: string;
  /** The real matrix (absent for complex data). */
  real?: Matrix;
  /** Complex data (complex64/complex128 .npy), as two f64 matrices. */
  complex?: ComplexMatrix;
  rows: number;
  cols: number;
  /** The element type in the file. */
  dtype: string;
}

export interface ReadMatrixOptions {
  /** .npz: the array to use (default: the only one). */
  key?: string;
  /** Convert real data to this dtype (default: float32 stays float32, everything else float64). */
  dtype?: 'float32' | 'float64';
  /** Accept complex .npy data (DMD). */
  complex?: boolean;
}

function fileError(path: string, expected: string, code: ErrorCode = ErrorCode.INVALID_ARGUMENT): RandlaError {
  return new RandlaError(code, `${path}: expected ${expected}`, { argument: 'file' });
}

async function readBytes(path: string): Promise<Uint8Array> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw fileError(path, `a readable file (${e.code === 'ENOENT' ? 'it does not exist' : (e.code ?? e.message)})`);
  });
  if (!info.isFile()) throw fileError(path, 'a file (found a directory or another non-file)');
  return new Uint8Array(await readFile(path));
}

/** A 1-D array is one column; more than 2 dimensions is an error. */
function asMatrix(path: string, shape: readonly number[], data: Float32Array | Float64Array): Matrix {
  if (shape.length === 1) return { data, rows: shape[0]!, cols: 1, layout: 'row-major' };
  if (shape.length !== 2) throw fileError(path, `a 1-D or 2-D array (found shape (${shape.join(', ')}))`, ErrorCode.SHAPE);
  if (shape[0]! < 1 || shape[1]! < 1) throw fileError(path, `a non-empty array (found shape (${shape.join(', ')}))`, ErrorCode.SHAPE);
  return { data, rows: shape[0]!, cols: shape[1]!, layout: 'row-major' };
}

function convert(m: Matrix, dtype: 'float32' | 'float64' | undefined): Matrix {
  if (dtype === 'float32' && !(m.data instanceof Float32Array)) return { ...m, data: Float32Array.from(m.data) };
  if (dtype === 'float64' && !(m.data instanceof Float64Array)) return { ...m, data: Float64Array.from(m.data) };
  return m;
}

function fromTensor(path: string, t: WeightTensor, options: ReadMatrixOptions): LoadedMatrix {
  if (t.data.length === 0) throw fileError(path, `a non-empty array (found shape (${t.shape.join(', ')}))`, ErrorCode.SHAPE);
  const m = convert(asMatrix(path, t.shape, t.data), options.dtype);
  return { path, real: m, rows: m.rows, cols: m.cols, dtype: t.dtype };
}

/** complex64/complex128 .npy data: interleaved (re, im) pairs, either byte order, C or Fortran order. */
function complexNpy(path: string, bytes: Uint8Array, descr: string, fortranOrder: boolean, shape: number[], dataOffset: number): LoadedMatrix {
  const m = /^([<>|=]?)c(8|16)$/.exec(descr)!;
  const half = Number(m[2]) / 2;
  const littleEndian = m[1] !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - dataOffset;
  if (count * 2 * half !== available) {
    throw fileError(path, `${count * 2 * half} bytes of complex data for shape (${shape.join(', ')}) (the file has ${available}: ${available < count * 2 * half ? 'truncated' : 'trailing bytes'})`, ErrorCode.SHAPE);
  }
  if (shape.length < 1 || shape.length > 2 || count === 0) throw fileError(path, `a non-empty 1-D or 2-D array (found shape (${shape.join(', ')}))`, ErrorCode.SHAPE);
  const rows = shape[0]!;
  const cols = shape.length === 2 ? shape[1]! : 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, available);
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  for (let e = 0; e < count; e++) {
    // Element e in file order; Fortran order runs down the columns.
    const at = fortranOrder ? (e % rows) * cols + Math.floor(e / rows) : e;
    const o = 2 * half * e;
    re[at] = half === 8 ? view.getFloat64(o, littleEndian) : view.getFloat32(o, littleEndian);
    im[at] = half === 8 ? view.getFloat64(o + half, littleEndian) : view.getFloat32(o + half, littleEndian);
  }
  return {
    path,
    complex: { re: { data: re, rows, cols, layout: 'row-major' }, im: { data: im, rows, cols, layout: 'row-major' } },
    rows,
    cols,
    dtype: half === 8 ? 'complex128' : 'complex64',
  };
}

function readNpyBytes(path: string, bytes: Uint8Array, options: ReadMatrixOptions): LoadedMatrix {
  const source = pathSource(path);
  const preamble = parseNpyPreamble(bytes.subarray(0, 12), bytes.length, source);
  const header = parseNpyHeaderText(decodeNpyHeaderText(bytes.subarray(preamble.dataOffset - preamble.headerLength, preamble.dataOffset), preamble.major, source), source);
  if (/^[<>|=]?c(8|16)$/.test(header.descr)) {
    if (!options.complex) throw fileError(path, `real data for this command (found complex dtype '${header.descr}')`);
    return complexNpy(path, bytes, header.descr, header.fortranOrder, header.shape, preamble.dataOffset);
  }
  const file = npyFile(bytes, 'array', 'float64', source);
  return fromTensor(path, file.tensors.get('array')!, options);
}

/** The cells of a line: separated by a comma, semicolon or tab (with any spaces around), or by spaces alone. */
function cells(line: string): string[] {
  const t = line.trim();
  return /[,;\t]/.test(t) ? t.split(/\s*[,;\t]\s*/) : t.split(/\s+/);
}

const isNumber = (c: string) => c !== '' && (!Number.isNaN(Number(c)) || /^[+-]?nan$/i.test(c));

/**
 * Numbers separated by commas, semicolons, tabs or spaces; `#` lines are comments. The first
 * non-comment line is a header, and skipped, only when most of its cells are not numbers; any
 * other line with a cell that is not a number is an error naming the line and column.
 */
function readCsv(path: string, text: string, options: ReadMatrixOptions): LoadedMatrix {
  const rows: number[][] = [];
  let cols = -1;
  let first = true;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const parts = cells(line);
    if (first) {
      first = false;
      if (parts.filter((c) => !isNumber(c)).length * 2 > parts.length) return; // a header
    }
    const bad = parts.findIndex((c) => !isNumber(c));
    if (bad >= 0) throw fileError(path, `a number at line ${i + 1}, column ${bad + 1} (found ${JSON.stringify(parts[bad]!.slice(0, 20))})`);
    if (cols < 0) cols = parts.length;
    if (parts.length !== cols) throw fileError(path, `${cols} values on every line (line ${i + 1} has ${parts.length})`, ErrorCode.SHAPE);
    rows.push(parts.map(Number));
  });
  if (rows.length === 0) throw fileError(path, 'at least one row of numbers', ErrorCode.SHAPE);
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  const m = convert({ data, rows: rows.length, cols, layout: 'row-major' }, options.dtype);
  return { path, real: m, rows: m.rows, cols: m.cols, dtype: 'float64' };
}

/** Reads a matrix from FILE by its extension (.npy, .npz, .csv). */
export async function readMatrixFile(path: string, options: ReadMatrixOptions = {}): Promise<LoadedMatrix> {
  const ext = extname(path).toLowerCase();
  if (ext === '.npz') {
    await readBytes(path); // the same "missing file" message as the other formats
    const { tensors } = await readNpz(path, { integers: 'float64' });
    const names = [...tensors.keys()];
    if (options.key === undefined && names.length !== 1) {
      throw fileError(path, `--key naming one of its ${names.length} arrays (${names.slice(0, 10).join(', ')})`);
    }
    const key = options.key ?? names[0]!;
    const t = tensors.get(key);
    if (!t) throw fileError(path, `an array named ${JSON.stringify(key)} (it has ${names.join(', ') || 'none'})`);
    return fromTensor(`${path}[${key}]`, t, options);
  }
  const bytes = await readBytes(path);
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return readCsv(path, new TextDecoder().decode(bytes), options);
  if (ext === '.npy' || bytes[0] === 0x93) return readNpyBytes(path, bytes, options);
  throw formatError(pathSource(path), 'a .npy, .npz or .csv file');
}
