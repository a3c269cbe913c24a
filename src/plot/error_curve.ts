// Error against sketch size, log–log: the bootstrap estimates measured at the sketch sizes tried
// and their extrapolation ∝ t^−1/2 (Lopes, Erichson & Mahoney, ICML 2020, §3;
// docs/algorithms/bootstrap.md, "extrapolate" and "Adaptive sketching"), with the tolerance aimed at.
import { extrapolateError, rowsForTolerance } from '../backend/reference/bootstrap_svd.js';
import { ErrorCode, invalid } from '../errors.js';
import { rejectUnknownOptions } from '../options.js';
import { expectObject, expectOneOf } from '../validate.js';
import { expectInput, expectPositive, expectSize, expectTitle, failure, figure, formatNumber, logDomain, numberArray, type VegaLiteSpec } from './render.js';

export interface ErrorCurvePoint {
  /** t, rows of the sketch (an integer ≥ 1). */
  sketchRows: number;
  /** The error estimate at t, finite and ≥ 0 (0 is drawn at the bottom of the log axis). */
  error: number;
}

export interface ErrorCurveInput {
  /** The measured estimates, one per sketch size tried (at least one). */
  points: ErrorCurvePoint[];
  /** The predicted error at other sizes, drawn dashed (at least two points when given). */
  extrapolation?: ErrorCurvePoint[];
  /** Where the truth is known (a test or a demo): the actual error of a sketch of each size, drawn as hollow points. */
  actual?: ErrorCurvePoint[];
  /** The error aimed at: a horizontal rule. */
  tolerance?: number;
  /** The sketch size predicted to meet the tolerance: a vertical rule. */
  targetRows?: number;
  /** The y axis title (default 'error estimate'). */
  errorLabel?: string;
  title?: string;
  /** The figure's size in SVG units (default 560 × 340). */
  width?: number;
  height?: number;
}

const KNOWN = new Set(['points', 'extrapolation', 'actual', 'tolerance', 'targetRows', 'errorLabel', 'title', 'width', 'height']);
const MEASURED = 'bootstrap estimate';
const EXTRAPOLATED = 'extrapolated ∝ 1/√t';
const ACTUAL = 'actual error';

/** One point checked: sketch rows an integer ≥ 1, the error finite and ≥ 0. */
function point(rows: unknown, error: unknown, rowsArgument: string, errorArgument: string): ErrorCurvePoint {
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1) throw invalid(rowsArgument, 'an integer >= 1', rows);
  if (typeof error !== 'number') throw invalid(errorArgument, 'a number', error);
  if (!Number.isFinite(error)) throw failure(ErrorCode.NOT_FINITE, errorArgument, 'a finite number', String(error));
  if (error < 0) throw invalid(errorArgument, 'a number >= 0', error);
  return { sketchRows: rows, error };
}

function curve(value: unknown, argument: string, minLength: number): ErrorCurvePoint[] {
  if (!Array.isArray(value)) throw invalid(argument, 'an array of { sketchRows, error }', value);
  if (value.length < minLength) throw invalid(argument, `at least ${minLength} point${minLength > 1 ? 's' : ''} { sketchRows, error }`, value);
  return value.map((p: unknown, i) => {
    const q = expectObject(p, `${argument}[${i}]`);
    return point(q.sketchRows, q.error, `${argument}[${i}].sketchRows`, `${argument}[${i}].error`);
  });
}

/**
 * A Vega-Lite spec of error against sketch size on log–log axes: the measured estimates (points
 * joined by a line), the extrapolated curve (dashed), the tolerance (a horizontal rule) and the
 * sketch size predicted to meet it (a vertical rule). {@link errorCurveFromBootstrap} builds the
 * input from a bootstrap result.
 *
 * @example
 * ```ts
 * import { plot } from 'randla';
 * const spec = plot.errorCurveSpec({
 *   points: [{ sketchRows: 100, error: 0.2 }, { sketchRows: 200, error: 0.15 }],
 *   extrapolation: [200, 400, 800].map((t) => ({ sketchRows: t, error: 0.15 * Math.sqrt(200 / t) })),
 *   tolerance: 0.08,
 * });
 * ```
 */
export function errorCurveSpec(input: ErrorCurveInput): VegaLiteSpec {
  const o = expectInput(input, 'input', KNOWN);
  const points = curve(o.points, 'input.points', 1);
  const extrapolation = o.extrapolation === undefined ? undefined : curve(o.extrapolation, 'input.extrapolation', 2);
  const actualPoints = o.actual === undefined ? undefined : curve(o.actual, 'input.actual', 1);
  const tolerance = o.tolerance === undefined ? undefined : expectPositive(o.tolerance, 'input.tolerance');
  let targetRows: number | undefined;
  if (o.targetRows !== undefined) {
    if (typeof o.targetRows !== 'number' || !Number.isInteger(o.targetRows) || o.targetRows < 1) throw invalid('input.targetRows', 'an integer >= 1', o.targetRows);
    targetRows = o.targetRows;
  }
  const errorLabel = expectTitle(o.errorLabel, 'input.errorLabel', 'error estimate');
  const title = expectTitle(o.title, 'input.title', 'Error against sketch size');
  const width = expectSize(o.width, 'input.width', 560);
  const height = expectSize(o.height, 'input.height', 340);

  const all = [...points, ...(extrapolation ?? []), ...(actualPoints ?? [])];
  const rowsDomain = logDomain([...all.map((p) => p.sketchRows), ...(targetRows ? [targetRows] : [])], 1.25);
  const [lo, hi] = logDomain([...all.map((p) => p.error), ...(tolerance ? [tolerance] : [])], 1.6);
  const row = (series: string) => (p: ErrorCurvePoint) => ({ series, sketchRows: p.sketchRows, error: Math.max(p.error, lo), value: p.error });
  const measured = points.map(row(MEASURED)).sort((a, b) => a.sketchRows - b.sketchRows);
  const extrapolated = (extrapolation ?? []).map(row(EXTRAPOLATED)).sort((a, b) => a.sketchRows - b.sketchRows);
  const actual = (actualPoints ?? []).map(row(ACTUAL)).sort((a, b) => a.sketchRows - b.sketchRows);
  const x = { field: 'sketchRows', type: 'quantitative', title: 'sketch rows t (log scale)', scale: { type: 'log', domain: rowsDomain, nice: false }, axis: { format: '~s' } };
  const y = { field: 'error', type: 'quantitative', title: errorLabel, scale: { type: 'log', domain: [lo, hi], nice: false }, axis: { format: '~g' } };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: actual.length > 0 ? { domain: [MEASURED, EXTRAPOLATED, ACTUAL], range: ['#1f5fa8', '#d95f02', '#444444'] } : { domain: [MEASURED, EXTRAPOLATED], range: ['#1f5fa8', '#d95f02'] },
    legend: { orient: 'top-right', labelLimit: 260 },
  };
  const layers: Record<string, unknown>[] = [];
  if (extrapolated.length > 0) {
    layers.push({
      data: { values: extrapolated },
      name: 'extrapolation',
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { x, y, color },
    });
  }
  layers.push({
    data: { values: measured },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
      { name: 'measured', mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { x, y, color } },
    ],
  });
  if (actual.length > 0) {
    layers.push({
      data: { values: actual },
      name: 'actual',
      mark: { type: 'point', filled: false, size: 60, strokeWidth: 1.5, opacity: 1 },
      encoding: { x, y, color },
    });
  }
  if (tolerance !== undefined) {
    layers.push({
      data: { values: [{ y: tolerance, text: `tolerance ${formatNumber(tolerance)}` }] },
      layer: [
        { name: 'tolerance', mark: { type: 'rule', strokeDash: [2, 3], color: '#444' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', x: 4, dy: -3, fontSize: 10, color: '#444' },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  if (targetRows !== undefined) {
    layers.push({
      data: { values: [{ x: targetRows, text: `t = ${targetRows}` }] },
      layer: [
        { name: 'target', mark: { type: 'rule', strokeDash: [2, 3], color: '#444' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        {
          // left of the rule: a target beyond the measured sizes sits near the right edge
          mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, y: { expr: 'height' }, dy: -4, fontSize: 10, color: '#444' },
          encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  const subtitle = [`${points.length} measured size${points.length > 1 ? 's' : ''}${extrapolation ? '; dashed: the estimate scaled by √(t/t′)' : ''}${actual.length ? '; hollow: the actual error of one sketch' : ''}`];
  return figure(
    {
      title,
      subtitle,
      description: `Error estimate against sketch size on log–log axes${extrapolation ? ' with its extrapolation' : ''}${tolerance !== undefined ? ' and the tolerance' : ''}.`,
      size: { width, height },
    },
    { layer: layers },
  );
}

/** What errorCurveFromBootstrap reads: a bootstrapSvdError / covariance / least-squares result, or an adaptive sketchedSvd's. */
export interface BootstrapCurveSource {
  sketchRows: number;
  /** SVD results: the singular values (their count k bounds the sketch size from below). */
  S?: ArrayLike<number>;
  valueError?: number;
  vectorError?: number;
  leftVectorError?: number;
  /** Covariance and least-squares results. */
  error?: number;
  extrapolate?(rows: number): { valueError?: number; vectorError?: number; leftVectorError?: number; error?: number };
  rowsFor?(tolerance: number, metric?: 'value' | 'vector' | 'left'): number;
  /** Adaptive sketchedSvd: one entry per sketch size tried. */
  path?: { rows: number; valueError: number; vectorError: number; leftVectorError: number }[];
}

export interface ErrorCurveFromBootstrapOptions {
  /** SVD results: which estimate (default 'value'). Ignored by covariance/least-squares results (they have one). */
  metric?: 'value' | 'vector' | 'left';
  /** Adds the tolerance rule and the predicted sketch size. */
  tolerance?: number;
  /** Sketch sizes of the extrapolated curve (default: 40 sizes spaced evenly in log t over a range around the measured ones and the prediction). */
  rows?: ArrayLike<number>;
}

const FROM_BOOTSTRAP_OPTIONS = new Set(['metric', 'tolerance', 'rows']);
const METRIC_FIELD = { value: 'valueError', vector: 'vectorError', left: 'leftVectorError' } as const;
// Short: vega sizes a layout from estimated text widths (0.8·font size per character, no
// canvas), and a y-axis title longer than the plot pushes the figure's title out of the frame.
const METRIC_LABEL = {
  value: 'maxⱼ |σ̃ⱼ − σⱼ|',
  vector: 'maxⱼ sin∠(ṽⱼ, vⱼ)',
  left: 'maxⱼ sin∠(ũⱼ, uⱼ)',
} as const;

/**
 * The input of {@link errorCurveSpec} from a bootstrap result: the measured estimate(s) (an
 * adaptive `sketchedSvd` result: every step of its `path`), the extrapolation from the last
 * measured size (the result's own `extrapolate` where it has one, else estimate·√(t/t′)), and
 * with `tolerance` the size predicted to meet it (the result's `rowsFor`, else the same rule).
 *
 * @example
 * ```ts
 * import { bootstrapSvdErrorSync, matrix, plot } from 'randla';
 * const A = matrix(Float64Array.from({ length: 2000 * 10 }, (_, e) => Math.sin(e * e) / (1 + (e % 10))), 2000, 10);
 * const r = bootstrapSvdErrorSync(A, { rank: 3, sketchRows: 200, seed: 1 });
 * const spec = plot.errorCurveSpec(plot.errorCurveFromBootstrap(r, { tolerance: r.valueError / 3 }));
 * ```
 */
export function errorCurveFromBootstrap(result: BootstrapCurveSource, options: ErrorCurveFromBootstrapOptions = {}): ErrorCurveInput {
  const r = expectObject(result, 'result') as unknown as BootstrapCurveSource;
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, FROM_BOOTSTRAP_OPTIONS);
  const tolerance = o.tolerance === undefined ? undefined : expectPositive(o.tolerance, 'options.tolerance');
  const svd = r.valueError !== undefined || r.path !== undefined;
  if (!svd && r.error === undefined) throw invalid('result', 'a bootstrap result (bootstrapSvdError, bootstrapCovarianceError, bootstrapLstsqError or an adaptive sketchedSvd)', result);
  if (!svd && o.metric !== undefined) throw invalid('options.metric', 'no value (the result has a single estimate, error)', o.metric);
  const metric = expectOneOf(o.metric ?? 'value', 'options.metric', ['value', 'vector', 'left'] as const);
  const field = svd ? METRIC_FIELD[metric] : 'error';
  const minRows = svd && r.S !== undefined ? Math.max(1, r.S.length) : 1;

  let points: ErrorCurvePoint[];
  if (r.path !== undefined) {
    if (!Array.isArray(r.path) || r.path.length === 0) throw invalid('result.path', 'a non-empty array of steps', r.path);
    points = r.path.map((p, i) => {
      const step = expectObject(p, `result.path[${i}]`);
      return point(step.rows, step[field], `result.path[${i}].rows`, `result.path[${i}].${field}`);
    });
  } else {
    points = [point(r.sketchRows, (r as unknown as Record<string, unknown>)[field], 'result.sketchRows', `result.${field}`)];
  }
  const last = points[points.length - 1]!;
  // The path's last step is the result's own sketch: the result's methods speak for it.
  const ownMethods = r.path === undefined || last.sketchRows === r.sketchRows;
  const extrapolateAt = (rows: number): number => {
    if (ownMethods && typeof r.extrapolate === 'function') {
      const v = (r.extrapolate(rows) as Record<string, unknown>)[field];
      if (typeof v !== 'number') throw invalid(`result.extrapolate(${rows}).${field}`, 'a number', v);
      return v;
    }
    return extrapolateError(last.error, last.sketchRows, rows);
  };
  let targetRows: number | undefined;
  if (tolerance !== undefined && last.error > 0) {
    targetRows = ownMethods && typeof r.rowsFor === 'function' ? r.rowsFor(tolerance, svd ? metric : undefined) : rowsForTolerance(last.error, last.sketchRows, minRows, tolerance);
  }
  let rows: number[];
  if (o.rows !== undefined) {
    rows = numberArray(o.rows, 'options.rows', { minLength: 2 });
    rows.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 1) throw invalid(`options.rows[${i}]`, 'an integer >= 1', t);
    });
    if (new Set(rows).size < 2) throw invalid('options.rows', 'at least two different sketch sizes (a curve)', o.rows);
  } else {
    const sizes = [...points.map((p) => p.sketchRows), ...(targetRows !== undefined && targetRows < 2 ** 53 ? [targetRows] : [])];
    const from = Math.max(minRows, Math.min(...sizes) / 2);
    const to = Math.max(...sizes) * 2;
    const count = 40;
    rows = Array.from({ length: count }, (_, i) => Math.round(from * (to / from) ** (i / (count - 1))));
  }
  const extrapolation = [...new Set(rows)].sort((a, b) => a - b).map((t) => ({ sketchRows: t, error: extrapolateAt(t) }));
  return {
    points,
    extrapolation,
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...(targetRows !== undefined && targetRows < 2 ** 53 ? { targetRows } : {}),
    errorLabel: svd ? METRIC_LABEL[metric] : 'error estimate',
    title: svd ? `Sketched SVD: ${metric === 'value' ? 'singular-value' : metric === 'vector' ? 'right-vector' : 'left-vector'} error` : 'Sketch error against sketch size',
  };
}
