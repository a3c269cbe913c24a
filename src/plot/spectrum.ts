// Singular-value spectrum figure: σⱼ against j on a log axis, optional error bars (e.g. the
// bootstrap estimate of Lopes, Erichson & Mahoney 2020, docs/algorithms/bootstrap.md) and the rank kept.
import { ErrorCode, invalid } from '../errors.js';
import { expectInput, expectSize, expectTitle, failure, figure, formatNumber, logDomain, numberArray, type VegaLiteSpec } from './render.js';

export interface SpectrumInput {
  /** σ₁ ≥ σ₂ ≥ … (any order is drawn as given), finite and ≥ 0. */
  singularValues: ArrayLike<number>;
  /**
   * Per-value half-widths eⱼ (bars from σⱼ − eⱼ to σⱼ + eⱼ), one per singular value; or a
   * `bootstrapSvdError` result, whose `perComponent.value` (the (1 − α) quantile of |σ̃ⱼ − σⱼ|)
   * is used.
   */
  errors?: ArrayLike<number> | { perComponent: { value: ArrayLike<number> } };
  /** The rank chosen: a rule between σ_k and σ_{k+1}, values beyond it drawn grey. */
  rank?: number;
  title?: string;
  /** The figure's size in SVG units (default 560 × 340). */
  width?: number;
  height?: number;
}

const KNOWN = new Set(['singularValues', 'errors', 'rank', 'title', 'width', 'height']);

/**
 * A Vega-Lite spec of a singular-value spectrum: σⱼ against j = 1 … n on a log axis, with error
 * bars and a rule at the chosen rank. A zero σⱼ, and a bar's lower end at or below zero, are
 * drawn at the bottom of the axis (a log axis has no zero).
 *
 * @example
 * ```ts
 * import { bootstrapSvdErrorSync, matrix, plot } from 'randla';
 * const A = matrix(Float64Array.from({ length: 400 * 8 }, (_, e) => Math.sin(e * e) / (1 + (e % 8)) ** 2), 400, 8);
 * const r = bootstrapSvdErrorSync(A, { rank: 4, sketchRows: 80, seed: 1 });
 * await plot.writePlot('/tmp/spectrum.svg', plot.spectrumSpec({ singularValues: r.S, errors: r, rank: 3 }));
 * ```
 */
export function spectrumSpec(input: SpectrumInput): VegaLiteSpec {
  const o = expectInput(input, 'input', KNOWN);
  const values = numberArray(o.singularValues, 'input.singularValues', { nonNegative: true });
  const n = values.length;
  if (!values.some((v) => v > 0)) throw invalid('input.singularValues', 'at least one value > 0 (a log axis)', o.singularValues);
  let errors: number[] | undefined;
  let errorsFromBootstrap = false;
  if (o.errors !== undefined) {
    const e = o.errors as { perComponent?: { value?: unknown } };
    if (e !== null && typeof e === 'object' && !Array.isArray(e) && !ArrayBuffer.isView(e) && 'perComponent' in e) {
      errors = numberArray(e.perComponent?.value, 'input.errors.perComponent.value', { nonNegative: true });
      errorsFromBootstrap = true;
    } else {
      errors = numberArray(o.errors, 'input.errors', { nonNegative: true });
    }
    if (errors.length !== n) {
      const argument = errorsFromBootstrap ? 'input.errors.perComponent.value' : 'input.errors';
      throw failure(ErrorCode.SHAPE, argument, `one error per singular value (${n})`, `${errors.length}`);
    }
  }
  let rank: number | undefined;
  if (o.rank !== undefined) {
    if (typeof o.rank !== 'number' || !Number.isInteger(o.rank) || o.rank < 1 || o.rank > n) throw invalid('input.rank', `an integer in [1, ${n}]`, o.rank);
    rank = o.rank;
  }
  const width = expectSize(o.width, 'input.width', 560);
  const height = expectSize(o.height, 'input.height', 340);
  const title = expectTitle(o.title, 'input.title', 'Singular-value spectrum');

  const ends = errors ? values.flatMap((v, j) => [v - errors![j]!, v + errors![j]!]) : [];
  const [lo, hi] = logDomain([...values, ...ends], 1.6);
  const atFloor = (v: number) => (v > lo ? v : lo);
  const rows = values.map((v, j) => ({
    j: j + 1,
    sigma: atFloor(v),
    value: v,
    ...(errors ? { lower: atFloor(v - errors[j]!), upper: v + errors[j]! } : {}),
    kept: rank === undefined || j < rank ? 'kept' : 'discarded',
  }));
  const x = {
    field: 'j',
    type: 'quantitative',
    title: 'index j',
    scale: { domain: [0.5, n + 0.5], nice: false, zero: false },
    axis: { tickMinStep: 1, format: 'd', grid: false },
  };
  const y = { field: 'sigma', type: 'quantitative', title: 'singular value σⱼ', scale: { type: 'log', domain: [lo, hi], nice: false }, axis: { format: '~g' } };
  const layers: Record<string, unknown>[] = [
    { name: 'trend', mark: { type: 'line', color: '#bbb', strokeWidth: 1 }, encoding: { x, y } },
  ];
  if (errors) {
    layers.push({
      name: 'errorBars',
      mark: { type: 'errorbar', ticks: { size: n > 60 ? 3 : 8 }, color: '#d95f02' },
      encoding: { x, y: { field: 'lower', type: 'quantitative', scale: y.scale, title: y.title }, y2: { field: 'upper' } },
    });
  }
  layers.push({
    name: 'values',
    mark: { type: 'point', filled: true, size: n > 60 ? 18 : 45, opacity: 1 },
    encoding: {
      x,
      y,
      color: {
        field: 'kept',
        type: 'nominal',
        title: null,
        scale: { domain: ['kept', 'discarded'], range: ['#1f5fa8', '#aaaaaa'] },
        legend: rank === undefined ? null : { orient: 'top-right' },
      },
    },
  });
  if (rank !== undefined && rank < n) {
    layers.push({
      data: { values: [{ x: rank + 0.5, text: `rank ${rank}` }] },
      layer: [
        { name: 'rankRule', mark: { type: 'rule', strokeDash: [5, 4], color: '#444' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, y: 4, fontSize: 10, color: '#444' },
          encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  const subtitle: string[] = [];
  if (errors) {
    subtitle.push(
      errorsFromBootstrap ? 'bars: σⱼ ± the bootstrap (1 − α) quantile of |σ̃ⱼ − σⱼ|' : 'bars: σⱼ ± the given error',
    );
  }
  const largest = Math.max(...values);
  const smallest = Math.min(...values);
  subtitle.push(`${n} values, σ₁/σₙ = ${smallest > 0 ? formatNumber(largest / smallest) : '∞'}`);
  return figure(
    {
      title,
      subtitle,
      description: `Singular values against their index on a log axis${errors ? ' with error bars' : ''}${rank !== undefined ? `, rank ${rank} marked` : ''}.`,
      size: { width, height },
    },
    { data: { values: rows }, layer: layers },
  );
}
