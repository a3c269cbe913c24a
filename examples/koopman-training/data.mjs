// A digits-like classification task, generated (nothing downloaded): each sample is an 8 × 8
// image of one of the ten digits from a 5 × 7 bitmap font, placed at a random offset, with its
// stroke intensity jittered and Gaussian pixel noise added. Like scikit-learn's 8 × 8 digits, a
// small MLP learns it to high accuracy in tens of epochs, slowly enough to watch.

const FONT = [
  ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  ['11111', '00010', '00100', '00010', '00001', '10001', '01110'],
  ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
];

/** A seeded generator: uniform in [0, 1) (an LCG) and standard normal (Box–Muller). */
export function random(seed) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** n samples: x (n × 64, row-major Float32Array), labels (Int32Array), one-hot y (n × 10). */
export function digits(n, seed, noise = 0.35) {
  const { uniform, normal } = random(seed);
  const x = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  const y = new Float32Array(n * 10);
  for (let s = 0; s < n; s++) {
    const d = Math.floor(uniform() * 10);
    labels[s] = d;
    y[s * 10 + d] = 1;
    const dx = Math.floor(uniform() * 4); // 8 − 5 + 1 columns to place the glyph
    const dy = Math.floor(uniform() * 2); // 8 − 7 + 1 rows
    const ink = 0.6 + 0.4 * uniform();
    for (let p = 0; p < 64; p++) x[s * 64 + p] = noise * normal();
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 5; c++) if (FONT[d][r][c] === '1') x[s * 64 + (r + dy) * 8 + c + dx] += ink;
    }
  }
  return { x, labels, y };
}

/** A seeded permutation of 0 … n−1 (Fisher–Yates). */
export function permutation(n, seed) {
  const { uniform } = random(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
