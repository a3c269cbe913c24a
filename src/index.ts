// randla: randomized numerical linear algebra for Node.js, native-accelerated (DESIGN.md §3).
export type { ComplexArray, ComplexMatrix, CsrMatrix, Float, KernelMatrix, Layout, LinearOperator, Matrix, Normalizer, Progress, SketchKind, SymmetricOperator } from './types.js';
export { ErrorCode, RandlaError } from './errors.js';
export { matrix, toMlMatrix, type MatrixInput } from './matrix.js';
export { backends, setThreads, type BackendInfo, type BackendName } from './backend/index.js';
export { rsvd, rsvdSync, type RsvdInput, type RsvdOptions, type RsvdResult } from './rsvd.js';
export { pca, pcaSync, type PcaOptions, type PcaResult } from './pca.js';
export { csrFromDense, csrToDense } from './sparse.js';
export { nystrom, nystromSync, type NystromOptions, type NystromResult } from './nystrom.js';
export {
  sketchedSvd,
  sketchedSvdSync,
  bootstrapSvdError,
  bootstrapSvdErrorSync,
  bootstrapCovarianceError,
  bootstrapCovarianceErrorSync,
  sketchedLstsq,
  sketchedLstsqSync,
  bootstrapLstsqError,
  bootstrapLstsqErrorSync,
  type RowSketch,
  type ErrorMetric,
  type SketchedSvdOptions,
  type SketchedSvdResult,
  type BootstrapSvdOptions,
  type BootstrapSvdResult,
  type SvdErrorEstimate,
  type BootstrapCovarianceOptions,
  type BootstrapCovarianceResult,
  type SketchedLstsqOptions,
  type SketchedLstsqResult,
  type BootstrapLstsqOptions,
  type BootstrapLstsqResult,
} from './bootstrap.js';
export {
  dmd,
  dmdSync,
  dmdBatch,
  dmdBatchSync,
  OnlineDmd,
  WindowDmd,
  type DmdOptions,
  type DmdResult,
  type DmdVariant,
} from './dmd.js';
export {
  KoopmanMonitor,
  koopmanPredict,
  koopmanPredictSync,
  type ConvergenceReport,
  type ConvergenceVerdict,
  type DenseLayerWeights,
  type KoopmanGrouping,
  type KoopmanMode,
  type KoopmanMonitorOptions,
  type KoopmanPredictOptions,
  type WeightsInput,
} from './koopman.js';
export { compressDense, compressDenseSync, type CompressDenseOptions, type CompressedDense } from './compress.js';
export { vorticalNetwork, VorticalNetwork, type VorticalNetworkCallOptions } from './vortical.js';
export {
  lambOseenField,
  vortexStreetField,
  randomVortexField,
  turbulenceField,
  loadVorticityNpy,
  type FlowField,
  type LambOseenVortex,
} from './flow/fields.js';
export {
  SketchState,
  streamSvd,
  defaultSketchSizes,
  type SketchStateOptions,
  type StreamSvdOptions,
  type StreamingSvdResult,
  type SketchStateJson,
} from './streaming.js';
export { readNpyHeader, readNpyRowBlocks, writeNpy, writeNpyRows, type NpyHeader, type NpyReadOptions, type NpyRowBlock } from './io/npy.js';
// Weight I/O (issue 7 item 4, docs/weights-io.md): .npy, .npz, .safetensors, TF.js artifacts.
export { readWeights, weightMatrix } from './io/weights.js';
export { readNpy, parseNpy, encodeNpy, type NpyTensorInput } from './io/npy_format.js';
export { readNpz, parseNpz } from './io/npz.js';
export { readSafetensors, parseSafetensors, encodeSafetensors, writeSafetensors, type TensorInput, type TensorsInput } from './io/safetensors.js';
export { readTfjsModel, parseTfjsModel } from './io/tfjs.js';
export {
  float16ToFloat32,
  bfloat16ToFloat32,
  type WeightTensor,
  type WeightFile,
  type WeightFormat,
  type WeightDtype,
  type ReadWeightsOptions,
} from './io/tensor.js';
// Figures (issue 8, docs/plots.md): Vega-Lite specs, rendered offline to SVG and PNG.
export * as plot from './plot/index.js';
