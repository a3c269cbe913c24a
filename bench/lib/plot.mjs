// Error-vs-time plot of the q sweep: a vega-lite spec compiled to vega and rendered to SVG
// headlessly (renderer 'none': no canvas, no fonts, no network), as DESIGN.md's plot stack
// prescribes. Top panel: the spectral error ‖A − UΣVᵀ‖₂ against the median time, one line per
// contender through q = 0, 1, 2, 4. With a known σ_{k+1} (the Eckart–Young floor of that error)
// a second panel shows the excess error/σ_{k+1} − 1 on a log axis: on a fast-decaying spectrum
// every contender reaches the floor within a few parts in 10⁴ once q ≥ 1, which the top panel
// cannot resolve.

const SUB = '₀₁₂₃₄₅₆₇₈₉';
const subscript = (n) => String(n).replace(/[0-9]/g, (d) => SUB[Number(d)]);

/** Excesses below this are drawn at it: the Lanczos estimate resolves about 1e-7 relative. */
export const EXCESS_FLOOR = 1e-6;

/** [lo, hi] of a log axis holding every value, padded by `pad` (a factor) on each side. */
function logDomain(xs, pad) {
  const v = xs.filter((x) => x > 0 && Number.isFinite(x));
  return [Math.min(...v) / pad, Math.max(...v) * pad];
}

const WIDTH = 600;

function panel({ yField, yTitle, yDomain, xDomain, xTitle, rule, legend, yFormat }) {
  const x = { field: 'time_ms', type: 'quantitative', scale: { type: 'log', nice: false, domain: xDomain }, title: xTitle };
  const y = { field: yField, type: 'quantitative', scale: { type: 'log', nice: false, domain: yDomain }, title: yTitle, axis: { format: yFormat } };
  const layers = [
    {
      mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 1.5 },
      encoding: {
        x,
        y,
        // one legend for both panels (the scales are shared): declared once, in the top panel
        color: { field: 'series', type: 'nominal', title: null, ...(legend ? { legend: { orient: 'top-right', labelLimit: 320 } } : {}) },
        shape: { field: 'series', type: 'nominal' },
        order: { field: 'q', type: 'quantitative' },
      },
    },
    {
      mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 9 },
      encoding: { x, y, text: { field: 'label' }, color: { field: 'series', type: 'nominal' } },
    },
  ];
  if (rule) {
    layers.push({
      data: { values: [rule] },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -3, x: 4, fontSize: 9, color: '#666' },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  return { width: WIDTH, height: 300, layer: layers };
}

/**
 * points: [{ series, q, time_ms, error }]; optimum: σ_{k+1} or null (no second panel);
 * k: the rank; title: string; subtitle: string[] (one line each). Returns the SVG text.
 */
export async function errorVsTimeSvg({ points, optimum, k, title, subtitle = [] }) {
  const values = points
    .filter((p) => p.time_ms > 0 && p.error > 0)
    .map((p) => ({ ...p, label: `q=${p.q}`, excess: optimum > 0 ? Math.max(p.error / optimum - 1, EXCESS_FLOOR) : null }));
  const xDomain = logDomain(values.map((p) => p.time_ms), 1.12);
  const xTitle = 'median time per call (ms, log scale)';
  const top = panel({
    yField: 'error',
    yTitle: 'spectral error ‖A − UΣVᵀ‖₂',
    yFormat: '.2~e',
    yDomain: logDomain([...values.map((p) => p.error), ...(optimum > 0 ? [optimum] : [])], 1.15),
    xDomain,
    xTitle,
    legend: true,
    rule: optimum > 0 ? { y: optimum, text: `σ${subscript(k + 1)} = ${optimum.toExponential(2)}: the least rank-${k} error (Eckart–Young)` } : null,
  });
  const panels = [top];
  if (optimum > 0) {
    panels.push(panel({
      yField: 'excess',
      yTitle: `error / σ${subscript(k + 1)} − 1`,
      yFormat: '.0e',
      yDomain: logDomain([...values.map((p) => p.excess), EXCESS_FLOOR], 2),
      xDomain,
      xTitle,
      legend: false,
      rule: { y: EXCESS_FLOOR, text: `${EXCESS_FLOOR.toExponential(0)}: values below are drawn here (estimator resolution)` },
    }));
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // text widths are estimated without a canvas (generously): keep each title line short
    title: { text: title, subtitle, fontSize: 13, subtitleFontSize: 10, anchor: 'start' },
    background: 'white',
    data: { values },
    vconcat: panels,
    config: { font: 'sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10 } },
  };
  return vegaLiteToSvg(spec);
}

/**
 * Compile a vega-lite spec to vega and render it to SVG text headlessly (renderer 'none': no
 * canvas, no fonts, no network). Shared by every bench plot (bootstrap-plot.mjs too).
 */
export async function vegaLiteToSvg(spec) {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
