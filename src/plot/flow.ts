// Leading eigenvectors of a vortical interaction network (Nair & Taira, JFM 2015; Nyström on it:
// Bai et al., PLoS ONE 2019) laid back on the flow's grid as heat maps, with the columns the
// Nyström approximation sampled overlaid. Nodes are grid cells (r, c), index r·nx + c, centred at
// (c·dx, r·dy): src/vortical.ts and docs/flow-networks.md.
import { ErrorCode, invalid } from '../errors.js';
import type { Matrix } from '../types.js';
import { expectMatrix } from '../validate.js';
import {
  entry,
  expectGrid,
  expectInput,
  expectPositive,
  expectSize,
  expectTitle,
  failure,
  figure,
  formatNumber,
  heatCells,
  indexArray,
  numberArray,
  type VegaLiteSpec,
} from './render.js';

export interface FlowEigenvectorsInput {
  /** The field the network was built from ({ vorticity: ny × nx, dx, dy }): the grid and its spacing. */
  field?: { vorticity: Pick<Matrix, 'rows' | 'cols'> | number[][]; dx: number; dy: number };
  /** Instead of `field`: the grid [ny, nx], in cell units (dx = dy = 1). */
  grid?: [number, number];
  /** Grid index r·nx + c of each node (VorticalNetwork.nodes); default: every cell is a node, in row-major order. */
  nodes?: ArrayLike<number>;
  /** N × r, one eigenvector per column (NystromResult.vectors), or r arrays of N entries. */
  eigenvectors: Matrix | ArrayLike<number>[];
  /** The eigenvalues, for the panel titles (NystromResult.values). */
  values?: ArrayLike<number>;
  /** Node indices of the sampled columns (NystromResult.indices), drawn as points on every panel. */
  columns?: ArrayLike<number>;
  /** How many leading eigenvectors (default min(r, 4)). */
  count?: number;
  /** Above this many cells per panel the grid is averaged in blocks (default 10 000). */
  maxCells?: number;
  title?: string;
  /** Panel width in SVG units (default 280; the height follows the domain's aspect). */
  panelWidth?: number;
}

const KNOWN = new Set(['field', 'grid', 'nodes', 'eigenvectors', 'values', 'columns', 'count', 'maxCells', 'title', 'panelWidth']);
const DEFAULT_COUNT = 4;

/** The eigenvectors as r columns of N entries. */
function vectorsOf(value: unknown): number[][] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw invalid('input.eigenvectors', 'a non-empty array of eigenvectors', value);
    const out = value.map((v, j) => numberArray(v, `input.eigenvectors[${j}]`));
    out.forEach((v, j) => {
      if (v.length !== out[0]!.length) throw failure(ErrorCode.SHAPE, `input.eigenvectors[${j}]`, `${out[0]!.length} entries (as input.eigenvectors[0])`, `${v.length}`);
    });
    return out;
  }
  const M = expectMatrix(value, 'input.eigenvectors');
  const out: number[][] = [];
  for (let j = 0; j < M.cols; j++) {
    const v = new Array<number>(M.rows);
    for (let i = 0; i < M.rows; i++) {
      const x = entry(M, i, j);
      if (!Number.isFinite(x)) throw failure(ErrorCode.NOT_FINITE, 'input.eigenvectors', 'finite values', `${x} at (${i}, ${j})`);
      v[i] = x;
    }
    out.push(v);
  }
  return out;
}

/**
 * A Vega-Lite spec of a flow network's leading eigenvectors as heat maps on the flow's grid, one
 * panel per eigenvector (signed values, a diverging scale centred on 0; cells that are not nodes
 * are left blank on a grey domain), with the sampled columns' nodes as points.
 *
 * @example
 * ```ts
 * import { lambOseenField, nystromSync, plot, vorticalNetwork } from 'randla';
 * const field = lambOseenField({ nx: 48, ny: 32, lx: 1.5, vortices: [{ x: 0.5, y: 0.5, circulation: 1, coreRadius: 0.1 }, { x: 1, y: 0.5, circulation: -1, coreRadius: 0.1 }] });
 * const net = vorticalNetwork(field, { relativeThreshold: 0.05 });
 * const r = nystromSync(net, { rank: 4, columns: 60, sampling: 'quasi-uniform', seed: 1 });
 * const spec = plot.flowEigenvectorsSpec({ field, nodes: net.nodes, eigenvectors: r.vectors, values: r.values, columns: r.indices });
 * ```
 */
export function flowEigenvectorsSpec(input: FlowEigenvectorsInput): VegaLiteSpec {
  const o = expectInput(input, 'input', KNOWN);
  if ((o.field === undefined) === (o.grid === undefined)) {
    throw invalid(o.field === undefined ? 'input.grid' : 'input.field', `exactly one of input.field and input.grid (got ${o.field === undefined ? 'neither' : 'both'})`, o.field ?? o.grid);
  }
  let ny: number;
  let nx: number;
  let dx = 1;
  let dy = 1;
  if (o.field !== undefined) {
    const f = o.field as Record<string, unknown> | null;
    if (f === null || typeof f !== 'object') throw invalid('input.field', 'a field { vorticity, dx, dy }', f);
    // only the shape is read: a Matrix, or number[][] as vorticalNetwork also takes
    const v = f.vorticity as { rows?: unknown; cols?: unknown } | unknown[] | null;
    const shape = Array.isArray(v) ? [v.length, Array.isArray(v[0]) ? v[0].length : undefined] : v !== null && typeof v === 'object' ? [v.rows, v.cols] : [];
    if (!shape.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1) || shape.length !== 2) {
      throw invalid('input.field.vorticity', 'a ny × nx matrix', v);
    }
    [ny, nx] = expectGrid(shape, 'input.field.vorticity');
    dx = expectPositive(f.dx, 'input.field.dx');
    dy = expectPositive(f.dy, 'input.field.dy');
  } else {
    [ny, nx] = expectGrid(o.grid, 'input.grid');
  }
  const cells = ny * nx;
  const nodes = o.nodes === undefined ? undefined : indexArray(o.nodes, 'input.nodes', cells, { unique: true });
  const N = nodes ? nodes.length : cells;
  const vectors = vectorsOf(o.eigenvectors);
  if (vectors[0]!.length !== N) {
    const what = nodes ? `${N} rows (input.nodes has ${N} nodes)` : `${N} rows (one per cell of the ${ny} × ${nx} grid; give input.nodes for a thresholded network)`;
    throw failure(ErrorCode.SHAPE, 'input.eigenvectors', what, `${vectors[0]!.length}`);
  }
  const r = vectors.length;
  let count = Math.min(r, DEFAULT_COUNT);
  if (o.count !== undefined) {
    if (typeof o.count !== 'number' || !Number.isInteger(o.count) || o.count < 1 || o.count > r) throw invalid('input.count', `an integer in [1, ${r}]`, o.count);
    count = o.count;
  }
  const values = o.values === undefined ? undefined : numberArray(o.values, 'input.values');
  if (values && values.length < count) throw failure(ErrorCode.SHAPE, 'input.values', `at least ${count} eigenvalues (one per panel)`, `${values.length}`);
  const columns = o.columns === undefined ? undefined : indexArray(o.columns, 'input.columns', N, { minLength: 0 });
  if (o.maxCells !== undefined && (typeof o.maxCells !== 'number' || !Number.isInteger(o.maxCells) || o.maxCells < 1)) throw invalid('input.maxCells', 'an integer >= 1', o.maxCells);
  const maxCells = (o.maxCells as number | undefined) ?? 10_000;
  const title = expectTitle(o.title, 'input.title', 'Flow network: leading eigenvectors');
  const panelWidth = expectSize(o.panelWidth, 'input.panelWidth', 280);
  const panelHeight = Math.max(40, Math.round((panelWidth * ny * dy) / (nx * dx)));

  // node index of every cell (−1: not a node)
  const nodeOfCell = new Int32Array(cells).fill(-1);
  for (let i = 0; i < N; i++) nodeOfCell[nodes ? nodes[i]! : i] = i;
  const xDomain = [-0.5 * dx, (nx - 0.5) * dx];
  const yDomain = [-0.5 * dy, (ny - 0.5) * dy];
  const sampled = (columns ?? []).map((i) => {
    const k = nodes ? nodes[i]! : i;
    const row = Math.floor(k / nx);
    return { x: (k - row * nx) * dx, y: row * dy };
  });
  let block = 1;
  const panels = Array.from({ length: count }, (_, j) => {
    const v = vectors[j]!;
    const heat = heatCells(ny, nx, dx, dy, maxCells, (row, c) => {
      const i = nodeOfCell[row * nx + c]!;
      return i < 0 ? Number.NaN : v[i]!;
    });
    block = heat.block;
    const peak = heat.cells.reduce((m, c) => Math.max(m, Math.abs(c.value)), 0) || 1;
    const x = { field: 'x0', type: 'quantitative', title: 'x', scale: { domain: xDomain, nice: false, zero: false } };
    const y = { field: 'y0', type: 'quantitative', title: 'y', scale: { domain: yDomain, nice: false, zero: false } };
    const layers: Record<string, unknown>[] = [
      {
        data: { values: [{ x0: xDomain[0], x1: xDomain[1], y0: yDomain[0], y1: yDomain[1] }] },
        mark: { type: 'rect', color: '#eeeeee' },
        encoding: { x, x2: { field: 'x1' }, y, y2: { field: 'y1' } },
      },
      {
        data: { values: heat.cells },
        name: `eigenvector${j + 1}`,
        // no per-cell aria-label: it would triple the SVG of a large grid
        mark: { type: 'rect', aria: false },
        encoding: {
          x,
          x2: { field: 'x1' },
          y,
          y2: { field: 'y1' },
          color: {
            field: 'value',
            type: 'quantitative',
            title: `v${j + 1}`,
            scale: { scheme: 'redblue', reverse: true, domain: [-peak, peak] },
            legend: { format: '.2~g', gradientLength: Math.min(140, panelHeight) },
          },
        },
      },
    ];
    if (sampled.length > 0) {
      layers.push({
        data: { values: sampled },
        name: `columns${j + 1}`,
        mark: { type: 'point', shape: 'circle', size: 14, filled: false, color: '#111', strokeWidth: 0.8 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      });
    }
    const text = `eigenvector ${j + 1}${values ? `, λ = ${formatNumber(values[j]!)}` : ''}`;
    return { title: { text, fontSize: 11, fontWeight: 'normal', anchor: 'start', frame: 'group' }, width: panelWidth, height: panelHeight, layer: layers };
  });
  const subtitle = [`${N} nodes on a ${ny} × ${nx} grid${sampled.length > 0 ? `; circles: the ${sampled.length} sampled columns` : ''}`];
  if (block > 1) subtitle.push(`averaged over ${block} × ${block} cell blocks`);
  return figure(
    { title, subtitle, description: 'Leading eigenvectors of a flow network as heat maps on the grid, with the sampled columns as points.' },
    { concat: panels, columns: Math.min(2, count), spacing: 24, resolve: { scale: { color: 'independent' } } },
  );
}
