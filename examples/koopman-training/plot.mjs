// The example's two figures as Vega-Lite specs rendered to SVG offline (the bench's renderer):
// the spectrum of the weight dynamics over epochs with the monitor's verdict, and the loss of
// continued training against the loss of each Koopman jump.
import { vegaLiteToSvg } from '../../bench/lib/plot.mjs';

const VERDICT_COLORS = { domain: ['converging', 'oscillating', 'diverging', 'stalled'], range: ['#1b9e77', '#d95f02', '#d62728', '#7570b3'] };
const CONFIG = { font: 'sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10, titleFontSize: 10 } };

function spectrumPanel(history, title) {
  // A stalled window has no fit: its verdict is drawn at |λ| = 0 so that every verdict shows.
  const values = history.flatMap((e) =>
    e.verdict === 'stalled' ? [{ epoch: e.epoch, modulus: 0, verdict: e.verdict }] : (e.moduli ?? []).map((m) => ({ epoch: e.epoch, modulus: m, verdict: e.verdict })),
  );
  return {
    title: { text: title, fontSize: 11, anchor: 'start' },
    width: 560,
    height: 200,
    data: { values },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 22, opacity: 0.75 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'modulus', type: 'quantitative', title: '|λ| of the increments’ DMD', scale: { type: 'symlog', constant: 0.1 } },
          color: { field: 'verdict', type: 'nominal', title: 'verdict', scale: VERDICT_COLORS },
        },
      },
      { data: { values: [{ y: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  };
}

/** |λ| of every DMD eigenvalue of the monitor's window at each epoch, coloured by the verdict. */
export function spectrumSvg(history, largeHistory, config) {
  return vegaLiteToSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Koopman spectrum of the weight dynamics over training',
      subtitle: [`KoopmanMonitor, window ${config.monitorWindow} epochs; dashed: |λ| = 1`],
      fontSize: 13,
      subtitleFontSize: 10,
      anchor: 'start',
    },
    background: 'white',
    vconcat: [
      spectrumPanel(history, `SGD, learning rate ${config.learningRate}`),
      spectrumPanel(largeHistory, `SGD, learning rate ${config.largeLearningRate} (too large)`),
    ],
    resolve: { scale: { color: 'shared' } },
    config: CONFIG,
  });
}

/** Training loss per epoch, and each jump's loss at the epoch it stands for. */
export function lossSvg(history, comparison, config) {
  const curve = history.map((e) => ({ epoch: e.epoch, loss: e.trainLoss }));
  const jumps = comparison.map((c) => ({ epoch: config.warmup + c.horizon, loss: c.trainLoss, grouping: c.grouping }));
  return vegaLiteToSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Koopman jumps vs continued training',
      subtitle: [`jump from epoch ${config.warmup} using the last ${config.snapshots} snapshots; points: the loss at the predicted weights`],
      fontSize: 13,
      subtitleFontSize: 10,
      anchor: 'start',
    },
    background: 'white',
    width: 560,
    height: 300,
    layer: [
      {
        data: { values: curve },
        mark: { type: 'line', color: '#444', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'loss', type: 'quantitative', title: 'training loss (cross-entropy, full set)', scale: { type: 'log' } },
        },
      },
      {
        data: { values: jumps },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          color: { field: 'grouping', type: 'nominal', title: 'Koopman jump' },
          shape: { field: 'grouping', type: 'nominal' },
        },
      },
      { data: { values: [{ x: config.warmup }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
    ],
    config: CONFIG,
  });
}
