// TensorFlow.js model artifacts: a model.json whose `weightsManifest` is a list of groups
// `{ paths: [shard files], weights: [{ name, shape, dtype, quantization? }] }`; a group's shards,
// concatenated in `paths` order, hold its weights back to back in `weights` order (tfjs-core's
// io: each weight takes product(shape) elements of its dtype, or of its quantization dtype).
// float32, int32 and bool weights are read; quantized ones (uint8/uint16 affine, float16) are
// dequantized as TF.js does (v·scale + min; float16 widened); string and complex64 weights are
// rejected. The manifest is checked against the shards' sizes before any shard is read.
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix } from 'node:path';

import { ErrorCode, RandlaError } from '../errors.js';
import {
  admitDtype,
  bytesSource,
  checkedCount,
  decodeElements,
  describeJson,
  expectBytes,
  expectPath,
  float16ToFloat32,
  formatError,
  integerPolicy,
  pathSource,
  readWholeFile,
  within,
  type ReadWeightsOptions,
  type Source,
  type WeightDtype,
  type WeightFile,
  type WeightTensor,
} from './tensor.js';

type Quantization = NonNullable<WeightTensor['quantization']>;

interface TfjsWeight {
  name: string;
  dtype: 'float32' | 'int32' | 'bool';
  shape: number[];
  count: number;
  quantization?: Quantization;
  /** Byte range in the group's concatenated shards. */
  begin: number;
  end: number;
  keep: boolean;
}

interface TfjsGroup {
  paths: string[];
  weights: TfjsWeight[];
}

const WEIGHT_BYTES = { float32: 4, int32: 4, bool: 1 } as const;
const QUANTIZED_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

/** Parses model.json text (or bytes, or an already parsed object) into a plain object. */
function modelObject(model: unknown, source: Source): Record<string, unknown> {
  let value = model;
  if (model instanceof Uint8Array) {
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(model);
    } catch {
      throw formatError(source, 'a UTF-8 model.json');
    }
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw formatError(source, `a JSON model.json (${(error as Error).message})`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw formatError(source, `a model.json object (found ${describeJson(value)})`);
  return value as Record<string, unknown>;
}

/** The manifest's groups and shard paths, before any size is known. */
function manifestPaths(model: Record<string, unknown>, source: Source): { manifest: unknown[]; paths: string[][] } {
  const manifest = model.weightsManifest;
  if (!Array.isArray(manifest)) throw formatError(source, `a TF.js model.json with a weightsManifest array (found ${describeJson(manifest)})`);
  const paths = manifest.map((group: unknown, g) => {
    const where = within(source, `weightsManifest[${g}]`);
    if (group === null || typeof group !== 'object') throw formatError(where, `{ paths, weights } (found ${describeJson(group)})`);
    const p = (group as Record<string, unknown>).paths;
    if (!Array.isArray(p) || !p.every((x) => typeof x === 'string' && x.length > 0)) throw formatError(where, `paths as an array of file names (found ${describeJson(p)})`);
    return p as string[];
  });
  return { manifest, paths };
}

function quantizationOf(value: unknown, dtype: string, where: Source): Quantization | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw formatError(where, `a quantization object (found ${describeJson(value)})`);
  const q = value as Record<string, unknown>;
  if (q.dtype === 'float16') {
    if (dtype !== 'float32') throw formatError(where, `float16 quantization of a float32 weight only (found dtype ${dtype})`);
    return { dtype: 'float16' };
  }
  if (q.dtype === 'uint8' || q.dtype === 'uint16') {
    if (typeof q.scale !== 'number' || !Number.isFinite(q.scale) || typeof q.min !== 'number' || !Number.isFinite(q.min)) {
      throw formatError(where, `finite numbers quantization.scale and quantization.min for ${q.dtype} quantization (found ${describeJson(q)})`);
    }
    return { dtype: q.dtype, scale: q.scale, min: q.min };
  }
  throw formatError(where, `quantization dtype 'uint8', 'uint16' or 'float16' (found ${describeJson(q.dtype)})`);
}

/** Checks every group's weights against the byte size of its shards; nothing is read yet. */
function layoutGroups(manifest: unknown[], paths: string[][], groupSizes: number[], policy: 'reject' | 'float64' | 'skip', source: Source): TfjsGroup[] {
  const names = new Set<string>();
  return manifest.map((group, g) => {
    const where = within(source, `weightsManifest[${g}]`);
    const list = (group as Record<string, unknown>).weights;
    if (!Array.isArray(list)) throw formatError(where, `weights as an array (found ${describeJson(list)})`);
    const total = groupSizes[g]!;
    let offset = 0;
    const weights = list.map((spec: unknown, j): TfjsWeight => {
      const at = within(source, `weightsManifest[${g}].weights[${j}]`);
      if (spec === null || typeof spec !== 'object') throw formatError(at, `{ name, shape, dtype } (found ${describeJson(spec)})`);
      const { name, shape, dtype, quantization } = spec as Record<string, unknown>;
      if (typeof name !== 'string') throw formatError(at, `a weight name (found ${describeJson(name)})`);
      const named = within(source, `weight ${JSON.stringify(name)} (weightsManifest[${g}].weights[${j}])`);
      if (names.has(name)) throw formatError(named, 'unique weight names (this one appears twice)');
      names.add(name);
      if (dtype === 'string' || dtype === 'complex64') throw formatError(named, `a float32, int32 or bool weight (found ${dtype}, which randla does not read)`);
      if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw formatError(named, `a known TF.js weight dtype (found unknown dtype ${describeJson(dtype)})`);
      const q = quantizationOf(quantization, dtype, named);
      const size = q ? QUANTIZED_BYTES[q.dtype] : WEIGHT_BYTES[dtype];
      const { shape: dims, count } = checkedCount(shape, size, total - offset, named, 'a shape');
      const keep = admitDtype(dtype, policy, named, dtype);
      const w: TfjsWeight = { name, dtype, shape: dims, count, begin: offset, end: offset + count * size, keep };
      if (q) w.quantization = q;
      offset = w.end;
      return w;
    });
    if (offset !== total) {
      throw formatError(where, `shards of ${offset} bytes in all, as its weights need (found ${total}: the shards and the manifest disagree)`, ErrorCode.SHAPE);
    }
    return { paths: paths[g]!, weights };
  });
}

function decodeWeight(w: TfjsWeight, bytes: Uint8Array, source: Source): WeightTensor {
  const where = within(source, `weight ${JSON.stringify(w.name)}`);
  const q = w.quantization;
  let data: Float32Array | Float64Array;
  if (!q) {
    data = decodeElements(bytes, w.begin, w.count, w.dtype as WeightDtype, true, where);
  } else if (q.dtype === 'float16') {
    data = decodeElements(bytes, w.begin, w.count, 'float16', true, where);
  } else {
    const raw = decodeElements(bytes, w.begin, w.count, q.dtype, true, where); // exact integers in a Float64Array
    const scale = q.scale!;
    const min = q.min!;
    // TF.js computes v·scale + min in double precision and stores it in a Float32Array
    // (float32 weights) or rounds it to an integer (int32 weights): the same here.
    data = w.dtype === 'float32' ? new Float32Array(raw.length) : new Float64Array(raw.length);
    if (w.dtype === 'float32') for (let i = 0; i < raw.length; i++) data[i] = raw[i]! * scale + min;
    else for (let i = 0; i < raw.length; i++) data[i] = Math.round(raw[i]! * scale + min);
  }
  const tensor: WeightTensor = { name: w.name, dtype: w.dtype, shape: w.shape, data };
  if (q) tensor.quantization = q;
  return tensor;
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function metadataOf(model: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(['format', 'generatedBy', 'convertedBy'].filter((k) => typeof model[k] === 'string').map((k) => [k, model[k] as string]));
}

function decodeGroups(model: Record<string, unknown>, groups: TfjsGroup[], buffers: Uint8Array[], source: Source): WeightFile {
  const tensors = new Map<string, WeightTensor>();
  groups.forEach((group, g) => {
    for (const w of group.weights) if (w.keep) tensors.set(w.name, decodeWeight(w, buffers[g]!, source));
  });
  return { format: 'tfjs', tensors, metadata: metadataOf(model) };
}

/**
 * TF.js model artifacts held in memory: the model.json (text, bytes or parsed object) and its
 * weight shards by the names its `weightsManifest[].paths` use. Weights come in manifest order.
 *
 * @example
 * ```ts
 * import { parseTfjsModel } from 'randla';
 * const { tensors } = parseTfjsModel(modelJsonText, { 'group1-shard1of1.bin': shardBytes });
 * ```
 */
export function parseTfjsModel(
  modelJson: string | Uint8Array | object,
  shards: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
  options?: ReadWeightsOptions,
): WeightFile {
  const policy = integerPolicy(options);
  const source: Source = modelJson instanceof Uint8Array ? bytesSource('modelJson', modelJson) : { argument: 'modelJson', received: typeof modelJson === 'string' ? `string(${modelJson.length})` : 'object' };
  const model = modelObject(modelJson, source);
  if (shards === null || typeof shards !== 'object') throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a Map or an object of shard bytes for shards but received ${describeJson(shards)}`, { argument: 'shards' });
  const lookup = (path: string): Uint8Array | undefined =>
    shards instanceof Map ? shards.get(path) : Object.prototype.hasOwnProperty.call(shards, path) ? (shards as Record<string, Uint8Array>)[path] : undefined;
  const { manifest, paths } = manifestPaths(model, source);
  const buffers = paths.map((list, g) =>
    concatenate(
      list.map((p, k) => {
        const bytes = lookup(p);
        if (bytes === undefined) throw formatError(source, `the shard ${JSON.stringify(p)} named in weightsManifest[${g}].paths[${k}] among shards`);
        return expectBytes(bytes, `shards[${JSON.stringify(p)}]`);
      }),
    ),
  );
  const groups = layoutGroups(manifest, paths, buffers.map((b) => b.length), policy, source);
  return decodeGroups(model, groups, buffers, source);
}

/** A manifest path as a file inside the model's directory: relative, with no `..` segment. */
function shardFile(directory: string, path: string, where: string, source: Source): string {
  const segments = path.split(/[\\/]/);
  if (isAbsolute(path) || posix.isAbsolute(path) || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || segments.includes('..')) {
    throw formatError(source, `a shard path relative to the model.json's directory, without '..' (found ${JSON.stringify(path)} in ${where})`);
  }
  return join(directory, ...segments.filter((s) => s.length > 0 && s !== '.'));
}

/**
 * Reads TF.js model artifacts: `path` is the model.json; its shards are read from the same
 * directory (manifest paths must stay inside it). Weights are named as in the manifest
 * (e.g. `dense_1/kernel`, shape [in, out] as Keras stores it), in manifest order.
 *
 * @example
 * ```ts
 * import { readTfjsModel } from 'randla';
 * const { tensors } = await readTfjsModel('/models/mlp/model.json');
 * const kernel = tensors.get('dense_Dense1/kernel')!;
 * ```
 */
export async function readTfjsModel(path: string, options?: ReadWeightsOptions): Promise<WeightFile> {
  expectPath(path);
  const policy = integerPolicy(options);
  const source = pathSource(path);
  const model = modelObject(await readWholeFile(path, 'TF.js model.json'), source);
  const { manifest, paths } = manifestPaths(model, source);
  const directory = dirname(path);
  const files = paths.map((list, g) => list.map((p, k) => shardFile(directory, p, `weightsManifest[${g}].paths[${k}]`, source)));
  // Sizes first: the manifest is checked against them before any shard is read.
  const sizes: number[] = [];
  for (const list of files) {
    let total = 0;
    for (const f of list) {
      const s = await stat(f).catch((e: NodeJS.ErrnoException) => {
        throw formatError(source, `the weight shard ${JSON.stringify(f)} (${e.code ?? e.message})`);
      });
      if (!s.isFile()) throw formatError(source, `the weight shard ${JSON.stringify(f)} to be a file`);
      total += s.size;
    }
    sizes.push(total);
  }
  const groups = layoutGroups(manifest, paths, sizes, policy, source);
  const buffers: Uint8Array[] = [];
  for (let g = 0; g < files.length; g++) {
    const parts: Uint8Array[] = [];
    for (const f of files[g]!) parts.push(await readWholeFile(f, 'TF.js weight shard'));
    const buffer = concatenate(parts);
    if (buffer.length !== sizes[g]) throw formatError(source, `weight shards of weightsManifest[${g}] that do not change while read (${sizes[g]} bytes, then ${buffer.length})`, ErrorCode.SHAPE);
    buffers.push(buffer);
  }
  return decodeGroups(model, groups, buffers, source);
}
