// Vortical interaction network (Nair & Taira, JFM 2015; Taira, Nair & Brunton, JFM 2016 §2) in
// TypeScript: the twin of native/src/cpu/vortical_network.cpp, same node order and entry formula.
import { ErrorCode, invalid, RandlaError } from '../../errors.js';
import type { Matrix } from '../../types.js';
import { expectMatrix, expectObject } from '../../validate.js';

/** A 2-D vorticity field: `vorticity` is ny × nx with row r at y = r·dy, column c at x = c·dx. */
export interface VorticityField {
  vorticity: Matrix;
  dx: number;
  dy: number;
}

export interface VorticalNetworkOptions {
  /** Absolute |ω| level a node must exceed (default 0). */
  threshold?: number;
  /** Fraction of max|ω| a node must exceed, in [0, 1] (default 0). */
  relativeThreshold?: number;
  /** Weight of the source node's circulation, in [0, 1] (default 0.5: undirected). */
  alpha?: number;
}

const TWO_PI = 2 * Math.PI;

function expectNumberIn(value: unknown, argument: string, expected: string, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || !ok(value)) throw invalid(argument, expected, value);
  return value;
}

/**
 * The vortical network of a field: nodes are the cells with |ω| > threshold and
 * |ω| > relativeThreshold·max|ω| in row-major scan order, Γ_i = ω_i·dx·dy and
 * A_ij = (α·|Γ_i| + (1 − α)·|Γ_j|) / (2π·r_ij), A_ii = 0 (docs/flow-networks.md). Columns are
 * computed on demand in O(N) each; A is never formed.
 *
 * @example
 * ```ts
 * const net = new ReferenceVorticalNetwork({ vorticity: { data: new Float64Array([1, 0, 2, 3]), rows: 2, cols: 2, layout: 'row-major' }, dx: 1, dy: 1 });
 * net.size; // 3 (cells (0,0), (1,0), (1,1))
 * net.columns(new Int32Array([0])); // 3 × 1, col-major
 * ```
 */
export class ReferenceVorticalNetwork {
  /** N, the number of nodes. */
  readonly size: number;
  /** Grid index r·nx + c of each node, ascending. */
  readonly nodes: Int32Array;
  /** N × 2 row-major: (x, y) = (c·dx, r·dy) per node. */
  readonly coords: Matrix<Float64Array>;
  /** Γ_i = ω_i·dx·dy (signed). */
  readonly circulation: Float64Array;
  readonly alpha: number;
  /** Grid shape, for toGrid. */
  readonly gridRows: number;
  readonly gridCols: number;
  private readonly magnitude: Float64Array;

  constructor(field: VorticityField, options: VorticalNetworkOptions = {}) {
    const f = expectObject(field, 'field');
    const vorticity = expectMatrix(f.vorticity, 'field.vorticity');
    const dx = expectNumberIn(f.dx, 'field.dx', 'a positive finite number', (v) => Number.isFinite(v) && v > 0);
    const dy = expectNumberIn(f.dy, 'field.dy', 'a positive finite number', (v) => Number.isFinite(v) && v > 0);
    const o = expectObject(options, 'options');
    const threshold = expectNumberIn(o.threshold ?? 0, 'options.threshold', 'a finite number >= 0', (v) => Number.isFinite(v) && v >= 0);
    const relative = expectNumberIn(o.relativeThreshold ?? 0, 'options.relativeThreshold', 'a number in [0, 1]', (v) => v >= 0 && v <= 1);
    const alpha = expectNumberIn(o.alpha ?? 0.5, 'options.alpha', 'a number in [0, 1]', (v) => v >= 0 && v <= 1);

    const { rows: ny, cols: nx, data } = vorticity;
    const rowMajor = vorticity.layout === 'row-major';
    const value = (r: number, c: number): number => data[rowMajor ? r * nx + c : r + c * ny]!;
    let peak = 0;
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const w = value(r, c);
        if (w - w !== 0) {
          throw new RandlaError(
            ErrorCode.NOT_FINITE,
            `Expected finite values for field.vorticity but received ${Number.isNaN(w) ? 'NaN' : w > 0 ? 'Infinity' : '-Infinity'} at (${r}, ${c})`,
            { argument: 'field.vorticity' },
          );
        }
        peak = Math.max(peak, Math.abs(w));
      }
    }
    const level = relative * peak;
    const area = dx * dy;
    const nodes: number[] = [];
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const a = Math.abs(value(r, c));
        if (a > threshold && a > level) nodes.push(r * nx + c);
      }
    }
    const n = nodes.length;
    if (n < 2) {
      throw new RandlaError(
        ErrorCode.INVALID_ARGUMENT,
        `Expected at least 2 nodes (cells with |vorticity| > ${threshold} and > ${relative} * max|vorticity| = ${level}) for field.vorticity but received ${n}`,
        { argument: 'field.vorticity' },
      );
    }
    this.size = n;
    this.nodes = Int32Array.from(nodes);
    this.circulation = new Float64Array(n);
    this.magnitude = new Float64Array(n);
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const k = nodes[i]!;
      const r = Math.floor(k / nx);
      const c = k - r * nx;
      this.circulation[i] = value(r, c) * area;
      this.magnitude[i] = Math.abs(this.circulation[i]!);
      xy[2 * i] = c * dx;
      xy[2 * i + 1] = r * dy;
    }
    this.coords = { data: xy, rows: n, cols: 2, layout: 'row-major' };
    this.alpha = alpha;
    this.gridRows = ny;
    this.gridCols = nx;
  }

  /** A_ij for i ≠ j, in the operation order of the C++ core (so both give the same bits). */
  private entry(i: number, j: number, beta: number): number {
    const xy = this.coords.data;
    const ddx = xy[2 * i]! - xy[2 * j]!;
    const ddy = xy[2 * i + 1]! - xy[2 * j + 1]!;
    const r = Math.sqrt(ddx * ddx + ddy * ddy);
    return (this.alpha * this.magnitude[i]! + beta * this.magnitude[j]!) / (TWO_PI * r);
  }

  /** A[:, indices] as an N × |indices| col-major matrix (O(N) per column). */
  columns(indices: ArrayLike<number>): Matrix<Float64Array> {
    const n = this.size;
    const l = indices.length;
    for (let t = 0; t < l; t++) {
      const j = indices[t]!;
      if (!Number.isInteger(j) || j < 0 || j >= n) {
        throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected node indices in [0, ${n}) for indices but received ${j} at position ${t}`, {
          argument: 'indices',
        });
      }
    }
    const out = new Float64Array(n * l);
    const beta = 1 - this.alpha;
    for (let t = 0; t < l; t++) {
      const j = indices[t]!;
      const base = t * n;
      for (let i = 0; i < n; i++) out[base + i] = i === j ? 0 : this.entry(i, j, beta);
    }
    return { data: out, rows: n, cols: l, layout: 'col-major' };
  }

  /** diag(A): zeros. */
  diagonal(): Float64Array {
    return new Float64Array(this.size);
  }

  /** y = A·x, each row summed in ascending j (O(N²): a reference, not a fast path). */
  multiply(x: ArrayLike<number>): Float64Array {
    const n = this.size;
    if (x.length !== n) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected a vector of length ${n} for x but received length ${x.length}`, { argument: 'x' });
    }
    const beta = 1 - this.alpha;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) if (j !== i) sum += this.entry(i, j, beta) * x[j]!;
      y[i] = sum;
    }
    return y;
  }

  /** Row sums s_i = Σ_j A_ij (the strength of node i for α = 0.5). */
  strength(): Float64Array {
    return this.multiply(new Float64Array(this.size).fill(1));
  }

  /** A node vector laid back on the ny × nx grid (row-major f64, zero off the nodes). */
  toGrid(values: ArrayLike<number>): Matrix<Float64Array> {
    if (values.length !== this.size) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected a vector of length ${this.size} for values but received length ${values.length}`, {
        argument: 'values',
      });
    }
    const grid = new Float64Array(this.gridRows * this.gridCols);
    for (let i = 0; i < this.size; i++) grid[this.nodes[i]!] = values[i]!;
    return { data: grid, rows: this.gridRows, cols: this.gridCols, layout: 'row-major' };
  }
}
