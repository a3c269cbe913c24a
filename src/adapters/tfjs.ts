// TensorFlow.js adapter (`randla/tfjs`, docs/koopman-training.md): records a LayersModel's
// weights into a KoopmanMonitor from `model.fit`'s callbacks, reads its Dense layers as the
// snapshots of koopmanPredict (Dogra & Redman 2020, node Koopman operators), and writes
// predicted weights back.
//
// TensorFlow.js is an optional peer dependency. Reading needs nothing from it: the model's
// variables are read through their own interface (typed structurally below, so these
// declarations compile without TensorFlow.js installed). Writing needs a tensor, so
// @tensorflow/tfjs-core is imported when a write is first asked for; npm places it where
// randla resolves the copy the model was built with.
import { ErrorCode, invalid, RandlaError } from '../errors.js';
import { koopmanPredict, type DenseLayerWeights, type KoopmanMonitor, type KoopmanPredictOptions } from '../koopman.js';
import { rejectUnknownOptions } from '../options.js';
import type { Float } from '../types.js';
import { expectBoolean, expectInteger, expectObject, expectOneOf, isDetached, isFloatArray } from '../validate.js';

/** The part of a tf.Tensor the adapter reads. */
export interface TfTensorLike {
  readonly shape: number[];
  readonly dtype: string;
  data(): Promise<ArrayLike<number>>;
}

/** The part of a tf.LayerVariable (an entry of `model.weights`) the adapter uses. */
export interface TfVariableLike {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: string;
  readonly trainable: boolean;
  read(): TfTensorLike;
  write(value: never): unknown;
}

/** The part of a tf.layers.Layer the adapter uses. */
export interface TfLayerLike {
  readonly name: string;
  readonly weights: TfVariableLike[];
  getClassName(): string;
}

/** The part of a tf.LayersModel the adapter uses (any Sequential or functional model). */
export interface TfModelLike {
  readonly weights: TfVariableLike[];
  readonly layers: TfLayerLike[];
}

/** TensorFlow.js's `CustomCallbackArgs` subset this adapter fills (pass it in `fit`'s `callbacks`). */
export interface KoopmanCallback {
  onTrainBegin: (logs?: unknown) => Promise<void>;
  onEpochEnd: (epoch: number, logs?: unknown) => Promise<void>;
  /** The epochs recorded so far, counted from 0 across every fit this callback saw (−1: the weights before training), oldest first. */
  readonly recordedEpochs: number[];
  /** The last `keepDense` Dense-layer snapshots, oldest first: the input of {@link koopmanAdvance}. */
  denseSnapshots(): DenseLayerWeights[][];
}

export interface KoopmanCallbackOptions {
  /** Record at every `every`-th epoch end, counted across fits (default 1). */
  every?: number;
  /**
   * Also record the weights before training, at the first `onTrainBegin` (default true). A later
   * `fit` with the same callback (say one per epoch) records nothing there: its starting weights
   * are the last epoch's, already recorded.
   */
  recordInitial?: boolean;
  /** Record trainable variables only (default true). */
  trainableOnly?: boolean;
  /** Also keep the last `keepDense` snapshots of the Dense layers for koopmanPredict (default 0). */
  keepDense?: number;
  /** Called after each record, awaited: e.g. to read `monitor.convergence()` as training goes. */
  onRecord?: (epoch: number) => void | Promise<void>;
}

const CALLBACK_OPTIONS = new Set(['every', 'recordInitial', 'trainableOnly', 'keepDense', 'onRecord']);

function expectModel(model: unknown): TfModelLike {
  const m = model as Partial<TfModelLike> | null;
  if (m === null || typeof m !== 'object' || !Array.isArray(m.weights) || !Array.isArray(m.layers)) {
    throw invalid('model', 'a TensorFlow.js LayersModel (with weights and layers)', model);
  }
  return m as TfModelLike;
}

function elements(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The float32 variables of the model (trainable ones only unless asked), in `model.weights` order. */
function floatVariables(model: TfModelLike, trainableOnly: boolean): TfVariableLike[] {
  return model.weights.filter((v) => v.dtype === 'float32' && (!trainableOnly || v.trainable));
}

/** A copy of a variable's values (the CPU backend's `data()` hands out its own storage). */
async function readVariable(v: TfVariableLike): Promise<Float32Array> {
  const values = await v.read().data();
  return Float32Array.from(values);
}

/**
 * The model's float32 variables as a named map (`model.weights` names and order), copied: the
 * form {@link KoopmanMonitor.record} takes and {@link writeModelWeights} writes back.
 */
export async function readModelWeights(model: TfModelLike, options: { trainableOnly?: boolean } = {}): Promise<Record<string, Float32Array>> {
  const m = expectModel(model);
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, new Set(['trainableOnly']));
  const trainableOnly = expectBoolean(o.trainableOnly ?? true, 'options.trainableOnly');
  const out: Record<string, Float32Array> = {};
  for (const v of floatVariables(m, trainableOnly)) {
    if (v.name in out) throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected unique variable names in model.weights but received "${v.name}" twice`, { argument: 'model' });
    out[v.name] = await readVariable(v);
  }
  return out;
}

/** The Dense layers with their kernel (rank 2) and bias (rank 1) variables. */
function denseLayers(model: TfModelLike): { layer: TfLayerLike; kernel: TfVariableLike; bias: TfVariableLike | undefined }[] {
  const out = [];
  for (const layer of model.layers) {
    if (typeof layer?.getClassName !== 'function' || layer.getClassName() !== 'Dense') continue;
    const kernel = layer.weights.find((w) => w.shape.length === 2 && w.dtype === 'float32');
    if (!kernel) continue; // not built yet
    const bias = layer.weights.find((w) => w !== kernel && w.shape.length === 1 && w.dtype === 'float32');
    out.push({ layer, kernel, bias });
  }
  if (out.length === 0) throw invalid('model', 'a built model with at least one Dense layer', model);
  return out;
}

/**
 * The model's Dense layers as one snapshot for koopmanPredict: TensorFlow.js keeps a kernel
 * as in × out, so the layers come in layout 'in-out' (`shape` is [out, in] as everywhere).
 */
export async function readDenseLayers(model: TfModelLike): Promise<DenseLayerWeights[]> {
  const layers = denseLayers(expectModel(model));
  const out: DenseLayerWeights[] = [];
  for (const { kernel, bias } of layers) {
    const [inputs, units] = kernel.shape as [number, number];
    out.push({
      kernel: await readVariable(kernel),
      ...(bias ? { bias: await readVariable(bias) } : {}),
      shape: [units, inputs],
    });
  }
  return out;
}

/**
 * A `model.fit` callback that records the model's weights into `monitor` at each epoch end
 * (and once before training), so that `monitor.convergence()`, `spectrum()` and `predict()`
 * describe the training run.
 *
 * @example
 * ```ts
 * import { KoopmanMonitor } from 'randla';
 * import { koopmanCallback, writeModelWeights } from 'randla/tfjs';
 * const monitor = new KoopmanMonitor({ window: 20 });
 * // await model.fit(xs, ys, { epochs: 30, callbacks: koopmanCallback(model, monitor) });
 * // (await monitor.convergence()).verdict
 * // await writeModelWeights(model, (await monitor.predict(10))[9] as Record<string, Float32Array>);
 * ```
 */
export function koopmanCallback(model: TfModelLike, monitor: KoopmanMonitor | null, options: KoopmanCallbackOptions = {}): KoopmanCallback {
  const m = expectModel(model);
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, CALLBACK_OPTIONS);
  const every = expectInteger(o.every ?? 1, 'options.every', 1);
  const recordInitial = expectBoolean(o.recordInitial ?? true, 'options.recordInitial');
  const trainableOnly = expectBoolean(o.trainableOnly ?? true, 'options.trainableOnly');
  const keepDense = expectInteger(o.keepDense ?? 0, 'options.keepDense', 0, 100_000);
  const onRecord = o.onRecord;
  if (onRecord !== undefined && typeof onRecord !== 'function') throw invalid('options.onRecord', 'a function', onRecord);
  if (monitor !== null && (typeof monitor !== 'object' || typeof (monitor as KoopmanMonitor).record !== 'function')) {
    throw invalid('monitor', 'a KoopmanMonitor or null', monitor);
  }
  if (monitor === null && keepDense === 0) throw invalid('options.keepDense', 'an integer >= 1 when monitor is null (nothing would be recorded)', keepDense);

  const recordedEpochs: number[] = [];
  const dense: DenseLayerWeights[][] = [];
  // Epochs are counted here, across fits: TensorFlow.js numbers each fit's epochs from its
  // initialEpoch (0 unless given), so one fit per epoch would otherwise always say epoch 0.
  let epochsSeen = 0;
  const record = async (epoch: number): Promise<void> => {
    if (monitor) monitor.record(await readModelWeights(m, { trainableOnly }));
    if (keepDense > 0) {
      dense.push(await readDenseLayers(m));
      if (dense.length > keepDense) dense.shift();
    }
    recordedEpochs.push(epoch);
    if (onRecord) await (onRecord as (epoch: number) => void | Promise<void>)(epoch);
  };
  return {
    // Arrow functions: TensorFlow.js calls these detached from this object.
    onTrainBegin: async () => {
      // Only before the first fit: a later fit starts from the last epoch's weights, already recorded.
      if (recordInitial && recordedEpochs.length === 0) await record(-1);
    },
    onEpochEnd: async () => {
      epochsSeen += 1;
      if (epochsSeen % every === 0) await record(epochsSeen - 1);
    },
    recordedEpochs,
    denseSnapshots: () => dense.map((snapshot) => snapshot.map((l) => ({ ...l }))),
  };
}

type TensorOf = (values: Float32Array, shape: number[]) => { dispose(): void };

let tensorOf: Promise<TensorOf> | undefined;

/** tf.tensor from the peer @tensorflow/tfjs-core, imported once, on the first write. */
function loadTensorFactory(): Promise<TensorOf> {
  tensorOf ??= import('@tensorflow/tfjs-core').then(
    (tf) => (values: Float32Array, shape: number[]) => tf.tensor(values, shape, 'float32'),
    (cause: unknown) => {
      tensorOf = undefined;
      throw new RandlaError(
        ErrorCode.DEPENDENCY_MISSING,
        'Expected the optional peer dependency @tensorflow/tfjs-core (installed with @tensorflow/tfjs) to write weights into a model but it could not be imported',
        { argument: 'model', cause },
      );
    },
  );
  return tensorOf;
}

function expectWeightsArray(value: unknown, argument: string, length: number): Float {
  if (!isFloatArray(value)) throw invalid(argument, `a Float32Array/Float64Array of ${length} values`, value);
  if (isDetached(value)) throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected an attached buffer for ${argument} but received a detached ArrayBuffer`, { argument });
  if (value.length !== length) throw new RandlaError(ErrorCode.SHAPE, `Expected ${length} values for ${argument} but received ${value.length}`, { argument });
  // Checked as float32, what the variable will hold: a float64 value beyond 3.4e38 would become ±Infinity.
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(Math.fround(value[i]!))) {
      throw new RandlaError(ErrorCode.NOT_FINITE, `Expected finite float32 weights in ${argument} but received ${value[i]} at ${i}`, { argument });
    }
  }
  return value;
}

/** One planned write: the variable and its new values (float32, the variable's element order). */
interface Assignment {
  variable: TfVariableLike;
  values: Float32Array;
}

function namedAssignments(model: TfModelLike, weights: Record<string, unknown>): Assignment[] {
  const byName = new Map(model.weights.map((v) => [v.name, v]));
  return Object.entries(weights).map(([name, values]) => {
    const variable = byName.get(name);
    if (!variable) throw invalid('weights', `names of model.weights (${[...byName.keys()].slice(0, 8).join(', ')}${byName.size > 8 ? ', …' : ''})`, name);
    if (variable.dtype !== 'float32') throw invalid(`weights["${name}"]`, 'a float32 variable', variable.dtype);
    return { variable, values: Float32Array.from(expectWeightsArray(values, `weights["${name}"]`, elements(variable.shape))) };
  });
}

function denseAssignments(model: TfModelLike, weights: unknown[], layout: 'in-out' | 'out-in'): Assignment[] {
  const layers = denseLayers(model);
  if (weights.length !== layers.length) throw new RandlaError(ErrorCode.SHAPE, `Expected ${layers.length} Dense layers in weights (the model's) but received ${weights.length}`, { argument: 'weights' });
  const out: Assignment[] = [];
  layers.forEach(({ layer, kernel, bias }, l) => {
    const argument = `weights[${l}]`;
    const w = weights[l] as Partial<DenseLayerWeights> | null;
    if (w === null || typeof w !== 'object') throw invalid(argument, 'a layer { kernel, bias?, shape: [out, in] }', w);
    const [inputs, units] = kernel.shape as [number, number];
    if (!Array.isArray(w.shape) || w.shape[0] !== units || w.shape[1] !== inputs) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected shape [${units}, ${inputs}] (layer ${layer.name}) for ${argument}.shape but received ${JSON.stringify(w.shape)}`, { argument: `${argument}.shape` });
    }
    const k = expectWeightsArray(w.kernel, `${argument}.kernel`, units * inputs);
    const values = new Float32Array(units * inputs);
    if (layout === 'in-out') values.set(k);
    else for (let o = 0; o < units; o++) for (let j = 0; j < inputs; j++) values[j * units + o] = k[o * inputs + j]!;
    out.push({ variable: kernel, values });
    if (bias) {
      if (w.bias === undefined) throw invalid(`${argument}.bias`, `a Float32Array/Float64Array of ${units} values (layer ${layer.name} has a bias)`, w.bias);
      out.push({ variable: bias, values: Float32Array.from(expectWeightsArray(w.bias, `${argument}.bias`, units)) });
    } else if (w.bias !== undefined) {
      throw invalid(`${argument}.bias`, `undefined (layer ${layer.name} has no bias)`, w.bias);
    }
  });
  return out;
}

/**
 * Writes weights into the model: a named map (as {@link readModelWeights} and a monitor's
 * `predict` give; a subset of the variables is fine), or Dense layers (as
 * {@link readDenseLayers} and koopmanPredict give; layout 'in-out' unless said). Everything is
 * checked before the first variable changes, so bad input leaves the model as it was.
 */
export async function writeModelWeights(
  model: TfModelLike,
  weights: Record<string, Float> | DenseLayerWeights[],
  options: { layout?: 'in-out' | 'out-in' } = {},
): Promise<void> {
  const m = expectModel(model);
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, new Set(['layout']));
  const layout = expectOneOf(o.layout ?? 'in-out', 'options.layout', ['in-out', 'out-in'] as const);
  if (weights === null || typeof weights !== 'object') throw invalid('weights', 'a named map of weights or an array of Dense layers', weights);
  const plan = Array.isArray(weights) ? denseAssignments(m, weights, layout) : namedAssignments(m, weights as Record<string, unknown>);
  const tensor = await loadTensorFactory();
  for (const { variable, values } of plan) {
    const t = tensor(values, variable.shape);
    try {
      // LayerVariable.write assigns the tensor's storage (reference-counted): ours can go.
      variable.write(t as never);
    } finally {
      t.dispose();
    }
  }
}

/**
 * Koopman training step (Dogra & Redman 2020): predicts the Dense layers `steps` epochs past
 * the last snapshot with node Koopman operators (koopmanPredict, layout 'in-out') and writes
 * them into the model. Returns the predicted layers.
 */
export async function koopmanAdvance(
  model: TfModelLike,
  snapshots: DenseLayerWeights[][],
  options: Omit<KoopmanPredictOptions, 'layout'>,
): Promise<DenseLayerWeights[]> {
  const m = expectModel(model);
  const o = expectObject(options, 'options');
  if ('layout' in o) throw invalid('options.layout', "no layout (TensorFlow.js kernels are 'in-out')", o.layout);
  const predicted = await koopmanPredict(snapshots, { ...(o as unknown as KoopmanPredictOptions), layout: 'in-out' });
  await writeModelWeights(m, predicted);
  return predicted;
}
