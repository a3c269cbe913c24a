// The Koopman monitor's spectrum over training (docs/algorithms/koopman.md, "convergence()"):
// |λ| of every eigenvalue of the increments' DMD at each epoch, coloured by the monitor's verdict.
// Generalises examples/koopman-training/plot.mjs `spectrumPanel`.
import { ErrorCode, invalid } from '../errors.js';
import type { ConvergenceVerdict } from '../koopman.js';
import { expectInput, expectSize, expectTitle, failure, figure, numberArray, type VegaLiteSpec } from './render.js';

/** One epoch of a monitor history: `{ epoch, ...(await monitor.convergence()) }` fits. */
export interface KoopmanEpoch {
  epoch: number;
  /** The eigenvalues of the window's fit (ConvergenceReport.eigs). */
  eigs?: { re: ArrayLike<number>; im: ArrayLike<number> };
  /** Or their moduli |λ| directly. */
  moduli?: ArrayLike<number>;
  verdict?: ConvergenceVerdict;
}

export interface KoopmanSpectrumOptions {
  title?: string;
  subtitle?: string;
  /** The figure's size in SVG units (default 640 × 320). */
  width?: number;
  height?: number;
}

const OPTIONS = new Set(['title', 'subtitle', 'width', 'height']);
const VERDICTS: readonly ConvergenceVerdict[] = ['converging', 'oscillating', 'diverging', 'stalled'];
const COLORS = ['#1b9e77', '#d95f02', '#d62728', '#7570b3'];
/** Epochs recorded before the monitor gave a verdict. */
const NO_VERDICT = 'no verdict';

function moduliOf(e: Record<string, unknown>, argument: string): number[] {
  if (e.eigs !== undefined && e.moduli !== undefined) throw invalid(`${argument}.moduli`, `no value next to ${argument}.eigs (give one of them)`, e.moduli);
  if (e.moduli !== undefined) return numberArray(e.moduli, `${argument}.moduli`, { nonNegative: true, minLength: 0 });
  if (e.eigs === undefined) return [];
  const eigs = e.eigs as Record<string, unknown> | null;
  if (eigs === null || typeof eigs !== 'object') throw invalid(`${argument}.eigs`, 'eigenvalues { re, im }', eigs);
  const re = numberArray(eigs.re, `${argument}.eigs.re`, { minLength: 0 });
  const im = numberArray(eigs.im, `${argument}.eigs.im`, { minLength: 0 });
  if (im.length !== re.length) throw failure(ErrorCode.SHAPE, `${argument}.eigs.im`, `${re.length} entries (as ${argument}.eigs.re)`, `${im.length}`);
  return re.map((x, j) => Math.hypot(x, im[j]!));
}

/**
 * A Vega-Lite spec of the Koopman monitor's spectrum over training: |λ| of every eigenvalue at
 * each epoch, coloured by the verdict, with a dashed |λ| = 1. A stalled epoch (no fit) is drawn as
 * one point at |λ| = 0 so that every verdict shows; the |λ| axis is symlog, linear near 0.
 *
 * @example
 * ```ts
 * import { KoopmanMonitor, plot } from 'randla';
 * const monitor = new KoopmanMonitor({ window: 8 });
 * const history = [];
 * for (let epoch = 0; epoch < 30; epoch++) {
 *   monitor.record(Float64Array.from({ length: 16 }, (_, i) => Math.exp(-0.2 * epoch) * Math.cos(i + 0.3 * epoch)));
 *   if (epoch >= 7) history.push({ epoch, ...monitor.convergenceSync() });
 * }
 * const spec = plot.koopmanSpectrumSpec(history);
 * ```
 */
export function koopmanSpectrumSpec(history: KoopmanEpoch[], options: KoopmanSpectrumOptions = {}): VegaLiteSpec {
  if (!Array.isArray(history) || history.length === 0) throw invalid('history', 'a non-empty array of { epoch, eigs | moduli, verdict }', history);
  const o = expectInput(options, 'options', OPTIONS);
  const title = expectTitle(o.title, 'options.title', 'Koopman spectrum over training');
  const note = o.subtitle === undefined ? undefined : expectTitle(o.subtitle, 'options.subtitle', '');
  const width = expectSize(o.width, 'options.width', 640);
  const height = expectSize(o.height, 'options.height', 320);
  const rows: { epoch: number; modulus: number; verdict: string }[] = [];
  let unlabelled = false;
  history.forEach((e: unknown, i) => {
    const argument = `history[${i}]`;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) throw invalid(argument, 'an epoch { epoch, eigs | moduli, verdict }', e);
    const r = e as Record<string, unknown>;
    if (typeof r.epoch !== 'number') throw invalid(`${argument}.epoch`, 'a number', r.epoch);
    if (!Number.isFinite(r.epoch)) throw failure(ErrorCode.NOT_FINITE, `${argument}.epoch`, 'a finite number', String(r.epoch));
    let verdict: string = NO_VERDICT;
    if (r.verdict !== undefined) {
      if (!(VERDICTS as readonly unknown[]).includes(r.verdict)) throw invalid(`${argument}.verdict`, `one of ${VERDICTS.map((v) => `'${v}'`).join(', ')}`, r.verdict);
      verdict = r.verdict as string;
    } else {
      unlabelled = true;
    }
    const moduli = moduliOf(r, argument);
    // A stalled window has no fit: its verdict is drawn at |λ| = 0 so that it shows.
    if (verdict === 'stalled') rows.push({ epoch: r.epoch, modulus: 0, verdict });
    else for (const m of moduli) rows.push({ epoch: r.epoch, modulus: m, verdict });
  });
  const domain = unlabelled ? [...VERDICTS, NO_VERDICT] : [...VERDICTS];
  const range = unlabelled ? [...COLORS, '#999999'] : COLORS;
  const peak = Math.max(1, ...rows.map((p) => p.modulus));
  const subtitle = [...(note ? [note] : []), `${history.length} epochs, ${rows.length} points; dashed: |λ| = 1; stalled windows at |λ| = 0`];
  return figure(
    {
      title,
      subtitle,
      description: 'Moduli of the Koopman (DMD) eigenvalues of the weight increments at each epoch, coloured by the convergence verdict.',
      size: { width, height },
    },
    {
      layer: [
        {
          data: { values: [{ y: 1 }] },
          name: 'unitModulus',
          mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
          encoding: { y: { field: 'y', type: 'quantitative' } },
        },
        {
          data: { values: rows },
          name: 'moduli',
          mark: { type: 'point', filled: true, size: 24, opacity: 0.8 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, padding: 8 } },
            // symlog: linear through 0 (the stalled points), logarithmic for the moduli above
            y: { field: 'modulus', type: 'quantitative', title: '|λ| of the increments’ DMD', scale: { type: 'symlog', constant: 0.1, domain: [0, peak * 1.15], nice: false } },
            color: { field: 'verdict', type: 'nominal', title: 'verdict', scale: { domain, range }, legend: { orient: 'right' } },
          },
        },
      ],
    },
  );
}
