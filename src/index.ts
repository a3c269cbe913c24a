// randla: randomized numerical linear algebra for Node.js, native-accelerated (DESIGN.md §3).
export type { ComplexArray, ComplexMatrix, Float, Layout, Matrix, Normalizer, Progress, SketchKind } from './types.js';
export { ErrorCode, RandlaError } from './errors.js';
export { matrix, toMlMatrix, type MatrixInput } from './matrix.js';
export { backends, setThreads, type BackendInfo, type BackendName } from './backend/index.js';
export { rsvd, rsvdSync, type RsvdOptions, type RsvdResult } from './rsvd.js';
