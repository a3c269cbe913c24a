// .npz archives (numpy.savez / savez_compressed; PyTorch weights exported through numpy): a zip
// archive of .npy members, stored or deflated. The zip directory is read here, not by fflate's
// unzipSync, because unzipSync trusts it (it preallocates the declared uncompressed size and
// slices at the declared offsets unchecked); here every offset and size is checked against the
// archive's length before anything is sliced or allocated, and fflate only inflates, in chunks,
// stopping as soon as a member outgrows the size its directory entry declared. CRC-32s are
// verified, so a flipped byte anywhere in a member is an error, not silently different weights.
import { basename } from 'node:path';
import { crc32 } from 'node:zlib';

import { Inflate } from 'fflate';

import { ErrorCode, RandlaError } from '../errors.js';
import { arrayName, decodeNpyData, npyLayoutOf } from './npy_format.js';
import {
  bytesSource,
  expectBytes,
  expectPath,
  formatError,
  integerPolicy,
  pathSource,
  readWholeFile,
  within,
  type ReadWeightsOptions,
  type Source,
  type WeightFile,
  type WeightTensor,
} from './tensor.js';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** A member as the central directory describes it, its data range checked against the archive. */
interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  dataOffset: number;
  localOffset: number;
}

/** A 64-bit little-endian size or offset, which must be a safe integer no larger than `limit`. */
function u64(view: DataView, at: number, limit: number, source: Source, what: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(limit)) throw formatError(source, `a zip ${what} within the archive's ${limit} bytes (found ${v})`, ErrorCode.SHAPE);
  return Number(v);
}

/** Finds the end-of-central-directory record: the last one whose comment ends exactly at the end. */
function findEocd(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - 22;
  for (let at = last; at >= 0 && at >= last - 65535; at--) {
    if (view.getUint32(at, true) === EOCD && at + 22 + view.getUint16(at + 20, true) === bytes.length) return at;
  }
  return -1;
}

/** Reads and checks the central directory of a zip archive held in memory. */
export function zipEntries(bytes: Uint8Array, source: Source): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  const eocd = size >= 22 ? findEocd(bytes, view) : -1;
  if (eocd < 0) throw formatError(source, 'a zip archive (.npz) with an end-of-central-directory record (none found: not a zip file, or truncated)', ErrorCode.SHAPE);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) throw formatError(source, 'a single-disk zip archive (found a multi-disk one)');
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let cdLimit = eocd; // the directory must end before the record that describes it
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64: a locator just before the record points at a 64-bit end record.
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) throw formatError(source, 'a zip64 end-of-central-directory locator', ErrorCode.SHAPE);
    const record = u64(view, locator + 8, locator, source, 'zip64 end record offset');
    if (record + 56 > locator || view.getUint32(record, true) !== ZIP64_EOCD) throw formatError(source, 'a zip64 end-of-central-directory record', ErrorCode.SHAPE);
    count = u64(view, record + 32, size, source, 'entry count');
    cdSize = u64(view, record + 40, size, source, 'central directory size');
    cdOffset = u64(view, record + 48, size, source, 'central directory offset');
    cdLimit = record;
  }
  if (cdOffset + cdSize > cdLimit) throw formatError(source, `a central directory within the archive (found ${cdSize} bytes at ${cdOffset}, the archive has ${cdLimit} before its end record)`, ErrorCode.SHAPE);
  // Every entry takes at least 46 bytes: a lying count cannot make the loop below run long.
  if (count * 46 > cdSize) throw formatError(source, `${count} central directory entries in ${cdSize} bytes`, ErrorCode.SHAPE);

  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let k = 0; k < count; k++) {
    if (at + 46 > cdOffset + cdSize || view.getUint32(at, true) !== CENTRAL) throw formatError(source, `central directory entry ${k} at offset ${at}`, ErrorCode.SHAPE);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const disk = view.getUint16(at + 34, true);
    let localOffset = view.getUint32(at + 42, true);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize) throw formatError(source, `central directory entry ${k} within the directory`, ErrorCode.SHAPE);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: UTF-8 name; otherwise the zip default (CP437), of which numpy's ASCII names are a subset.
    const name = Buffer.from(rawName.buffer, rawName.byteOffset, rawName.byteLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
    const memberSource = within(source, `zip member ${JSON.stringify(name)}`);
    // Zip64 extra field: the 64-bit values of exactly those fields that hold 0xFFFFFFFF.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (e + 4 + length > at + 46 + nameLength + extraLength) throw formatError(memberSource, 'extra fields within the central directory entry', ErrorCode.SHAPE);
      if (id === 0x0001) {
        let p = e + 4;
        const take = (what: string): number => {
          if (p + 8 > e + 4 + length) throw formatError(memberSource, `a zip64 extra field holding the ${what}`, ErrorCode.SHAPE);
          const v = u64(view, p, Number.MAX_SAFE_INTEGER, memberSource, what);
          p += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take('uncompressed size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localOffset === 0xffffffff) localOffset = take('local header offset');
      }
      e += 4 + length;
    }
    if (disk !== 0 && disk !== 0xffff) throw formatError(memberSource, 'a single-disk zip archive');
    if (flags & 0x1) throw formatError(memberSource, 'an unencrypted member');
    if (method !== 0 && method !== 8) throw formatError(memberSource, `a stored (0) or deflated (8) member (found compression method ${method})`);
    // The local header repeats the name and may carry its own extra field (numpy writes a zip64
    // one there): its lengths locate the data, which must end before the central directory.
    if (localOffset + 30 > cdOffset || view.getUint32(localOffset, true) !== LOCAL) throw formatError(memberSource, `a local file header at offset ${localOffset}`, ErrorCode.SHAPE);
    const localName = view.getUint16(localOffset + 26, true);
    const localExtra = view.getUint16(localOffset + 28, true);
    const dataOffset = localOffset + 30 + localName + localExtra;
    if (dataOffset + compressedSize > cdOffset) {
      throw formatError(memberSource, `${compressedSize} bytes of member data at offset ${dataOffset}, before the central directory at ${cdOffset} (truncated, or the sizes lie)`, ErrorCode.SHAPE);
    }
    if (localName !== nameLength || !rawName.every((b, i) => bytes[localOffset + 30 + i] === b)) throw formatError(memberSource, 'the same name in the local header as in the central directory');
    if (method === 0 && compressedSize !== uncompressedSize) throw formatError(memberSource, `a stored member of equal sizes (found ${compressedSize} stored, ${uncompressedSize} declared)`, ErrorCode.SHAPE);
    entries.push({ name, method, crc, compressedSize, size: uncompressedSize, dataOffset, localOffset });
    at = next;
  }
  // Members may not share bytes: entries pointing into one another's data would let a small
  // archive inflate the same stream many times over (the overlapping-member zip bomb).
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let k = 1; k < byOffset.length; k++) {
    const previous = byOffset[k - 1]!;
    if (byOffset[k]!.localOffset < previous.dataOffset + previous.compressedSize) {
      throw formatError(source, `zip members that do not overlap (${JSON.stringify(byOffset[k]!.name)} starts inside ${JSON.stringify(previous.name)})`, ErrorCode.SHAPE);
    }
  }
  return entries;
}

/** Inflated input per push: each push can produce at most ~1032x this (deflate's best ratio). */
const INFLATE_CHUNK = 16 * 1024;

/** The member's bytes, inflated if needed, checked against its declared size and CRC-32. */
export function zipMemberBytes(bytes: Uint8Array, entry: ZipEntry, source: Source): Uint8Array {
  const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let out: Uint8Array;
  if (entry.method === 0) {
    out = raw;
  } else {
    const chunks: Uint8Array[] = [];
    let produced = 0;
    const inflater = new Inflate((chunk) => {
      produced += chunk.length;
      // Stop as soon as the stream outgrows its declared size: memory stays bounded by it.
      if (produced > entry.size) throw formatError(source, `a deflated member of ${entry.size} bytes, as its directory entry declares (it inflates to more)`, ErrorCode.SHAPE);
      chunks.push(chunk);
    });
    try {
      if (raw.length === 0) inflater.push(raw, true);
      for (let p = 0; p < raw.length; p += INFLATE_CHUNK) inflater.push(raw.subarray(p, p + INFLATE_CHUNK), p + INFLATE_CHUNK >= raw.length);
    } catch (error) {
      if (error instanceof RandlaError) throw error;
      throw formatError(source, `valid deflate data (${(error as Error).message})`);
    }
    if (produced !== entry.size) throw formatError(source, `a deflated member of ${entry.size} bytes, as its directory entry declares (it inflates to ${produced})`, ErrorCode.SHAPE);
    out = new Uint8Array(produced);
    let p = 0;
    for (const c of chunks) {
      out.set(c, p);
      p += c.length;
    }
  }
  const crc = crc32(out) >>> 0;
  if (crc !== entry.crc) throw formatError(source, `member data with CRC-32 0x${entry.crc.toString(16).padStart(8, '0')} (found 0x${crc.toString(16).padStart(8, '0')}: corrupted)`);
  return out;
}

export function npzFile(bytes: Uint8Array, policy: 'reject' | 'float64' | 'skip', source: Source): WeightFile {
  const tensors = new Map<string, WeightTensor>();
  const seen = new Set<string>();
  for (const entry of zipEntries(bytes, source)) {
    if (entry.name.endsWith('/') && entry.size === 0) continue; // a directory entry
    const memberSource = within(source, `.npz member ${JSON.stringify(entry.name)}`);
    const name = arrayName(entry.name);
    if (seen.has(name)) throw formatError(memberSource, `one member per array name (found ${JSON.stringify(name)} twice)`);
    seen.add(name);
    if (entry.name.endsWith('.pkl')) {
      throw formatError(memberSource, '.npy members (this looks like a PyTorch torch.save checkpoint: export with safetensors.torch.save_file or numpy.savez)');
    }
    const member = zipMemberBytes(bytes, entry, memberSource);
    const layout = npyLayoutOf(member, policy, memberSource);
    if (layout.keep) tensors.set(name, decodeNpyData(layout, name, member, layout.dataOffset, memberSource));
  }
  return { format: 'npz', tensors, metadata: {} };
}

/**
 * An in-memory .npz archive: every member a .npy array (see {@link parseNpy}), named as numpy
 * names them (the member name without `.npy`), in archive order. Stored and deflated members,
 * zip64 included; CRC-32s checked.
 *
 * @example
 * ```ts
 * import { parseNpz } from 'randla';
 * for (const [name, t] of parseNpz(bytes).tensors) console.log(name, t.shape);
 * ```
 */
export function parseNpz(bytes: Uint8Array, options?: ReadWeightsOptions): WeightFile {
  return npzFile(expectBytes(bytes, 'bytes'), integerPolicy(options), bytesSource('bytes', bytes));
}

/**
 * Reads an .npz file (numpy.savez or savez_compressed) into memory; see {@link parseNpz}.
 *
 * @example
 * ```ts
 * import { readNpz } from 'randla';
 * const { tensors } = await readNpz('/models/mlp.npz');
 * const w0 = tensors.get('layer0.weight')!;
 * ```
 */
export async function readNpz(path: string, options?: ReadWeightsOptions): Promise<WeightFile> {
  expectPath(path);
  const policy = integerPolicy(options);
  const bytes = await readWholeFile(path, `.npz file (${basename(path)})`);
  return npzFile(bytes, policy, pathSource(path));
}
