// The TypeScript vortical network (src/backend/reference/vortical_network.ts) against a dense
// adjacency built here from DESIGN.md's formula: node order, coordinates and circulation,
// columns, symmetry, zero diagonal, the Perron vector of the dense matrix (ml-matrix EVD),
// multiply and strength, layouts and dtypes, thresholds and bad input.
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { ReferenceVorticalNetwork, type VorticityField } from '../src/backend/reference/vortical_network.js';
import { ErrorCode, RandlaError } from '../src/errors.js';
import { lambOseenField } from '../src/flow/fields.js';
import { EPS64, expectAtMost, expectClose, flow as tol } from './helpers/tolerance.js';

// Three Lamb–Oseen vortices on a 40 × 40 grid; the relative level keeps about 500 nodes, so the
// dense matrix and its eigendecomposition stay cheap.
const RELATIVE = 0.03;
function field(): VorticityField {
  return lambOseenField({
    nx: 40,
    ny: 40,
    vortices: [
      { x: 0.3, y: 0.3, circulation: 1, coreRadius: 0.09 },
      { x: 0.7, y: 0.4, circulation: -0.8, coreRadius: 0.11 },
      { x: 0.45, y: 0.75, circulation: 0.6, coreRadius: 0.08 },
    ],
  });
}

/** The dense adjacency from the definition, with its own node scan, hypot and two divisions. */
function denseAdjacency(f: VorticityField, relative: number, alpha: number): { A: Float64Array; n: number; nodes: number[] } {
  const { data, rows, cols } = f.vorticity;
  let peak = 0;
  for (const v of data) peak = Math.max(peak, Math.abs(v));
  const nodes: number[] = [];
  for (let k = 0; k < rows * cols; k++) if (Math.abs(data[k]!) > relative * peak && data[k] !== 0) nodes.push(k);
  const n = nodes.length;
  const A = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const kj = nodes[j]!;
    const gj = Math.abs(data[kj]! * f.dx * f.dy);
    for (let i = 0; i < n; i++) {
      if (i === j) continue;
      const ki = nodes[i]!;
      const gi = Math.abs(data[ki]! * f.dx * f.dy);
      // Coordinates as defined, x = c·dx and y = r·dy, then their differences: (c_i − c_j)·dx would
      // be more accurate than the definition by the cancellation in x_i − x_j (up to ~2·nx ulp).
      const r = Math.hypot((ki % cols) * f.dx - (kj % cols) * f.dx, Math.floor(ki / cols) * f.dy - Math.floor(kj / cols) * f.dy);
      A[i + j * n] = (alpha * gi) / (2 * Math.PI * r) + ((1 - alpha) * gj) / (2 * Math.PI * r);
    }
  }
  return { A, n, nodes };
}

function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function expectRandlaError(fn: () => unknown, code: string, argument: string, fragment: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RandlaError);
    const err = e as RandlaError;
    expect(err.code).toBe(code);
    expect(err.argument).toBe(argument);
    expect(err.message).toContain(fragment);
    return;
  }
  throw new Error(`expected ${code} for ${argument}, nothing thrown`);
}

describe('reference vortical network', () => {
  it.each([0.5, 0.3])('columns equal the dense adjacency (alpha = %s)', (alpha) => {
    const f = field();
    const { A, n, nodes } = denseAdjacency(f, RELATIVE, alpha);
    const net = new ReferenceVorticalNetwork(f, { relativeThreshold: RELATIVE, alpha });
    expect(net.size).toBe(n);
    expect(n).toBeGreaterThan(300);
    expect(n).toBeLessThan(800);
    expect(Array.from(net.nodes)).toEqual(nodes);
    for (let i = 0; i < n; i++) {
      const k = nodes[i]!;
      expect(net.coords.data[2 * i]).toBe((k % 40) * f.dx);
      expect(net.coords.data[2 * i + 1]).toBe(Math.floor(k / 40) * f.dy);
      expect(net.circulation[i]).toBe(f.vorticity.data[k]! * (f.dx * f.dy));
    }
    // Scrambled order with a repeat: each column depends on its index only.
    const idx = allIndices(n).reverse();
    const withRepeat = Int32Array.from([...idx, 3]);
    const C = net.columns(withRepeat);
    expect([C.rows, C.cols, C.layout]).toEqual([n, n + 1, 'col-major']);
    let worst = 0;
    for (let t = 0; t < C.cols; t++) {
      const j = withRepeat[t]!;
      for (let i = 0; i < n; i++) {
        const expected = A[i + j * n]!;
        const diff = Math.abs(C.data[i + t * n]! - expected);
        worst = Math.max(worst, i === j ? diff : diff / Math.abs(expected));
      }
    }
    expectAtMost(worst, tol.vorticalEntry, 'columns vs dense adjacency, max relative entry difference');
  });

  it('is exactly symmetric for alpha = 0.5, not otherwise; zero diagonal', () => {
    const f = field();
    for (const alpha of [0.5, 0.2, 1]) {
      const net = new ReferenceVorticalNetwork(f, { relativeThreshold: RELATIVE, alpha });
      const n = net.size;
      const C = net.columns(allIndices(n));
      let asymmetry = 0;
      let scale = 0;
      let diagonal = 0;
      for (let j = 0; j < n; j++) {
        diagonal = Math.max(diagonal, Math.abs(C.data[j + j * n]!));
        for (let i = 0; i < n; i++) {
          asymmetry = Math.max(asymmetry, Math.abs(C.data[i + j * n]! - C.data[j + i * n]!));
          scale = Math.max(scale, Math.abs(C.data[i + j * n]!));
        }
      }
      expect(diagonal).toBe(0);
      expect(Array.from(net.diagonal())).toEqual(new Array(n).fill(0));
      if (alpha === 0.5) expect(asymmetry).toBe(0);
      else expect(asymmetry).toBeGreaterThan(0.1 * Math.abs(2 * alpha - 1) * scale);
    }
  });

  it('has a one-signed leading eigenvector (Perron) and zero trace', () => {
    const f = field();
    const net = new ReferenceVorticalNetwork(f, { relativeThreshold: RELATIVE });
    const n = net.size;
    const C = net.columns(allIndices(n));
    const dense = new MlMatrix(n, n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) dense.set(i, j, C.data[i + j * n]!);
    const evd = new EigenvalueDecomposition(dense, { assumeSymmetric: true });
    const values = evd.realEigenvalues;
    let top = 0;
    for (let k = 1; k < n; k++) if (values[k]! > values[top]!) top = k;
    const lambda = values[top]!;
    expect(lambda).toBeGreaterThan(0);
    let sum = 0;
    let size = 0;
    for (const v of values) {
      expect(Math.abs(v)).toBeLessThanOrEqual(lambda * (1 + 64 * EPS64));
      sum += v;
      size += Math.abs(v);
    }
    expectAtMost(Math.abs(sum), 64 * n * EPS64 * size, 'sum of eigenvalues (trace 0)');
    const vector = evd.eigenvectorMatrix.getColumn(top);
    const sign = Math.sign(vector[0]!);
    const smallest = Math.min(...vector.map((v) => sign * v));
    // An irreducible non-negative matrix has a strictly positive Perron vector.
    expect(smallest).toBeGreaterThan(0);
  });

  it.each([0.5, 0.7])('multiply and strength equal dense products (alpha = %s)', (alpha) => {
    const f = field();
    const { A, n } = denseAdjacency(f, RELATIVE, alpha);
    const net = new ReferenceVorticalNetwork(f, { relativeThreshold: RELATIVE, alpha });
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + 1));
    const y = net.multiply(x);
    const s = net.strength();
    let worst = 0;
    let worstStrength = 0;
    for (let i = 0; i < n; i++) {
      let expected = 0;
      let magnitude = 0;
      let row = 0;
      for (let j = 0; j < n; j++) {
        expected += A[i + j * n]! * x[j]!;
        magnitude += Math.abs(A[i + j * n]! * x[j]!);
        row += A[i + j * n]!;
      }
      worst = Math.max(worst, Math.abs(y[i]! - expected) / magnitude);
      worstStrength = Math.max(worstStrength, Math.abs(s[i]! - row) / row);
    }
    // Each sum of n terms carries n·u of rounding; the entries a few u more.
    expectAtMost(worst, (n + 2) * EPS64 + tol.vorticalEntry, 'multiply vs dense A·x, relative to Σ|A||x|');
    expectAtMost(worstStrength, (n + 2) * EPS64 + tol.vorticalEntry, 'strength vs dense row sums, relative');
  });

  it('reads either layout and f32 the same way (row = y)', () => {
    // Values exact in f32, a non-square grid and non-square cells.
    const ny = 3;
    const nx = 4;
    const rowMajor = Float64Array.from([0, 1, -2, 0, 4, 0, 0.5, 3, 0, 0, -1, 0]);
    const colMajor = new Float32Array(12);
    for (let r = 0; r < ny; r++) for (let c = 0; c < nx; c++) colMajor[r + c * ny] = rowMajor[r * nx + c]!;
    const a = new ReferenceVorticalNetwork({ vorticity: { data: rowMajor, rows: ny, cols: nx, layout: 'row-major' }, dx: 0.5, dy: 0.25 });
    const b = new ReferenceVorticalNetwork({ vorticity: { data: colMajor, rows: ny, cols: nx, layout: 'col-major' }, dx: 0.5, dy: 0.25 });
    expect(Array.from(a.nodes)).toEqual([1, 2, 4, 6, 7, 10]);
    expect(Array.from(b.nodes)).toEqual(Array.from(a.nodes));
    expect(Array.from(b.circulation)).toEqual(Array.from(a.circulation));
    expect(Array.from(a.circulation)).toEqual([0.125, -0.25, 0.5, 0.0625, 0.375, -0.125]);
    // node 3 is cell (1, 2): x = 2·0.5, y = 1·0.25
    expect([a.coords.data[6], a.coords.data[7]]).toEqual([1, 0.25]);
    expect(Array.from(b.columns([0, 5]).data)).toEqual(Array.from(a.columns([0, 5]).data));
    // A_01 by hand: r = hypot(0.5, 0) = 0.5, (|Γ0| + |Γ1|)/2 / (2π·0.5)
    expectClose(a.columns([1]).data[0]!, (0.5 * 0.125 + 0.5 * 0.25) / (2 * Math.PI * 0.5), 4 * EPS64, 'A_01');
    const grid = a.toGrid(Float64Array.from([1, 2, 3, 4, 5, 6]));
    expect(Array.from(grid.data)).toEqual([0, 1, 2, 0, 3, 0, 4, 5, 0, 0, 6, 0]);
  });

  it('applies both thresholds strictly', () => {
    const vorticity = { data: Float64Array.from([0, 1, -2, 3, 4]), rows: 1, cols: 5, layout: 'row-major' as const };
    const nodes = (threshold: number, relativeThreshold: number) =>
      Array.from(new ReferenceVorticalNetwork({ vorticity, dx: 1, dy: 1 }, { threshold, relativeThreshold }).nodes);
    expect(nodes(0, 0)).toEqual([1, 2, 3, 4]);
    expect(nodes(1, 0)).toEqual([2, 3, 4]);
    expect(nodes(0, 0.5)).toEqual([3, 4]);
    expect(nodes(2.5, 0.25)).toEqual([3, 4]);
  });

  it('rejects bad input with clear errors', () => {
    const f = lambOseenField({ nx: 8, ny: 8, vortices: [{ x: 0.5, y: 0.5, circulation: 1, coreRadius: 0.2 }] });
    const build = (over: Partial<VorticityField>, options = {}) => new ReferenceVorticalNetwork({ ...f, ...over }, options);
    const { INVALID_ARGUMENT, NOT_FINITE, SHAPE } = ErrorCode;
    expectRandlaError(() => build({ dx: 0 }), INVALID_ARGUMENT, 'field.dx', 'positive finite');
    expectRandlaError(() => build({ dy: Number.NaN }), INVALID_ARGUMENT, 'field.dy', 'NaN');
    expectRandlaError(() => build({ dy: Infinity }), INVALID_ARGUMENT, 'field.dy', 'Infinity');
    expectRandlaError(() => build({}, { threshold: -1 }), INVALID_ARGUMENT, 'options.threshold', '-1');
    expectRandlaError(() => build({}, { relativeThreshold: 1.5 }), INVALID_ARGUMENT, 'options.relativeThreshold', '[0, 1]');
    expectRandlaError(() => build({}, { alpha: -0.1 }), INVALID_ARGUMENT, 'options.alpha', '-0.1');
    expectRandlaError(() => build({}, { relativeThreshold: 1 }), INVALID_ARGUMENT, 'field.vorticity', 'at least 2 nodes');
    const one = { data: Float64Array.from([0, 0, 5, 0]), rows: 2, cols: 2, layout: 'row-major' as const };
    expectRandlaError(() => build({ vorticity: one }), INVALID_ARGUMENT, 'field.vorticity', 'received 1');
    const bad = Float64Array.from(f.vorticity.data);
    bad[2 * 8 + 5] = Number.NaN;
    expectRandlaError(() => build({ vorticity: { ...f.vorticity, data: bad } }), NOT_FINITE, 'field.vorticity', 'NaN at (2, 5)');
    bad[2 * 8 + 5] = -Infinity;
    expectRandlaError(() => build({ vorticity: { ...f.vorticity, data: bad } }), NOT_FINITE, 'field.vorticity', '-Infinity at (2, 5)');
    expectRandlaError(() => build({ vorticity: { ...f.vorticity, rows: 7 } }), SHAPE, 'field.vorticity.data', 'rows * cols');
    const net = build({});
    expectRandlaError(() => net.columns([0, net.size]), INVALID_ARGUMENT, 'indices', 'at position 1');
    expectRandlaError(() => net.columns([-1]), INVALID_ARGUMENT, 'indices', 'received -1');
    expectRandlaError(() => net.multiply(new Float64Array(3)), SHAPE, 'x', 'length 3');
    expect(net.columns([]).cols).toBe(0);
  });
});
