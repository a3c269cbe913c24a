// The example's figures, rendered to SVG offline by randla's plot module: the spectrum of the
// weight dynamics over epochs with the monitor's verdict (plot.koopmanSpectrumSpec), and the loss
// of continued training against the loss of each Koopman jump (a spec of its own).
import { plot } from 'randla';

const CONFIG = { font: 'sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10, titleFontSize: 10 } };

/** |λ| of every DMD eigenvalue of the monitor's window at each epoch, coloured by the verdict (randla's plot module). */
export function spectrumSvg(history, title) {
  // results.json keeps the moduli; the entries before the fourth record have no fit.
  const entries = history.filter((e) => e.verdict).map((e) => ({ epoch: e.epoch, verdict: e.verdict, moduli: e.verdict === 'stalled' ? [] : e.moduli }));
  return plot.toSvg(plot.koopmanSpectrumSpec(entries, { title }));
}

/** Training loss per epoch, and each jump's loss at the epoch it stands for. */
export function lossSvg(history, comparison, config) {
  const curve = history.map((e) => ({ epoch: e.epoch, loss: e.trainLoss }));
  const jumps = comparison.map((c) => ({ epoch: config.warmup + c.horizon, loss: c.trainLoss, grouping: c.grouping }));
  return plot.toSvg({
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
