/** Public data types shared by every algorithm (DESIGN.md §3). */
export type Float = Float64Array | Float32Array;
export type Layout = 'row-major' | 'col-major';

/** A dense matrix over one contiguous TypedArray; passed to native code without copying. */
export interface Matrix<T extends Float = Float> {
  data: T;
  rows: number;
  cols: number;
  layout: Layout;
}

export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

export interface ComplexMatrix {
  re: Matrix<Float64Array>;
  im: Matrix<Float64Array>;
}

/** Progress of a long computation: `pass` of `totalPasses` passes over the input are done. */
export interface Progress {
  pass: number;
  totalPasses: number;
}

export type Normalizer = 'qr' | 'lu' | 'none';
export type SketchKind = 'gaussian' | 'rademacher';
