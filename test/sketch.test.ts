// Test matrices of every kind against their definitions (docs/rng.md), the cross-language vectors
// shared with native/tests/test_philox.cpp, and the fast SRHT sketch against A·Ω with Ω formed.
import { describe, expect, it } from 'vitest';
import { ErrorCode, RandlaError } from '../src/errors.js';
import type { Layout, Matrix, SketchKind } from '../src/types.js';
import {
  gaussianEntry,
  philox4x32_10,
  rademacherEntry,
  seedKey,
  sparseSignWords,
  srhtColumnWords,
  srhtSign,
  streamWord,
  testMatrix,
  uniformEntry,
  uniformIndex,
} from '../src/backend/reference/philox.js';
import {
  STREAM_ERROR_ESTIMATE,
  STREAM_RANGE_FINDER,
  STREAM_STREAMING_CORE_LEFT,
  STREAM_STREAMING_CORE_RIGHT,
  STREAM_STREAMING_CO_RANGE,
  STREAM_STREAMING_RANGE,
  sketchSrht,
  srhtColumns,
  testMatrixEntry,
  testMatrixOf,
  type TestMatrixSpec,
} from '../src/backend/reference/sketch.js';
import { EPS64, expectAtMost, expectClose, fwhtSketch, reference } from './helpers/tolerance.js';

const KINDS: SketchKind[] = ['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht'];
const SE = reference.standardErrors;

function spec(kind: SketchKind, rows: number, cols: number, extra: Partial<TestMatrixSpec> = {}): TestMatrixSpec {
  return { kind, seed: 99n, stream: STREAM_RANGE_FINDER, rows, cols, nnz: 3, ...extra };
}

function popcountParity(x: number): number {
  let p = 0;
  for (let v = x; v > 0; v = Math.floor(v / 2)) p ^= v % 2;
  return p;
}

function expectRandlaError(f: () => unknown, code: string, argument: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RandlaError);
    expect((e as RandlaError).code).toBe(code);
    expect((e as RandlaError).argument).toBe(argument);
    expect((e as RandlaError).message).toMatch(/^Expected .* for .* but received /);
    return;
  }
  throw new Error(`expected a RandlaError ${code} for ${argument}`);
}

describe('streams and counters', () => {
  it('stream constants match enum class Stream of philox.hpp', () => {
    expect([
      STREAM_RANGE_FINDER,
      STREAM_ERROR_ESTIMATE,
      STREAM_STREAMING_RANGE,
      STREAM_STREAMING_CO_RANGE,
      STREAM_STREAMING_CORE_LEFT,
      STREAM_STREAMING_CORE_RIGHT,
    ]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(streamWord(STREAM_STREAMING_CO_RANGE, 2)).toBe(3 + 256 * 2);
    expect(streamWord(0, 2 ** 24 - 1)).toBe(256 * (2 ** 24 - 1));
  });

  it('structured kinds use the documented counters, disjoint from the elementwise ones', () => {
    const [k0, k1] = seedKey(0x0123456789abcdefn);
    expect([k0, k1]).toEqual([0x89abcdef, 0x01234567]);
    const s = streamWord(3, 2);
    const i = 2 ** 32 + 7;
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    sparseSignWords(k0, k1, s, i, 5, a);
    philox4x32_10(7, 1, 0x80000005, s, k0, k1, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    srhtColumnWords(k0, k1, s, 9, a);
    philox4x32_10(9, 0xffffffff, 0xffffffff, s, k0, k1, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    philox4x32_10(7, 1, 0xffffffff, s, k0, k1, b);
    expect(srhtSign(k0, k1, s, i)).toBe(b[0] >>> 31 === 0 ? 1 : -1);
  });

  it('uniformIndex is floor(u·span) in [0, span), exact at the extreme words', () => {
    // The largest u, 1 − 2^−53, times any span up to 2^53 rounds below span: no clamp needed.
    const top = (2 ** 53 - 1) / 2 ** 53;
    for (let span = 1; span <= 4096; span++) expect(Math.floor(top * span)).toBe(span - 1);
    for (const span of [2 ** 31 - 1, 2 ** 31 + 1, 3 * 2 ** 40, 2 ** 53 - 1, 2 ** 53]) {
      expect(Math.floor(top * span)).toBe(span - 1);
      expect(uniformIndex(0xffffffff, 0xffffffff, span)).toBe(span - 1);
    }
    expect(uniformIndex(0, 0, 7)).toBe(0);
    expect(uniformIndex(0x80000000, 0, 10)).toBe(5);
  });
});

describe('cross-language vectors of docs/rng.md (shared with native/tests/test_philox.cpp)', () => {
  const base = { seed: 0x0123456789abcdefn, stream: 0, rows: 1000, cols: 20, nnz: 4 };
  const vectors = {
    0: {
      uniform: [0.439945485765904, 0.20496109250238037, 0.2593319056044434],
      gaussian: [1.3948689342854275, -1.077966403770696],
      sparse: [
        [0, [12, 13, 1, 16], [-1, -1, 1, 1]],
        [7, [12, 10, 4, 17], [1, 1, 1, -1]],
        [999, [3, 10, 17, 18], [-1, -1, 1, 1]],
      ],
      columns: [835, 124, 39, 459, 999, 379, 806, 691],
      signs: [-1, -1, -1, 1, -1, -1, 1, 1],
      srht: [-1, 1, -1],
    },
    3: {
      uniform: [-0.5859848345147398, 0.641141626097959, -0.02321365616233373],
      gaussian: [-0.2875245008350608, 1.8268598948006454],
      sparse: [
        [0, [14, 10, 9, 12], [-1, -1, 1, 1]],
        [7, [10, 5, 2, 3], [1, -1, 1, 1]],
        [999, [5, 14, 9, 11], [-1, -1, 1, -1]],
      ],
      columns: [256, 357, 513, 321, 340, 576, 62, 465],
      signs: [-1, -1, -1, -1, 1, -1, -1, 1],
      srht: [-1, 1, 1],
    },
  } as const;

  it.each([0, 3] as const)('block %i', (block) => {
    const v = vectors[block];
    const at: [number, number][] = [
      [0, 0],
      [5, 3],
      [999, 19],
    ];
    // Uniform and the structured kinds are exact in f64 in both languages; gaussian up to libm.
    at.forEach(([i, j], t) => expect(testMatrixEntry({ ...base, kind: 'uniform', block }, i, j)).toBe(v.uniform[t]));
    v.gaussian.forEach((g, t) => {
      const [i, j] = at[t]!;
      expectClose(testMatrixEntry({ ...base, kind: 'gaussian', block }, i, j), g, 8 * EPS64 * Math.abs(g), `gaussian (${i}, ${j})`);
    });
    for (const [i, columns, signs] of v.sparse) {
      const row = Array.from({ length: 20 }, (_, j) => testMatrixEntry({ ...base, kind: 'sparse-sign', block }, i, j));
      const expected = new Array<number>(20).fill(0);
      columns.forEach((c, t) => (expected[c] = signs[t]! * 0.5));
      expect(row, `sparse-sign row ${i}`).toEqual(expected);
    }
    const srht: TestMatrixSpec = { ...base, kind: 'srht', block };
    expect(srhtColumns(srht).slice(0, 8)).toEqual(v.columns);
    const [k0, k1] = seedKey(base.seed);
    expect(v.signs.map((_, i) => srhtSign(k0, k1, streamWord(0, block), i))).toEqual(v.signs);
    const r = 0.22360679774997896; // 1/√20 in f64
    at.forEach(([i, j], t) => expect(testMatrixEntry(srht, i, j)).toBe(v.srht[t]! * r));
  });
});

describe('testMatrixOf / testMatrixEntry', () => {
  it.each(KINDS)('%s: every entry is testMatrixEntry, a pure function of (spec, i, j)', (kind) => {
    for (const block of [0, 2]) {
      const s = spec(kind, 70, 9, { block });
      const omega = testMatrixOf(s);
      expect(omega.length).toBe(70 * 9);
      for (let j = 0; j < 9; j++) {
        for (let i = 0; i < 70; i++) {
          expect(testMatrixEntry(s, i, j), `(${i}, ${j}), block ${block}`).toBe(omega[i + j * 70]);
        }
      }
      expect(Array.from(testMatrixOf(s))).toEqual(Array.from(omega)); // deterministic
      // Another block is another matrix: most entries differ (sparse-sign zeros and ±1/√l SRHT
      // values agree by chance, about half the time or less).
      const other = testMatrixOf({ ...s, block: block + 1 });
      let same = 0;
      for (let t = 0; t < omega.length; t++) if (other[t] === omega[t]) same++;
      expectAtMost(same / omega.length, 0.9, `${kind}: share of entries equal to the next block's`);
    }
  });

  it('elementwise kinds are the entry functions of stream word stream + 256·block', () => {
    const s: TestMatrixSpec = { kind: 'gaussian', seed: 1234n, stream: STREAM_ERROR_ESTIMATE, rows: 40, cols: 7, block: 5 };
    const [k0, k1] = seedKey(1234n);
    const word = 1 + 256 * 5;
    expect(testMatrixEntry(s, 3, 4)).toBe(gaussianEntry(k0, k1, word, 3, 4));
    expect(testMatrixEntry({ ...s, kind: 'rademacher' }, 3, 4)).toBe(rademacherEntry(k0, k1, word, 3, 4));
    expect(testMatrixEntry({ ...s, kind: 'uniform' }, 3, 4)).toBe(uniformEntry(k0, k1, word, 3, 4));
    for (const kind of ['gaussian', 'rademacher', 'uniform'] as const) {
      expect(Array.from(testMatrixOf({ ...s, kind }))).toEqual(Array.from(testMatrix(40, 7, 1234n, word, kind)));
    }
    // The uniform entry rebuilt from the words with BigInt: 2·k/2^53 − 1, k the top 27 + 26 bits.
    const out = new Uint32Array(4);
    philox4x32_10(3, 0, 4, word, k0, k1, out);
    const k = Number((BigInt(out[0] >>> 5) << 26n) | BigInt(out[1] >>> 6));
    expect(uniformEntry(k0, k1, word, 3, 4)).toBe((2 * k) / 2 ** 53 - 1);
  });

  it.each([1, 3, 8, 23, 40])('sparse sign, nnz %i: exactly min(nnz, l) distinct non-zeros ±1/√ζ per row', (nnz) => {
    const n = 300;
    const l = 23;
    const zeta = Math.min(nnz, l);
    const omega = testMatrixOf(spec('sparse-sign', n, l, { nnz, seed: 7n }));
    const value = 1 / Math.sqrt(zeta);
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (let j = 0; j < l; j++) {
        const w = omega[i + j * n];
        if (w !== 0) {
          count++;
          if (w !== value && w !== -value) throw new Error(`row ${i}: non-zero ${w} is not ±${value}`);
        }
      }
      // Repeated positions would write one cell twice and leave fewer than ζ non-zeros.
      if (count !== zeta) throw new Error(`row ${i}: ${count} non-zeros, expected ${zeta}`);
    }
  });

  it('sparse sign: nnz defaults to 8; positions uniform over columns; signs balanced', () => {
    const dflt = testMatrixOf({ kind: 'sparse-sign', seed: 5n, stream: 0, rows: 50, cols: 30 });
    expect(dflt.filter((w) => w !== 0).length).toBe(50 * 8);
    // A partial Fisher–Yates picks each of the l positions with probability ζ/l.
    const n = 20000;
    const l = 5;
    const omega = testMatrixOf(spec('sparse-sign', n, l, { nnz: 2, seed: 11n }));
    const p = 2 / l;
    let plus = 0;
    for (let j = 0; j < l; j++) {
      let hits = 0;
      for (let i = 0; i < n; i++) {
        if (omega[i + j * n] !== 0) hits++;
        if (omega[i + j * n]! > 0) plus++;
      }
      expectClose(hits / n, p, SE * Math.sqrt((p * (1 - p)) / n), `share of rows with a non-zero in column ${j}`);
    }
    expectClose(plus / (2 * n), 0.5, (SE * 0.5) / Math.sqrt(2 * n), 'share of + signs');
  });

  it.each(KINDS)('%s: mean 0 and E ω² = 1, 1, 1/3, 1/l, 1/l', (kind) => {
    const n = 2000;
    const l = 25;
    const omega = testMatrixOf(spec(kind, n, l, { seed: 2024n, nnz: 8 }));
    const count = n * l;
    let sum = 0;
    let sum2 = 0;
    let sum4 = 0;
    for (const w of omega) {
      sum += w;
      sum2 += w * w;
      sum4 += w ** 4;
    }
    const second = sum2 / count;
    const expected = kind === 'gaussian' || kind === 'rademacher' ? 1 : kind === 'uniform' ? 1 / 3 : 1 / l;
    // Rows are independent with mean 0 for every kind (an SRHT row shares its sign d_i, a
    // sparse-sign row its positions), so the mean's standard error is √(Σ_i (row sum)²)/(n·l).
    let rowsSq = 0;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < l; j++) row += omega[i + j * n]!;
      rowsSq += row * row;
    }
    expectClose(sum / count, 0, (SE * Math.sqrt(rowsSq)) / count, `${kind}: mean of the entries`);
    const seSecond = Math.sqrt(Math.max(sum4 / count - second * second, 0) / count);
    // Plus the rounding of the sum, for the kinds whose squares are fixed (±1, ±1/√ζ, ±1/√l).
    expectClose(second, expected, SE * seSecond + count * EPS64 * expected, `${kind}: mean of the squared entries`);
  });
});

describe('srht', () => {
  it.each([1000, 1024, 1, 3])('n = %i: columns distinct in [0, N), all of them when l = N', (n) => {
    const N = 2 ** Math.ceil(Math.log2(n));
    for (const l of [1, Math.min(n, 20), N]) {
      const s = srhtColumns(spec('srht', n, l, { seed: 3n }));
      expect(s.length).toBe(l);
      const sorted = [...s].sort((a, b) => a - b);
      for (let t = 1; t < l; t++) expect(sorted[t]).toBeGreaterThan(sorted[t - 1]!);
      expect(sorted[0]).toBeGreaterThanOrEqual(0);
      expect(sorted[l - 1]).toBeLessThan(N);
      if (l === N) expect(sorted).toEqual(Array.from({ length: N }, (_, t) => t));
    }
  });

  it('column selection is uniform: over 4000 seeds, N = 16, l = 4', () => {
    const seeds = 4000;
    const chosen = new Array<number>(16).fill(0);
    const first = new Array<number>(16).fill(0);
    for (let seed = 0; seed < seeds; seed++) {
      const s = srhtColumns(spec('srht', 16, 4, { seed: BigInt(seed) }));
      for (const c of s) chosen[c]!++;
      first[s[0]!]!++;
    }
    for (let c = 0; c < 16; c++) {
      expectClose(chosen[c]! / seeds, 0.25, SE * Math.sqrt((0.25 * 0.75) / seeds), `share of seeds choosing column ${c}`);
      expectClose(first[c]! / seeds, 1 / 16, SE * Math.sqrt(((1 / 16) * (15 / 16)) / seeds), `share of seeds whose first column is ${c}`);
    }
  });

  it.each([256, 200])('n = %i: Ω = d_i·(−1)^popcount(i & s_j)/√l and ΩᵀΩ = (1/l)·Σ_{i<n} (−1)^popcount(i & (s_a ^ s_b))', (n) => {
    // For n = N the sum is N·δ_ab, so ΩᵀΩ = (N/l)·I; for n < N the first n rows of H are not
    // orthogonal and the sum is the exact Gram matrix.
    const l = 12;
    const s = spec('srht', n, l, { seed: 17n, block: 1 });
    const omega = testMatrixOf(s);
    const cols = srhtColumns(s);
    const [k0, k1] = seedKey(17n);
    const inv = 1 / Math.sqrt(l);
    for (let i = 0; i < n; i++) {
      const d = srhtSign(k0, k1, streamWord(0, 1), i);
      for (let j = 0; j < l; j++) {
        const h = popcountParity(i & cols[j]!) ? -1 : 1;
        if (omega[i + j * n] !== d * h * inv) throw new Error(`(${i}, ${j}): ${omega[i + j * n]} != ${d * h * inv}`);
      }
    }
    let worst = 0;
    for (let a = 0; a < l; a++) {
      for (let b = 0; b < l; b++) {
        let gram = 0;
        let exact = 0;
        for (let i = 0; i < n; i++) {
          gram += omega[i + a * n]! * omega[i + b * n]!;
          exact += popcountParity(i & (cols[a]! ^ cols[b]!)) ? -1 : 1;
        }
        if (n === 256) expect(exact).toBe(a === b ? 256 : 0);
        worst = Math.max(worst, Math.abs(gram - exact / l));
      }
    }
    // n products of (1/√l)², each off by ≤ 2 ulp, and n roundings of a sum ≤ n/l.
    expectAtMost(worst, (4 * n * EPS64 * n) / l, `n = ${n}: ‖ΩᵀΩ − G/l‖max`);
  });

  /** op(A)[r, c] of a stored matrix. */
  function opEntry(A: Matrix, transposed: boolean, r: number, c: number): number {
    const [i, j] = transposed ? [c, r] : [r, c];
    return A.layout === 'col-major' ? A.data[i + j * A.rows]! : A.data[i * A.cols + j]!;
  }

  const cases: [number, number, number, Layout, boolean, 'f64' | 'f32'][] = [];
  for (const layout of ['col-major', 'row-major'] as const) {
    for (const transposed of [false, true]) {
      cases.push([23, 64, 10, layout, transposed, 'f64']);
      cases.push([23, 100, 100, layout, transposed, 'f64']);
      cases.push([4, 1, 1, layout, transposed, 'f64']);
      cases.push([9, 700, 16, layout, transposed, 'f32']);
    }
  }

  it.each(cases)('sketchSrht = op(A)·Ω: op(A) %i x %i, l = %i, %s, transposed %s, %s', (m, n, l, layout, transposed, dtype) => {
    // op(A) is m x n; A is stored n x m when transposed.
    const [rows, cols] = transposed ? [n, m] : [m, n];
    const g = testMatrix(rows * cols, 1, 8n, 2, 'gaussian');
    const data = dtype === 'f32' ? Float32Array.from(g) : g;
    const A: Matrix = { data, rows, cols, layout };
    const before = Float64Array.from(data);
    const s = spec('srht', n, l, { seed: 31n, block: 4 });
    const Y = sketchSrht(A, transposed, s);
    expect(Y.length).toBe(m * l);
    expect(Array.from(data)).toEqual(Array.from(before)); // input not mutated
    const omega = testMatrixOf(s);
    const stages = Math.ceil(Math.log2(n));
    let worstRatio = 0;
    let report = '';
    for (let r = 0; r < m; r++) {
      let absRow = 0;
      for (let c = 0; c < n; c++) absRow += Math.abs(opEntry(A, transposed, r, c));
      for (let j = 0; j < l; j++) {
        // Neumaier-compensated sum: the truth to about one rounding.
        let sum = 0;
        let comp = 0;
        for (let c = 0; c < n; c++) {
          const x = opEntry(A, transposed, r, c) * omega[c + j * n]!;
          const t = sum + x;
          comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
          sum = t;
        }
        const exact = sum + comp;
        const bound = (fwhtSketch(stages) * absRow) / Math.sqrt(l);
        const ratio = Math.abs(Y[r + j * m]! - exact) / bound;
        if (ratio > worstRatio) {
          worstRatio = ratio;
          report = `(${r}, ${j}): actual ${Y[r + j * m]}, expected ${exact}, tolerance ${bound}`;
        }
      }
    }
    expectAtMost(worstRatio, 1, `worst |sketchSrht − op(A)·Ω| / bound ${report}`);
  });
});

describe('preconditions', () => {
  const ok = spec('sparse-sign', 10, 4);
  const SHAPE = ErrorCode.SHAPE;
  const INVALID = ErrorCode.INVALID_ARGUMENT;
  it.each([
    ['spec.kind', INVALID, 'kind dense', { kind: 'dense' as SketchKind }],
    ['spec.seed', INVALID, 'seed -1n', { seed: -1n }],
    ['spec.seed', INVALID, 'seed 2^64', { seed: 2n ** 64n }],
    ['spec.seed', INVALID, 'seed as a number', { seed: 5 as unknown as bigint }],
    ['spec.stream', INVALID, 'stream 256', { stream: 256 }],
    ['spec.stream', INVALID, 'stream 1.5', { stream: 1.5 }],
    ['spec.rows', SHAPE, 'rows 0', { rows: 0 }],
    ['spec.rows', SHAPE, 'rows 2^53', { rows: 2 ** 53 }],
    ['spec.cols', SHAPE, 'cols 2^31', { cols: 2 ** 31 }],
    ['spec.cols', SHAPE, 'cols NaN', { cols: Number.NaN }],
    ['spec.block', INVALID, 'block 2^24', { block: 2 ** 24 }],
    ['spec.block', INVALID, 'block -1', { block: -1 }],
    ['spec.nnz', INVALID, 'sparse sign with nnz 0', { nnz: 0 }],
    ['spec.cols', SHAPE, 'srht of 5 rows and 9 columns', { kind: 'srht' as const, rows: 5, cols: 9 }],
  ] as const)('%s (%s): %s', (argument, code, _label, change) => {
    expectRandlaError(() => testMatrixEntry({ ...ok, ...change }, 0, 0), code, argument);
    expectRandlaError(() => testMatrixOf({ ...ok, ...change }), code, argument);
  });

  it('entry bounds, srht kind, and the shape of A', () => {
    expectRandlaError(() => testMatrixEntry(ok, 10, 0), INVALID, 'i');
    expectRandlaError(() => testMatrixEntry(ok, 0, -1), INVALID, 'j');
    expectRandlaError(() => testMatrixEntry(ok, 0.5, 0), INVALID, 'i');
    expect(testMatrixEntry({ ...ok, kind: 'gaussian', nnz: 0 }, 0, 0)).toBeTypeOf('number'); // nnz unused
    expectRandlaError(() => srhtColumns(spec('gaussian', 8, 2)), INVALID, 'spec.kind');
    const A: Matrix = { data: new Float64Array(6), rows: 2, cols: 3, layout: 'col-major' };
    expectRandlaError(() => sketchSrht(A, false, spec('srht', 4, 2)), SHAPE, 'A');
    expectRandlaError(() => sketchSrht(A, true, spec('srht', 3, 2)), SHAPE, 'A');
    expectRandlaError(() => sketchSrht(A, false, spec('sparse-sign', 3, 2)), INVALID, 'spec.kind');
  });
});
