// The bootstrap coverage plot (bench/bootstrap.mjs): estimated vs true error of a sketched SVD as
// the sketch grows. Two panels side by side, singular values and right vectors, both log–log,
// error against sketch rows t:
//   - the true error's 0.9-quantile over R independent sketches per t (markers): what a 90 %
//     bound should match;
//   - the bootstrap estimate over those R sketches: median (line) and 10–90 % range (band);
//   - the extrapolation curve q̂(t₀)·√(t₀/t) from the smallest t (t₀) through the largest, q̂(t₀)
//     the median estimate at t₀ (dashed): what `extrapolate(t)` predicts from one small sketch.
// Rendered with bench/lib/plot.mjs' vega-lite → vega → SVG path (headless, no network).
import { vegaLiteToSvg } from './plot.mjs';

const SERIES = {
  estimate: 'bootstrap estimate: median, band 10–90 %',
  truth: 'true error: 0.9-quantile over R sketches',
  extrapolation: 'extrapolated from t₀: q̂(t₀)·√(t₀/t)',
};
const COLORS = { estimate: '#1f77b4', truth: '#d62728', extrapolation: '#555555' };
const SHAPES = { estimate: 'circle', truth: 'diamond', extrapolation: 'stroke' };

/** [lo, hi] of a log axis holding every positive value, padded by the factor `pad`. */
function logDomain(xs, pad) {
  const v = xs.filter((x) => x > 0 && Number.isFinite(x));
  return [Math.min(...v) / pad, Math.max(...v) * pad];
}

function panel({ title, rows, t0, metric, xDomain }) {
  const at0 = rows.find((r) => r.t === t0);
  // long format, one row per (t, series): layers pick theirs with a filter, and colour and shape
  // both encode the field `series`, so the two merge into one legend
  const values = rows.flatMap((r) => {
    const m = r[metric];
    const out = [
      { t: r.t, series: SERIES.estimate, y: m.estimate.median, lo: m.estimate.p10, hi: m.estimate.p90 },
      { t: r.t, series: SERIES.truth, y: m.true_q90 },
    ];
    if (at0) out.push({ t: r.t, series: SERIES.extrapolation, y: at0[metric].estimate.median * Math.sqrt(t0 / r.t) });
    return out;
  });
  const yDomain = logDomain(values.flatMap((p) => [p.y, p.lo, p.hi]), 1.25);
  const x = { field: 't', type: 'quantitative', scale: { type: 'log', nice: false, domain: xDomain }, title: 'sketch rows t (log scale)', axis: { values: rows.map((r) => r.t), format: 'd' } };
  const y = (field) => ({ field, type: 'quantitative', scale: { type: 'log', nice: false, domain: yDomain }, title: 'error (log scale)', axis: { format: '~g' } });
  const legend = { orient: 'bottom', direction: 'vertical', title: null, labelLimit: 420 };
  const keys = Object.keys(SERIES);
  const color = { field: 'series', type: 'nominal', scale: { domain: keys.map((k) => SERIES[k]), range: keys.map((k) => COLORS[k]) }, legend };
  const shape = { field: 'series', type: 'nominal', scale: { domain: keys.map((k) => SERIES[k]), range: keys.map((k) => SHAPES[k]) }, legend };
  const only = (key) => ({ filter: { field: 'series', equal: SERIES[key] } });
  return {
    title: { text: title, fontSize: 12 },
    width: 360,
    height: 300,
    data: { values },
    layer: [
      { transform: [only('estimate')], mark: { type: 'area', opacity: 0.18, color: COLORS.estimate }, encoding: { x, y: y('lo'), y2: { field: 'hi' } } },
      { transform: [only('estimate')], mark: { type: 'line', point: { filled: true, size: 40 }, strokeWidth: 1.8 }, encoding: { x, y: y('y'), color, shape } },
      { transform: [only('extrapolation')], mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.4 }, encoding: { x, y: y('y'), color, shape } },
      { transform: [only('truth')], mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y: y('y'), color, shape } },
    ],
  };
}

/**
 * rows: [{ t, value: { estimate: { median, p10, p90 }, true_q90 }, vector: { ... } }] ordered by t;
 * t0: the t the extrapolation starts from; title: string; subtitle: string[]. Returns the SVG text.
 */
export async function coverageSvg({ rows, t0, title, subtitle = [] }) {
  const xDomain = logDomain(rows.map((r) => r.t), 1.15);
  const spec = {
    title: { text: title, subtitle, fontSize: 13, subtitleFontSize: 10, anchor: 'start' },
    background: 'white',
    hconcat: [
      panel({ title: 'singular values: maxⱼ |σ̃ⱼ − σⱼ|', rows, t0, metric: 'value', xDomain }),
      panel({ title: 'right vectors: maxⱼ sin∠(ṽⱼ, vⱼ)', rows, t0, metric: 'vector', xDomain }),
    ],
    resolve: { scale: { y: 'independent' } },
    config: { font: 'sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10 } },
  };
  return vegaLiteToSvg(spec);
}
