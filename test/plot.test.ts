// The plot module (src/plot/, docs/plots.md) on small real inputs from the library itself: every
// spec validates against Vega-Lite's JSON schema; its SVG is well-formed, of the size vega lays
// out, with one mark per data point; its PNG has that size × scale; writePlot is atomic; bad
// input is a RandlaError naming the argument.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Resvg } from '@resvg/resvg-js';
import Ajv from 'ajv';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootstrapCovarianceErrorSync, bootstrapSvdErrorSync, sketchedSvdSync } from '../src/bootstrap.js';
import { dmdSync, type DmdResult } from '../src/dmd.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import { lambOseenField } from '../src/flow/fields.js';
import { KoopmanMonitor } from '../src/koopman.js';
import { matrix } from '../src/matrix.js';
import { nystromSync } from '../src/nystrom.js';
import * as plot from '../src/plot/index.js';
import type { Matrix } from '../src/types.js';
import { vorticalNetwork } from '../src/vortical.js';
import { EPS64, expectClose } from './helpers/tolerance.js';

type Spec = plot.VegaLiteSpec;

// --- helpers ---

async function expectRandlaError(fn: () => unknown, code: string, argument: string): Promise<RandlaError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RandlaError);
    expect({ code: (e as RandlaError).code, argument: (e as RandlaError).argument, message: (e as Error).message }).toMatchObject({ code, argument });
    // the message grammar: `Expected <what> for <argument> but received <value>` (an unknown
    // option: `Expected a known option in <object> but received <argument>`)
    const name = argument.replace(/[[\].]/g, '\\$&');
    expect((e as Error).message).toMatch(new RegExp(`^Expected .+ (for ${name} but received |but received ${name} )`));
    return e as RandlaError;
  }
  throw new Error(`expected ${code} naming ${argument}, nothing thrown`);
}

let validateSchema: ReturnType<Ajv['compile']>;

/** Plain JSON all the way down: the schema describes JSON, and a TypedArray, NaN or undefined would slip past it. */
function expectJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
    return;
  }
  expect(typeof value, path).toBe('object');
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectJson(v, `${path}[${i}]`));
    return;
  }
  expect(Object.getPrototypeOf(value), `${path} is a plain object`).toBe(Object.prototype);
  for (const [k, v] of Object.entries(value as object)) expectJson(v, `${path}.${k}`);
}

function expectValidSpec(spec: Spec): void {
  expectJson(spec, 'spec');
  const ok = validateSchema(spec);
  expect(ok ? [] : validateSchema.errors).toEqual([]);
  expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v6.json');
  expect(spec.background).toBe('white');
}

/** Tags balance, one <svg> root, nothing after it; and resvg (a strict XML parser) reads it. */
function expectWellFormedSvg(svg: string): void {
  const body = svg.replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let roots = 0;
  let closedRootAt = -1;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (stack.length === 0 && !close) {
      roots++;
      expect(name).toBe('svg');
    }
    if (close) {
      expect(stack.pop()).toBe(name);
      if (stack.length === 0) closedRootAt = m.index! + m[0].length;
    } else if (!selfClose) {
      stack.push(name!);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(body.slice(closedRootAt).trim()).toBe('');
  expect(() => new Resvg(svg, { font: { loadSystemFonts: false } })).not.toThrow();
}

function svgSize(svg: string): { width: number; height: number } {
  const root = /^<svg\b[^>]*>/.exec(svg.trimStart())?.[0];
  expect(root).toBeDefined();
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([0-9.]+)"`).exec(root!)?.[1]);
  return { width: attr('width'), height: attr('height') };
}

/**
 * The size vega lays the spec out at, from the view's public state (computed in a View of our
 * own, not read from toSvg's output): with autosize 'fit' the spec's width × height; otherwise
 * (vega-view's viewSizeLayout, autosize 'pad') padding + origin + the content's extent, the
 * content being at least the view's width/height signal.
 */
async function vegaSize(spec: Spec): Promise<{ width: number; height: number }> {
  // a copy: vega tags the data rows it ingests
  const view = new vega.View(vega.parse(vl.compile(structuredClone(spec) as unknown as Parameters<typeof vl.compile>[0]).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    const padding = view.padding();
    const [left, top] = view.origin();
    const bounds = (view.scenegraph() as unknown as { root: { bounds: { x2: number; y2: number } } }).root.bounds;
    const laidOut = {
      width: padding.left + padding.right + left + Math.max(view.width(), Math.ceil(bounds.x2)),
      height: padding.top + padding.bottom + top + Math.max(view.height(), Math.ceil(bounds.y2)),
    };
    const autosize = spec.autosize as { type?: string; contains?: string } | undefined;
    if (autosize?.type === 'fit') {
      expect(autosize.contains).toBe('padding');
      // fit: the plot shrinks until plot + axes + padding fill the requested size exactly
      expect({ width: padding.left + padding.right + left + view.width(), height: padding.top + padding.bottom + top + view.height() }).toSatisfy(
        (s: { width: number; height: number }) => s.width <= (spec.width as number) && s.height <= (spec.height as number),
      );
      return { width: spec.width as number, height: spec.height as number };
    }
    return laidOut;
  } finally {
    view.finalize();
  }
}

/** The items of the named mark (vega-lite names a unit's marks `<name>_marks`) as their SVG elements. */
function markItems(svg: string, name: string): string[] {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-(\\w+) role-mark ${name}_marks"[^>]*>(.*?)</g>`, 'gs'))];
  expect(groups.length, `mark ${name}`).toBeGreaterThan(0);
  return groups.flatMap((g) => [...g[2]!.matchAll(/<(path|line|text)\b/g)].map((m) => m[1]!));
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  expect(png).toBeInstanceOf(Uint8Array);
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(view.getUint32(8)).toBe(13); // IHDR's length
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** (a)–(c) for one figure: schema, SVG (well-formed, vega's size, no warnings), PNG at 2×. */
async function checkFigure(spec: Spec): Promise<string> {
  expectValidSpec(spec);
  const before = structuredClone(spec);
  const warnings: string[] = [];
  const svg = await plot.toSvg(spec, { onWarning: (m) => warnings.push(m) });
  expect(warnings).toEqual([]);
  expect(spec, 'toSvg leaves the spec as it was').toEqual(before);
  expectWellFormedSvg(svg);
  const size = svgSize(svg);
  expect(size).toEqual(await vegaSize(spec));
  expect(pngSize(await plot.toPng(svg, { scale: 2 }))).toEqual({ width: 2 * size.width, height: 2 * size.height });
  return svg;
}

/** Row i of a column j of an N × r Matrix in either layout. */
function at(M: Matrix, i: number, j: number): number {
  return M.data[M.layout === 'row-major' ? i * M.cols + j : i + j * M.rows]!;
}

// --- shared inputs ---

/** 300 × 8 with column scales 1/(1+j)², so σ decays (a spectrum worth plotting). */
const A = matrix(Float64Array.from({ length: 300 * 8 }, (_, e) => Math.sin(1 + e * e * 0.37) / (1 + (e % 8)) ** 2), 300, 8);

beforeAll(() => {
  const schema = JSON.parse(readFileSync(new URL('../node_modules/vega-lite/build/vega-lite-schema.json', import.meta.url), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: false });
  // the three formats the schema uses, checked rather than ignored
  ajv.addFormat('color-hex', /^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/);
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', /^\S*$/);
  validateSchema = ajv.compile(schema);
});

describe('the schema check', () => {
  it('rejects specs that are not Vega-Lite (so passing it means something)', () => {
    expect(validateSchema({ data: { values: [] }, mark: 'point', encoding: { x: { field: 'a', type: 'numeric' } } })).toBe(false);
    expect(validateSchema({ data: { values: [] }, mark: 'pointy' })).toBe(false);
    expect(validateSchema({ $schema: 'not a uri', data: { values: [] }, mark: 'point' })).toBe(false); // the uri format
    expect(validateSchema({ data: { values: [] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } })).toBe(true);
  });
});

describe('spectrumSpec', () => {
  const r = bootstrapSvdErrorSync(A, { rank: 6, sketchRows: 60, replicates: 20, seed: 3 });

  it('plots σⱼ with bootstrap error bars and the rank', async () => {
    const spec = plot.spectrumSpec({ singularValues: r.S, errors: r, rank: 3, title: 'Sketched spectrum' });
    const svg = await checkFigure(spec);
    expect(svgSize(svg)).toEqual({ width: 560, height: 340 });
    expect(markItems(svg, 'values')).toEqual(Array(6).fill('path'));
    // the error bar's rule: one per value (its ticks are rects)
    expect(markItems(svg, 'errorBars_layer_2')).toEqual(Array(6).fill('line'));
    expect(markItems(svg, 'rankRule')).toEqual(['line']);
    // the data behind the marks: σⱼ ± the bootstrap's per-component quantile
    const rows = (spec.data as { values: { j: number; value: number; lower: number; upper: number; kept: string }[] }).values;
    rows.forEach((row, j) => {
      expect(row.j).toBe(j + 1);
      expect(row.value).toBe(r.S[j]);
      expect(row.upper).toBe(r.S[j]! + r.perComponent.value[j]!);
      if (r.S[j]! - r.perComponent.value[j]! > 0) expect(row.lower).toBe(r.S[j]! - r.perComponent.value[j]!);
      expect(row.kept).toBe(j < 3 ? 'kept' : 'discarded');
    });
  });

  it('draws a zero value and a bar reaching below zero at the bottom of the log axis', async () => {
    const spec = plot.spectrumSpec({ singularValues: [4, 1, 0], errors: [0.5, 2, 0] });
    await checkFigure(spec);
    const rows = (spec.data as { values: { sigma: number; lower: number }[] }).values;
    const layer = (spec.layer as { name?: string; encoding?: { y?: { scale?: { domain?: number[] } } } }[]).find((l) => l.name === 'values')!;
    const floor = layer.encoding!.y!.scale!.domain![0]!;
    expect(floor).toBeGreaterThan(0);
    expect(rows[2]!.sigma).toBe(floor);
    expect(rows[1]!.lower).toBe(floor);
    expect(rows[0]!.lower).toBe(3.5);
  });

  it('takes plain arrays, without errors or rank', async () => {
    const svg = await checkFigure(plot.spectrumSpec({ singularValues: Array.from({ length: 80 }, (_, j) => 2 ** -j) }));
    expect(markItems(svg, 'values')).toHaveLength(80);
    expect(svg).not.toContain('errorBars');
  });

  it('rejects bad input naming the argument', async () => {
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, Number.NaN, 1] }), ErrorCode.NOT_FINITE, 'input.singularValues');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, Infinity] }), ErrorCode.NOT_FINITE, 'input.singularValues');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [] }), ErrorCode.INVALID_ARGUMENT, 'input.singularValues');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, -1] }), ErrorCode.INVALID_ARGUMENT, 'input.singularValues');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [0, 0] }), ErrorCode.INVALID_ARGUMENT, 'input.singularValues');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2], errors: [0.1] }), ErrorCode.SHAPE, 'input.errors');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2, 1], errors: r }), ErrorCode.SHAPE, 'input.errors.perComponent.value');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2], errors: [0.1, Number.NaN] }), ErrorCode.NOT_FINITE, 'input.errors');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2], rank: 3 }), ErrorCode.INVALID_ARGUMENT, 'input.rank');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2], rank: 1.5 }), ErrorCode.INVALID_ARGUMENT, 'input.rank');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2], width: 10 }), ErrorCode.INVALID_ARGUMENT, 'input.width');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: [3, 2], rnak: 1 } as never), ErrorCode.INVALID_ARGUMENT, 'input.rnak');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: ['3', 2] } as never), ErrorCode.INVALID_ARGUMENT, 'input.singularValues[0]');
  });
});

describe('errorCurveSpec and errorCurveFromBootstrap', () => {
  const tall = matrix(Float64Array.from({ length: 3000 * 6 }, (_, e) => Math.cos(e * e * 0.61) / (1 + (e % 6))), 3000, 6);
  const r = bootstrapSvdErrorSync(tall, { rank: 3, sketchRows: 150, replicates: 30, seed: 5 });

  it('builds the curve from a bootstrapSvdError result: its extrapolate() and rowsFor()', async () => {
    const tolerance = r.valueError / 3;
    const input = plot.errorCurveFromBootstrap(r, { tolerance });
    expect(input.points).toEqual([{ sketchRows: 150, error: r.valueError }]);
    expect(input.tolerance).toBe(tolerance);
    expect(input.targetRows).toBe(r.rowsFor(tolerance));
    // about 9·150 rows: the t^−1/2 law
    expect(Math.abs(input.targetRows! - 9 * 150)).toBeLessThanOrEqual(1);
    expect(input.extrapolation!.length).toBeGreaterThanOrEqual(20);
    for (const p of input.extrapolation!) {
      expect(p.error).toBe(r.extrapolate(p.sketchRows).valueError);
      expectClose(p.error * Math.sqrt(p.sketchRows), r.valueError * Math.sqrt(150), 8 * EPS64 * r.valueError * Math.sqrt(150), `error·√t at t = ${p.sketchRows}`);
    }
    // the range covers the measured size and the target
    expect(input.extrapolation![0]!.sketchRows).toBeLessThan(150);
    expect(input.extrapolation!.at(-1)!.sketchRows).toBeGreaterThan(input.targetRows!);
    const vector = plot.errorCurveFromBootstrap(r, { metric: 'vector', rows: [100, 400] });
    expect(vector.points).toEqual([{ sketchRows: 150, error: r.vectorError }]);
    expect(vector.extrapolation).toEqual([100, 400].map((t) => ({ sketchRows: t, error: r.extrapolate(t).vectorError })));

    const svg = await checkFigure(plot.errorCurveSpec(input));
    expect(svgSize(svg)).toEqual({ width: 560, height: 340 });
    expect(markItems(svg, 'measured')).toEqual(['path']);
    expect(markItems(svg, 'extrapolation')).toEqual(['path']); // one dashed line
    expect(markItems(svg, 'tolerance')).toEqual(['line']);
    expect(markItems(svg, 'target')).toEqual(['line']);
  });

  it('plots every step of an adaptive sketchedSvd', async () => {
    const a = sketchedSvdSync(tall, { rank: 3, tolerance: r.valueError / 2, initialRows: 40, replicates: 20, seed: 5 });
    expect(a.path!.length).toBeGreaterThanOrEqual(2);
    const input = plot.errorCurveFromBootstrap(a, { tolerance: r.valueError / 2 });
    expect(input.points).toEqual(a.path!.map((p) => ({ sketchRows: p.rows, error: p.valueError })));
    const svg = await checkFigure(plot.errorCurveSpec(input));
    expect(markItems(svg, 'measured')).toHaveLength(a.path!.length);
  });

  it('draws the actual error of one sketch per size, where the truth is known', async () => {
    // A stand-in for the truth: a sketch of 3000 rows (as many as the matrix has), far closer to
    // the singular values than the small sketches whose errors the figure draws.
    const full = sketchedSvdSync(tall, { rank: 3, sketchRows: 3000, seed: 1 });
    const sizes = [100, 300, 900];
    const actual = sizes.map((t) => {
      const s = sketchedSvdSync(tall, { rank: 3, sketchRows: t, seed: 10 + t });
      return { sketchRows: t, error: Math.max(...Array.from(s.S, (v, j) => Math.abs(v - full.S[j]!))) };
    });
    const input = { ...plot.errorCurveFromBootstrap(r, { tolerance: r.valueError / 3 }), actual };
    const svg = await checkFigure(plot.errorCurveSpec(input));
    expect(markItems(svg, 'actual')).toHaveLength(sizes.length);
    expect(svg).toContain('hollow: the actual error of one sketch');
    await expectRandlaError(() => plot.errorCurveSpec({ ...input, actual: [{ sketchRows: 5, error: Number.NaN }] }), ErrorCode.NOT_FINITE, 'input.actual[0].error');
    await expectRandlaError(() => plot.errorCurveSpec({ ...input, actual: [] }), ErrorCode.INVALID_ARGUMENT, 'input.actual');
  });

  it('takes a single-estimate result (bootstrapCovarianceError)', async () => {
    const c = bootstrapCovarianceErrorSync(tall, { sketchRows: 200, replicates: 20, seed: 5 });
    const input = plot.errorCurveFromBootstrap(c, { tolerance: c.error / 2 });
    expect(input.points).toEqual([{ sketchRows: 200, error: c.error }]);
    expect(input.targetRows).toBe(c.rowsFor(c.error / 2));
    for (const p of input.extrapolation!) expect(p.error).toBe(c.extrapolate(p.sketchRows).error);
    const svg = await checkFigure(plot.errorCurveSpec(input));
    expect(markItems(svg, 'measured')).toEqual(['path']);
    await expectRandlaError(() => plot.errorCurveFromBootstrap(c, { metric: 'vector' }), ErrorCode.INVALID_ARGUMENT, 'options.metric');
  });

  it('rejects bad input naming the argument', async () => {
    await expectRandlaError(() => plot.errorCurveFromBootstrap(r, { rows: [50, 50] }), ErrorCode.INVALID_ARGUMENT, 'options.rows');
    await expectRandlaError(() => plot.errorCurveFromBootstrap(r, { rows: [50, 0.5] }), ErrorCode.INVALID_ARGUMENT, 'options.rows[1]');
    const path = [{ rows: 10, valueError: 0.1, vectorError: 0, leftVectorError: 0 }, { rows: 20, valueError: Number.NaN, vectorError: 0, leftVectorError: 0 }];
    await expectRandlaError(() => plot.errorCurveFromBootstrap({ sketchRows: 20, S: new Float64Array(2), path }), ErrorCode.NOT_FINITE, 'result.path[1].valueError');
    await expectRandlaError(() => plot.errorCurveFromBootstrap({ ...r, sketchRows: 0 }), ErrorCode.INVALID_ARGUMENT, 'result.sketchRows');
    await expectRandlaError(() => plot.errorCurveSpec({ points: [] }), ErrorCode.INVALID_ARGUMENT, 'input.points');
    await expectRandlaError(() => plot.errorCurveSpec({ points: [{ sketchRows: 10, error: Number.NaN }] }), ErrorCode.NOT_FINITE, 'input.points[0].error');
    await expectRandlaError(() => plot.errorCurveSpec({ points: [{ sketchRows: 0, error: 1 }] }), ErrorCode.INVALID_ARGUMENT, 'input.points[0].sketchRows');
    await expectRandlaError(() => plot.errorCurveSpec({ points: [{ sketchRows: 10, error: -1 }] }), ErrorCode.INVALID_ARGUMENT, 'input.points[0].error');
    await expectRandlaError(
      () => plot.errorCurveSpec({ points: [{ sketchRows: 10, error: 1 }], extrapolation: [{ sketchRows: 20, error: 0.7 }] }),
      ErrorCode.INVALID_ARGUMENT,
      'input.extrapolation',
    );
    await expectRandlaError(() => plot.errorCurveSpec({ points: [{ sketchRows: 10, error: 1 }], tolerance: 0 }), ErrorCode.INVALID_ARGUMENT, 'input.tolerance');
    await expectRandlaError(() => plot.errorCurveFromBootstrap({ sketchRows: 10 } as never), ErrorCode.INVALID_ARGUMENT, 'result');
    await expectRandlaError(() => plot.errorCurveFromBootstrap(r, { metric: 'angle' as never }), ErrorCode.INVALID_ARGUMENT, 'options.metric');
    await expectRandlaError(() => plot.errorCurveFromBootstrap(r, { tolerance: -1 }), ErrorCode.INVALID_ARGUMENT, 'options.tolerance');
  });
});

describe('DMD figures', () => {
  // A linear system with known spectrum: x_k = Σ ρ^k (a cos kθ + c sin kθ) for two pairs, plus a
  // real decaying mode; n = 12 = a 3 × 4 grid, 30 snapshots, dt = 0.5. Rank 5 exactly.
  const dt = 0.5;
  const pairs = [
    { rho: 0.95, theta: 0.4 },
    { rho: 1, theta: 1.1 },
  ];
  const real = 0.7;
  const n = 12;
  const m = 30;
  const vec = (s: number) => Array.from({ length: n }, (_, i) => Math.sin(1.3 * (i + 1) * s + 0.2 * s * s));
  const X = new Float64Array(n * m);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) {
      let x = 0;
      pairs.forEach(({ rho, theta }, p) => {
        x += rho ** k * (vec(2 * p + 1)[i]! * Math.cos(k * theta) + vec(2 * p + 2)[i]! * Math.sin(k * theta));
      });
      x += 0.8 * real ** k * vec(5)[i]!;
      X[i * m + k] = x;
    }
  }
  const result: DmdResult = dmdSync(matrix(X, n, m), { rank: 5, dt, seed: 1 });
  const expected = [...pairs.flatMap(({ rho, theta }) => [[rho * Math.cos(theta), rho * Math.sin(theta)], [rho * Math.cos(theta), -rho * Math.sin(theta)]]), [real, 0]];

  it('recovers the system (the premise of the figures below)', () => {
    expect(result.eigs.re.length).toBe(5);
    for (const [re, im] of expected) {
      const d = Math.min(...Array.from(result.eigs.re, (x, j) => Math.hypot(x - re!, result.eigs.im[j]! - im!)));
      expect(d).toBeLessThan(1e-8);
    }
  });

  it('dmdEigenvaluesSpec: λ against the unit circle and ω = log(λ)/dt, sized by |b|', async () => {
    const spec = plot.dmdEigenvaluesSpec(result);
    const svg = await checkFigure(spec);
    expect(markItems(svg, 'discreteEigs')).toEqual(Array(5).fill('path'));
    expect(markItems(svg, 'continuousEigs')).toEqual(Array(5).fill('path'));
    expect(markItems(svg, 'unitCircle')).toEqual(['path']);
    const panels = spec.hconcat as { width: number; height: number; layer: { name?: string; data: { values: Record<string, number>[] } }[] }[];
    // equal aspect: square panels, one domain for both axes
    expect(panels[0]!.width).toBe(panels[0]!.height);
    const rows = panels[1]!.layer.find((l) => l.name === 'continuousEigs')!.data.values;
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      const j = row.mode!;
      const modulus = Math.hypot(result.eigs.re[j]!, result.eigs.im[j]!);
      expectClose(row.growth!, Math.log(modulus) / dt, 4 * EPS64, `growth rate of mode ${j}`);
      expectClose(row.frequency!, Math.atan2(result.eigs.im[j]!, result.eigs.re[j]!) / (2 * Math.PI * dt), 4 * EPS64, `frequency of mode ${j}`);
      expect(row.amplitude).toBe(Math.hypot(result.amplitudes.re[j]!, result.amplitudes.im[j]!));
      // and the closed form: ρ^(1/dt) growth, θ/(2π dt) frequency
      const truth = expected.find(([re, im]) => Math.hypot(re! - result.eigs.re[j]!, im! - result.eigs.im[j]!) < 1e-8)!;
      expectClose(row.growth!, Math.log(Math.hypot(truth[0]!, truth[1]!)) / dt, 1e-7, `closed-form growth of mode ${j}`);
    }
    // options.dt overrides result.dt
    const rows2 = ((plot.dmdEigenvaluesSpec(result, { dt: 2 * dt }).hconcat as typeof panels)[1]!.layer.find((l) => l.name === 'continuousEigs')!.data.values);
    rows2.forEach((row, k) => expectClose(row.growth!, rows[k]!.growth! / 2, 4 * EPS64, 'growth at 2·dt'));
  });

  it('dmdEigenvaluesSpec leaves λ = 0 out of the continuous panel and says so', async () => {
    const zero = { eigs: { re: new Float64Array([0, 0.5]), im: new Float64Array(2) }, amplitudes: { re: new Float64Array([1, 1]), im: new Float64Array(2) } };
    const spec = plot.dmdEigenvaluesSpec(zero);
    const svg = await checkFigure(spec);
    expect(markItems(svg, 'discreteEigs')).toHaveLength(2);
    expect(markItems(svg, 'continuousEigs')).toHaveLength(1);
    expect(JSON.stringify(spec.title)).toContain('λ = 0');
  });

  it('dmdModesSpec 1-D: Re and Im against the index, one mode per conjugate pair by default', async () => {
    const spec = plot.dmdModesSpec(result);
    const svg = await checkFigure(spec);
    const panels = spec.vconcat as { name: string; data: { values: { index: number; part: string; value: number }[] } }[];
    // 2 pairs + 1 real mode: 3 distinct modes, the 2 conjugates skipped
    expect(panels).toHaveLength(3);
    const chosen = panels.map((p) => Number(p.name.replace('mode', '')));
    for (let a = 0; a < chosen.length; a++) {
      for (let b = a + 1; b < chosen.length; b++) {
        const [i, j] = [chosen[a]!, chosen[b]!];
        expect(Math.hypot(result.eigs.re[i]! - result.eigs.re[j]!, result.eigs.im[i]! + result.eigs.im[j]!)).toBeGreaterThan(1e-6);
      }
    }
    for (const p of panels) {
      const j = Number(p.name.replace('mode', ''));
      expect(markItems(svg, p.name)).toEqual(['path', 'path']); // a line for Re, one for Im
      const re = p.data.values.filter((v) => v.part === 'Re φ');
      const im = p.data.values.filter((v) => v.part === 'Im φ');
      expect(re.map((v) => v.value)).toEqual(Array.from({ length: n }, (_, i) => at(result.modes.re, i, j)));
      expect(im.map((v) => v.value)).toEqual(Array.from({ length: n }, (_, i) => at(result.modes.im, i, j)));
    }
    const picked = plot.dmdModesSpec(result, { modes: [4, 0] });
    expect((picked.vconcat as { name: string }[]).map((p) => p.name)).toEqual(['mode4', 'mode0']);
  });

  it('dmdModesSpec 2-D: one cell per grid point, |φ| or Re φ; delays draw the first block', async () => {
    const spec = plot.dmdModesSpec(result, { grid: [3, 4], modes: [0, 4] });
    const svg = await checkFigure(spec);
    const panels = spec.concat as { name: string; data: { values: { x0: number; y0: number; value: number }[] } }[];
    for (const p of panels) {
      const j = Number(p.name.replace('mode', ''));
      expect(markItems(svg, p.name)).toHaveLength(12);
      for (const cell of p.data.values) {
        const i = (cell.y0 + 0.5) * 4 + (cell.x0 + 0.5); // row r at y, column c at x
        expect(cell.value).toBe(Math.hypot(at(result.modes.re, i, j), at(result.modes.im, i, j)));
      }
    }
    const reSpec = plot.dmdModesSpec(result, { grid: [3, 4], part: 're', modes: [1] });
    await checkFigure(reSpec);
    const cells = (reSpec.concat as { data: { values: { x0: number; y0: number; value: number }[] } }[])[0]!.data.values;
    expect(cells.map((c) => c.value)).toEqual(Array.from({ length: 12 }, (_, i) => at(result.modes.re, i, 1)));

    const delayed = dmdSync(matrix(X, n, m), { rank: 5, dt, delays: 2, seed: 1 });
    expect(delayed.modes.re.rows).toBe(24);
    const dSpec = plot.dmdModesSpec(delayed, { grid: [3, 4], modes: [0] });
    const dSvg = await checkFigure(dSpec);
    expect(markItems(dSvg, 'mode0')).toHaveLength(12);
    expect(JSON.stringify(dSpec.title)).toContain('the first of 2 delay blocks');

    // large grids are averaged in blocks: 12 cells, at most 4 per panel -> 2 × 2 blocks
    const pooled = plot.dmdModesSpec(result, { grid: [3, 4], modes: [0], maxCells: 4, part: 're' });
    const pooledCells = (pooled.concat as { data: { values: { x0: number; y0: number; value: number }[] } }[])[0]!.data.values;
    expect(pooledCells).toHaveLength(4); // rows {0,1},{2} × columns {0,1},{2,3}
    const mean = (rows: number[], cols: number[]) => rows.flatMap((r) => cols.map((c) => at(result.modes.re, r * 4 + c, 0))).reduce((a, b) => a + b) / (rows.length * cols.length);
    expectClose(pooledCells[0]!.value, mean([0, 1], [0, 1]), 8 * EPS64, 'block (0, 0)');
    expectClose(pooledCells[3]!.value, mean([2], [2, 3]), 8 * EPS64, 'block (1, 1)');
  });

  it('rejects bad input naming the argument', async () => {
    const eigs = { re: new Float64Array([0.5, 0.4]), im: new Float64Array(2) };
    const amplitudes = { re: new Float64Array([1, 1]), im: new Float64Array(2) };
    await expectRandlaError(() => plot.dmdEigenvaluesSpec({ eigs: { re: eigs.re, im: new Float64Array(3) }, amplitudes }), ErrorCode.SHAPE, 'result.eigs.im');
    await expectRandlaError(() => plot.dmdEigenvaluesSpec({ eigs, amplitudes: { re: new Float64Array(3), im: new Float64Array(3) } }), ErrorCode.SHAPE, 'result.amplitudes.re');
    await expectRandlaError(() => plot.dmdEigenvaluesSpec({ eigs: { re: new Float64Array([Number.NaN, 0]), im: eigs.im }, amplitudes }), ErrorCode.NOT_FINITE, 'result.eigs.re');
    await expectRandlaError(() => plot.dmdEigenvaluesSpec({ eigs: { re: new Float64Array(0), im: new Float64Array(0) }, amplitudes }), ErrorCode.INVALID_ARGUMENT, 'result.eigs.re');
    await expectRandlaError(() => plot.dmdEigenvaluesSpec({ eigs, amplitudes }, { dt: 0 }), ErrorCode.INVALID_ARGUMENT, 'options.dt');
    await expectRandlaError(() => plot.dmdEigenvaluesSpec(null as never), ErrorCode.INVALID_ARGUMENT, 'result');
    await expectRandlaError(() => plot.dmdModesSpec(result, { grid: [5, 5] }), ErrorCode.SHAPE, 'options.grid');
    await expectRandlaError(() => plot.dmdModesSpec(result, { grid: [3, 4.5] as never }), ErrorCode.INVALID_ARGUMENT, 'options.grid');
    await expectRandlaError(() => plot.dmdModesSpec(result, { modes: [5] }), ErrorCode.INVALID_ARGUMENT, 'options.modes[0]');
    await expectRandlaError(() => plot.dmdModesSpec(result, { modes: [1, 1] }), ErrorCode.INVALID_ARGUMENT, 'options.modes[1]');
    await expectRandlaError(() => plot.dmdModesSpec(result, { modes: [] }), ErrorCode.INVALID_ARGUMENT, 'options.modes');
    await expectRandlaError(() => plot.dmdModesSpec(result, { part: 're' }), ErrorCode.INVALID_ARGUMENT, 'options.part');
    const bad = { ...result, modes: { re: result.modes.re, im: { ...result.modes.im, data: result.modes.im.data.map((v, i) => (i === 3 ? Number.NaN : v)) } } };
    await expectRandlaError(() => plot.dmdModesSpec(bad), ErrorCode.NOT_FINITE, 'result.modes.im');
  });
});

describe('flowEigenvectorsSpec', () => {
  const field = lambOseenField({
    nx: 20,
    ny: 14,
    lx: 1,
    vortices: [
      { x: 0.3, y: 0.35, circulation: 1, coreRadius: 0.08 },
      { x: 0.7, y: 0.35, circulation: -0.6, coreRadius: 0.06 },
    ],
  });
  const net = vorticalNetwork(field, { relativeThreshold: 0.05 });
  const r = nystromSync(net, { rank: 3, columns: 25, sampling: 'uniform', seed: 2 });

  it('lays each eigenvector on the grid (as VorticalNetwork.toGrid does) with the sampled columns', async () => {
    expect(net.size).toBeGreaterThan(20);
    expect(net.size).toBeLessThan(280); // thresholded: not every cell
    const spec = plot.flowEigenvectorsSpec({ field, nodes: net.nodes, eigenvectors: r.vectors, values: r.values, columns: r.indices });
    const svg = await checkFigure(spec);
    const panels = spec.concat as { layer: { name?: string; data: { values: Record<string, number>[] } }[] }[];
    expect(panels).toHaveLength(3);
    panels.forEach((panel, j) => {
      expect(markItems(svg, `eigenvector${j + 1}`)).toHaveLength(net.size);
      expect(markItems(svg, `columns${j + 1}`)).toHaveLength(r.indices!.length);
      const grid = net.toGrid(Array.from({ length: net.size }, (_, i) => at(r.vectors, i, j)));
      const cells = panel.layer.find((l) => l.name === `eigenvector${j + 1}`)!.data.values;
      for (const cell of cells) {
        const c = Math.round(cell.x0! / field.dx + 0.5);
        const row = Math.round(cell.y0! / field.dy + 0.5);
        expect(cell.value).toBe(grid.data[row * 20 + c]);
        expectClose(cell.x1! - cell.x0!, field.dx, 4 * EPS64, 'cell width dx');
      }
      // every node is drawn once: the cells are the network's nodes
      const drawn = cells.map((cell) => Math.round(cell.y0! / field.dy + 0.5) * 20 + Math.round(cell.x0! / field.dx + 0.5)).sort((a, b) => a - b);
      expect(drawn).toEqual(Array.from(net.nodes));
      // the sampled columns sit on their nodes' cells
      const points = panel.layer.find((l) => l.name === `columns${j + 1}`)!.data.values;
      points.forEach((p, k) => {
        const node = net.nodes[r.indices![k]!]!;
        expectClose(p.x!, (node % 20) * field.dx, 4 * EPS64, 'column x');
        expectClose(p.y!, Math.floor(node / 20) * field.dy, 4 * EPS64, 'column y');
      });
    });
    expect(JSON.stringify(panels[0])).toContain(`λ = ${Number(r.values[0]!.toPrecision(4))}`);
  });

  it('takes a bare grid (every cell a node) and arrays of vectors; averages large grids in blocks', async () => {
    const v = [Array.from({ length: 12 }, (_, i) => i - 5.5)];
    const spec = plot.flowEigenvectorsSpec({ grid: [3, 4], eigenvectors: v, count: 1 });
    const svg = await checkFigure(spec);
    expect(markItems(svg, 'eigenvector1')).toHaveLength(12);
    expect(svg).not.toContain('columns1_marks');
    // a number[][] field: its shape, and dx, dy for the coordinates
    const rows = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    const physical = plot.flowEigenvectorsSpec({ field: { vorticity: rows, dx: 0.5, dy: 0.25 }, eigenvectors: v });
    const physicalCells = (physical.concat as { layer: { name?: string; data: { values: { x0: number; x1: number; y0: number; y1: number }[] } }[] }[])[0]!.layer.find((l) => l.name === 'eigenvector1')!.data.values;
    expect(physicalCells.at(-1)).toMatchObject({ x0: 2.5 * 0.5, x1: 3.5 * 0.5, y0: 1.5 * 0.25, y1: 2.5 * 0.25 });
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field: { vorticity: [] as number[][], dx: 1, dy: 1 }, eigenvectors: v }), ErrorCode.INVALID_ARGUMENT, 'input.field.vorticity');
    const pooled = plot.flowEigenvectorsSpec({ grid: [3, 4], eigenvectors: v, maxCells: 4 });
    const cells = (pooled.concat as { layer: { name?: string; data: { values: { value: number }[] } }[] }[])[0]!.layer.find((l) => l.name === 'eigenvector1')!.data.values;
    // 2 × 2 blocks: rows {0,1},{2} × columns {0,1},{2,3}
    expect(cells.map((c) => c.value)).toEqual([(-5.5 - 4.5 - 1.5 - 0.5) / 4, (-3.5 - 2.5 + 0.5 + 1.5) / 4, (2.5 + 3.5) / 2, (4.5 + 5.5) / 2]);
  });

  it('rejects bad input naming the argument', async () => {
    // a grid that does not match the node count
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ grid: [14, 20], eigenvectors: r.vectors }), ErrorCode.SHAPE, 'input.eigenvectors');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field, nodes: net.nodes.subarray(1), eigenvectors: r.vectors }), ErrorCode.SHAPE, 'input.eigenvectors');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ grid: [2, 2], nodes: [0, 4], eigenvectors: [[1, 2]] }), ErrorCode.INVALID_ARGUMENT, 'input.nodes[1]');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ grid: [2, 2], nodes: [1, 1], eigenvectors: [[1, 2]] }), ErrorCode.INVALID_ARGUMENT, 'input.nodes[1]');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field, grid: [14, 20], eigenvectors: r.vectors }), ErrorCode.INVALID_ARGUMENT, 'input.field');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ eigenvectors: r.vectors } as never), ErrorCode.INVALID_ARGUMENT, 'input.grid');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ grid: [1, 2], eigenvectors: [[1, Number.NaN]] }), ErrorCode.NOT_FINITE, 'input.eigenvectors[0]');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ grid: [1, 2], eigenvectors: [[1, 2], [1]] }), ErrorCode.SHAPE, 'input.eigenvectors[1]');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ grid: [1, 2], eigenvectors: [] }), ErrorCode.INVALID_ARGUMENT, 'input.eigenvectors');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field, nodes: net.nodes, eigenvectors: r.vectors, columns: [net.size] }), ErrorCode.INVALID_ARGUMENT, 'input.columns[0]');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field, nodes: net.nodes, eigenvectors: r.vectors, count: 4 }), ErrorCode.INVALID_ARGUMENT, 'input.count');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field, nodes: net.nodes, eigenvectors: r.vectors, values: [1] }), ErrorCode.SHAPE, 'input.values');
    await expectRandlaError(() => plot.flowEigenvectorsSpec({ field: { ...field, dx: -1 }, nodes: net.nodes, eigenvectors: r.vectors }), ErrorCode.INVALID_ARGUMENT, 'input.field.dx');
  });
});

describe('koopmanSpectrumSpec', () => {
  const history = [
    { epoch: 1, eigs: { re: new Float64Array([0.5, 0.2]), im: new Float64Array([0.1, -0.1]) }, verdict: 'converging' as const },
    { epoch: 2, moduli: [0.9, 0.4, 0.1], verdict: 'oscillating' as const },
    { epoch: 3, moduli: [1.3], verdict: 'diverging' as const },
    { epoch: 4, eigs: { re: new Float64Array(0), im: new Float64Array(0) }, verdict: 'stalled' as const },
    { epoch: 5, moduli: [0.8] }, // before the monitor's first verdict
  ];

  it('draws |λ| per epoch coloured by verdict, stalled epochs at 0, and |λ| = 1', async () => {
    const spec = plot.koopmanSpectrumSpec(history, { title: 'Training run' });
    const svg = await checkFigure(spec);
    expect(svgSize(svg)).toEqual({ width: 640, height: 320 });
    expect(markItems(svg, 'moduli')).toHaveLength(2 + 3 + 1 + 1 + 1);
    expect(markItems(svg, 'unitModulus')).toEqual(['line']);
    const layer = (spec.layer as { name?: string; data: { values: { epoch: number; modulus: number; verdict: string }[] } }[]).find((l) => l.name === 'moduli')!;
    expect(layer.data.values.filter((v) => v.epoch === 1).map((v) => v.modulus)).toEqual([Math.hypot(0.5, 0.1), Math.hypot(0.2, -0.1)]);
    expect(layer.data.values.filter((v) => v.epoch === 4)).toEqual([{ epoch: 4, modulus: 0, verdict: 'stalled' }]);
    expect(layer.data.values.filter((v) => v.epoch === 5)).toEqual([{ epoch: 5, modulus: 0.8, verdict: 'no verdict' }]);
    // every verdict in the legend
    for (const verdict of ['converging', 'oscillating', 'diverging', 'stalled', 'no verdict']) expect(svg).toContain(`>${verdict}</text>`);
  });

  it('takes { epoch, ...monitor.convergenceSync() } records', async () => {
    const monitor = new KoopmanMonitor({ window: 6 });
    const records: plot.KoopmanEpoch[] = [];
    let w = Float64Array.from({ length: 10 }, (_, i) => Math.cos(i));
    for (let epoch = 0; epoch < 14; epoch++) {
      w = w.map((x, i) => x * (1 - 0.3 * (0.5 + i / 8)));
      monitor.record(w);
      if (epoch >= 5) records.push({ epoch, ...monitor.convergenceSync() });
    }
    const total = records.reduce((s, e) => s + (e.verdict === 'stalled' ? 1 : e.eigs!.re.length), 0);
    expect(records.some((e) => e.verdict === 'converging')).toBe(true);
    const svg = await checkFigure(plot.koopmanSpectrumSpec(records));
    expect(markItems(svg, 'moduli')).toHaveLength(total);
  });

  it('rejects bad input naming the argument', async () => {
    await expectRandlaError(() => plot.koopmanSpectrumSpec([]), ErrorCode.INVALID_ARGUMENT, 'history');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1, moduli: [1], verdict: 'fine' as never }]), ErrorCode.INVALID_ARGUMENT, 'history[0].verdict');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1, moduli: [1] }, { epoch: 2, moduli: [Number.NaN] }]), ErrorCode.NOT_FINITE, 'history[1].moduli');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1, moduli: [-1] }]), ErrorCode.INVALID_ARGUMENT, 'history[0].moduli');
    // A detached buffer reads as empty: it is refused, not drawn as nothing.
    const gone = new ArrayBuffer(16);
    const detached = new Float64Array(gone);
    structuredClone(gone, { transfer: [gone] });
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1, moduli: detached }]), ErrorCode.INVALID_ARGUMENT, 'history[0].moduli');
    await expectRandlaError(() => plot.spectrumSpec({ singularValues: detached }), ErrorCode.INVALID_ARGUMENT, 'input.singularValues');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: Number.NaN, moduli: [1] }]), ErrorCode.NOT_FINITE, 'history[0].epoch');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1, moduli: [1], eigs: { re: [1], im: [0] } }]), ErrorCode.INVALID_ARGUMENT, 'history[0].moduli');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1, eigs: { re: [1, 2], im: [0] } }]), ErrorCode.SHAPE, 'history[0].eigs.im');
    await expectRandlaError(() => plot.koopmanSpectrumSpec([{ epoch: 1 }], { widht: 100 } as never), ErrorCode.INVALID_ARGUMENT, 'options.widht');
  });
});

describe('toSvg, toPng and writePlot', () => {
  const spec = plot.spectrumSpec({ singularValues: [5, 3, 1, 0.2], rank: 2 });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'randla-plot-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a PNG from a spec or from SVG text, at round(size × scale)', async () => {
    const fromSpec = pngSize(await plot.toPng(spec));
    expect(fromSpec).toEqual({ width: 560, height: 340 });
    const svg = await plot.toSvg(spec);
    expect(pngSize(await plot.toPng(`<?xml version="1.0"?>\n${svg}`, { scale: 1.5 }))).toEqual({ width: 840, height: 510 });
    const odd = plot.koopmanSpectrumSpec([{ epoch: 1, moduli: [1] }], { width: 641, height: 321 });
    expect(pngSize(await plot.toPng(odd, { scale: 0.5 }))).toEqual({ width: Math.round(320.5), height: Math.round(160.5) });
  });

  it('writes .svg, .png and .json atomically, leaving no temporary file', async () => {
    await plot.writePlot(join(dir, 'a.svg'), spec);
    await plot.writePlot(join(dir, 'a.png'), spec, { scale: 2 });
    await plot.writePlot(join(dir, 'a.JSON'), spec);
    expect(readdirSync(dir).sort()).toEqual(['a.JSON', 'a.png', 'a.svg']);
    const svg = readFileSync(join(dir, 'a.svg'), 'utf8');
    expectWellFormedSvg(svg);
    expect(svgSize(svg)).toEqual({ width: 560, height: 340 });
    expect(pngSize(new Uint8Array(readFileSync(join(dir, 'a.png'))))).toEqual({ width: 1120, height: 680 });
    expect(JSON.parse(readFileSync(join(dir, 'a.JSON'), 'utf8'))).toEqual(spec);
    // overwriting replaces the file whole
    await plot.writePlot(join(dir, 'a.svg'), plot.spectrumSpec({ singularValues: [1, 0.5] }));
    expect(readFileSync(join(dir, 'a.svg'), 'utf8')).not.toBe(svg);
    expect(readdirSync(dir).sort()).toEqual(['a.JSON', 'a.png', 'a.svg']);
  });

  it('a failing write throws a RandlaError naming the path and leaves nothing', async () => {
    const missing = join(dir, 'no-such-directory', 'plot.svg');
    await expectRandlaError(() => plot.writePlot(missing, spec), ErrorCode.INVALID_ARGUMENT, 'path');
    expect(existsSync(join(dir, 'no-such-directory'))).toBe(false);
    const before = readdirSync(dir).sort();
    // a spec that does not render: nothing is opened
    await expectRandlaError(() => plot.writePlot(join(dir, 'bad.svg'), { mark: 'point', encoding: { x: { field: 'a', type: 'wrong' } } }), ErrorCode.INVALID_ARGUMENT, 'spec');
    await expectRandlaError(() => plot.writePlot(join(dir, 'bad.pdf'), spec), ErrorCode.INVALID_ARGUMENT, 'path');
    await expectRandlaError(() => plot.writePlot(join(dir, 'noextension'), spec), ErrorCode.INVALID_ARGUMENT, 'path');
    await expectRandlaError(() => plot.writePlot(join(dir, 'bad.png'), spec, { scale: -1 }), ErrorCode.INVALID_ARGUMENT, 'options.scale');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('rejects bad specs, SVG and options naming the argument', async () => {
    await expectRandlaError(() => plot.toSvg(null as never), ErrorCode.INVALID_ARGUMENT, 'spec');
    await expectRandlaError(() => plot.toSvg([] as never), ErrorCode.INVALID_ARGUMENT, 'spec');
    await expectRandlaError(() => plot.toSvg({}), ErrorCode.INVALID_ARGUMENT, 'spec');
    await expectRandlaError(() => plot.toSvg(spec, { onWarning: 1 } as never), ErrorCode.INVALID_ARGUMENT, 'options.onWarning');
    await expectRandlaError(() => plot.toSvg(spec, { scale: 2 } as never), ErrorCode.INVALID_ARGUMENT, 'options.scale');
    await expectRandlaError(() => plot.toPng('not an svg'), ErrorCode.INVALID_ARGUMENT, 'specOrSvg');
    await expectRandlaError(() => plot.toPng({}), ErrorCode.INVALID_ARGUMENT, 'specOrSvg');
    await expectRandlaError(() => plot.toPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g></svg>'), ErrorCode.INVALID_ARGUMENT, 'specOrSvg');
    await expectRandlaError(() => plot.toPng(spec, { scale: 0 }), ErrorCode.INVALID_ARGUMENT, 'options.scale');
    await expectRandlaError(() => plot.toPng(spec, { scale: 17 }), ErrorCode.INVALID_ARGUMENT, 'options.scale');
    await expectRandlaError(() => plot.toPng(spec, { scale: Number.NaN }), ErrorCode.INVALID_ARGUMENT, 'options.scale');
  });

  it('reports the compiler warnings of a questionable spec', async () => {
    const warnings: string[] = [];
    await plot.toSvg(
      { data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative', scale: { type: 'log', domain: [0, 1] } } } },
      { onWarning: (m) => warnings.push(m) },
    );
    expect(warnings.join('\n')).toMatch(/log scale domain includes zero/i);
  });

  it('imports vega, vega-lite and resvg only when rendering (import randla stays fast)', () => {
    const dirUrl = new URL('../src/plot/', import.meta.url);
    const files = readdirSync(dirUrl).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(['dmd.ts', 'error_curve.ts', 'flow.ts', 'index.ts', 'koopman.ts', 'render.ts', 'spectrum.ts']);
    for (const f of files) {
      const source = readFileSync(new URL(f, dirUrl), 'utf8');
      // a static value import would load the renderer with the library; `import type` is erased
      expect(source, f).not.toMatch(/^\s*import\s+(?!type\b)[^;]*from\s+'(vega|vega-lite|@resvg\/resvg-js)'/m);
    }
    expect(readFileSync(new URL('render.ts', dirUrl), 'utf8')).toMatch(/await import\('@resvg\/resvg-js'\)/);
  });
});
