// Minimal .npy reader/writer for the benchmark (NumPy format v1.0 written; v1/v2/v3 read).
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
// Only what the bench needs: little-endian float64 ('<f8'), float32 ('<f4') and int32 ('<i4',
// the CSR index arrays), any rank.
// Writing always uses C order (fortran_order: False); reading accepts both orders and
// reports which one the file has.
import fs from 'node:fs';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

const DTYPES = {
  '<f8': { ctor: Float64Array, bytes: 8 },
  '<f4': { ctor: Float32Array, bytes: 4 },
  '<i4': { ctor: Int32Array, bytes: 4 },
};

function descrOf(data) {
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Int32Array) return '<i4';
  throw new TypeError(`npy: expected Float64Array, Float32Array or Int32Array, got ${data?.constructor?.name}`);
}

/**
 * The complete v1.0 header (magic, version, length, dict, padding, '\n') as a Buffer.
 * Total length is a multiple of 64 bytes (NumPy's ARRAY_ALIGN), so the data that follows is
 * aligned for any element type.
 */
export function npyHeader(descr, shape, fortranOrder = false) {
  if (!DTYPES[descr]) throw new TypeError(`npy: unsupported dtype ${descr}`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeStr}, }`;
  const pre = MAGIC.length + 2 + 2; // magic + version + uint16 length
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  if (dict.length > 0xffff) throw new RangeError('npy: header too long for format v1.0');
  const buf = Buffer.alloc(pre + dict.length);
  MAGIC.copy(buf, 0);
  buf[6] = 1; // major
  buf[7] = 0; // minor
  buf.writeUInt16LE(dict.length, 8);
  buf.write(dict, pre, 'latin1');
  return buf;
}

/**
 * Write `data` (Float64Array | Float32Array | Int32Array) with the given shape to `path` as .npy v1.0.
 * `fortranOrder` only describes how `data` is laid out; nothing is reordered.
 */
export function writeNpy(path, data, shape, { fortranOrder = false } = {}) {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(`npy: shape [${shape}] holds ${count} elements, data has ${data.length}`);
  }
  const header = npyHeader(descrOf(data), shape, fortranOrder);
  const fd = fs.openSync(path, 'w');
  try {
    fs.writeSync(fd, header);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // write in chunks: writeSync may write less than asked for very large buffers
    const CHUNK = 1 << 28;
    for (let off = 0; off < bytes.length; ) {
      off += fs.writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Parse an .npy file held in `buf` (a Buffer/Uint8Array). Returns { data, shape, descr, fortranOrder }. */
export function parseNpy(buf) {
  const u8 = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  for (let i = 0; i < MAGIC.length; i++) {
    if (u8[i] !== MAGIC[i]) throw new Error('npy: bad magic (not a .npy file)');
  }
  const major = u8[6];
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  let headerLen;
  let start;
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else {
    throw new Error(`npy: unsupported format version ${major}.${u8[7]}`);
  }
  const header = Buffer.from(u8.buffer, u8.byteOffset + start, headerLen).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeStr === undefined) throw new Error(`npy: cannot parse header ${header.trim()}`);
  const dt = DTYPES[descr];
  if (!dt) throw new Error(`npy: unsupported dtype ${descr} (only <f8, <f4 and <i4)`);
  const shape = shapeStr
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number.parseInt(s, 10));
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (u8.byteLength - offset < count * dt.bytes) {
    throw new Error(`npy: file truncated: shape [${shape}] needs ${count * dt.bytes} bytes, has ${u8.byteLength - offset}`);
  }
  const abs = u8.byteOffset + offset;
  let data;
  if (abs % dt.bytes === 0) {
    data = new dt.ctor(u8.buffer, abs, count); // zero-copy view
  } else {
    data = new dt.ctor(count);
    new Uint8Array(data.buffer).set(u8.subarray(offset, offset + count * dt.bytes));
  }
  return { data, shape, descr, fortranOrder: fortran === 'True' };
}

/** Read and parse an .npy file. */
export function readNpy(path) {
  return parseNpy(fs.readFileSync(path));
}

/**
 * Read a 2-D .npy file as a row-major { data, rows, cols }. A Fortran-ordered file is
 * transposed into row-major order (copy).
 */
export function readMatrixNpy(path) {
  const { data, shape, fortranOrder } = readNpy(path);
  if (shape.length !== 2) throw new Error(`npy: ${path} has shape [${shape}], expected a matrix`);
  const [rows, cols] = shape;
  if (!fortranOrder) return { data, rows, cols };
  const out = new data.constructor(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) out[i * cols + j] = data[j * rows + i];
  }
  return { data: out, rows, cols };
}
