// `npm run demo` (docs/demo.md): the four capabilities on generated data, written to
// demo-out/ as one self-contained page (index.html) with its figures as SVG and PNG and the
// numbers as summary.json; a summary table on stdout. Everything is seeded and repeats exactly.
//
//   npm run demo [-- --out DIR]
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { backends } from './backend/index.js';
import { dmdDemo, flowNetworkDemo, svdDemo, trainingDemo } from './demo/compute.js';
import { demoPage, type PageFigure, type PageSection } from './demo/page.js';
import { writeAtomically } from './io/atomic.js';
import { toJson } from './cli/context.js';
import * as plot from './plot/index.js';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'demo-out' } } });
const OUT = resolve(args.out!);
const t0 = performance.now();
const fmt = (x: number, digits = 4) => Number(x.toPrecision(digits)).toString();
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;

async function writeText(path: string, text: string | Uint8Array): Promise<void> {
  await writeAtomically(path, async (file) => {
    await file.writeFile(text);
  });
}

/** Renders a figure to name.svg and name.png (2× for sharp text) and returns it for the page. */
async function figure(name: string, caption: string, spec: plot.VegaLiteSpec): Promise<PageFigure> {
  const svg = await plot.toSvg(spec);
  await writeText(join(OUT, `${name}.svg`), svg);
  await writeText(join(OUT, `${name}.png`), await plot.toPng(svg, { scale: 2 }));
  return { name, caption, svg };
}

await mkdir(OUT, { recursive: true });
const native = backends().find((b) => b.name === 'native');
const backend = native?.available ? `native (${native.device ?? 'cpu'})` : 'reference (pure TypeScript)';
console.log(`randla demo: backend ${backend}; writing ${OUT}`);

// 1. Flow network
const flow = await flowNetworkDemo();
const [uniform, quasi] = flow.runs;
const flowSection: PageSection = {
  id: 'flow-network',
  title: 'Vortical network of 2-D turbulence: Nyström from 300 of its columns',
  text: [
    `A decaying-turbulence vorticity field (${flow.grid[0]} × ${flow.grid[1]}, seed 1) defines a network on its ${flow.network.size} cells with |ω| above 10 % of the maximum: the Biot–Savart interaction between every pair. Its dense adjacency would need ${fmt((flow.network.size ** 2 * 8) / 2 ** 30, 3)} GiB; Nyström reads only the sampled columns, computed on the fly.`,
    'Uniform sampling picks columns at random; quasi-uniform picks them spread over the domain. docs/flow-networks.md measures both: quasi-uniform finds the leading eigenvector more accurately, uniform the eigenvalues.',
  ],
  rows: [
    ['nodes', String(flow.network.size)],
    ...flow.runs.map((r) => [`λ₁…λ₃, ${r.sampling}`, `${Array.from(r.result.values.slice(0, 3), (v) => fmt(v)).join(', ')} (${ms(r.ms)})`] as [string, string]),
  ],
  figures: [
    await figure('flow-uniform', 'Leading eigenvectors of the network (uniform sampling), sampled columns overlaid', plot.flowEigenvectorsSpec({ grid: flow.grid, nodes: flow.network.nodes, eigenvectors: uniform!.result.vectors, columns: uniform!.result.indices, count: 3, title: 'Leading eigenvectors, uniform sampling' })),
    await figure('flow-quasi-uniform', 'The same with quasi-uniform sampling', plot.flowEigenvectorsSpec({ grid: flow.grid, nodes: flow.network.nodes, eigenvectors: quasi!.result.vectors, columns: quasi!.result.indices, count: 3, title: 'Leading eigenvectors, quasi-uniform sampling' })),
  ],
};
console.log(`flow network: ${flow.network.size} nodes, λ₁ ${fmt(uniform!.result.values[0]!)} (uniform) / ${fmt(quasi!.result.values[0]!)} (quasi-uniform)`);

// 2. Randomized SVD with bootstrap error bars
const svd = await svdDemo();
const worst = Math.max(...Array.from(svd.rsvd.S, (v, j) => Math.abs(v - svd.truth[j]!) / svd.truth[j]!));
const svdSection: PageSection = {
  id: 'svd',
  title: 'Randomized SVD, and how wrong a sketch is: the bootstrap estimate',
  text: [
    `A ${svd.shape[0]} × ${svd.shape[1]} matrix with singular values close to 1/i. rsvd (rank ${svd.rank}, 10 oversamples, 2 power iterations) recovers them to ${fmt(worst, 2)} relative error. A sketched SVD of only ${svd.bootstrap.sketchRows} sampled rows is cheaper but rougher; the bootstrap (Lopes, Erichson & Mahoney 2020) estimates its error from the sketch alone: the error bars are its estimates of the 90 % quantiles of |σ̃ⱼ − σⱼ|.`,
    `Extrapolated, the estimate says ${svd.rowsFor} sampled rows keep the largest error below ${svd.tolerance} with 90 % probability. What it estimates is measured in the table: the 90 % quantile of the actual error over 20 sketches of each size.`,
  ],
  rows: [
    ['rsvd σ₁…σ₄', `${Array.from(svd.rsvd.S.slice(0, 4), (v) => fmt(v, 6)).join(', ')} (${ms(svd.rsvd.ms)})`],
    ['sketched σ₁…σ₄', Array.from(svd.bootstrap.S.slice(0, 4), (v) => fmt(v, 6)).join(', ')],
    ['bootstrap estimate, max |σ̃ − σ|', `${fmt(svd.bootstrap.valueError, 3)} (${svd.bootstrap.sketchRows} rows, 50 replicates, ${ms(svd.bootstrapMs)})`],
    ...svd.curve.map((c) => [`t = ${c.sketchRows}: estimate / actual 90 % quantile`, `${fmt(c.valueError, 3)} / ${fmt(c.actual, 3)}`] as [string, string]),
    [`rows for error ≤ ${svd.tolerance} (90 %, by the estimate)`, String(svd.rowsFor)],
  ],
  figures: [
    await figure('svd-spectrum', `Sketched singular values (${svd.bootstrap.sketchRows} rows) with bootstrap error bars`, plot.spectrumSpec({ singularValues: svd.bootstrap.S, errors: svd.bootstrap, rank: svd.rank, title: 'Sketched singular values with bootstrap error bars' })),
    await figure(
      'svd-error-curve',
      'Bootstrap error estimate against sketch size, extrapolated, with the tolerance and the actual 90 % quantile of the error (20 sketches per size)',
      plot.errorCurveSpec({
        ...plot.errorCurveFromBootstrap(svd.bootstrap, { tolerance: svd.tolerance }),
        actual: svd.curve.map((c) => ({ sketchRows: c.sketchRows, error: c.actual })),
        title: 'Error estimate vs sketch size',
      }),
    ),
  ],
};
console.log(`randomized SVD: σ₁ ${fmt(svd.rsvd.S[0]!, 6)}, max relative error ${fmt(worst, 2)}; bootstrap estimate ${fmt(svd.bootstrap.valueError, 3)} at ${svd.bootstrap.sketchRows} rows, ${svd.rowsFor} rows for ${svd.tolerance}`);

// 3. DMD of a flow
const flowDmd = await dmdDemo();
const harmonics = Array.from(flowDmd.result.frequency)
  .filter((f) => f >= 0)
  .sort((a, b) => a - b);
const dmdSection: PageSection = {
  id: 'dmd',
  title: 'Dynamic Mode Decomposition of a vortex street passing a window',
  text: [
    `${flowDmd.snapshots} snapshots (dt = ${flowDmd.dt}) of a Kármán vortex street on a ${flowDmd.grid[0]} × ${flowDmd.grid[1]} grid, moving one vortex spacing per time unit. The flow is periodic with a period of 20 snapshots, so its Koopman spectrum is the harmonics k/T of the passing frequency: exact DMD at rank 20 finds them on the unit circle.`,
  ],
  rows: [
    ['rank', String(flowDmd.result.rank)],
    ['frequencies ≥ 0 (cycles per time unit)', harmonics.map((f) => fmt(f, 4)).join(', ')],
    ['max ||λ| − 1| over the modes', fmt(Math.max(...Array.from(flowDmd.result.eigs.re, (re, j) => Math.abs(Math.hypot(re, flowDmd.result.eigs.im[j]!) - 1))), 2)],
    ['time', ms(flowDmd.ms)],
  ],
  figures: [
    await figure('dmd-eigenvalues', 'DMD eigenvalues against the unit circle, and the continuous-time spectrum, sized by amplitude', plot.dmdEigenvaluesSpec(flowDmd.result, { dt: flowDmd.dt, title: 'DMD spectrum of the vortex street' })),
    await figure('dmd-modes', 'The DMD modes of largest amplitude on the grid (Re φ)', plot.dmdModesSpec(flowDmd.result, { grid: flowDmd.grid, part: 're', title: 'DMD modes (real part)' })),
  ],
};
console.log(`DMD: rank ${flowDmd.result.rank}, frequencies ${harmonics.map((f) => fmt(f, 3)).join(' ')}`);

// 4. Koopman monitor of a training run
const training = await trainingDemo();
const verdicts = new Map<string, number>();
for (const h of training.history) verdicts.set(h.verdict, (verdicts.get(h.verdict) ?? 0) + 1);
const trainingSection: PageSection = {
  id: 'koopman',
  title: 'Koopman analysis of training: the monitor and a Koopman jump',
  text: [
    `Softmax regression (${training.weights} weights) trained by minibatch SGD for ${training.epochs} epochs. A KoopmanMonitor records the weights every epoch and fits a DMD to the last 10 records: its eigenvalues approach 1 as training settles, and its verdict says whether training converges.`,
    `At epoch ${training.jump.from}, node Koopman operators (Dogra & Redman 2020) fitted to the last 15 snapshots jump the weights ${training.jump.steps} epochs ahead in ${ms(training.jump.ms)}.`,
  ],
  rows: [
    ['loss at epochs 0, 10, 30, 60', [0, 10, 30, 60].map((e) => fmt(training.losses[e]!, 4)).join(', ')],
    ['verdicts', [...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')],
    [`loss after the jump / after ${training.jump.steps} epochs of training`, `${fmt(training.jump.loss, 4)} / ${fmt(training.jump.trainedLoss, 4)}`],
    ['time: the jump / one epoch', `${ms(training.jump.ms)} / ${ms(training.jump.epochMs)}`],
  ],
  figures: [
    await figure('koopman-spectrum', 'Eigenvalue moduli of the monitor’s fit over epochs, coloured by the verdict', plot.koopmanSpectrumSpec(training.history, { title: 'Koopman spectrum over training' })),
  ],
};
console.log(`Koopman: loss ${fmt(training.losses[training.jump.from]!)} at epoch ${training.jump.from}; jump +${training.jump.steps} → ${fmt(training.jump.loss)} (training: ${fmt(training.jump.trainedLoss)})`);

// The page and the summary
const sections = [flowSection, svdSection, dmdSection, trainingSection];
const totalMs = performance.now() - t0;
const summaryRows: [string, string][] = [
  ['backend', backend],
  ['flow network', `${flow.network.size} nodes; λ₁ ${fmt(uniform!.result.values[0]!)} (uniform), ${fmt(quasi!.result.values[0]!)} (quasi-uniform)`],
  ['randomized SVD', `max relative error of σ₁…σ₁₀ ${fmt(worst, 2)}; bootstrap estimate ${fmt(svd.bootstrap.valueError, 3)}`],
  ['DMD', `rank ${flowDmd.result.rank}; harmonics ${harmonics.slice(0, 6).map((f) => fmt(f, 3)).join(', ')}…`],
  ['Koopman jump', `loss ${fmt(training.jump.loss)} vs trained ${fmt(training.jump.trainedLoss)}`],
  ['total time', ms(totalMs)],
];
const html = demoPage(
  'randla demo',
  ['Randomized numerical linear algebra for Node.js: four capabilities on generated data, every number and figure produced by `npm run demo` on this machine.'],
  summaryRows,
  sections,
);
await writeText(join(OUT, 'index.html'), html);
await writeText(
  join(OUT, 'summary.json'),
  `${JSON.stringify(
    toJson({
      backend,
      totalMs,
      sections: sections.map((s) => ({ id: s.id, title: s.title, rows: Object.fromEntries(s.rows), figures: s.figures.map((f) => f.name) })),
    }),
    null,
    2,
  )}\n`,
);
console.log('');
const width = Math.max(...summaryRows.map(([k]) => k.length));
for (const [k, v] of summaryRows) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`\nopen ${join(OUT, 'index.html')}`);
