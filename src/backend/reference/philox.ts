// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror, Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC 2011). The exact mapping to numbers is docs/rng.md; the C++
// twin is native/include/randla/philox.hpp and both must agree bit for bit.

// The streams of one seed, as `enum class Stream` in native/include/randla/philox.hpp: two uses
// of one seed never share numbers (docs/rng.md).
/** Stream of the test matrix Ω of the randomized range finder (rsvd, QB; adaptive QB's blocks too). */
export const STREAM_RANGE_FINDER = 0;
/** Stream of the start block of the residual-norm estimate. */
export const STREAM_ERROR_ESTIMATE = 1;
/** Single-pass SVD (Tropp, Yurtsever, Udell, Cevher 2019): Ω of Y = AΩ. */
export const STREAM_STREAMING_RANGE = 2;
/** Single-pass SVD: Υ of X = ΥA. */
export const STREAM_STREAMING_CO_RANGE = 3;
/** Single-pass SVD: Φ of Z = ΦAΨᵀ. */
export const STREAM_STREAMING_CORE_LEFT = 4;
/** Single-pass SVD: Ψ of Z = ΦAΨᵀ. */
export const STREAM_STREAMING_CORE_RIGHT = 5;

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;
const ROUNDS = 10;

const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
const TWO_PI = 2 * Math.PI;

/**
 * High word of the 64-bit product of two uint32. JS numbers hold only 53 bits exactly, so the
 * product is split into 16-bit halves whose partial products (< 2^32 each) stay exact.
 */
function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const carry = (lolo >>> 16) + (hilo & 0xffff) + (lohi & 0xffff);
  return (aHi * bHi + (hilo >>> 16) + (lohi >>> 16) + (carry >>> 16)) >>> 0;
}

/**
 * One Philox4x32-10 call: writes the four output words of counter (c0..c3) under key (k0, k1)
 * into `out[0..3]`. All inputs are taken modulo 2^32.
 *
 * @example
 * const out = new Uint32Array(4);
 * philox4x32_10(0, 0, 0, 0, 0, 0, out); // out = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32_10(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  k0 >>>= 0;
  k1 >>>= 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) {
      k0 = (k0 + PHILOX_W0) >>> 0;
      k1 = (k1 + PHILOX_W1) >>> 0;
    }
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** The Philox key of a 64-bit seed: `k0 = seed mod 2^32`, `k1 = floor(seed / 2^32)` (mod 2^32). */
export function seedKey(seed: bigint): [k0: number, k1: number] {
  const s = BigInt.asUintN(64, seed);
  return [Number(s & 0xffffffffn), Number(s >> 32n)];
}

// One scratch block for the entry functions: they are hot (one call per matrix entry) and
// synchronous, so sharing it cannot race.
const scratch = new Uint32Array(4);

function entryWords(k0: number, k1: number, stream: number, i: number, j: number): Uint32Array {
  // `i >>> 0` is i mod 2^32 for every integer i < 2^53.
  philox4x32_10(i >>> 0, Math.floor(i / TWO_POW_32), j, stream, k0, k1, scratch);
  return scratch;
}

/** 53-bit uniform in [0, 1) of two words: exact in f64, as `uniform_closed_open` in C++. */
function uniformOfWords(a: number, b: number): number {
  return ((a >>> 5) * TWO_POW_26 + (b >>> 6)) / TWO_POW_53;
}

/** Box–Muller, cosine branch, of the four words of one Philox output (docs/rng.md). */
function gaussianOfWords(x: Uint32Array): number {
  const u1 = (TWO_POW_53 - ((x[0] >>> 5) * TWO_POW_26 + (x[1] >>> 6))) / TWO_POW_53; // (0, 1]: exact, never 0
  const u2 = uniformOfWords(x[2], x[3]);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
}

/** An elementwise entry from the four words of its Philox output (docs/rng.md). */
function elementOfWords(kind: 'gaussian' | 'rademacher' | 'uniform', x: Uint32Array): number {
  switch (kind) {
    case 'gaussian':
      return gaussianOfWords(x);
    case 'rademacher':
      return x[0] >>> 31 === 0 ? 1 : -1;
    case 'uniform':
      return 2 * uniformOfWords(x[0], x[1]) - 1;
  }
}

/**
 * Entry (i, j) of a standard Gaussian test matrix for key (k0, k1) and `stream`, in f64.
 *
 * @example
 * const [k0, k1] = seedKey(42n);
 * const g = gaussianEntry(k0, k1, STREAM_RANGE_FINDER, 3, 1); // the same number on every backend
 */
export function gaussianEntry(k0: number, k1: number, stream: number, i: number, j: number): number {
  return gaussianOfWords(entryWords(k0, k1, stream, i, j));
}

/**
 * Entry (i, j) of a Rademacher (±1) test matrix: +1 when the top bit of the first word is 0.
 *
 * @example
 * const [k0, k1] = seedKey(42n);
 * const r = rademacherEntry(k0, k1, STREAM_RANGE_FINDER, 3, 1); // 1 or -1
 */
export function rademacherEntry(k0: number, k1: number, stream: number, i: number, j: number): number {
  return entryWords(k0, k1, stream, i, j)[0] >>> 31 === 0 ? 1 : -1;
}

/**
 * Entry (i, j) of a uniform test matrix on [−1, 1) (fbpca's): 2·u − 1 for the 53-bit uniform u in
 * [0, 1) of the first two words; exact in f64, so every backend gives the same bits.
 *
 * @example
 * const [k0, k1] = seedKey(42n);
 * const u = uniformEntry(k0, k1, STREAM_RANGE_FINDER, 3, 1); // in [-1, 1)
 */
export function uniformEntry(k0: number, k1: number, stream: number, i: number, j: number): number {
  return elementOfWords('uniform', entryWords(k0, k1, stream, i, j));
}

/**
 * The counter's last word: the stream (< 256) and the block (< 2^24) of an adaptive sketch above
 * it, `stream + 256·block` (docs/rng.md).
 *
 * @example
 * streamWord(STREAM_RANGE_FINDER, 3); // 768
 */
export function streamWord(stream: number, block: number): number {
  return (stream + 256 * block) >>> 0;
}

// Counter tags of the structured kinds (docs/rng.md): elementwise entries use j < 2^31 in word 2
// and i < 2^53 (so word 1 < 2^21); the structured draws take the rest of the counter space.
const SPARSE_SIGN_STEP_BASE = 0x80000000;
const SRHT_TAG = 0xffffffff;

/**
 * floor(u·span) for the 53-bit uniform u in [0, 1) of two words, 1 <= span <= 2^53: the offset
 * of one Fisher–Yates step. One IEEE multiplication and a floor, the same in C++.
 *
 * @example
 * uniformIndex(0x80000000, 0, 10); // 5: u = 1/2
 */
export function uniformIndex(a: number, b: number, span: number): number {
  return Math.min(Math.floor(uniformOfWords(a, b) * span), span - 1);
}

/**
 * Writes the words of step t of row i's partial Fisher–Yates (sparse sign) into `out`: counter
 * (i lo, i hi, 2^31 + t, stream word). Words 0–1 pick the position, the top bit of word 2 the sign.
 *
 * @example
 * const out = new Uint32Array(4);
 * sparseSignWords(...seedKey(42n), streamWord(0, 0), 7, 0, out);
 */
export function sparseSignWords(k0: number, k1: number, word: number, i: number, t: number, out: Uint32Array): void {
  philox4x32_10(i >>> 0, Math.floor(i / TWO_POW_32), SPARSE_SIGN_STEP_BASE + t, word, k0, k1, out);
}

/**
 * The random sign d_i of row i of an SRHT: +1 when the top bit of word 0 of counter
 * (i lo, i hi, 2^32 − 1, stream word) is 0.
 *
 * @example
 * srhtSign(...seedKey(42n), streamWord(0, 0), 5); // 1 or -1
 */
export function srhtSign(k0: number, k1: number, word: number, i: number): number {
  return entryWords(k0, k1, word, i, SRHT_TAG)[0] >>> 31 === 0 ? 1 : -1;
}

/**
 * Writes the words of step t of an SRHT's column selection into `out`: counter
 * (t, 2^32 − 1, 2^32 − 1, stream word). Words 0–1 pick the column.
 *
 * @example
 * const out = new Uint32Array(4);
 * srhtColumnWords(...seedKey(42n), streamWord(0, 0), 0, out);
 */
export function srhtColumnWords(k0: number, k1: number, word: number, t: number, out: Uint32Array): void {
  philox4x32_10(t, SRHT_TAG, SRHT_TAG, word, k0, k1, out);
}

/**
 * The `rows × cols` elementwise test matrix of `seed` and `stream`, column-major (entry (i, j)
 * at `i + j * rows`), in f64. For an f32 sketch, round each entry with `Math.fround`. `stream` is
 * the counter's last word: `streamWord(stream, block)` for a block of an adaptive sketch. Every
 * kind of test matrix, sparse-sign and SRHT included, is `testMatrixOf` in sketch.ts.
 *
 * @example
 * const omega = testMatrix(100, 15, 42n, STREAM_RANGE_FINDER, 'gaussian');
 * omega[3 + 1 * 100] === gaussianEntry(...seedKey(42n), STREAM_RANGE_FINDER, 3, 1); // true
 */
export function testMatrix(
  rows: number,
  cols: number,
  seed: bigint,
  stream: number,
  kind: 'gaussian' | 'rademacher' | 'uniform',
): Float64Array {
  const [k0, k1] = seedKey(seed);
  const out = new Float64Array(rows * cols);
  const words = new Uint32Array(4);
  for (let j = 0; j < cols; j++) {
    const base = j * rows;
    for (let i = 0; i < rows; i++) {
      philox4x32_10(i >>> 0, Math.floor(i / TWO_POW_32), j, stream, k0, k1, words);
      out[base + i] = elementOfWords(kind, words);
    }
  }
  return out;
}

/** Nyström column sampling (docs/algorithms/nystrom.md): uniform, quasi-uniform and RPCholesky draws. */
export const STREAM_NYSTROM_COLUMNS = 6;
/** Nyström sketch: the Gaussian Ω of Y = A·Ω. */
export const STREAM_NYSTROM_SKETCH = 7;
/** Row sketch S of the bootstrap (docs/algorithms/bootstrap.md). */
export const STREAM_BOOTSTRAP_SKETCH = 9;
/** Bootstrap resamples: replicate b is block b of this stream. */
export const STREAM_BOOTSTRAP_RESAMPLE = 10;

/**
 * The 53-bit uniform U[a, b] in [0, 1) of two words (docs/rng.md): exact in f64, the same bits in
 * C++.
 *
 * @example
 * uniformOfTwoWords(0x80000000, 0); // 0.5
 */
export function uniformOfTwoWords(a: number, b: number): number {
  return uniformOfWords(a >>> 0, b >>> 0);
}

/**
 * Writes the words of Nyström sampling's "counter (a, c2)" into `out`: counter words
 * (a mod 2^32, ⌊a / 2^32⌋, c2, 6) under key (k0, k1), block 0 of stream 6
 * (docs/algorithms/nystrom.md, "Random numbers"). `a` is an integer below 2^53.
 *
 * @example
 * const out = new Uint32Array(4);
 * nystromColumnWords(...seedKey(42n), 3, 0, out); // step 3 of the uniform column shuffle
 */
export function nystromColumnWords(k0: number, k1: number, a: number, c2: number, out: Uint32Array): void {
  philox4x32_10(a >>> 0, Math.floor(a / TWO_POW_32), c2, STREAM_NYSTROM_COLUMNS, k0, k1, out);
}
