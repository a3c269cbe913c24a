// Weight I/O (issue 7 item 4; src/io/{tensor,npy_format,npz,safetensors,tfjs,weights}.ts,
// docs/weights-io.md).
//
// What is measured, against what truth:
//   - f16/bf16 widening: a table of known bit patterns (1, −2.5, 65504, subnormals, ±0, ±inf, NaN
//     payloads) and all 65 536 codes of each against an independent formula, (−1)^s·2^(e−bias)·
//     (1 + m/2^k), evaluated in f64 (exact at these sizes), NaN bits compared as bits;
//   - round trips: values written by randla (encodeNpy, writeNpy, encodeSafetensors,
//     writeSafetensors) or built byte by byte here (big-endian and f16 .npy, zip archives like
//     numpy's with zip64 local headers, safetensors F16/BF16/integer tensors, TF.js manifests with
//     split shards and quantization) read back bit-exactly, names, shapes, dtypes and order kept;
//   - malformed files: each lie (header length, offsets, overlap, gap, shape vs bytes, unknown
//     dtype, CRC, declared sizes, shard sizes, path escapes) a RandlaError with the stated code;
//   - truncation: every proper prefix of a small valid file of each format is a RandlaError (in
//     memory, and through the file readers for .npy and .safetensors, whose code paths differ);
//   - fuzz: a seeded loop of a few hundred byte mutations per format, each either parsed into a
//     consistent result (data length = product of shape, f32/f64 arrays) or a RandlaError;
//   - optionally (bench/.venv with numpy): files written by numpy (np.save, savez,
//     savez_compressed) and a safetensors file written by hand in Python read here; files written
//     here read by numpy; numpy's own f16 -> f32 table compared bit for bit. Skipped with the
//     reason when the environment is absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  bfloat16ToFloat32,
  encodeNpy,
  encodeSafetensors,
  float16ToFloat32,
  matrix,
  parseNpy,
  parseNpz,
  parseSafetensors,
  parseTfjsModel,
  RandlaError,
  readNpy,
  readNpz,
  readSafetensors,
  readTfjsModel,
  readWeights,
  weightMatrix,
  writeNpy,
  writeSafetensors,
  type WeightFile,
} from '../src/index.js';

// ------------------------------------------------------------------------------ helpers

const ROOT = resolve(import.meta.dirname, '..');
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'randla-weights-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded generator for the fuzz loops (not Philox: no need for streams here). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `f`; anything thrown must be a RandlaError (the message says which case otherwise). */
function attempt<T>(f: () => T, label: string): { ok: true; value: T } | { ok: false; error: RandlaError } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    if (!(error instanceof RandlaError)) throw new Error(`${label}: threw ${String(error)} instead of a RandlaError`, { cause: error });
    expect(error.code, label).toMatch(/^ERR_RANDLA_/);
    expect(error.message, label).toMatch(/^Expected /);
    return { ok: false, error };
  }
}

/** The RandlaError that `f` throws (fails the test if it returns or throws anything else). */
function rejection(f: () => unknown, label = 'case'): RandlaError {
  const r = attempt(f, label);
  if (r.ok) throw new Error(`${label}: expected a RandlaError, parsed instead`);
  return r.error;
}

async function asyncRejection(p: Promise<unknown>, label = 'case'): Promise<RandlaError> {
  const error = await p.then(
    () => new Error(`${label}: expected a RandlaError, read instead`),
    (e: unknown) => e,
  );
  if (!(error instanceof RandlaError)) throw new Error(`${label}: threw ${String(error)} instead of a RandlaError`);
  return error;
}

/** Every tensor is internally consistent: f32/f64 data whose length is the product of its shape. */
function expectConsistent(file: WeightFile, label: string): void {
  expect(['npy', 'npz', 'safetensors', 'tfjs'], label).toContain(file.format);
  for (const [name, t] of file.tensors) {
    expect(t.name, label).toBe(name);
    expect(t.data instanceof Float32Array || t.data instanceof Float64Array, label).toBe(true);
    expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), label).toBe(true);
    expect(t.data.length, label).toBe(t.shape.reduce((p, d) => p * d, 1));
  }
}

/** Bit-exact equality of two float arrays (NaN payloads and −0 included). */
function expectSameBits(actual: Float32Array | Float64Array, expected: Float32Array | Float64Array, label: string): void {
  expect(actual.constructor, label).toBe(expected.constructor);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength)), label).toBe(true);
}

const ramp32 = (n: number, scale = 0.25) => Float32Array.from({ length: n }, (_, i) => (i - n / 3) * scale);
const ramp64 = (n: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i + 0.5) * 1e3 + i / 7);

/** A .npy file byte by byte: any descr/order, the data already in the file's byte order. */
function rawNpy(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${dims}, }`;
  const text = dict.padEnd(Math.ceil((dict.length + 11) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(Buffer.from(text, 'latin1'), 10);
  out.set(data, 10 + text.length);
  return out;
}

/** Bytes of values written with a DataView setter in the given byte order. */
function bytesOf(values: ArrayLike<number | bigint>, size: number, set: (v: DataView, at: number, x: never, le: boolean) => void, littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) set(view, i * size, values[i] as never, littleEndian);
  return out;
}
const f64Bytes = (v: ArrayLike<number>, le = true) => bytesOf(v, 8, (d, a, x: number, l) => d.setFloat64(a, x, l), le);
const f32Bytes = (v: ArrayLike<number>, le = true) => bytesOf(v, 4, (d, a, x: number, l) => d.setFloat32(a, x, l), le);
const u16Bytes = (v: ArrayLike<number>, le = true) => bytesOf(v, 2, (d, a, x: number, l) => d.setUint16(a, x, l), le);

interface ZipMember {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** Write the local header as Python's zipfile does for numpy (force_zip64): sizes in a zip64 extra field. */
  zip64Local?: boolean;
}

/** A zip archive byte by byte (stored or deflated members; optional zip64 end records). */
function buildZip(members: ZipMember[], options: { zip64End?: boolean; comment?: string } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const body = m.deflate ? new Uint8Array(deflateRawSync(m.data)) : m.data;
    const crc = crc32(m.data) >>> 0;
    const extra = m.zip64Local ? new Uint8Array(20) : new Uint8Array(0);
    if (m.zip64Local) {
      const x = new DataView(extra.buffer);
      x.setUint16(0, 1, true);
      x.setUint16(2, 16, true);
      x.setBigUint64(4, BigInt(m.data.length), true);
      x.setBigUint64(12, BigInt(body.length), true);
    }
    const local = new Uint8Array(30 + name.length + extra.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, m.zip64Local ? 45 : 20, true);
    l.setUint16(8, m.deflate ? 8 : 0, true);
    l.setUint16(12, 0x21, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, m.zip64Local ? 0xffffffff : body.length, true);
    l.setUint32(22, m.zip64Local ? 0xffffffff : m.data.length, true);
    l.setUint16(26, name.length, true);
    l.setUint16(28, extra.length, true);
    local.set(name, 30);
    local.set(extra, 30 + name.length);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, m.zip64Local ? 45 : 20, true);
    cv.setUint16(10, m.deflate ? 8 : 0, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    parts.push(local, body);
    central.push(c);
    offset += local.length + body.length;
  }
  const cdOffset = offset;
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  parts.push(...central);
  if (options.zip64End) {
    const rec = new Uint8Array(56 + 20);
    const r = new DataView(rec.buffer);
    r.setUint32(0, 0x06064b50, true);
    r.setBigUint64(4, 44n, true);
    r.setUint16(12, 45, true);
    r.setUint16(14, 45, true);
    r.setBigUint64(24, BigInt(members.length), true);
    r.setBigUint64(32, BigInt(members.length), true);
    r.setBigUint64(40, BigInt(cdSize), true);
    r.setBigUint64(48, BigInt(cdOffset), true);
    r.setUint32(56, 0x07064b50, true);
    r.setBigUint64(64, BigInt(cdOffset + cdSize), true);
    r.setUint32(72, 1, true);
    parts.push(rec);
  }
  const comment = Buffer.from(options.comment ?? '', 'latin1');
  const end = new Uint8Array(22 + comment.length);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, options.zip64End ? 0xffff : members.length, true);
  e.setUint16(10, options.zip64End ? 0xffff : members.length, true);
  e.setUint32(12, options.zip64End ? 0xffffffff : cdSize, true);
  e.setUint32(16, options.zip64End ? 0xffffffff : cdOffset, true);
  e.setUint16(20, comment.length, true);
  end.set(comment, 22);
  parts.push(end);
  return new Uint8Array(Buffer.concat(parts));
}

/** A .safetensors file byte by byte from a header object (written as given) and the data. */
function rawSafetensors(header: unknown, data: Uint8Array, pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) json = json.padEnd(Math.ceil(json.length / 8) * 8, ' ');
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

interface TfjsSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: Record<string, unknown>;
  bytes: Uint8Array;
}

/** TF.js artifacts: groups of weights, each group's bytes cut into shards of `shardBytes`. */
function tfjsArtifacts(groups: TfjsSpec[][], shardBytes: number): { json: string; shards: Record<string, Uint8Array> } {
  const shards: Record<string, Uint8Array> = {};
  const manifest = groups.map((weights, g) => {
    const all = Buffer.concat(weights.map((w) => w.bytes));
    const count = Math.max(1, Math.ceil(all.length / shardBytes));
    const paths: string[] = [];
    for (let k = 0; k < count; k++) {
      const name = `group${g + 1}-shard${k + 1}of${count}.bin`;
      shards[name] = new Uint8Array(all.subarray(k * shardBytes, (k + 1) * shardBytes));
      paths.push(name);
    }
    return { paths, weights: weights.map(({ name, shape, dtype, quantization }) => ({ name, shape, dtype, ...(quantization ? { quantization } : {}) })) };
  });
  const json = JSON.stringify({ format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, modelTopology: { class_name: 'Sequential' }, weightsManifest: manifest });
  return { json, shards };
}

// ------------------------------------------------------------------------------ fixtures

/** A small model as tensors: kernel (4×3 f32), bias (3 f32), head (3×2 f64), scalar (f64). */
const MODEL = {
  kernel: { shape: [4, 3], data: ramp32(12) },
  bias: { shape: [3], data: Float32Array.from([0.5, -1.25, 3]) },
  head: { shape: [3, 2], data: ramp64(6) },
  scalar: { shape: [], data: Float64Array.from([Math.PI]) },
};

function smallNpy(): Uint8Array {
  return encodeNpy({ shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-3, -7]) });
}
function smallNpz(): Uint8Array {
  return buildZip([
    { name: 'w.npy', data: encodeNpy({ shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }), zip64Local: true },
    { name: 'b.npy', data: encodeNpy({ shape: [2], data: Float64Array.from([-1, 0.5]) }), deflate: true },
  ]);
}
function smallSafetensors(): Uint8Array {
  return encodeSafetensors({ w: { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }, b: { shape: [2], data: Float64Array.from([-1, 0.5]) } }, { note: 'tiny' });
}
function smallTfjs(): { json: string; shards: Record<string, Uint8Array> } {
  return tfjsArtifacts(
    [
      [
        { name: 'dense/kernel', shape: [2, 3], dtype: 'float32', bytes: f32Bytes([1, 2, 3, 4, 5, 6]) },
        { name: 'dense/bias', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 }, bytes: Uint8Array.from([0, 2, 255]) },
      ],
    ],
    16,
  );
}

// ------------------------------------------------------------------------------ f16 / bf16

describe('float16 and bfloat16 widening', () => {
  const f32Bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

  it('known bit patterns: 1, −2.5, 65504, subnormals, ±0, ±inf, NaN payloads', () => {
    const half: [number, number][] = [
      [0x3c00, 1],
      [0xc100, -2.5],
      [0x7bff, 65504],
      [0x0001, 2 ** -24], // smallest subnormal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x0400, 2 ** -14], // smallest normal
      [0x3555, 0.333251953125],
      [0x0000, 0],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
    ];
    const h = float16ToFloat32(Uint16Array.from(half.map(([b]) => b)));
    half.forEach(([b, v], i) => expect(h[i], `f16 0x${b.toString(16)}`).toBe(v));
    const signed = float16ToFloat32(Uint16Array.from([0x8000, 0x8001]));
    expect(Object.is(signed[0], -0)).toBe(true);
    expect(signed[1]).toBe(-(2 ** -24));
    // NaN: quiet and signalling payloads move to the top of the f32 mantissa, bits kept.
    expect(f32Bits(float16ToFloat32(Uint16Array.from([0x7e00, 0x7c01, 0xfe3f])))).toEqual([0x7fc00000, 0x7f802000, 0xffc7e000]);

    const bf: [number, number][] = [
      [0x3f80, 1],
      [0xc020, -2.5],
      [0x477f, 65280],
      [0x7f7f, 3.3895313892515355e38], // largest finite
      [0x0001, 2 ** -133], // smallest bf16 subnormal
      [0x0080, 2 ** -126], // smallest normal
      [0x7f80, Infinity],
      [0xff80, -Infinity],
    ];
    const b = bfloat16ToFloat32(Uint16Array.from(bf.map(([x]) => x)));
    bf.forEach(([x, v], i) => expect(b[i], `bf16 0x${x.toString(16)}`).toBe(v));
    expect(f32Bits(bfloat16ToFloat32(Uint16Array.from([0x7fc0, 0x7f81, 0x8000])))).toEqual([0x7fc00000, 0x7f810000, 0x80000000]);
  });

  it('all 65536 codes of each equal the formula (−1)^s·2^(e−bias)·(1 + m/2^k), NaN bits kept', () => {
    const codes = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const check = (out: Float32Array, mantissaBits: number, bias: number, label: string) => {
      const bits = new Uint32Array(out.buffer);
      const expBits = 15 - mantissaBits;
      const expMax = (1 << expBits) - 1;
      let mismatches = 0;
      for (let c = 0; c < 65536; c++) {
        const s = c >> 15 ? -1 : 1;
        const e = (c >> mantissaBits) & expMax;
        const m = c & ((1 << mantissaBits) - 1);
        let expected: number;
        if (e === expMax) expected = m === 0 ? s * Infinity : NaN;
        else if (e === 0) expected = s * m * 2 ** (1 - bias - mantissaBits);
        else expected = s * 2 ** (e - bias) * (1 + m / 2 ** mantissaBits);
        const ok = Number.isNaN(expected) ? Number.isNaN(out[c]!) && bits[c]! >>> 0 === (((c & 0x8000) << 16) | 0x7f800000 | (m << (23 - mantissaBits))) >>> 0 : Object.is(out[c], expected);
        if (!ok) mismatches++;
      }
      expect(mismatches, label).toBe(0);
    };
    check(float16ToFloat32(codes), 10, 15, 'float16');
    check(bfloat16ToFloat32(codes), 7, 127, 'bfloat16');
  });
});

// ------------------------------------------------------------------------------ .npy

describe('.npy', () => {
  it('round trips f32/f64 of every rank (0-D to 4-D, empty) through encodeNpy -> parseNpy', () => {
    const cases: [number[], Float32Array | Float64Array][] = [
      [[], Float64Array.from([2.5])],
      [[0], new Float32Array(0)],
      [[3, 0, 2], new Float64Array(0)],
      [[7], ramp32(7)],
      [[3, 5], ramp64(15)],
      [[2, 3, 4], ramp32(24)],
      [[2, 1, 3, 2], ramp64(12)],
    ];
    for (const [shape, data] of cases) {
      const t = parseNpy(encodeNpy({ shape, data }), 'x').tensors.get('x')!;
      expect(t.shape, `shape (${shape})`).toEqual(shape);
      expect(t.dtype).toBe(data instanceof Float32Array ? 'float32' : 'float64');
      expectSameBits(t.data, data, `data (${shape})`);
    }
  });

  it('Fortran order is returned in C order; big-endian and f2 data are decoded', () => {
    // A 2×3×4 array whose C-order values are 0..23, stored first-index-fastest.
    const shape = [2, 3, 4];
    const fortran = new Float64Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fortran[i + 2 * j + 6 * k] = i * 12 + j * 4 + k;
    const c = Float64Array.from({ length: 24 }, (_, i) => i);
    expectSameBits(parseNpy(encodeNpy({ shape, data: fortran, fortranOrder: true })).tensors.get('array')!.data, c, 'Fortran f8');
    expectSameBits(parseNpy(rawNpy('>f8', shape, f64Bytes(fortran, false), true)).tensors.get('array')!.data, c, 'Fortran >f8');
    expectSameBits(parseNpy(rawNpy('>f4', [2, 2], f32Bytes([1, -2, 3.5, 1e30], false))).tensors.get('array')!.data, Float32Array.from([1, -2, 3.5, 1e30]), '>f4');
    const half = parseNpy(rawNpy('<f2', [4], u16Bytes([0x3c00, 0xc100, 0x7bff, 0x0001]))).tensors.get('array')!;
    expect(half.dtype).toBe('float16');
    expectSameBits(half.data, Float32Array.from([1, -2.5, 65504, 2 ** -24]), '<f2');
    expectSameBits(parseNpy(rawNpy('>f2', [2], u16Bytes([0x3c00, 0xc100], false))).tensors.get('array')!.data, Float32Array.from([1, -2.5]), '>f2');
  });

  it('integer and bool arrays: rejected naming the file and dtype, or converted exactly, or skipped', async () => {
    const ints = rawNpy('<i8', [3], bytesOf([-3n, 2n ** 53n - 1n, 7n], 8, (d, a, x: bigint, l) => d.setBigInt64(a, x, l)));
    const path = join(dir, 'ints.npy');
    await writeFile(path, ints);
    const e = await asyncRejection(readNpy(path));
    expect(e.code).toBe('ERR_RANDLA_INVALID_ARGUMENT');
    expect(e.message).toContain(JSON.stringify(path));
    expect(e.message).toContain("'<i8'");
    const converted = (await readNpy(path, { integers: 'float64' })).tensors.get('ints')!;
    expect(converted.dtype).toBe('int64');
    expectSameBits(converted.data, Float64Array.from([-3, 2 ** 53 - 1, 7]), 'int64 -> f64');
    expect((await readNpy(path, { integers: 'skip' })).tensors.size).toBe(0);
    // Beyond 2^53 an f64 would round: an error instead.
    const big = rawNpy('<u8', [1], bytesOf([2n ** 53n + 1n], 8, (d, a, x: bigint, l) => d.setBigUint64(a, x, l)));
    expect(rejection(() => parseNpy(big, 'a', { integers: 'float64' })).message).toContain('2^53');
    const bools = parseNpy(rawNpy('|b1', [4], Uint8Array.from([0, 1, 1, 0])), 'm', { integers: 'float64' }).tensors.get('m')!;
    expect([bools.dtype, ...bools.data]).toEqual(['bool', 0, 1, 1, 0]);
    const small = parseNpy(rawNpy('>i2', [2], Uint8Array.from([0xff, 0xfe, 0x01, 0x00])), 'a', { integers: 'float64' }).tensors.get('a')!;
    expect([...small.data]).toEqual([-2, 256]);
    for (const [descr, says] of [
      ['|O', 'Python objects'],
      ['<c16', 'complex'],
      ['<U5', 'unicode'],
      ['<M8[ns]', 'datetime'],
      ['<f16', '16-byte float'],
    ] as const) {
      const err = rejection(() => parseNpy(rawNpy(descr, [1], new Uint8Array(16)), 'a', { integers: 'float64' }), descr);
      expect([err.code, err.message.includes(`'${descr}'`), err.message.includes(says)], descr).toEqual(['ERR_RANDLA_INVALID_ARGUMENT', true, true]);
    }
    expect(rejection(() => parseNpy(rawNpy('<f8', [2], new Uint8Array(16)), 'a', { integers: 'yes' } as never)).argument).toBe('options.integers');
  });

  it('header lies and malformed headers are RandlaErrors with the right code', () => {
    const header = (text: string, data = new Uint8Array(0)) => {
      const t = text.padEnd(Math.ceil((text.length + 11) / 64) * 64 - 11) + '\n';
      const out = new Uint8Array(10 + t.length + data.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, t.length, true);
      out.set(Buffer.from(t, 'latin1'), 10);
      out.set(data, 10 + t.length);
      return out;
    };
    const cases: [string, Uint8Array, string, string][] = [
      ['absurd shape', header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000, 1000000000000000), }", new Uint8Array(64)), 'ERR_RANDLA_SHAPE', 'claims more data'],
      ['truncated data', header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(16)), 'ERR_RANDLA_SHAPE', 'truncated'],
      ['trailing data', header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), 'ERR_RANDLA_SHAPE', 'trailing'],
      ['structured dtype', header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), 'ERR_RANDLA_INVALID_ARGUMENT', 'structured'],
      ['missing key', header("{'descr': '<f8', 'shape': (1,), }", new Uint8Array(8)), 'ERR_RANDLA_INVALID_ARGUMENT', "'fortran_order'"],
      ['extra key', header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1, }", new Uint8Array(8)), 'ERR_RANDLA_INVALID_ARGUMENT', "'x'"],
      ['negative dim', header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(8)), 'ERR_RANDLA_INVALID_ARGUMENT', 'shape'],
      ['code in the header', header("{'descr': '<f8', 'fortran_order': __import__('os'), 'shape': (1,), }", new Uint8Array(8)), 'ERR_RANDLA_INVALID_ARGUMENT', 'header'],
      ['bad version', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 4, 0, 0, 0]), 'ERR_RANDLA_INVALID_ARGUMENT', 'version'],
      ['not npy', Buffer.from('hello world, not numpy'), 'ERR_RANDLA_INVALID_ARGUMENT', 'magic'],
      ['header beyond file', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0xff, 0xff, 0xff, 0x7f]), 'ERR_RANDLA_SHAPE', 'header of'],
    ];
    for (const [label, bytes, code, says] of cases) {
      const e = rejection(() => parseNpy(bytes), label);
      expect([e.code, e.message.includes(says)], `${label}: ${e.message}`).toEqual([code, true]);
    }
  });

  it('files: writeNpy/encodeNpy -> readNpy and readWeights, the tensor named after the file', async () => {
    const A = matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const colMajor = { data: Float32Array.from([1, 4, 2, 5, 3, 6]), rows: 2, cols: 3, layout: 'col-major' as const };
    await writeNpy(join(dir, 'dense.npy'), A);
    await writeNpy(join(dir, 'cm.npy'), colMajor);
    await writeFile(join(dir, 'cube.npy'), encodeNpy({ shape: [2, 2, 2], data: ramp32(8) }));
    const dense = (await readWeights(join(dir, 'dense.npy'))).tensors.get('dense')!;
    expect([dense.shape, [...dense.data]]).toEqual([[2, 3], [1, 2, 3, 4, 5, 6]]);
    expectSameBits((await readNpy(join(dir, 'cm.npy'))).tensors.get('cm')!.data, Float32Array.from([1, 2, 3, 4, 5, 6]), 'col-major written in C order');
    const cube = await readWeights(join(dir, 'cube.npy'));
    expect(cube.format).toBe('npy');
    expectSameBits(cube.tensors.get('cube')!.data, ramp32(8), 'cube');
    expect(weightMatrix(dense)).toEqual({ data: dense.data, rows: 2, cols: 3, layout: 'row-major' });
    expect(rejection(() => weightMatrix(cube.tensors.get('cube')!)).code).toBe('ERR_RANDLA_SHAPE');
  });
});

// ------------------------------------------------------------------------------ .npz

describe('.npz', () => {
  const members = () => [
    { name: 'layer0.weight.npy', data: encodeNpy({ shape: [4, 3], data: MODEL.kernel.data }) },
    { name: 'layer0.bias.npy', data: encodeNpy({ shape: [3], data: MODEL.bias.data }) },
    { name: 'head.npy', data: encodeNpy({ shape: [3, 2], data: MODEL.head.data, fortranOrder: false }) },
    { name: 'arr_0.npy', data: rawNpy('<f2', [2], u16Bytes([0x3c00, 0x7bff])) },
  ];

  it('round trips stored and deflated archives, numpy-style zip64 local headers and zip64 end records, in archive order', () => {
    for (const [label, zip] of [
      ['stored', buildZip(members())],
      ['deflated', buildZip(members().map((m) => ({ ...m, deflate: true })))],
      ['numpy-style (zip64 local extra, mixed methods)', buildZip(members().map((m, i) => ({ ...m, zip64Local: true, deflate: i % 2 === 0 })))],
      ['zip64 end record and a comment', buildZip(members(), { zip64End: true, comment: 'made by a test' })],
    ] as const) {
      const file = parseNpz(zip);
      expect(file.format).toBe('npz');
      expect([...file.tensors.keys()], label).toEqual(['layer0.weight', 'layer0.bias', 'head', 'arr_0']);
      expectSameBits(file.tensors.get('layer0.weight')!.data, MODEL.kernel.data, `${label} kernel`);
      expectSameBits(file.tensors.get('layer0.bias')!.data, MODEL.bias.data, `${label} bias`);
      expectSameBits(file.tensors.get('head')!.data, MODEL.head.data, `${label} head`);
      expect([...file.tensors.get('arr_0')!.data], label).toEqual([1, 65504]);
      expect(file.tensors.get('head')!.shape).toEqual([3, 2]);
    }
    expect(parseNpz(buildZip([])).tensors.size).toBe(0);
  });

  it('lying sizes, corrupted data, overlapping members and unsupported archives are RandlaErrors', () => {
    const member = { name: 'w.npy', data: encodeNpy({ shape: [64], data: ramp64(64) }) };
    const patchCentral = (zip: Uint8Array, at: number, value: number, bytes: 2 | 4) => {
      const copy = zip.slice();
      const view = new DataView(copy.buffer);
      const cd = view.getUint32(copy.length - 22 + 16, true);
      if (bytes === 2) view.setUint16(cd + at, value, true);
      else view.setUint32(cd + at, value, true);
      return copy;
    };
    const deflated = buildZip([{ ...member, deflate: true }]);
    const stored = buildZip([member]);
    const flipData = stored.slice();
    flipData[30 + 5 + 200] ^= 0x40;
    // Two directory entries for the same local member: the overlapping-member zip bomb.
    const twice = (() => {
      const single = buildZip([member]);
      const view = new DataView(single.buffer);
      const cdOffset = view.getUint32(single.length - 22 + 16, true);
      const entry = single.subarray(cdOffset, single.length - 22);
      const end = single.slice(single.length - 22);
      const e = new DataView(end.buffer);
      e.setUint16(8, 2, true);
      e.setUint16(10, 2, true);
      e.setUint32(12, entry.length * 2, true);
      return new Uint8Array(Buffer.concat([single.subarray(0, cdOffset), entry, entry, end]));
    })();
    const cases: [string, Uint8Array, string, string][] = [
      ['declared size above the real one (no preallocation)', patchCentral(deflated, 24, 0xfffffff0, 4), 'ERR_RANDLA_SHAPE', 'inflates to'],
      ['declared size below the real one', patchCentral(deflated, 24, 10, 4), 'ERR_RANDLA_SHAPE', 'inflates to more'],
      ['compressed size beyond the directory', patchCentral(deflated, 20, 1 << 30, 4), 'ERR_RANDLA_SHAPE', 'before the central directory'],
      ['local header offset elsewhere', patchCentral(stored, 42, 7, 4), 'ERR_RANDLA_SHAPE', 'local file header'],
      ['flipped data byte (CRC)', flipData, 'ERR_RANDLA_INVALID_ARGUMENT', 'CRC-32'],
      ['encrypted', patchCentral(stored, 8, 1, 2), 'ERR_RANDLA_INVALID_ARGUMENT', 'unencrypted'],
      ['bzip2', patchCentral(stored, 10, 12, 2), 'ERR_RANDLA_INVALID_ARGUMENT', 'compression method 12'],
      ['overlapping members', twice, 'ERR_RANDLA_SHAPE', 'overlap'],
      ['duplicate names', buildZip([member, member]), 'ERR_RANDLA_INVALID_ARGUMENT', 'twice'],
      ['a member that is not .npy', buildZip([{ name: 'notes.txt', data: Buffer.from('hello') }]), 'ERR_RANDLA_INVALID_ARGUMENT', 'magic'],
      ['a torch.save checkpoint', buildZip([{ name: 'archive/data.pkl', data: Uint8Array.from([0x80, 2]) }]), 'ERR_RANDLA_INVALID_ARGUMENT', 'PyTorch'],
      ['not a zip', Buffer.from('PK but nothing else of a zip archive'), 'ERR_RANDLA_SHAPE', 'end-of-central-directory'],
      ['entry count lie', (() => { const z = stored.slice(); new DataView(z.buffer).setUint16(z.length - 22 + 10, 5000, true); return z; })(), 'ERR_RANDLA_SHAPE', 'entries'],
    ];
    for (const [label, bytes, code, says] of cases) {
      const e = rejection(() => parseNpz(bytes), label);
      expect([e.code, e.message.includes(says)], `${label}: ${e.message}`).toEqual([code, true]);
    }
    // Member errors name the member.
    expect(rejection(() => parseNpz(buildZip([{ name: 'bad.npy', data: rawNpy('|O', [1], new Uint8Array(8)) }]))).message).toContain('"bad.npy"');
  });

  it('files: readNpz and readWeights (by magic bytes, whatever the extension)', async () => {
    await writeFile(join(dir, 'model.npz'), buildZip(members().map((m) => ({ ...m, deflate: true, zip64Local: true }))));
    await writeFile(join(dir, 'model.weights'), buildZip(members()));
    const a = await readNpz(join(dir, 'model.npz'));
    const b = await readWeights(join(dir, 'model.weights'));
    expect(b.format).toBe('npz');
    for (const [name, t] of a.tensors) expectSameBits(b.tensors.get(name)!.data, t.data, name);
    const missing = await asyncRejection(readNpz(join(dir, 'missing.npz')));
    expect([missing.code, missing.argument, missing.message.includes('ENOENT')]).toEqual(['ERR_RANDLA_INVALID_ARGUMENT', 'path', true]);
  });
});

// ------------------------------------------------------------------------------ .safetensors

describe('.safetensors', () => {
  it('round trips f32/f64 tensors and metadata; f64 stored first so that each tensor is aligned; Matrix inputs', () => {
    const bytes = encodeSafetensors(MODEL, { format: 'pt', rank: '3' });
    const file = parseSafetensors(bytes);
    expect(file.format).toBe('safetensors');
    expect(file.metadata).toEqual({ format: 'pt', rank: '3' });
    expect([...file.tensors.keys()]).toEqual(['head', 'scalar', 'kernel', 'bias']);
    for (const [name, t] of Object.entries(MODEL)) {
      const got = file.tensors.get(name)!;
      expect([got.shape, got.dtype], name).toEqual([t.shape, t.data instanceof Float32Array ? 'float32' : 'float64']);
      expectSameBits(got.data, t.data, name);
    }
    // Alignment: the header is padded to 8 bytes and each tensor starts at a multiple of its size.
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    for (const [name, info] of Object.entries(header)) if (name !== '__metadata__') expect(info.data_offsets[0] % (info.dtype === 'F64' ? 8 : 4), name).toBe(0);

    // Integer-like names keep their order (a JSON object would move them first); Maps and arrays work.
    const ordered = parseSafetensors(encodeSafetensors([
      { name: 'b', shape: [1], data: Float32Array.from([1]) },
      { name: '10', shape: [1], data: Float32Array.from([2]) },
      { name: '2', shape: [1], data: Float32Array.from([3]) },
    ]));
    expect([...ordered.tensors.keys()]).toEqual(['b', '10', '2']);
    const fromMap = parseSafetensors(encodeSafetensors(new Map([['x', { shape: [2], data: Float64Array.from([1, 2]) }]])));
    expect([...fromMap.tensors.get('x')!.data]).toEqual([1, 2]);
    const A = { data: Float64Array.from([1, 4, 2, 5, 3, 6]), rows: 2, cols: 3, layout: 'col-major' as const };
    const B = matrix([[7, 8]]);
    const factors = parseSafetensors(encodeSafetensors({ A, B }));
    expect([factors.tensors.get('A')!.shape, [...factors.tensors.get('A')!.data]]).toEqual([[2, 3], [1, 2, 3, 4, 5, 6]]);
    expect([...factors.tensors.get('B')!.data]).toEqual([7, 8]);
    expect(parseSafetensors(encodeSafetensors({})).tensors.size).toBe(0);
  });

  it('F16, BF16 and integer tensors written by hand decode exactly; __metadata__ kept', () => {
    const data = Buffer.concat([u16Bytes([0x3c00, 0xc100, 0x7bff, 0x0001]), u16Bytes([0x3f80, 0xc020]), Uint8Array.from([0xff, 0x7f, 0x00, 0x80]), bytesOf([5n], 8, (d, a, x: bigint, l) => d.setBigInt64(a, x, l))]);
    const bytes = rawSafetensors(
      {
        __metadata__: { source: 'hand', __proto__x: 'kept' },
        half: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] },
        brain: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
        count: { dtype: 'I16', shape: [2], data_offsets: [12, 16] },
        num_batches_tracked: { dtype: 'I64', shape: [], data_offsets: [16, 24] },
      },
      new Uint8Array(data),
    );
    const file = parseSafetensors(bytes, { integers: 'float64' });
    expect(file.metadata).toEqual({ source: 'hand', __proto__x: 'kept' });
    const half = file.tensors.get('half')!;
    expect([half.dtype, half.shape, half.data.constructor]).toEqual(['float16', [2, 2], Float32Array]);
    expect([...half.data]).toEqual([1, -2.5, 65504, 2 ** -24]);
    expect([file.tensors.get('brain')!.dtype, ...file.tensors.get('brain')!.data]).toEqual(['bfloat16', 1, -2.5]);
    expect([...file.tensors.get('count')!.data]).toEqual([32767, -32768]);
    expect([...file.tensors.get('num_batches_tracked')!.data]).toEqual([5]);
    // Default: integers rejected, naming the tensor; skip leaves them out.
    const e = rejection(() => parseSafetensors(bytes));
    expect([e.code, e.message.includes('"count"'), e.message.includes('I16')]).toEqual(['ERR_RANDLA_INVALID_ARGUMENT', true, true]);
    expect([...parseSafetensors(bytes, { integers: 'skip' }).tensors.keys()]).toEqual(['half', 'brain']);
    // A "__proto__" metadata key is data, not a prototype.
    const proto = parseSafetensors(rawSafetensors(JSON.parse('{"__metadata__":{"__proto__":"x"}}'), new Uint8Array(0)));
    expect(Object.getPrototypeOf(proto.metadata)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(proto.metadata, '__proto__')?.value).toBe('x');
  });

  it('every lie in the header is a RandlaError: length, offsets, overlap, gaps, shapes, dtypes', () => {
    const eight = new Uint8Array(16);
    const t = (info: Record<string, unknown>, data = eight) => rawSafetensors(info, data);
    const headerTooLong = (() => {
      const b = t({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } });
      new DataView(b.buffer).setBigUint64(0, BigInt(b.length), true);
      return b;
    })();
    const hugeLength = (() => {
      const b = t({});
      new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true);
      return b;
    })();
    const cases: [string, Uint8Array, string, string][] = [
      ['header length beyond the file', headerTooLong, 'ERR_RANDLA_SHAPE', 'header length'],
      ['header length 2^63', hugeLength, 'ERR_RANDLA_SHAPE', 'header length'],
      ['shorter than 8 bytes', Uint8Array.from([1, 0, 0]), 'ERR_RANDLA_SHAPE', 'at least 8 bytes'],
      ['offsets outside the data', t({ a: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } }), 'ERR_RANDLA_SHAPE', 'within the 16 bytes'],
      ['begin after end', t({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 4] }, b: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }), 'ERR_RANDLA_SHAPE', 'begin <= end'],
      ['overlap', t({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }), 'ERR_RANDLA_SHAPE', 'overlap'],
      ['gap', t({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }), 'ERR_RANDLA_SHAPE', 'unclaimed'],
      ['trailing data', t({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }), 'ERR_RANDLA_SHAPE', 'after the last tensor'],
      ['shape vs bytes', t({ a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 16] } }), 'ERR_RANDLA_SHAPE', 'claims more data'],
      ['shape vs bytes (fewer)', t({ a: { dtype: 'F64', shape: [1], data_offsets: [0, 16] } }), 'ERR_RANDLA_SHAPE', '8 bytes for shape'],
      ['absurd shape', t({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 16] } }), 'ERR_RANDLA_SHAPE', 'claims more data'],
      ['negative dimension', t({ a: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }), 'ERR_RANDLA_SHAPE', 'non-negative'],
      ['unknown dtype', t({ a: { dtype: 'F48', shape: [4], data_offsets: [0, 16] } }), 'ERR_RANDLA_INVALID_ARGUMENT', 'unknown dtype "F48"'],
      ['F8 (known, not decoded)', t({ a: { dtype: 'F8_E4M3', shape: [16], data_offsets: [0, 16] } }), 'ERR_RANDLA_INVALID_ARGUMENT', 'F8_E4M3'],
      ['offsets not integers', t({ a: { dtype: 'F32', shape: [4], data_offsets: [0, '16'] } }), 'ERR_RANDLA_SHAPE', 'data_offsets'],
      ['metadata not strings', t({ __metadata__: { a: 1 }, b: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }), 'ERR_RANDLA_INVALID_ARGUMENT', '__metadata__'],
      ['header an array', rawSafetensors([1, 2], new Uint8Array(0)), 'ERR_RANDLA_INVALID_ARGUMENT', 'JSON object'],
      ['header not JSON', (() => { const b = t({}); b[8] = 0x5b; return b; })(), 'ERR_RANDLA_INVALID_ARGUMENT', 'JSON'],
    ];
    for (const [label, bytes, code, says] of cases) {
      const e = rejection(() => parseSafetensors(bytes), label);
      expect([e.code, e.message.includes(says)], `${label}: ${e.message}`).toEqual([code, true]);
    }
  });

  it('writeSafetensors is atomic and validates its input; readSafetensors and readWeights read it back', async () => {
    const path = join(dir, 'factors.safetensors');
    await writeSafetensors(path, MODEL, { compressed: 'yes' });
    for (const file of [await readSafetensors(path), await readWeights(path)]) {
      expect([file.format, file.metadata]).toEqual(['safetensors', { compressed: 'yes' }]);
      for (const [name, t] of Object.entries(MODEL)) expectSameBits(file.tensors.get(name)!.data, t.data, name);
    }
    const bad: [unknown, unknown, string][] = [
      [{ a: { shape: [3], data: new Float32Array(2) } }, undefined, 'tensors[0].data'],
      [{ a: { shape: [1.5], data: new Float32Array(2) } }, undefined, 'tensors[0].shape'],
      [[{ name: 'a', shape: [1], data: new Int32Array(1) }], undefined, 'tensors[0].data'],
      [[{ name: 'a', shape: [1], data: new Float32Array(1) }, { name: 'a', shape: [1], data: new Float32Array(1) }], undefined, 'tensors[1]'],
      [{ __metadata__: { shape: [1], data: new Float32Array(1) } }, undefined, 'tensors[0]'],
      [{ a: { shape: [1], data: new Float32Array(1) } }, { n: 3 }, 'metadata["n"]'],
    ];
    for (const [tensors, metadata, argument] of bad) {
      const e = await asyncRejection(writeSafetensors(join(dir, 'bad.safetensors'), tensors as never, metadata as never), argument);
      expect(e.argument, e.message).toBe(argument);
    }
    const e = await asyncRejection(writeSafetensors(join(dir, 'no', 'such', 'dir.safetensors'), MODEL));
    expect([e.code, e.argument, e.message.includes('ENOENT')]).toEqual(['ERR_RANDLA_INVALID_ARGUMENT', 'path', true]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f.startsWith('bad'))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ TF.js

describe('TF.js model artifacts', () => {
  const groups = (): TfjsSpec[][] => [
    [
      { name: 'dense_Dense1/kernel', shape: [4, 3], dtype: 'float32', bytes: f32Bytes(MODEL.kernel.data) },
      { name: 'dense_Dense1/bias', shape: [3], dtype: 'float32', bytes: f32Bytes(MODEL.bias.data) },
      { name: 'q8', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 }, bytes: Uint8Array.from([0, 10, 200, 255]) },
      { name: 'q16', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 2 }, bytes: u16Bytes([0, 1000, 65535]) },
    ],
    [
      { name: 'half', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' }, bytes: u16Bytes([0xc100, 0x7bff]) },
      { name: 'step', shape: [], dtype: 'int32', bytes: bytesOf([-7], 4, (d, a, x: number, l) => d.setInt32(a, x, l)) },
      { name: 'mask', shape: [3], dtype: 'bool', bytes: Uint8Array.from([1, 0, 1]) },
    ],
  ];

  it('reads weights across shards and groups in manifest order; dequantizes uint8/uint16/float16 as TF.js does', () => {
    for (const shardBytes of [7, 16, 1 << 20]) {
      const { json, shards } = tfjsArtifacts(groups(), shardBytes);
      const file = parseTfjsModel(json, shards, { integers: 'float64' });
      expect(file.format).toBe('tfjs');
      expect(file.metadata).toEqual({ format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0' });
      expect([...file.tensors.keys()]).toEqual(['dense_Dense1/kernel', 'dense_Dense1/bias', 'q8', 'q16', 'half', 'step', 'mask']);
      expectSameBits(file.tensors.get('dense_Dense1/kernel')!.data, MODEL.kernel.data, `kernel, shards of ${shardBytes}`);
      expectSameBits(file.tensors.get('dense_Dense1/bias')!.data, MODEL.bias.data, 'bias');
      const q8 = file.tensors.get('q8')!;
      expect([q8.dtype, q8.quantization]).toEqual(['float32', { dtype: 'uint8', scale: 0.1, min: -1 }]);
      expectSameBits(q8.data, Float32Array.from([0, 10, 200, 255], (v) => v * 0.1 - 1), 'q8');
      expectSameBits(file.tensors.get('q16')!.data, Float32Array.from([0, 1000, 65535], (v) => v * 0.001 + 2), 'q16');
      expectSameBits(file.tensors.get('half')!.data, Float32Array.from([-2.5, 65504]), 'half');
      expect([...file.tensors.get('step')!.data, ...file.tensors.get('mask')!.data]).toEqual([-7, 1, 0, 1]);
    }
    const { json, shards } = tfjsArtifacts(groups(), 16);
    expect([...parseTfjsModel(json, new Map(Object.entries(shards)), { integers: 'skip' }).tensors.keys()]).not.toContain('step');
    expect(rejection(() => parseTfjsModel(json, shards)).message).toContain('"step"');
  });

  it('manifest lies and unsupported weights are RandlaErrors', () => {
    const one = (spec: Partial<TfjsSpec>, bytes = new Uint8Array(8)) => tfjsArtifacts([[{ name: 'w', shape: [2], dtype: 'float32', bytes, ...spec }]], 64);
    const cases: [string, () => unknown, string, string][] = [
      ['shards too short', () => { const a = one({ shape: [4] }); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_SHAPE', 'claims more data'],
      ['shards too long', () => { const a = one({ shape: [1] }); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_SHAPE', 'disagree'],
      ['missing shard', () => parseTfjsModel(one({}).json, {}), 'ERR_RANDLA_INVALID_ARGUMENT', 'group1-shard1of1.bin'],
      ['string weight', () => { const a = one({ dtype: 'string' }); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_INVALID_ARGUMENT', 'string'],
      ['unknown dtype', () => { const a = one({ dtype: 'float64' }); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_INVALID_ARGUMENT', 'unknown dtype'],
      ['uint8 without scale', () => { const a = one({ quantization: { dtype: 'uint8', min: 0 } }, new Uint8Array(2)); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_INVALID_ARGUMENT', 'scale'],
      ['unknown quantization', () => { const a = one({ quantization: { dtype: 'int4' } }, new Uint8Array(2)); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_INVALID_ARGUMENT', 'quantization dtype'],
      ['no manifest', () => parseTfjsModel('{"format":"layers-model"}', {}), 'ERR_RANDLA_INVALID_ARGUMENT', 'weightsManifest'],
      ['not JSON', () => parseTfjsModel('{"weightsManifest": [', {}), 'ERR_RANDLA_INVALID_ARGUMENT', 'JSON'],
      ['duplicate names', () => { const a = tfjsArtifacts([[{ name: 'w', shape: [1], dtype: 'float32', bytes: new Uint8Array(4) }, { name: 'w', shape: [1], dtype: 'float32', bytes: new Uint8Array(4) }]], 64); return parseTfjsModel(a.json, a.shards); }, 'ERR_RANDLA_INVALID_ARGUMENT', 'twice'],
    ];
    for (const [label, f, code, says] of cases) {
      const e = rejection(f, label);
      expect([e.code, e.message.includes(says)], `${label}: ${e.message}`).toEqual([code, true]);
    }
  });

  it('files: readTfjsModel and readWeights read the shards next to model.json; paths may not leave its directory', async () => {
    const model = join(dir, 'tfjs');
    await mkdir(model);
    const { json, shards } = tfjsArtifacts(groups(), 16);
    await writeFile(join(model, 'model.json'), json);
    for (const [name, bytes] of Object.entries(shards)) await writeFile(join(model, name), bytes);
    const a = await readTfjsModel(join(model, 'model.json'), { integers: 'float64' });
    const b = await readWeights(join(model, 'model.json'), { integers: 'float64' });
    expect(b.format).toBe('tfjs');
    for (const [name, t] of a.tensors) expectSameBits(b.tensors.get(name)!.data, t.data, name);
    expectSameBits(a.tensors.get('dense_Dense1/kernel')!.data, MODEL.kernel.data, 'kernel from files');
    const escape = JSON.parse(json) as { weightsManifest: { paths: string[] }[] };
    for (const bad of ['../secret.bin', '/etc/passwd', 'https://example.invalid/w.bin', 'sub/../../x.bin']) {
      escape.weightsManifest[0]!.paths[0] = bad;
      await writeFile(join(model, 'escape.json'), JSON.stringify(escape));
      const e = await asyncRejection(readTfjsModel(join(model, 'escape.json')), bad);
      expect(e.message, bad).toContain('relative');
    }
    // A shard shorter on disk than the manifest needs: found from the sizes, before reading.
    await writeFile(join(model, 'short.json'), json);
    const shardName = Object.keys(shards)[0]!;
    await writeFile(join(model, shardName), shards[shardName]!.subarray(0, 3));
    expect((await asyncRejection(readTfjsModel(join(model, 'short.json'), { integers: 'float64' }))).code).toBe('ERR_RANDLA_SHAPE');
    const shard = await asyncRejection(readWeights(join(model, shardName)));
    expect(shard.message).toContain('model.json');
  });
});

// ------------------------------------------------------------------------------ truncation and fuzz

describe('truncated and fuzzed files', () => {
  const formats: [string, () => Uint8Array, (b: Uint8Array, o?: { integers: 'float64' }) => WeightFile][] = [
    ['npy', smallNpy, (b, o) => parseNpy(b, 'a', o)],
    ['npz', smallNpz, (b, o) => parseNpz(b, o)],
    ['safetensors', smallSafetensors, (b, o) => parseSafetensors(b, o)],
  ];

  it('every proper prefix of a small valid file is a RandlaError (in memory)', () => {
    for (const [format, make, parse] of formats) {
      const bytes = make();
      expectConsistent(parse(bytes), `${format} whole`);
      for (let n = 0; n < bytes.length; n++) rejection(() => parse(bytes.subarray(0, n)), `${format} prefix ${n}/${bytes.length}`);
    }
    const { json, shards } = smallTfjs();
    expectConsistent(parseTfjsModel(json, shards), 'tfjs whole');
    for (let n = 0; n < json.length; n++) rejection(() => parseTfjsModel(json.slice(0, n), shards), `tfjs model.json prefix ${n}/${json.length}`);
    for (const [name, shard] of Object.entries(shards)) {
      for (let n = 0; n < shard.length; n++) rejection(() => parseTfjsModel(json, { ...shards, [name]: shard.subarray(0, n) }), `tfjs ${name} prefix ${n}`);
    }
  });

  it('every proper prefix is a RandlaError through the file readers (.npy, .safetensors, readWeights)', async () => {
    const cut = join(dir, 'cut');
    await mkdir(cut);
    for (const [format, make, read] of [
      ['npy', smallNpy, readNpy],
      ['safetensors', smallSafetensors, readSafetensors],
      ['npz', smallNpz, readWeights],
    ] as const) {
      const bytes = make();
      for (let n = 0; n < bytes.length; n++) {
        const path = join(cut, `p${n}.${format}`);
        await writeFile(path, bytes.subarray(0, n));
        await asyncRejection(read(path), `${format} file prefix ${n}`);
      }
    }
  });

  it('seeded byte flips (300 per format) parse consistently or throw a RandlaError, never anything else', () => {
    const next = rng(20240607);
    const counts: Record<string, { parsed: number; rejected: number }> = {};
    const mutate = (bytes: Uint8Array): Uint8Array => {
      const copy = Uint8Array.from(bytes); // a copy even of a Buffer (whose slice() is a view)
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(next() * copy.length);
        // Half single-bit flips, half arbitrary bytes: small lies in numbers and wholesale damage.
        copy[at] = next() < 0.5 ? copy[at]! ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
      }
      return copy;
    };
    for (const [format, make, parse] of formats) {
      const base = make();
      const tally = (counts[format] = { parsed: 0, rejected: 0 });
      for (let k = 0; k < 300; k++) {
        const bytes = mutate(base);
        const r = attempt(() => parse(bytes, next() < 0.5 ? { integers: 'float64' } : undefined), `${format} fuzz case ${k}`);
        if (r.ok) expectConsistent(r.value, `${format} fuzz case ${k}`);
        tally[r.ok ? 'parsed' : 'rejected']++;
      }
      // Random garbage of random length, and valid files with random tails.
      for (let k = 0; k < 50; k++) {
        const garbage = Uint8Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256));
        attempt(() => parse(garbage), `${format} garbage ${k}`);
        const tail = new Uint8Array(Buffer.concat([base, garbage.subarray(0, 1 + Math.floor(next() * 8))]));
        attempt(() => parse(tail), `${format} tail ${k}`);
      }
    }
    const { json, shards } = smallTfjs();
    const text = Buffer.from(json, 'utf8');
    const tally = (counts.tfjs = { parsed: 0, rejected: 0 });
    for (let k = 0; k < 300; k++) {
      const inJson = next() < 0.5;
      const mutatedShards = Object.fromEntries(Object.entries(shards).map(([n, s]) => [n, !inJson && next() < 0.7 ? mutate(s) : s]));
      const r = attempt(() => parseTfjsModel(inJson ? mutate(text) : text, mutatedShards), `tfjs fuzz case ${k}`);
      if (r.ok) expectConsistent(r.value, `tfjs fuzz case ${k}`);
      tally[r.ok ? 'parsed' : 'rejected']++;
    }
    // The loop must have exercised both outcomes for each format (else it tested nothing).
    for (const [format, t] of Object.entries(counts)) expect(t.parsed > 0 && t.rejected > 0, `${format}: ${JSON.stringify(t)}`).toBe(true);
  });
});

// ------------------------------------------------------------------------------ optional numpy cross-check

const PYTHON = process.platform === 'win32' ? join(ROOT, 'bench', '.venv', 'Scripts', 'python.exe') : join(ROOT, 'bench', '.venv', 'bin', 'python');

function probeNumpy(): { available: boolean; reason: string } {
  if (!existsSync(PYTHON)) return { available: false, reason: 'bench/.venv does not exist (the benchmarks create it with numpy)' };
  const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { available: false, reason: `\`import numpy\` fails in bench/.venv (${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop()})` };
  return { available: true, reason: '' };
}
const NUMPY = probeNumpy();
if (!NUMPY.available) console.warn(`[randla tests] numpy weight-file cross-check skipped: ${NUMPY.reason}`);

// Writes files with numpy (and a safetensors file with struct + json, as the format's spec
// describes it), reads the files randla wrote, and prints what it found as JSON.
const PY_SCRIPT = String.raw`
import json, struct, sys, os
import numpy as np
d = sys.argv[1]
out = {}
c = np.arange(24, dtype='<f8').reshape(2, 3, 4) / 7
np.save(os.path.join(d, 'c_f8.npy'), c)
np.save(os.path.join(d, 'fortran_be.npy'), np.asfortranarray(c.astype('>f4')))
np.save(os.path.join(d, 'half.npy'), np.array([1.0, -2.5, 65504, 6e-8, -0.0], dtype='<f2'))
np.save(os.path.join(d, 'scalar.npy'), np.float64(3.25))
np.save(os.path.join(d, 'ints.npy'), np.array([[-3, 4], [5, 2**40]], dtype='<i8'))
np.savez(os.path.join(d, 'plain.npz'), w=c.astype('<f4'), b=np.linspace(0, 1, 5))
np.savez_compressed(os.path.join(d, 'packed.npz'), c, empty=np.zeros((0, 3)), w=c.astype('<f4'))
# bf16 bit patterns: the upper halves of these f32 values (exactly representable in bf16).
vals = np.array([1.0, -2.5, 1.5 * 2.0**127, 2.0**-130, 0.15625], dtype='<f4')
assert ((vals.view('<u4') & 0xffff) == 0).all()
bf16 = (vals.view('<u4') >> 16).astype('<u2')
f16 = np.array([0.5, -1.5, 1000.0], dtype='<f2')
f32 = np.array([[1.5, -2.0], [0.25, 8.0]], dtype='<f4')
blobs = [('z_f32', 'F32', [2, 2], f32.tobytes()), ('a_bf16', 'BF16', [5], bf16.tobytes()), ('m_f16', 'F16', [3], f16.tobytes())]
header, data = {'__metadata__': {'format': 'np'}}, b''
for name, dt, shape, raw in blobs:
    header[name] = {'dtype': dt, 'shape': shape, 'data_offsets': [len(data), len(data) + len(raw)]}
    data += raw
h = json.dumps(header).encode()
h += b' ' * (-len(h) % 8)
open(os.path.join(d, 'hand.safetensors'), 'wb').write(struct.pack('<Q', len(h)) + h + data)
out['expected'] = {
  'c_f8': c.ravel().tolist(),
  'fortran_be': c.astype('>f4').astype('<f8').ravel().tolist(),
  'half': np.array([1.0, -2.5, 65504, 6e-8, -0.0], dtype='<f2').astype('<f8').tolist(),
  'bf16': vals.astype('<f8').tolist(),
  'f16': f16.astype('<f8').tolist(),
}
open(os.path.join(d, 'f16_table.bin'), 'wb').write(np.arange(65536, dtype='<u2').view('<f2').astype('<f4').view('<u4').tobytes())
# What randla wrote, as numpy reads it.
got = {}
for name in ['randla_matrix.npy', 'randla_cube.npy']:
    a = np.load(os.path.join(d, name))
    got[name] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'values': a.astype('<f8').ravel().tolist()}
raw = open(os.path.join(d, 'randla.safetensors'), 'rb').read()
(n,) = struct.unpack('<Q', raw[:8])
hdr = json.loads(raw[8:8 + n])
st = {}
for name, info in hdr.items():
    if name == '__metadata__':
        st[name] = info
        continue
    b, e = info['data_offsets']
    dt = {'F32': '<f4', 'F64': '<f8'}[info['dtype']]
    st[name] = {'dtype': info['dtype'], 'shape': info['shape'], 'values': np.frombuffer(raw[8 + n + b: 8 + n + e], dtype=dt).astype('<f8').tolist()}
got['randla.safetensors'] = st
out['got'] = got
print(json.dumps(out))
`;

describe.skipIf(!NUMPY.available)('numpy cross-check (bench/.venv)', () => {
  it('reads what numpy writes; numpy reads what randla writes; numpy’s f16 table bit for bit', async () => {
    const work = join(dir, 'numpy');
    await mkdir(work);
    await writeNpy(join(work, 'randla_matrix.npy'), { data: Float64Array.from([1, 4, 2, 5, 3, 6]), rows: 2, cols: 3, layout: 'col-major' });
    await writeFile(join(work, 'randla_cube.npy'), encodeNpy({ shape: [2, 2, 2], data: ramp32(8) }));
    await writeSafetensors(join(work, 'randla.safetensors'), MODEL, { by: 'randla' });
    await writeFile(join(work, 'check.py'), PY_SCRIPT);
    const r = spawnSync(PYTHON, [join(work, 'check.py'), work], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { expected, got } = JSON.parse(r.stdout) as {
      expected: Record<string, number[]>;
      got: Record<string, Record<string, unknown>>;
    };

    // numpy -> randla
    const c = (await readWeights(join(work, 'c_f8.npy'))).tensors.get('c_f8')!;
    expect([c.dtype, c.shape]).toEqual(['float64', [2, 3, 4]]);
    expect([...c.data]).toEqual(expected.c_f8);
    const f = (await readWeights(join(work, 'fortran_be.npy'))).tensors.get('fortran_be')!;
    expect([f.dtype, f.shape, [...f.data]]).toEqual(['float32', [2, 3, 4], expected.fortran_be]);
    const h = (await readWeights(join(work, 'half.npy'))).tensors.get('half')!;
    expect([h.dtype, [...h.data].map((v) => (Object.is(v, -0) ? '-0' : v))]).toEqual(['float16', expected.half!.map((v) => (Object.is(v, -0) ? '-0' : v))]);
    expect([...(await readWeights(join(work, 'scalar.npy'))).tensors.get('scalar')!.data]).toEqual([3.25]);
    expect([...(await readWeights(join(work, 'ints.npy'), { integers: 'float64' })).tensors.get('ints')!.data]).toEqual([-3, 4, 5, 2 ** 40]);
    const plain = await readWeights(join(work, 'plain.npz'));
    expect([...plain.tensors.keys()]).toEqual(['w', 'b']);
    expect([...plain.tensors.get('w')!.data]).toEqual(expected.c_f8!.map((v) => Math.fround(v)));
    const packed = await readWeights(join(work, 'packed.npz'));
    expect([...packed.tensors.keys()]).toEqual(['empty', 'w', 'arr_0']); // numpy adds positional arrays after the named ones
    expect([...packed.tensors.get('arr_0')!.data]).toEqual(expected.c_f8);
    expect(packed.tensors.get('empty')!.shape).toEqual([0, 3]);
    const hand = await readWeights(join(work, 'hand.safetensors'));
    expect(hand.metadata).toEqual({ format: 'np' });
    expect([...hand.tensors.keys()]).toEqual(['z_f32', 'a_bf16', 'm_f16']);
    expect([...hand.tensors.get('a_bf16')!.data]).toEqual(expected.bf16);
    expect([...hand.tensors.get('m_f16')!.data]).toEqual(expected.f16);
    expect([...hand.tensors.get('z_f32')!.data]).toEqual([1.5, -2, 0.25, 8]);
    const { readFile } = await import('node:fs/promises');
    const table = await readFile(join(work, 'f16_table.bin'));
    const ours = float16ToFloat32(Uint16Array.from({ length: 65536 }, (_, i) => i));
    expect(Buffer.from(ours.buffer).equals(table)).toBe(true);

    // randla -> numpy
    expect(got['randla_matrix.npy']).toEqual({ dtype: 'float64', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] });
    expect(got['randla_cube.npy']).toEqual({ dtype: 'float32', shape: [2, 2, 2], values: [...ramp32(8)] });
    const st = got['randla.safetensors'] as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    expect(st.__metadata__).toEqual({ by: 'randla' });
    for (const [name, t] of Object.entries(MODEL)) {
      expect(st[name], name).toEqual({ dtype: t.data instanceof Float32Array ? 'F32' : 'F64', shape: t.shape, values: [...t.data] });
    }
  });
});
