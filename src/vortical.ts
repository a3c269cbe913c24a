// Vortical interaction networks of 2-D flows (Nair & Taira, JFM 2015; Taira, Nair & Brunton,
// JFM 2016; Nyström on them: Bai, Erichson, Gopalakrishnan Meena, Taira, Brunton, PLoS ONE 2019).
// vorticalNetwork() returns a SymmetricOperator whose columns are computed on demand (natively
// when the addon is built), never the N × N adjacency; nystrom() recognises it and computes its
// columns in the native worker. Definitions: docs/flow-networks.md.
import { selectBackend, type BackendName } from './backend/index.js';
import { nativeVorticalNetwork, type NativeVorticalNetwork } from './backend/native.js';
import { ReferenceVorticalNetwork, type VorticalNetworkOptions, type VorticityField } from './backend/reference/vortical_network.js';
import type { NystromInput } from './backend/types.js';
import { ErrorCode, RandlaError } from './errors.js';
import { toMatrix } from './matrix.js';
import { NETWORK, type NetworkHandle } from './nystrom.js';
import type { Matrix, SymmetricOperator } from './types.js';

export interface VorticalNetworkCallOptions extends VorticalNetworkOptions {
  /** Where columns are computed: 'auto' (default) native when built, else reference. */
  backend?: BackendName;
}

/**
 * The vortical network of a field (a SymmetricOperator for α = 0.5, the default). `columns`,
 * `multiply` and `strength` run natively when the addon is built.
 */
export class VorticalNetwork implements SymmetricOperator {
  readonly size: number;
  /** Grid index r·nx + c of each node, ascending. */
  readonly nodes: Int32Array;
  /** N × 2 (x, y), row-major. */
  readonly coords: Matrix<Float64Array>;
  /** Γ_i = ω_i·dx·dy. */
  readonly circulation: Float64Array;
  readonly alpha: number;
  /** The backend whose kernels compute columns and products. */
  readonly backend: string;
  private readonly reference: ReferenceVorticalNetwork;
  private readonly native?: NativeVorticalNetwork;
  readonly [NETWORK]: NetworkHandle;

  constructor(field: VorticityField, options: VorticalNetworkCallOptions = {}) {
    const { backend: backendOption, ...networkOptions } = options;
    // The reference build validates everything and gives node order, coords and circulation.
    const vorticity = toMatrix(field?.vorticity, 'field.vorticity');
    this.reference = new ReferenceVorticalNetwork({ vorticity, dx: field.dx, dy: field.dy }, networkOptions);
    this.size = this.reference.size;
    this.nodes = this.reference.nodes;
    this.coords = this.reference.coords;
    this.circulation = this.reference.circulation;
    this.alpha = this.reference.alpha;
    this.backend = selectBackend(backendOption ?? 'auto').name;
    if (this.backend === 'native') {
      const f64 = vorticity.data instanceof Float64Array ? vorticity : { ...vorticity, data: Float64Array.from(vorticity.data) };
      this.native = nativeVorticalNetwork(f64, field.dx, field.dy, {
        threshold: networkOptions.threshold ?? 0,
        relativeThreshold: networkOptions.relativeThreshold ?? 0,
        alpha: networkOptions.alpha ?? 0.5,
      });
    }
    const self = this;
    this[NETWORK] = {
      coords: this.coords,
      alpha: this.alpha,
      input(backendName: string): NystromInput {
        if (backendName === 'native' && self.native) return { kind: 'network', network: self.native };
        return {
          kind: 'operator',
          size: self.size,
          columns: (indices) => self.reference.columns(indices).data,
          diagonal: () => self.reference.diagonal(),
        };
      },
    };
  }

  /** A[:, indices], N × |indices| col-major f64. */
  columns(indices: Int32Array): Matrix<Float64Array> {
    if (this.native) return { data: this.native.columns(Int32Array.from(indices)), rows: this.size, cols: indices.length, layout: 'col-major' };
    return this.reference.columns(indices);
  }

  /** diag(A): zeros. */
  diagonal(): Float64Array {
    return new Float64Array(this.size);
  }

  /**
   * A·x for a vector of length N, or A·X for an N × b Matrix (either layout; the result is
   * col-major). O(N²·b) and matrix-free: the exact reference for Lanczos and for checking a
   * Nyström approximation, not a fast path. Runs on a worker thread when native; the input is
   * copied first and never changed.
   */
  async multiply(x: ArrayLike<number>): Promise<Float64Array>;
  async multiply(x: Matrix): Promise<Matrix<Float64Array>>;
  async multiply(x: ArrayLike<number> | Matrix): Promise<Float64Array | Matrix<Float64Array>> {
    const { block, b, matrix } = this.productInput(x);
    const y = this.native ? await this.native.multiply(block, b) : this.referenceProduct(block, b);
    return matrix ? { data: y, rows: this.size, cols: b, layout: 'col-major' } : y;
  }

  /** multiply() on the calling thread (blocks it for O(N²·b) work). */
  multiplySync(x: ArrayLike<number>): Float64Array;
  multiplySync(x: Matrix): Matrix<Float64Array>;
  multiplySync(x: ArrayLike<number> | Matrix): Float64Array | Matrix<Float64Array> {
    const { block, b, matrix } = this.productInput(x);
    const y = this.native ? this.native.multiplySync(block, b) : this.referenceProduct(block, b);
    return matrix ? { data: y, rows: this.size, cols: b, layout: 'col-major' } : y;
  }

  /** Strength s_i = Σ_j A_ij of each node (O(N²); a worker thread when native). */
  async strength(): Promise<Float64Array> {
    return this.native ? this.native.strength() : this.reference.strength();
  }

  /** strength() on the calling thread. */
  strengthSync(): Float64Array {
    return this.native ? this.native.strengthSync() : this.reference.strength();
  }

  // A vector or an N × b Matrix as one N × b col-major f64 block (a fresh copy).
  private productInput(x: ArrayLike<number> | Matrix): { block: Float64Array; b: number; matrix: boolean } {
    if (x !== null && typeof x === 'object' && 'rows' in x && 'cols' in x && 'data' in x && !ArrayBuffer.isView(x)) {
      const m = toMatrix(x as Matrix, 'x');
      if (m.rows !== this.size || m.cols < 1) {
        throw new RandlaError(ErrorCode.SHAPE, `Expected a ${this.size} × b matrix (b ≥ 1) for x but received ${m.rows} × ${m.cols}`, { argument: 'x' });
      }
      const block = new Float64Array(m.rows * m.cols);
      for (let c = 0; c < m.cols; c++) {
        for (let i = 0; i < m.rows; i++) block[c * m.rows + i] = m.layout === 'col-major' ? m.data[c * m.rows + i]! : m.data[i * m.cols + c]!;
      }
      return { block, b: m.cols, matrix: true };
    }
    if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number') {
      throw new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a vector of length ${this.size} or a ${this.size} × b Matrix for x but received ${x === null ? 'null' : typeof x}`, { argument: 'x' });
    }
    const vector = x as ArrayLike<number>;
    if (vector.length !== this.size) throw new RandlaError(ErrorCode.SHAPE, `Expected a vector of length ${this.size} for x but received length ${vector.length}`, { argument: 'x' });
    return { block: Float64Array.from(vector), b: 1, matrix: false };
  }

  private referenceProduct(block: Float64Array, b: number): Float64Array {
    const n = this.size;
    const out = new Float64Array(n * b);
    for (let c = 0; c < b; c++) out.set(this.reference.multiply(block.subarray(c * n, (c + 1) * n)), c * n);
    return out;
  }

  /** A node vector laid back on the ny × nx grid (zero off the network). */
  toGrid(values: ArrayLike<number>): Matrix<Float64Array> {
    return this.reference.toGrid(values);
  }

  /**
   * Eigenvector centrality from a leading eigenvector (e.g. nystrom(...).vectors column 0): |v|
   * scaled to max 1. The Perron vector of this non-negative matrix has one sign, so |v| only
   * removes the sign convention.
   */
  eigenvectorCentrality(vector: ArrayLike<number>): Float64Array {
    if (vector.length !== this.size) throw new RandlaError(ErrorCode.SHAPE, `Expected a vector of length ${this.size} for vector but received length ${vector.length}`, { argument: 'vector' });
    const out = Float64Array.from(vector, Math.abs);
    let max = 0;
    for (const v of out) max = Math.max(max, v);
    if (max > 0) for (let i = 0; i < out.length; i++) out[i]! /= max;
    return out;
  }
}

/**
 * The vortical interaction network of a 2-D vorticity field (DESIGN.md §3).
 *
 * @example
 * ```ts
 * import { lambOseenField, nystrom, vorticalNetwork } from 'randla';
 * const field = lambOseenField({ nx: 64, ny: 64, lx: 1, ly: 1, vortices: [{ x: 0.3, y: 0.5, circulation: 1, coreRadius: 0.05 }, { x: 0.7, y: 0.5, circulation: -1, coreRadius: 0.05 }] });
 * const net = vorticalNetwork(field, { relativeThreshold: 0.05 });
 * const { values, vectors } = await nystrom(net, { rank: 5, columns: 200, sampling: 'quasi-uniform', seed: 1 });
 * ```
 */
export function vorticalNetwork(field: VorticityField, options: VorticalNetworkCallOptions = {}): VorticalNetwork {
  return new VorticalNetwork(field, options);
}
