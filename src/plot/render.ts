// Vega-Lite spec -> SVG (vega's View, renderer 'none': no canvas, no DOM, no network) -> PNG
// (@resvg/resvg-js), all offline; and the building blocks the figure files share. vega,
// vega-lite and resvg are imported lazily, on the first render, so that `import 'randla'` does
// not pay for them (vega alone takes hundreds of milliseconds to load).
import { extname } from 'node:path';

import { ErrorCode, invalid, RandlaError } from '../errors.js';
import { writeAtomically } from '../io/atomic.js';
import { rejectUnknownOptions } from '../options.js';
import type { Matrix } from '../types.js';
import { expectObject, isDetached } from '../validate.js';

/** The schema every figure declares (Vega-Lite 6, what the installed compiler implements). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A Vega-Lite specification: a plain JSON object (https://vega.github.io/vega-lite/docs/spec.html). */
export interface VegaLiteSpec {
  $schema?: string;
  [key: string]: unknown;
}

export interface SvgOptions {
  /** Receives the compiler's and the runtime's warnings (default: dropped). */
  onWarning?: (message: string) => void;
}

/** resvg's font options (@resvg/resvg-js `ResvgRenderOptions['font']`). */
export interface PngFontOptions {
  /** Default true. */
  loadSystemFonts?: boolean;
  fontFiles?: string[];
  fontDirs?: string[];
  defaultFontFamily?: string;
  sansSerifFamily?: string;
  serifFamily?: string;
  monospaceFamily?: string;
}

export interface PngOptions extends SvgOptions {
  /** Pixels per SVG unit, 0 < scale ≤ 16 (default 1): the PNG is round(width·scale) × round(height·scale). */
  scale?: number;
  /** Fonts for resvg; by default the system fonts are loaded. */
  font?: PngFontOptions;
}

export type WritePlotOptions = PngOptions;

const SVG_OPTIONS = new Set(['onWarning']);
const PNG_OPTIONS = new Set(['scale', 'font', 'onWarning']);
/** A PNG larger than this (2^27 pixels, 512 MiB of RGBA) is refused rather than risking the process. */
const MAX_PNG_PIXELS = 2 ** 27;
const MAX_SCALE = 16;

function expectSpec(spec: unknown, argument: string): VegaLiteSpec {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || ArrayBuffer.isView(spec)) {
    throw invalid(argument, 'a Vega-Lite spec object', spec);
  }
  return spec as VegaLiteSpec;
}

function svgOptions(options: unknown, known: ReadonlySet<string>): Record<string, unknown> & { onWarning: (message: string) => void } {
  const o = expectObject(options, 'options');
  rejectUnknownOptions(o, known);
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') throw invalid('options.onWarning', 'a function', o.onWarning);
  return { ...o, onWarning: (o.onWarning as ((message: string) => void) | undefined) ?? (() => undefined) };
}

/**
 * A vega-util logger that hands warnings on and keeps errors, so that a failing spec becomes one
 * RandlaError rather than lines on the console.
 */
function collectingLogger(onWarning: (message: string) => void) {
  const errors: string[] = [];
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  let level = 2; // vega-util's Warn
  interface Logger {
    level(_?: number): number | Logger;
    error(...args: unknown[]): Logger;
    warn(...args: unknown[]): Logger;
    info(...args: unknown[]): Logger;
    debug(...args: unknown[]): Logger;
  }
  const logger: Logger = {
    level(_?: number) {
      if (_ === undefined) return level;
      level = _;
      return logger;
    },
    error(...args) {
      errors.push(text(args));
      return logger;
    },
    warn(...args) {
      onWarning(text(args));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { logger, errors };
}

function specError(reason: string, cause?: unknown): RandlaError {
  return new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a valid Vega-Lite spec for spec but received one that fails: ${reason}`, {
    argument: 'spec',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Renders a Vega-Lite spec to SVG text, headlessly and offline. The root `<svg>` carries the
 * figure's size in its `width`/`height` attributes: the spec's `width`/`height` exactly for the
 * single-view figures of this module (autosize 'fit'), the laid-out size for concatenated ones.
 *
 * @example
 * ```ts
 * import { plot } from 'randla';
 * const svg = await plot.toSvg(plot.spectrumSpec({ singularValues: [3, 2, 1, 0.1], rank: 3 }));
 * ```
 */
export async function toSvg(spec: VegaLiteSpec, options: SvgOptions = {}): Promise<string> {
  const o = svgOptions(options, SVG_OPTIONS);
  let s: VegaLiteSpec;
  try {
    // vega tags the data objects it ingests (a Symbol(vega_id) on each row): render a copy, so
    // that the caller's spec is never changed
    s = structuredClone(expectSpec(spec, 'spec'));
  } catch (error) {
    throw error instanceof RandlaError ? error : specError(`it cannot be copied as data (${(error as Error).message})`, error);
  }
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const { logger, errors } = collectingLogger(o.onWarning);
  let compiled: ReturnType<typeof vl.compile>['spec'];
  try {
    compiled = vl.compile(s as unknown as Parameters<typeof vl.compile>[0], { logger }).spec;
  } catch (error) {
    throw specError((error as Error).message, error);
  }
  let view: InstanceType<typeof vega.View>;
  try {
    view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  } catch (error) {
    throw specError((error as Error).message, error);
  }
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw specError(errors.join('; '));
    return svg;
  } catch (error) {
    throw error instanceof RandlaError ? error : specError((error as Error).message, error);
  } finally {
    view.finalize();
  }
}

function expectScale(value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= MAX_SCALE)) throw invalid('options.scale', `a number in (0, ${MAX_SCALE}]`, value);
  return value;
}

function isSvgText(value: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/.test(value);
}

/**
 * Renders a Vega-Lite spec (through {@link toSvg}) or SVG text to a PNG with resvg: the image is
 * round(width·scale) × round(height·scale) pixels of the SVG's size.
 *
 * @example
 * ```ts
 * import { plot } from 'randla';
 * const png = await plot.toPng(plot.spectrumSpec({ singularValues: [3, 2, 1, 0.1] }), { scale: 2 });
 * ```
 */
export async function toPng(specOrSvg: VegaLiteSpec | string, options: PngOptions = {}): Promise<Uint8Array> {
  const o = svgOptions(options, PNG_OPTIONS);
  const scale = expectScale(o.scale ?? 1);
  const font = o.font === undefined ? {} : expectObject(o.font, 'options.font');
  let svg: string;
  if (typeof specOrSvg === 'string') {
    if (!isSvgText(specOrSvg)) throw invalid('specOrSvg', 'a Vega-Lite spec object or SVG text (starting with <svg)', specOrSvg);
    svg = specOrSvg;
  } else {
    svg = await toSvg(expectSpec(specOrSvg, 'specOrSvg'), { onWarning: o.onWarning }).catch((error: unknown) => {
      // name this function's argument, not toSvg's
      if (error instanceof RandlaError && error.argument === 'spec') {
        throw new RandlaError(error.code, error.message.replace(' for spec ', ' for specOrSvg '), { argument: 'specOrSvg', cause: error.cause });
      }
      throw error;
    });
  }
  const { Resvg } = await import('@resvg/resvg-js');
  let resvg: InstanceType<typeof Resvg>;
  try {
    resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, ...font }, logLevel: 'off' });
  } catch (error) {
    throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected well-formed SVG for specOrSvg but received text resvg cannot parse (${(error as Error).message})`, {
      argument: 'specOrSvg',
      cause: error,
    });
  }
  const pixels = Math.round(resvg.width * scale) * Math.round(resvg.height * scale);
  if (!(pixels > 0 && pixels <= MAX_PNG_PIXELS)) {
    throw invalid('options.scale', `a scale giving 1 to ${MAX_PNG_PIXELS} pixels (the SVG is ${resvg.width} × ${resvg.height})`, scale);
  }
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

const FORMATS = ['.svg', '.png', '.json'] as const;

/**
 * Writes a figure by the path's extension: `.svg` (toSvg), `.png` (toPng, with `scale`) or
 * `.json` (the spec itself, for the Vega editor or vl2svg); `scale` and `font` apply to `.png`. Atomic: the bytes go to a temporary
 * file in the same directory that is renamed over `path` only when complete, so a failure leaves
 * neither a partial file nor the temporary one. The figure is rendered before any file is opened.
 *
 * @example
 * ```ts
 * import { plot } from 'randla';
 * await plot.writePlot('/tmp/spectrum.png', plot.spectrumSpec({ singularValues: [3, 2, 1, 0.1] }), { scale: 2 });
 * ```
 */
export async function writePlot(path: string, spec: VegaLiteSpec, options: WritePlotOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) throw invalid('path', 'a file path ending in .svg, .png or .json', path);
  const format = extname(path).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format)) throw invalid('path', 'a file path ending in .svg, .png or .json', path);
  const s = expectSpec(spec, 'spec');
  const o = svgOptions(options, PNG_OPTIONS);
  // checked for every format, so that one options object serves a loop over formats
  expectScale(o.scale ?? 1);
  if (o.font !== undefined) expectObject(o.font, 'options.font');
  let bytes: Uint8Array | string;
  if (format === '.json') {
    bytes = JSON.stringify(s, null, 2) + '\n';
  } else {
    const svg = await toSvg(s, { onWarning: o.onWarning });
    bytes = format === '.svg' ? svg : await toPng(svg, { ...(o.scale !== undefined ? { scale: o.scale as number } : {}), ...(o.font !== undefined ? { font: o.font as PngFontOptions } : {}) });
  }
  await writeAtomically(path, async (file) => {
    await file.writeFile(bytes);
  });
}

// --- building blocks shared by the figure files (not re-exported by index.ts) ---

/**
 * Fonts: DejaVu Sans first (matplotlib's default, on most Linux machines, and what resvg finds
 * there: resvg maps the generic 'sans-serif' to Arial, often absent); browsers fall through.
 */
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const CONFIG = {
  font: FONT,
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal' },
  legend: { labelFontSize: 10, titleFontSize: 10, titleFontWeight: 'normal' },
  header: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, subtitleFontSize: 10, anchor: 'start', subtitleColor: '#555' },
};

/** Padding around the figure, inside its size (autosize 'fit' contains it). */
const PADDING = 8;

export interface FigureOptions {
  title: string;
  subtitle?: string[];
  description: string;
  /**
   * Single views: the whole figure's size (autosize 'fit', padding included), so the SVG is
   * exactly width × height. Concatenations set their panels' sizes and omit this.
   */
  size?: { width: number; height: number };
}

/** The top-level properties every figure shares, around `body` (data, layers or panels). */
export function figure(options: FigureOptions, body: Record<string, unknown>): VegaLiteSpec {
  const { title, subtitle, description, size } = options;
  return {
    $schema: VEGA_LITE_SCHEMA,
    description,
    background: 'white',
    padding: PADDING,
    title: { text: title, ...(subtitle && subtitle.length > 0 ? { subtitle } : {}) },
    ...(size ? { width: size.width, height: size.height, autosize: { type: 'fit', contains: 'padding' } } : {}),
    ...body,
    config: CONFIG,
  };
}

/** Figure size options: integers in [MIN_SIZE, MAX_SIZE] SVG units. */
const MIN_SIZE = 80;
const MAX_SIZE = 8192;

export function expectSize(value: unknown, argument: string, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_SIZE || v > MAX_SIZE) throw invalid(argument, `an integer in [${MIN_SIZE}, ${MAX_SIZE}]`, value);
  return v;
}

export function expectTitle(value: unknown, argument: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw invalid(argument, 'a string', value);
  return value;
}

/** The keys of an input object, checked: a misspelt key must not be silently ignored. */
export function expectInput(value: unknown, argument: string, known: ReadonlySet<string>): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(argument, 'an object', value);
  rejectUnknownOptions(value as Record<string, unknown>, known, argument);
  return value as Record<string, unknown>;
}

/** The message grammar with the received value already described (an entry, a length, a shape). */
export function failure(code: ErrorCode, argument: string, expected: string, received: string): RandlaError {
  return new RandlaError(code, `Expected ${expected} for ${argument} but received ${received}`, { argument });
}

function isNumberArrayLike(value: unknown): value is ArrayLike<number> {
  if (Array.isArray(value)) return true;
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/**
 * An array of numbers (Array or numeric TypedArray) as number[], checked: length ≥ minLength,
 * each a finite number (NaN/±Infinity: ERR_RANDLA_NOT_FINITE naming the entry's argument), and
 * ≥ 0 with `nonNegative`.
 */
export function numberArray(value: unknown, argument: string, options: { nonNegative?: boolean; minLength?: number } = {}): number[] {
  const minLength = options.minLength ?? 1;
  if (!isNumberArrayLike(value)) throw invalid(argument, 'an array or TypedArray of numbers', value);
  // A detached buffer reads as length 0: say so rather than draw nothing.
  if (ArrayBuffer.isView(value) && isDetached(value)) throw invalid(argument, 'an array over an attached buffer', 'a detached ArrayBuffer');
  if (value.length < minLength) throw invalid(argument, minLength === 1 ? 'a non-empty array of numbers' : `an array of at least ${minLength} numbers`, value);
  const out = new Array<number>(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== 'number') throw invalid(`${argument}[${i}]`, 'a number', v);
    if (!Number.isFinite(v)) throw failure(ErrorCode.NOT_FINITE, argument, 'finite numbers', `${v} at index ${i}`);
    if (options.nonNegative && v < 0) throw failure(ErrorCode.INVALID_ARGUMENT, argument, 'numbers >= 0', `${v} at index ${i}`);
    out[i] = v;
  }
  return out;
}

/** Integer indices in [0, bound), as number[]. */
export function indexArray(value: unknown, argument: string, bound: number, { unique = false, minLength = 1 } = {}): number[] {
  const out = numberArray(value, argument, { minLength });
  const seen = new Set<number>();
  out.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= bound) throw invalid(`${argument}[${i}]`, `an integer in [0, ${bound - 1}]`, v);
    if (unique && seen.has(v)) throw invalid(`${argument}[${i}]`, 'an index not given before', v);
    seen.add(v);
  });
  return out;
}

export function expectPositive(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) throw invalid(argument, 'a finite number > 0', value);
  return value;
}

/** A Matrix's entry (i, j) in either layout. */
export function entry(M: Matrix, i: number, j: number): number {
  return M.data[M.layout === 'row-major' ? i * M.cols + j : i + j * M.rows]!;
}

/** [lo, hi] of a log axis holding every positive value, padded by `pad` (a factor); 0s and negatives are left out. */
export function logDomain(values: readonly number[], pad: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return [1e-16, 1];
  // one value (or equal ones): a decade around it, so the axis still has ticks
  if (hi <= lo * (1 + 1e-12)) return [lo / 10, hi * 10];
  return [lo / pad, hi * pad];
}

/** A number in a legend or title: 4 significant digits, exponent form for very large or small. */
export function formatNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** λ as "a ± bi" text. */
export function formatComplex(re: number, im: number): string {
  if (im === 0) return formatNumber(re);
  return `${formatNumber(re)} ${im < 0 ? '−' : '+'} ${formatNumber(Math.abs(im))}i`;
}

export interface HeatCell {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  value: number;
}

/**
 * The cells of a heat map of `value(r, c)` (NaN: not drawn) on an ny × nx grid whose cell (r, c)
 * is centred at (c·dx, r·dy). Above `maxCells` cells the grid is averaged over f × f blocks (f
 * the smallest integer that brings it under maxCells; NaN cells left out of a block's mean), so
 * the SVG stays a manageable size for large fields.
 */
export function heatCells(ny: number, nx: number, dx: number, dy: number, maxCells: number, value: (r: number, c: number) => number): { cells: HeatCell[]; block: number } {
  const block = Math.max(1, Math.ceil(Math.sqrt((ny * nx) / maxCells)));
  const cells: HeatCell[] = [];
  for (let r0 = 0; r0 < ny; r0 += block) {
    const r1 = Math.min(ny, r0 + block);
    for (let c0 = 0; c0 < nx; c0 += block) {
      const c1 = Math.min(nx, c0 + block);
      let sum = 0;
      let count = 0;
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          const v = value(r, c);
          if (!Number.isNaN(v)) {
            sum += v;
            count++;
          }
        }
      }
      if (count > 0) cells.push({ x0: (c0 - 0.5) * dx, x1: (c1 - 0.5) * dx, y0: (r0 - 0.5) * dy, y1: (r1 - 0.5) * dy, value: sum / count });
    }
  }
  return { cells, block };
}

/** A grid option [ny, nx] of positive integers. */
export function expectGrid(value: unknown, argument: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw invalid(argument, 'a grid [ny, nx] of two integers >= 1', value);
  }
  return [value[0] as number, value[1] as number];
}
