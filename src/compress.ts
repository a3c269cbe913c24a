// Low-rank compression of a dense layer (docs/algorithms/koopman.md, "compressDense"): W ≈ A·B
// from the randomized SVD (Halko, Martinsson, Tropp 2011), the rank fixed or chosen for a
// relative Frobenius tolerance by the fixed-accuracy randomized SVD (Yu, Gu, Li 2018, randQB_EI),
// optionally with the bootstrap error estimate of Lopes, Erichson, Mahoney (ICML 2020).
import { bootstrapSvdError, bootstrapSvdErrorSync } from './bootstrap.js';
import type { BackendName } from './backend/index.js';
import { invalid } from './errors.js';
import { toMatrix, type MatrixInput } from './matrix.js';
import { rejectUnknownOptions } from './options.js';
import { rsvd, rsvdSync, type RsvdOptions, type RsvdResult } from './rsvd.js';
import type { Float, Matrix } from './types.js';
import { expectFinite, expectObject } from './validate.js';

export interface CompressDenseOptions {
  /** The rank r (give this or `tol`). */
  rank?: number;
  /** Relative Frobenius tolerance in (0, 1): the smallest rank the fixed-accuracy rSVD finds with ‖W − A·B‖_F ≤ tol·‖W‖_F. */
  tol?: number;
  /** With a level c in (0, 1): the bootstrap's (c-quantile) error estimates of a row sketch of W at rank r. */
  confidence?: number;
  /** Power iterations of the randomized SVD (default 2). */
  powerIters?: number;
  /** Oversamples of the randomized SVD (default 10). */
  oversamples?: number;
  seed?: number | bigint;
  backend?: BackendName;
}

export interface CompressedDense {
  /** U·diag(σ): out × r, row-major, in W's dtype. */
  A: Matrix;
  /** Vᵀ: r × in, row-major, in W's dtype. */
  B: Matrix;
  rank: number;
  /** ‖W − A·B‖_F / ‖W‖_F, computed from W and the factors. */
  relativeError: number;
  /** Parameters of W (out·in), of the factors (r·(out + in)), and the share saved. */
  parameters: { before: number; after: number; saved: number };
  /** With `confidence`: the bootstrap estimates (docs/algorithms/bootstrap.md). */
  confidence?: { level: number; sketchRows: number; valueError: number; vectorError: number; subspaceError: number };
  seed: number | bigint;
  backend: string;
}

const OPTIONS = new Set(['rank', 'tol', 'confidence', 'powerIters', 'oversamples', 'seed', 'backend']);

interface Prepared {
  W: Matrix;
  rsvdOptions: RsvdOptions;
  confidence: number | undefined;
}

function prepare(Win: unknown, options: unknown): Prepared {
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, OPTIONS);
  const W = toMatrix(Win, 'W');
  // Checked here so that the error names W, not the A of the rsvd underneath.
  expectFinite(W, 'W');
  if ((o.rank === undefined) === (o.tol === undefined)) {
    throw invalid(o.rank === undefined ? 'options.rank' : 'options.tol', 'exactly one of options.rank and options.tol', o.rank === undefined ? 'neither' : 'both');
  }
  const confidence = o.confidence;
  if (confidence !== undefined && !(typeof confidence === 'number' && confidence > 0 && confidence < 1)) {
    throw invalid('options.confidence', 'a number in (0, 1)', confidence);
  }
  const rsvdOptions: RsvdOptions = {
    ...(o.rank !== undefined ? { rank: o.rank as number } : { tol: o.tol as number }),
    powerIters: (o.powerIters ?? 2) as number,
    oversamples: (o.oversamples ?? 10) as number,
    ...(o.seed !== undefined ? { seed: o.seed as number | bigint } : {}),
    ...(o.backend !== undefined ? { backend: o.backend as BackendName } : {}),
  };
  return { W, rsvdOptions, confidence: confidence as number | undefined };
}

/** ‖W − A·B‖_F / ‖W‖_F, row by row (one product, no out × in temporary). */
function relativeError(W: Matrix, A: Matrix, B: Matrix): number {
  const out = W.rows;
  const inputs = W.cols;
  const r = A.cols;
  const row = new Float64Array(inputs);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < out; i++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const a = A.data[i * r + k]!;
      const o = k * inputs;
      for (let j = 0; j < inputs; j++) row[j] = row[j]! + a * B.data[o + j]!;
    }
    for (let j = 0; j < inputs; j++) {
      const w = W.layout === 'row-major' ? W.data[i * inputs + j]! : W.data[i + j * out]!;
      diff += (w - row[j]!) ** 2;
      norm += w * w;
    }
  }
  return norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff);
}

function factors(W: Matrix, svd: RsvdResult): { A: Matrix; B: Matrix; rank: number } {
  const r = svd.rank;
  const U = (svd as { U: Matrix }).U;
  const Vt = (svd as { Vt: Matrix }).Vt;
  // A = U·diag(σ), in U's dtype (W's).
  const data: Float = U.data instanceof Float32Array ? new Float32Array(U.data.length) : new Float64Array(U.data.length);
  for (let i = 0; i < W.rows; i++) for (let k = 0; k < r; k++) data[i * r + k] = U.data[i * r + k]! * svd.S[k]!;
  return { A: { data, rows: W.rows, cols: r, layout: 'row-major' }, B: Vt, rank: r };
}

function finish(p: Prepared, svd: RsvdResult, estimate?: CompressedDense['confidence']): CompressedDense {
  const { A, B, rank } = factors(p.W, svd);
  const before = p.W.rows * p.W.cols;
  const after = rank * (p.W.rows + p.W.cols);
  return {
    A,
    B,
    rank,
    relativeError: relativeError(p.W, A, B),
    parameters: { before, after, saved: 1 - after / before },
    ...(estimate ? { confidence: estimate } : {}),
    seed: svd.seed,
    backend: svd.backend,
  };
}

/** The bootstrap's sketch: 4r rows (at least r, at most the rows of W, at least 200 when W has them). */
function sketchRows(W: Matrix, rank: number): number {
  return Math.max(rank, Math.min(W.rows, Math.max(4 * rank, 200)));
}

/**
 * Compresses a dense layer W (out × in) into factors A (out × r) and B (r × in) with W ≈ A·B,
 * by the randomized SVD at a given rank or for a relative tolerance, and reports the exact
 * relative error and the parameters saved.
 *
 * @example
 * ```ts
 * import { compressDense, matrix } from 'randla';
 * const W = matrix(new Float32Array(512 * 256).map(() => Math.random() - 0.5), 512, 256);
 * const { A, B, rank, relativeError, parameters } = await compressDense(W, { tol: 0.5 });
 * console.log(rank, relativeError, parameters.saved);
 * ```
 */
export async function compressDense(W: MatrixInput, options: CompressDenseOptions): Promise<CompressedDense> {
  const p = prepare(W, options);
  const svd = await rsvd(p.W, p.rsvdOptions);
  if (p.confidence === undefined) return finish(p, svd);
  const t = sketchRows(p.W, svd.rank);
  const e = await bootstrapSvdError(p.W, { rank: svd.rank, sketchRows: t, alpha: 1 - p.confidence, seed: svd.seed, ...(p.rsvdOptions.backend ? { backend: p.rsvdOptions.backend } : {}) });
  return finish(p, svd, { level: p.confidence, sketchRows: t, valueError: e.valueError, vectorError: e.vectorError, subspaceError: e.subspaceError });
}

/** {@link compressDense}, blocking. */
export function compressDenseSync(W: MatrixInput, options: CompressDenseOptions): CompressedDense {
  const p = prepare(W, options);
  const svd = rsvdSync(p.W, p.rsvdOptions);
  if (p.confidence === undefined) return finish(p, svd);
  const t = sketchRows(p.W, svd.rank);
  const e = bootstrapSvdErrorSync(p.W, { rank: svd.rank, sketchRows: t, alpha: 1 - p.confidence, seed: svd.seed, ...(p.rsvdOptions.backend ? { backend: p.rsvdOptions.backend } : {}) });
  return finish(p, svd, { level: p.confidence, sketchRows: t, valueError: e.valueError, vectorError: e.vectorError, subspaceError: e.subspaceError });
}
