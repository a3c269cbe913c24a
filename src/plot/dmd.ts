// DMD figures (Tu et al., J. Comput. Dyn. 2014; conventions of docs/algorithms/dmd.md): the
// discrete eigenvalues against the unit circle and the continuous spectrum ω = log(λ)/dt, sized by
// |amplitude|; and mode shapes, 1-D (Re and Im against the index) or 2-D heat maps on a grid.
import { ErrorCode, invalid } from '../errors.js';
import type { ComplexArray, ComplexMatrix } from '../types.js';
import { expectMatrix, expectObject, expectOneOf } from '../validate.js';
import {
  entry,
  expectGrid,
  expectInput,
  expectPositive,
  expectSize,
  expectTitle,
  failure,
  figure,
  formatComplex,
  formatNumber,
  heatCells,
  indexArray,
  numberArray,
  type VegaLiteSpec,
} from './render.js';

/** What the eigenvalue figure reads from a DmdResult (the result itself fits). */
export interface DmdSpectrumSource {
  eigs: ComplexArray;
  amplitudes: ComplexArray;
  /** The time step of the fit (DmdResult.dt); options.dt overrides it. */
  dt?: number;
}

/** What the mode figure reads from a DmdResult (the result itself fits). */
export interface DmdModesSource extends DmdSpectrumSource {
  modes: ComplexMatrix;
}

export interface DmdEigenvaluesOptions {
  /** Time step for ω = log(λ)/dt (default: result.dt, else 1). */
  dt?: number;
  title?: string;
  /** Each panel's side in SVG units (default 300; the panels are square). */
  panelSize?: number;
}

export interface DmdModesOptions {
  /** 2-D modes: the grid [ny, nx] of one snapshot (row-major, as the snapshots were flattened). */
  grid?: [number, number];
  /** Which modes (column indices of result.modes); default: up to 4 of largest |amplitude|, one of each conjugate pair. */
  modes?: number[];
  /** 2-D: 'abs' |φ| (default) or 're' Re φ (a diverging scale centred on 0). */
  part?: 'abs' | 're';
  /** 2-D: above this many cells per panel the grid is averaged in blocks (default 10 000). */
  maxCells?: number;
  title?: string;
  /** Panel width in SVG units (default 560 for 1-D, 260 for 2-D; 2-D heights follow the grid's aspect). */
  panelWidth?: number;
  /** 1-D panel height (default 120). */
  panelHeight?: number;
}

const EIGENVALUE_OPTIONS = new Set(['dt', 'title', 'panelSize']);
const MODES_OPTIONS = new Set(['grid', 'modes', 'part', 'maxCells', 'title', 'panelWidth', 'panelHeight']);
const DEFAULT_MODES = 4;

function complexArray(value: unknown, argument: string, length?: number): { re: number[]; im: number[] } {
  const c = expectObject(value, argument);
  const re = numberArray(c.re, `${argument}.re`);
  const im = numberArray(c.im, `${argument}.im`);
  if (im.length !== re.length) throw failure(ErrorCode.SHAPE, `${argument}.im`, `${re.length} entries (as ${argument}.re)`, `${im.length}`);
  if (length !== undefined && re.length !== length) throw failure(ErrorCode.SHAPE, `${argument}.re`, `${length} entries (one per eigenvalue)`, `${re.length}`);
  return { re, im };
}

interface Spectrum {
  re: number[];
  im: number[];
  amplitude: number[];
  dt: number;
}

function spectrumOf(result: unknown, dtOption: unknown): Spectrum {
  const r = expectObject(result, 'result');
  const eigs = complexArray(r.eigs, 'result.eigs');
  const b = complexArray(r.amplitudes, 'result.amplitudes', eigs.re.length);
  const dt = dtOption !== undefined ? expectPositive(dtOption, 'options.dt') : r.dt !== undefined ? expectPositive(r.dt, 'result.dt') : 1;
  return { ...eigs, amplitude: b.re.map((x, j) => Math.hypot(x, b.im[j]!)), dt };
}

/**
 * A Vega-Lite spec of a DMD spectrum in two panels: the discrete eigenvalues λⱼ in the complex
 * plane with the unit circle (equal aspect; inside: decaying, outside: growing), and the
 * continuous-time eigenvalues ω = log(λ)/dt as growth rate Re ω against frequency Im ω/(2π)
 * (cycles per unit time). Point area ∝ |bⱼ|, the mode's amplitude. λ = 0 has no logarithm: it is
 * left out of the second panel (the subtitle says how many).
 *
 * @example
 * ```ts
 * import { dmdSync, matrix, plot } from 'randla';
 * const X = matrix(Float64Array.from({ length: 4 * 30 }, (_, e) => Math.cos(0.3 * (e % 30) + Math.floor(e / 30)) * 0.97 ** (e % 30)), 4, 30);
 * const spec = plot.dmdEigenvaluesSpec(dmdSync(X, { rank: 2, dt: 0.1 }));
 * ```
 */
export function dmdEigenvaluesSpec(result: DmdSpectrumSource, options: DmdEigenvaluesOptions = {}): VegaLiteSpec {
  const o = expectInput(options, 'options', EIGENVALUE_OPTIONS);
  const s = spectrumOf(result, o.dt);
  const side = expectSize(o.panelSize, 'options.panelSize', 300);
  const title = expectTitle(o.title, 'options.title', 'DMD eigenvalues');
  const r = s.re.length;
  const rows = s.re.map((re, j) => {
    const im = s.im[j]!;
    const modulus = Math.hypot(re, im);
    return {
      mode: j,
      re,
      im,
      modulus,
      amplitude: s.amplitude[j]!,
      growth: modulus > 0 ? Math.log(modulus) / s.dt : null,
      frequency: modulus > 0 ? Math.atan2(im, re) / (2 * Math.PI * s.dt) : null,
    };
  });
  const zeros = rows.filter((p) => p.growth === null).length;
  const extent = Math.max(1, ...rows.map((p) => Math.max(Math.abs(p.re), Math.abs(p.im)))) * 1.1;
  const domain = [-extent, extent];
  const circle = Array.from({ length: 181 }, (_, k) => ({ k, re: Math.cos((2 * Math.PI * k) / 180), im: Math.sin((2 * Math.PI * k) / 180) }));
  const size = {
    field: 'amplitude',
    type: 'quantitative',
    title: '|amplitude|',
    scale: { zero: true, range: [8, 360] },
    legend: { format: '.3~g' },
  };
  const point = { type: 'point', filled: true, opacity: 0.75, color: '#1f5fa8', stroke: '#0b2f57', strokeWidth: 0.5 };
  const discrete = {
    width: side,
    height: side,
    layer: [
      {
        data: { values: circle },
        name: 'unitCircle',
        mark: { type: 'line', color: '#888', strokeDash: [4, 3], strokeWidth: 1 },
        encoding: {
          x: { field: 're', type: 'quantitative', scale: { domain, nice: false }, title: 'Re λ' },
          y: { field: 'im', type: 'quantitative', scale: { domain, nice: false }, title: 'Im λ' },
          order: { field: 'k', type: 'quantitative' },
        },
      },
      {
        data: { values: rows },
        name: 'discreteEigs',
        mark: point,
        encoding: { x: { field: 're', type: 'quantitative' }, y: { field: 'im', type: 'quantitative' }, size },
      },
    ],
  };
  const finite = rows.filter((p) => p.growth !== null);
  const continuous = {
    width: side,
    height: side,
    layer: [
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: finite },
        name: 'continuousEigs',
        mark: point,
        encoding: {
          // padding (pixels): a point on the domain's edge (the Nyquist frequency) is not cut in half
          x: { field: 'frequency', type: 'quantitative', title: 'frequency Im ω / 2π (cycles per unit time)', scale: { zero: true, padding: 12 } },
          y: { field: 'growth', type: 'quantitative', title: 'growth rate Re ω = log|λ| / dt', scale: { zero: true, padding: 12 } },
          size,
        },
      },
    ],
  };
  const subtitle = [`${r} eigenvalue${r === 1 ? '' : 's'}, dt = ${formatNumber(s.dt)}; point area ∝ |amplitude|; dashed: |λ| = 1 and Re ω = 0`];
  if (zeros > 0) subtitle.push(`${zeros} eigenvalue${zeros === 1 ? '' : 's'} λ = 0 not in the right panel (log 0)`);
  return figure(
    {
      title,
      subtitle,
      description: 'DMD eigenvalues against the unit circle, and the continuous-time spectrum (growth rate against frequency), points sized by amplitude.',
    },
    { hconcat: [discrete, continuous], spacing: 40, resolve: { scale: { size: 'shared' }, legend: { size: 'shared' } } },
  );
}

/** Up to `count` modes by descending |amplitude|, skipping the conjugate partner of one chosen. */
function defaultModes(s: Spectrum, count: number): number[] {
  const order = s.amplitude.map((a, j) => [a, j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const chosen: number[] = [];
  for (const [, j] of order) {
    if (chosen.length === count) break;
    const scale = Math.max(1, Math.hypot(s.re[j]!, s.im[j]!));
    const conjugateChosen = chosen.some((i) => s.im[i] !== 0 && Math.abs(s.re[i]! - s.re[j]!) <= 1e-10 * scale && Math.abs(s.im[i]! + s.im[j]!) <= 1e-10 * scale);
    if (!conjugateChosen) chosen.push(j);
  }
  return chosen;
}

/**
 * A Vega-Lite spec of DMD mode shapes, one panel per mode, labelled with λ and |amplitude|.
 * Without `grid`: Re φ and Im φ as lines against the row index (all n·delays rows). With
 * `grid: [ny, nx]`: heat maps of |φ| (or Re φ) over the grid, x = column, y = row (rows may be
 * a multiple d·ny·nx, delay embedding: the first block, the snapshot itself, is drawn).
 *
 * @example
 * ```ts
 * import { dmdSync, matrix, plot } from 'randla';
 * const X = matrix(Float64Array.from({ length: 64 * 20 }, (_, e) => Math.sin(0.2 * Math.floor(e / 20)) * Math.cos(0.4 * (e % 20))), 64, 20);
 * const oneD = plot.dmdModesSpec(dmdSync(X, { rank: 2 }));
 * const twoD = plot.dmdModesSpec(dmdSync(X, { rank: 2 }), { grid: [8, 8], part: 're' });
 * ```
 */
export function dmdModesSpec(result: DmdModesSource, options: DmdModesOptions = {}): VegaLiteSpec {
  const o = expectInput(options, 'options', MODES_OPTIONS);
  const s = spectrumOf(result, undefined);
  const r = s.re.length;
  const modesIn = expectObject((result as unknown as Record<string, unknown>).modes, 'result.modes');
  const re = expectMatrix(modesIn.re, 'result.modes.re');
  const im = expectMatrix(modesIn.im, 'result.modes.im');
  if (re.rows !== im.rows || re.cols !== im.cols) {
    throw failure(ErrorCode.SHAPE, 'result.modes.im', `a ${re.rows} × ${re.cols} matrix (as result.modes.re)`, `${im.rows} × ${im.cols}`);
  }
  if (re.cols !== r) throw failure(ErrorCode.SHAPE, 'result.modes.re', `${r} columns (one per eigenvalue)`, `${re.cols}`);
  for (const [m, argument] of [[re, 'result.modes.re'], [im, 'result.modes.im']] as const) {
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i]!)) throw failure(ErrorCode.NOT_FINITE, argument, 'finite values', `${m.data[i]} at flat index ${i}`);
    }
  }
  const selected = o.modes === undefined ? defaultModes(s, Math.min(DEFAULT_MODES, r)) : indexArray(o.modes, 'options.modes', r, { unique: true });
  const grid = o.grid === undefined ? undefined : expectGrid(o.grid, 'options.grid');
  const n = re.rows;
  if (grid && n % (grid[0] * grid[1]) !== 0) {
    throw failure(ErrorCode.SHAPE, 'options.grid', `[ny, nx] with ny·nx dividing the modes' ${n} rows`, `[${grid[0]}, ${grid[1]}] (${grid[0] * grid[1]} cells)`);
  }
  if (o.part !== undefined && !grid) throw invalid('options.part', 'no value without options.grid (1-D modes show Re and Im)', o.part);
  const part = expectOneOf(o.part ?? 'abs', 'options.part', ['abs', 're'] as const);
  if (o.maxCells !== undefined && (typeof o.maxCells !== 'number' || !Number.isInteger(o.maxCells) || o.maxCells < 1)) throw invalid('options.maxCells', 'an integer >= 1', o.maxCells);
  const maxCells = (o.maxCells as number | undefined) ?? 10_000;
  const title = expectTitle(o.title, 'options.title', grid ? `DMD modes, ${part === 'abs' ? '|φ|' : 'Re φ'}` : 'DMD modes');
  const label = (j: number) => `mode ${j}: λ = ${formatComplex(s.re[j]!, s.im[j]!)}, |b| = ${formatNumber(s.amplitude[j]!)}`;

  if (!grid) {
    const width = expectSize(o.panelWidth, 'options.panelWidth', 560);
    const height = expectSize(o.panelHeight, 'options.panelHeight', 120);
    const panels = selected.map((j) => {
      const values: { index: number; part: string; value: number }[] = [];
      for (let i = 0; i < n; i++) {
        values.push({ index: i, part: 'Re φ', value: entry(re, i, j) });
        values.push({ index: i, part: 'Im φ', value: entry(im, i, j) });
      }
      return {
        title: { text: label(j), fontSize: 11, fontWeight: 'normal', anchor: 'start', frame: 'group' },
        width,
        height,
        data: { values },
        name: `mode${j}`,
        mark: { type: 'line', strokeWidth: 1.5, point: n <= 40 ? { size: 16 } : false },
        encoding: {
          x: { field: 'index', type: 'quantitative', title: 'row index i', scale: { domain: [0, Math.max(1, n - 1)], nice: false } },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'part', type: 'nominal', title: null, scale: { domain: ['Re φ', 'Im φ'], range: ['#1f5fa8', '#d95f02'] } },
          strokeDash: { field: 'part', type: 'nominal', title: null, scale: { domain: ['Re φ', 'Im φ'], range: [[1, 0], [5, 3]] } },
        },
      };
    });
    return figure(
      {
        title,
        subtitle: [`${selected.length} of ${r} modes; ${n} rows each`],
        description: 'DMD mode shapes: real and imaginary parts against the row index, one panel per mode.',
      },
      { vconcat: panels, spacing: 16, resolve: { scale: { y: 'independent' } } },
    );
  }

  const [ny, nx] = grid;
  const panelWidth = expectSize(o.panelWidth, 'options.panelWidth', 260);
  const panelHeight = Math.max(40, Math.round((panelWidth * ny) / nx));
  let block = 1;
  const panels = selected.map((j) => {
    const value = part === 'abs' ? (r0: number, c: number) => Math.hypot(entry(re, r0 * nx + c, j), entry(im, r0 * nx + c, j)) : (r0: number, c: number) => entry(re, r0 * nx + c, j);
    const heat = heatCells(ny, nx, 1, 1, maxCells, value);
    block = heat.block;
    const peak = heat.cells.reduce((m, c) => Math.max(m, Math.abs(c.value)), 0) || 1;
    const color =
      part === 'abs'
        ? { field: 'value', type: 'quantitative', title: '|φ|', scale: { scheme: 'viridis', domain: [0, peak] }, legend: { format: '.2~g', gradientLength: Math.min(160, panelHeight) } }
        : { field: 'value', type: 'quantitative', title: 'Re φ', scale: { scheme: 'redblue', reverse: true, domain: [-peak, peak] }, legend: { format: '.2~g', gradientLength: Math.min(160, panelHeight) } };
    return {
      title: { text: label(j), fontSize: 11, fontWeight: 'normal', anchor: 'start', frame: 'group' },
      width: panelWidth,
      height: panelHeight,
      data: { values: heat.cells },
      name: `mode${j}`,
      // no per-cell aria-label: it would triple the SVG of a large grid
        mark: { type: 'rect', aria: false },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: 'column (x)', scale: { domain: [-0.5, nx - 0.5], nice: false, zero: false } },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', title: 'row (y)', scale: { domain: [-0.5, ny - 0.5], nice: false, zero: false } },
        y2: { field: 'y1' },
        color,
      },
    };
  });
  const subtitle = [`${selected.length} of ${r} modes on a ${ny} × ${nx} grid${n > ny * nx ? ` (the first of ${n / (ny * nx)} delay blocks)` : ''}`];
  if (block > 1) subtitle.push(`averaged over ${block} × ${block} cell blocks`);
  return figure(
    { title, subtitle, description: `DMD mode shapes as heat maps of ${part === 'abs' ? 'the modulus' : 'the real part'} on the grid, one panel per mode.` },
    { concat: panels, columns: Math.min(2, panels.length), spacing: 24, resolve: { scale: { color: 'independent' } } },
  );
}
