// One entry point for weight files (docs/weights-io.md): readWeights(path) recognises the format
// by its magic bytes (the extension only breaks ties), and weightMatrix() turns a 2-D tensor into
// the Matrix the algorithms take.
import { extname } from 'node:path';

import { ErrorCode, RandlaError } from '../errors.js';
import type { Matrix } from '../types.js';
import { NPY_MAGIC, readNpy } from './npy_format.js';
import { readNpz } from './npz.js';
import { readSafetensors } from './safetensors.js';
import { expectPath, formatError, integerPolicy, openReadable, pathSource, type ReadWeightsOptions, type WeightFile, type WeightTensor } from './tensor.js';
import { readTfjsModel } from './tfjs.js';

/** Which reader a file needs, from its first bytes and size (then its extension). */
function sniff(head: Uint8Array, size: number, extension: string): WeightFile['format'] | 'torch-pickle' | 'tfjs-shard' | undefined {
  if (NPY_MAGIC.every((b, i) => head[i] === b)) return 'npy';
  // 'PK\x03\x04' starts a zip with members, 'PK\x05\x06' an empty one.
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'npz';
  if (head.length >= 9 && head[8] === 0x7b /* { */) {
    const n = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (n <= BigInt(size - 8)) return 'safetensors';
  }
  let first = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // a UTF-8 byte-order mark
  while (first < head.length && (head[first] === 0x20 || head[first] === 0x0a || head[first] === 0x0d || head[first] === 0x09)) first++;
  if (head[first] === 0x7b) return 'tfjs'; // a JSON object: model.json
  if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) return 'torch-pickle'; // pickle protocol 2-5
  if (extension === '.safetensors') return 'safetensors'; // let its reader say what is wrong
  if (extension === '.npy') return 'npy';
  if (extension === '.npz') return 'npz';
  if (extension === '.json') return 'tfjs';
  if (extension === '.bin') return 'tfjs-shard';
  return undefined;
}

/**
 * Reads a weight file of any supported format: `.npy`, `.npz` (numpy.savez / savez_compressed,
 * PyTorch via numpy), `.safetensors` (F32, F64, F16/BF16 widened to f32) or a TF.js `model.json`
 * with its `.bin` shards. Every tensor comes back in C order, f32 or f64, under its name, in
 * file order; malformed files are RandlaErrors that name the file and what is wrong.
 *
 * @example
 * ```ts
 * import { readWeights, weightMatrix, compressDense } from 'randla';
 * const { tensors } = await readWeights('/models/mlp.safetensors');
 * const { A, B } = await compressDense(weightMatrix(tensors.get('fc1.weight')!), { rank: 32 });
 * ```
 */
export async function readWeights(path: string, options?: ReadWeightsOptions): Promise<WeightFile> {
  expectPath(path);
  integerPolicy(options);
  const source = pathSource(path);
  const file = await openReadable(path, 'weight file');
  let head: Uint8Array;
  let size: number;
  try {
    const stats = await file.stat();
    if (!stats.isFile()) throw formatError(source, 'a weight file (found a directory or another non-file)');
    size = stats.size;
    head = new Uint8Array(16);
    head = head.subarray(0, (await file.read(head, 0, 16, 0)).bytesRead);
  } finally {
    await file.close();
  }
  switch (sniff(head, size, extname(path).toLowerCase())) {
    case 'npy':
      return readNpy(path, options);
    case 'npz':
      return readNpz(path, options);
    case 'safetensors':
      return readSafetensors(path, options);
    case 'tfjs':
      return readTfjsModel(path, options);
    case 'torch-pickle':
      throw formatError(source, 'a weight file in a supported format (this is a Python pickle, e.g. a legacy torch.save checkpoint: export with safetensors.torch.save_file or numpy.savez)');
    case 'tfjs-shard':
      throw formatError(source, 'a weight file in a supported format (a .bin file is a TF.js weight shard: pass its model.json)');
    default:
      throw formatError(source, 'a .npy, .npz, .safetensors or TF.js model.json file (neither the first bytes nor the extension say which)');
  }
}

/**
 * A 2-D tensor as a row-major Matrix over the same data (no copy): the form rsvd, compressDense
 * and the other algorithms take. Note the conventions: PyTorch stores a linear layer's weight as
 * (out × in), Keras/TF.js a dense kernel as (in × out).
 *
 * @example
 * ```ts
 * import { readWeights, weightMatrix } from 'randla';
 * const W = weightMatrix((await readWeights('/models/mlp.npz')).tensors.get('fc1')!);
 * ```
 */
export function weightMatrix(tensor: WeightTensor): Matrix {
  if (tensor === null || typeof tensor !== 'object' || !(tensor.data instanceof Float32Array || tensor.data instanceof Float64Array) || !Array.isArray(tensor.shape)) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, 'Expected a weight tensor { name, shape, data } for tensor but received another value', { argument: 'tensor' });
  }
  const { shape, data } = tensor;
  if (shape.length !== 2 || shape[0]! * shape[1]! !== data.length || shape[0]! < 1 || shape[1]! < 1) {
    throw new RandlaError(ErrorCode.SHAPE, `Expected a non-empty 2-D tensor for tensor but received shape (${shape.join(', ')}) (${JSON.stringify(tensor.name)})`, { argument: 'tensor.shape' });
  }
  return { data, rows: shape[0]!, cols: shape[1]!, layout: 'row-major' };
}
