// Column sampling for Nyström: uniform without replacement (Williams & Seeger 2001) and the
// spatially stratified quasi-uniform rule of Bai, Erichson, Gopalakrishnan Meena, Taira, Brunton
// (PLoS ONE 2019), exactly as docs/algorithms/nystrom.md fixes them so every backend draws the same
// indices; Philox stream 6, counters (a, c2) of that doc.

import type { Matrix } from '../../types.js';
import { nystromColumnWords, seedKey, uniformIndex } from './philox.js';

/** Counter word c2 of each kind of draw (docs/algorithms/nystrom.md, "Sampling"). */
const DRAW_UNIFORM = 0;
const DRAW_IN_CELL = 1;
const DRAW_FILL = 2;
const DRAW_CELLS = 3;

/**
 * The first `count` entries of a partial Fisher–Yates shuffle of the virtual array a[k] = k,
 * k ∈ [0, span): step t with counter (t, c2) swaps a[t] with a[t + idx(span − t)] and yields a[t].
 * Only displaced entries are stored, so memory is O(count) for any span.
 */
function partialShuffle(span: number, count: number, k0: number, k1: number, c2: number): number[] {
  const displaced = new Map<number, number>();
  const at = (k: number): number => displaced.get(k) ?? k;
  const words = new Uint32Array(4);
  const drawn: number[] = [];
  for (let t = 0; t < count; t++) {
    nystromColumnWords(k0, k1, t, c2, words);
    const r = t + uniformIndex(words[0]!, words[1]!, span - t);
    const picked = at(r);
    displaced.set(r, at(t));
    displaced.set(t, picked);
    drawn.push(picked);
  }
  return drawn;
}

/**
 * `l` distinct column indices of [0, n), uniformly without replacement, in draw order: the partial
 * Fisher–Yates shuffle with counter (t, 0).
 *
 * @example
 * uniformColumns(1000, 8, 0x0123456789abcdefn); // the same 8 indices on every backend
 */
export function uniformColumns(n: number, l: number, seed: bigint): Int32Array {
  const [k0, k1] = seedKey(seed);
  return Int32Array.from(partialShuffle(n, l, k0, k1, DRAW_UNIFORM));
}

/** The grid of the quasi-uniform rule over n points, and its non-empty cells. */
export interface QuasiUniformCells {
  /** g_k, cells per dimension. */
  grid: number[];
  /** Linear cell id of each node (last dimension fastest). */
  cellOf: Float64Array;
  /** Members of the non-empty cells, cells by ascending id, members by ascending node index. */
  cells: Int32Array[];
}

/**
 * round(x) for x ≥ 0, halves up, as floor(x + 0.5) (the native core's expression): exact for
 * 0.5 ≤ x < 2^52, where 0.5 is a multiple of x's ulp; below 0.5 the caller's max(1, ·) hides the
 * one rounding of x + 0.5 up to 1.
 */
function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

/**
 * The cells of the quasi-uniform rule for `coords` (n × d, either layout) and `l` columns: side
 * h = (Π_{k∈D} e_k / l)^(1/|D|) over the dimensions D of positive extent e_k, g_k = max(1,
 * round(e_k / h)) cells each. The root is Math.sqrt for |D| = 2 (correctly rounded, so equal to
 * C++'s std::sqrt) and x itself for |D| = 1.
 *
 * @example
 * const P = { data: new Float64Array([0, 1, 2, 3]), rows: 4, cols: 1, layout: 'col-major' as const };
 * quasiUniformCells(P, 2).grid; // [2]
 */
export function quasiUniformCells(coords: Matrix, l: number): QuasiUniformCells {
  const n = coords.rows;
  const d = coords.cols;
  const rowMajor = coords.layout === 'row-major';
  const get = (i: number, k: number): number => coords.data[rowMajor ? i * d + k : i + k * n]!;

  const lo = new Float64Array(d);
  const extent = new Float64Array(d);
  const spread: number[] = [];
  for (let k = 0; k < d; k++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = get(i, k);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    lo[k] = min;
    extent[k] = max - min;
    if (extent[k]! > 0) spread.push(k);
  }

  const grid = new Array<number>(d).fill(1);
  if (spread.length > 0) {
    let volume = 1;
    for (const k of spread) volume *= extent[k]!;
    const perCell = volume / l;
    const h = spread.length === 1 ? perCell : spread.length === 2 ? Math.sqrt(perCell) : Math.pow(perCell, 1 / spread.length);
    for (const k of spread) grid[k] = Math.max(1, roundHalfUp(extent[k]! / h));
  }

  const cellOf = new Float64Array(n);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let id = 0;
    for (let k = 0; k < d; k++) {
      const g = grid[k]!;
      const c = extent[k]! > 0 ? Math.min(g - 1, Math.floor(((get(i, k) - lo[k]!) / extent[k]!) * g)) : 0;
      id = id * g + c;
    }
    cellOf[i] = id;
    const list = members.get(id);
    if (list) list.push(i);
    else members.set(id, [i]);
  }
  const ids = [...members.keys()].sort((a, b) => a - b);
  return { grid, cellOf, cells: ids.map((id) => Int32Array.from(members.get(id)!)) };
}

/**
 * `l` distinct nodes stratified over `coords` (docs/algorithms/nystrom.md, "quasi-uniform"): one
 * node per non-empty cell, the rest filled uniformly from the nodes not yet chosen, or, with more
 * cells than columns, one node from each of `l` cells drawn uniformly.
 *
 * @example
 * const P = { data: new Float64Array([0, 1, 2, 3]), rows: 4, cols: 1, layout: 'col-major' as const };
 * quasiUniformColumns(P, 2, 1n); // one node of {0, 1} and one of {2, 3}
 */
export function quasiUniformColumns(coords: Matrix, l: number, seed: bigint): Int32Array {
  const [k0, k1] = seedKey(seed);
  const { cells } = quasiUniformCells(coords, l);
  const n = coords.rows;
  const M = cells.length;
  const words = new Uint32Array(4);
  const pickInCell = (c: number): number => {
    const cell = cells[c]!;
    nystromColumnWords(k0, k1, c, DRAW_IN_CELL, words);
    return cell[uniformIndex(words[0]!, words[1]!, cell.length)]!;
  };

  const S = new Int32Array(l);
  if (M <= l) {
    const chosen = new Uint8Array(n);
    for (let c = 0; c < M; c++) {
      S[c] = pickInCell(c);
      chosen[S[c]!] = 1;
    }
    const rest = new Int32Array(n - M);
    for (let i = 0, t = 0; i < n; i++) if (!chosen[i]) rest[t++] = i;
    const fill = partialShuffle(rest.length, l - M, k0, k1, DRAW_FILL);
    for (let t = 0; t < fill.length; t++) S[M + t] = rest[fill[t]!]!;
  } else {
    const drawnCells = partialShuffle(M, l, k0, k1, DRAW_CELLS);
    for (let t = 0; t < l; t++) S[t] = pickInCell(drawnCells[t]!);
  }
  return S;
}
