// 2-D vorticity fields to build vortical networks on (docs/flow-networks.md): Lamb–Oseen vortices,
// a Kármán-type street (von Kármán's stable spacing h/a = 0.281), random vortices, and decaying
// isotropic turbulence from a pseudo-spectral vorticity solver (2/3-rule dealiasing, SSP-RK3;
// McWilliams, JFM 1984, "The emergence of isolated coherent vortices in turbulent flow").
// Random numbers: Philox4x32-10 on stream 8 (docs/rng.md, docs/flow-networks.md).
import FFT from 'fft.js';

import { ErrorCode, invalid, RandlaError } from '../errors.js';
import { readNpyHeader, readNpyRowBlocks } from '../io/npy.js';
import { philox4x32_10, seedKey } from '../backend/reference/philox.js';
import type { Matrix } from '../types.js';
import { expectInteger, expectObject, expectSeed } from '../validate.js';

/** Philox stream of flow-field generation (docs/rng.md lists streams 0–7 for the algorithms). */
export const STREAM_FLOW_FIELDS = 8;

/** A 2-D vorticity field: `vorticity` is ny × nx row-major, row r at y = r·dy, column c at x = c·dx. */
export interface FlowField {
  vorticity: Matrix<Float64Array>;
  dx: number;
  dy: number;
}

/** One Lamb–Oseen vortex: ω = Γ/(π r_c²)·exp(−|x − x_k|²/r_c²). */
export interface LambOseenVortex {
  x: number;
  y: number;
  circulation: number;
  coreRadius: number;
}

export interface LambOseenOptions {
  nx: number;
  ny: number;
  /** Domain length in x (default 1): dx = lx / nx. */
  lx?: number;
  /** Domain length in y (default lx·ny/nx, square cells): dy = ly / ny. */
  ly?: number;
  vortices: LambOseenVortex[];
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function expectPositive(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(argument, 'a positive finite number', value);
  return value;
}

function expectFiniteNumber(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(argument, 'a finite number', value);
  return value;
}

function expectRange(value: unknown, argument: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw invalid(argument, 'a [min, max] pair', value);
  const lo = expectPositive(value[0], `${argument}[0]`);
  const hi = expectPositive(value[1], `${argument}[1]`);
  if (hi < lo) throw invalid(`${argument}[1]`, `a number >= ${argument}[0] = ${lo}`, hi);
  return [lo, hi];
}

function gridLengths(o: Record<string, unknown>, nx: number, ny: number, defaultLx: number): { lx: number; ly: number } {
  const lx = expectPositive(o.lx ?? defaultLx, 'options.lx');
  const ly = expectPositive(o.ly ?? (lx * ny) / nx, 'options.ly');
  return { lx, ly };
}

/** Adds Σ Γ/(π r_c²)·exp(−|x − x_k|²/r_c²) over the ny × nx grid at (c·dx, r·dy). */
function addLambOseen(out: Float64Array, nx: number, ny: number, dx: number, dy: number, vortices: readonly LambOseenVortex[]): void {
  for (const v of vortices) {
    const peak = v.circulation / (Math.PI * v.coreRadius * v.coreRadius);
    const inv = 1 / (v.coreRadius * v.coreRadius);
    for (let r = 0; r < ny; r++) {
      const ddy = r * dy - v.y;
      for (let c = 0; c < nx; c++) {
        const ddx = c * dx - v.x;
        out[r * nx + c]! += peak * Math.exp(-(ddx * ddx + ddy * ddy) * inv);
      }
    }
  }
}

/**
 * A field of Lamb–Oseen vortices, ω = Σ Γ/(π r_c²)·exp(−|x − x_k|²/r_c²), sampled at the cell
 * corners (c·dx, r·dy) of an ny × nx grid on [0, lx) × [0, ly) (not periodic).
 *
 * @example
 * ```ts
 * import { lambOseenField } from 'randla';
 * const field = lambOseenField({ nx: 64, ny: 64, vortices: [{ x: 0.5, y: 0.5, circulation: 1, coreRadius: 0.1 }] });
 * field.vorticity.rows; // 64
 * ```
 */
export function lambOseenField(options: LambOseenOptions): FlowField {
  const o = expectObject(options, 'options');
  const nx = expectInteger(o.nx, 'options.nx', 1);
  const ny = expectInteger(o.ny, 'options.ny', 1);
  const { lx, ly } = gridLengths(o, nx, ny, 1);
  if (!Array.isArray(o.vortices) || o.vortices.length === 0) throw invalid('options.vortices', 'a non-empty array of vortices', o.vortices);
  const vortices = (o.vortices as unknown[]).map((v, k) => {
    const e = expectObject(v, `options.vortices[${k}]`);
    return {
      x: expectFiniteNumber(e.x, `options.vortices[${k}].x`),
      y: expectFiniteNumber(e.y, `options.vortices[${k}].y`),
      circulation: expectFiniteNumber(e.circulation, `options.vortices[${k}].circulation`),
      coreRadius: expectPositive(e.coreRadius, `options.vortices[${k}].coreRadius`),
    };
  });
  const dx = lx / nx;
  const dy = ly / ny;
  const data = new Float64Array(nx * ny);
  addLambOseen(data, nx, ny, dx, dy, vortices);
  return { vorticity: { data, rows: ny, cols: nx, layout: 'row-major' }, dx, dy };
}

export interface VortexStreetOptions {
  nx: number;
  ny: number;
  /** Domain length in x (default 8). */
  lx?: number;
  /** Domain length in y (default 2). */
  ly?: number;
  /** a, streamwise spacing of the vortices in each row (default 1). */
  spacing?: number;
  /** h/a, row separation over spacing (default 0.281, von Kármán's stable ratio). */
  ratio?: number;
  /** |Γ| of every vortex (default 1). */
  circulation?: number;
  /** r_c of every vortex (default 0.1·a). */
  coreRadius?: number;
  /** x of the first upper-row vortex (default a/2). */
  offset?: number;
}

/**
 * A Kármán-type vortex street: two staggered rows of Lamb–Oseen vortices of opposite sign about
 * y = ly/2, the upper row (y = ly/2 + h/2, clockwise, Γ < 0) at x = offset + k·a and the lower row
 * (y = ly/2 − h/2, Γ > 0) at x = offset + (k + ½)·a, every x in [0, lx); h = ratio·a.
 *
 * @example
 * ```ts
 * import { vortexStreetField } from 'randla';
 * const street = vortexStreetField({ nx: 256, ny: 64 }); // 8 × 2 domain, a = 1, h = 0.281
 * ```
 */
export function vortexStreetField(options: VortexStreetOptions): FlowField & { vortices: LambOseenVortex[] } {
  const o = expectObject(options, 'options');
  const nx = expectInteger(o.nx, 'options.nx', 1);
  const ny = expectInteger(o.ny, 'options.ny', 1);
  const lx = expectPositive(o.lx ?? 8, 'options.lx');
  const ly = expectPositive(o.ly ?? 2, 'options.ly');
  const a = expectPositive(o.spacing ?? 1, 'options.spacing');
  const h = a * expectPositive(o.ratio ?? 0.281, 'options.ratio');
  const gamma = expectPositive(o.circulation ?? 1, 'options.circulation');
  const core = expectPositive(o.coreRadius ?? 0.1 * a, 'options.coreRadius');
  const offset = expectFiniteNumber(o.offset ?? a / 2, 'options.offset');
  const vortices: LambOseenVortex[] = [];
  for (let k = 0; offset + k * a < lx; k++) vortices.push({ x: offset + k * a, y: ly / 2 + h / 2, circulation: -gamma, coreRadius: core });
  for (let k = 0; offset + (k + 0.5) * a < lx; k++) {
    vortices.push({ x: offset + (k + 0.5) * a, y: ly / 2 - h / 2, circulation: gamma, coreRadius: core });
  }
  if (vortices.length === 0) throw invalid('options.offset', `a value below lx = ${lx}`, offset);
  const dx = lx / nx;
  const dy = ly / ny;
  const data = new Float64Array(nx * ny);
  addLambOseen(data, nx, ny, dx, dy, vortices);
  return { vorticity: { data, rows: ny, cols: nx, layout: 'row-major' }, dx, dy, vortices };
}

export interface RandomVortexOptions {
  nx: number;
  ny: number;
  /** Number of vortices. */
  count: number;
  seed: number | bigint;
  /** Domain length in x (default 1). */
  lx?: number;
  /** Domain length in y (default lx·ny/nx). */
  ly?: number;
  /** Range of |Γ| (default [0.5, 1.5]). */
  circulation?: [number, number];
  /** Range of r_c (default [0.02, 0.05]·min(lx, ly)). */
  coreRadius?: [number, number];
}

/** Words of entry (i, j) of stream 8: counter (i mod 2^32, ⌊i/2^32⌋, j, 8), as docs/rng.md's entries. */
function flowWords(k0: number, k1: number, i: number, j: number, out: Uint32Array): Uint32Array {
  philox4x32_10(i >>> 0, Math.floor(i / 4294967296), j, STREAM_FLOW_FIELDS, k0, k1, out);
  return out;
}

/** The 53-bit uniform in [0, 1) of two words (docs/rng.md's U[a, b]). */
function uniformOf(a: number, b: number): number {
  return ((a >>> 5) * TWO_POW_26 + (b >>> 6)) / TWO_POW_53;
}

/**
 * Random Lamb–Oseen vortices. Vortex k draws entries (k, 0), (k, 1), (k, 2) of stream 8:
 * x = lx·U[x0, x1] and y = ly·U[x2, x3] of (k, 0); |Γ| and r_c uniform in their ranges from
 * U[x0, x1] and U[x2, x3] of (k, 1); the sign + when the top bit of x0 of (k, 2) is 0.
 *
 * @example
 * ```ts
 * import { randomVortexField } from 'randla';
 * const field = randomVortexField({ nx: 128, ny: 128, count: 20, seed: 7 });
 * ```
 */
export function randomVortexField(options: RandomVortexOptions): FlowField & { vortices: LambOseenVortex[] } {
  const o = expectObject(options, 'options');
  const nx = expectInteger(o.nx, 'options.nx', 1);
  const ny = expectInteger(o.ny, 'options.ny', 1);
  const count = expectInteger(o.count, 'options.count', 1);
  const [k0, k1] = seedKey(expectSeed(o.seed, 'options.seed'));
  const { lx, ly } = gridLengths(o, nx, ny, 1);
  const [gLo, gHi] = expectRange(o.circulation ?? [0.5, 1.5], 'options.circulation');
  const span = Math.min(lx, ly);
  const [rLo, rHi] = expectRange(o.coreRadius ?? [0.02 * span, 0.05 * span], 'options.coreRadius');
  const words = new Uint32Array(4);
  const vortices: LambOseenVortex[] = [];
  for (let k = 0; k < count; k++) {
    flowWords(k0, k1, k, 0, words);
    const x = lx * uniformOf(words[0]!, words[1]!);
    const y = ly * uniformOf(words[2]!, words[3]!);
    flowWords(k0, k1, k, 1, words);
    const strength = gLo + (gHi - gLo) * uniformOf(words[0]!, words[1]!);
    const coreRadius = rLo + (rHi - rLo) * uniformOf(words[2]!, words[3]!);
    flowWords(k0, k1, k, 2, words);
    const sign = words[0]! >>> 31 === 0 ? 1 : -1;
    vortices.push({ x, y, circulation: sign * strength, coreRadius });
  }
  const dx = lx / nx;
  const dy = ly / ny;
  const data = new Float64Array(nx * ny);
  addLambOseen(data, nx, ny, dx, dy, vortices);
  return { vorticity: { data, rows: ny, cols: nx, layout: 'row-major' }, dx, dy, vortices };
}

// ---------------------------------------------------------------------------------------------
// Pseudo-spectral solver of ∂ω/∂t + u·∇ω = ν∇²ω on [0, 2π)², ∇²ψ = −ω, u = (∂ψ/∂y, −∂ψ/∂x).

/**
 * 2-D vorticity equation on the periodic square [0, 2π)² with n × n points (n a power of two),
 * in Fourier space: the nonlinear term is formed on the grid and dealiased by the 2/3 rule (modes
 * with |k_x| or |k_y| > ⌊n/3⌋ are zero), time stepping is the three-stage SSP Runge–Kutta of Shu
 * and Osher, viscosity explicit. Arrays are n × n row-major, row = y.
 *
 * @example
 * ```ts
 * const solver = new VorticitySolver(64, 0);
 * solver.setVorticity(omega);           // n² values, row = y
 * solver.step(0.01);
 * solver.energy(); solver.enstrophy();
 * ```
 */
export class VorticitySolver {
  readonly n: number;
  readonly viscosity: number;
  /** Dealiasing cutoff ⌊n/3⌋. */
  readonly cutoff: number;
  /** Simulated time. */
  time = 0;
  private readonly fft: FFT;
  private readonly k: Float64Array; // signed wavenumber of index m: m < n/2 ? m : m − n
  private readonly re: Float64Array; // ω̂, n × n
  private readonly im: Float64Array;
  private readonly line: Float64Array; // one interleaved row/column for fft.js
  private readonly lineOut: Float64Array;
  private readonly buf = Array.from({ length: 10 }, () => new Float64Array(0));

  constructor(n: number, viscosity: number) {
    if (!Number.isInteger(n) || n < 8 || n > 4096 || (n & (n - 1)) !== 0) throw invalid('n', 'a power of two in [8, 4096]', n);
    if (!Number.isFinite(viscosity) || viscosity < 0) throw invalid('viscosity', 'a finite number >= 0', viscosity);
    this.n = n;
    this.viscosity = viscosity;
    this.cutoff = Math.floor(n / 3);
    this.fft = new FFT(n);
    this.k = new Float64Array(n);
    for (let m = 0; m < n; m++) this.k[m] = m < n / 2 ? m : m - n;
    this.re = new Float64Array(n * n);
    this.im = new Float64Array(n * n);
    this.line = new Float64Array(2 * n);
    this.lineOut = new Float64Array(2 * n);
    for (let b = 0; b < this.buf.length; b++) this.buf[b] = new Float64Array(n * n);
  }

  /** Whether mode (row, col) survives the 2/3 rule. */
  private kept(r: number, c: number): boolean {
    return Math.abs(this.k[r]!) <= this.cutoff && Math.abs(this.k[c]!) <= this.cutoff;
  }

  /**
   * In-place 2-D DFT (forward e^{−ik·x}, unnormalised; inverse divides by n²). With `dealiased`,
   * a third of the 1-D transforms is skipped: an inverse's input rows beyond the cutoff are zero,
   * and a forward's output columns beyond it are about to be zeroed (left unfinished).
   */
  private fft2(re: Float64Array, im: Float64Array, inverse: boolean, dealiased = false): void {
    const { n, line, lineOut, fft, k, cutoff } = this;
    for (let r = 0; r < n; r++) {
      if (dealiased && inverse && Math.abs(k[r]!) > cutoff) continue;
      const base = r * n;
      for (let c = 0; c < n; c++) {
        line[2 * c] = re[base + c]!;
        line[2 * c + 1] = im[base + c]!;
      }
      if (inverse) fft.inverseTransform(lineOut, line);
      else fft.transform(lineOut, line);
      for (let c = 0; c < n; c++) {
        re[base + c] = lineOut[2 * c]!;
        im[base + c] = lineOut[2 * c + 1]!;
      }
    }
    for (let c = 0; c < n; c++) {
      if (dealiased && !inverse && Math.abs(k[c]!) > cutoff) continue;
      for (let r = 0; r < n; r++) {
        line[2 * r] = re[r * n + c]!;
        line[2 * r + 1] = im[r * n + c]!;
      }
      if (inverse) fft.inverseTransform(lineOut, line);
      else fft.transform(lineOut, line);
      for (let r = 0; r < n; r++) {
        re[r * n + c] = lineOut[2 * r]!;
        im[r * n + c] = lineOut[2 * r + 1]!;
      }
    }
  }

  /** Sets ω from n² grid values (row = y); the mean and the modes beyond the cutoff are removed. */
  setVorticity(omega: ArrayLike<number>): void {
    const { n } = this;
    if (omega.length !== n * n) {
      throw new RandlaError(ErrorCode.SHAPE, `Expected ${n * n} values for omega but received ${omega.length}`, { argument: 'omega' });
    }
    for (let i = 0; i < n * n; i++) {
      this.re[i] = omega[i]!;
      this.im[i] = 0;
    }
    this.fft2(this.re, this.im, false);
    this.filter(this.re, this.im);
    this.time = 0;
  }

  /** Sets ω̂ directly (unnormalised DFT coefficients, Hermitian); filtered as in setVorticity. */
  setSpectrum(re: Float64Array, im: Float64Array): void {
    this.re.set(re);
    this.im.set(im);
    this.filter(this.re, this.im);
    this.time = 0;
  }

  private filter(re: Float64Array, im: Float64Array): void {
    const { n } = this;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (!this.kept(r, c) || (r === 0 && c === 0)) {
          re[r * n + c] = 0;
          im[r * n + c] = 0;
        }
      }
    }
  }

  /**
   * Writes dω̂/dt of (wr, wi) into (outRe, outIm) and returns max(|u| + |v|) on the grid (for the
   * time step). u + iv and ω_x + iω_y are each one inverse transform: both pairs are real fields.
   */
  private rhs(wr: Float64Array, wi: Float64Array, outRe: Float64Array, outIm: Float64Array): number {
    const { n, k, viscosity } = this;
    const [ar, ai, br, bi] = this.buf as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let r = 0; r < n; r++) {
      const ky = k[r]!;
      for (let c = 0; c < n; c++) {
        const kx = k[c]!;
        const i = r * n + c;
        const k2 = kx * kx + ky * ky;
        const pr = k2 === 0 ? 0 : wr[i]! / k2; // ψ̂ = ω̂/|k|²
        const pi = k2 === 0 ? 0 : wi[i]! / k2;
        // û = i·ky·ψ̂, v̂ = −i·kx·ψ̂; û + i·v̂:
        ar[i] = kx * pr - ky * pi;
        ai[i] = ky * pr + kx * pi;
        // ω̂_x = i·kx·ω̂, ω̂_y = i·ky·ω̂; ω̂_x + i·ω̂_y:
        br[i] = -kx * wi[i]! - ky * wr[i]!;
        bi[i] = kx * wr[i]! - ky * wi[i]!;
      }
    }
    this.fft2(ar, ai, true, true);
    this.fft2(br, bi, true, true);
    let speed = 0;
    for (let i = 0; i < n * n; i++) {
      const u = ar[i]!;
      const v = ai[i]!;
      speed = Math.max(speed, Math.abs(u) + Math.abs(v));
      outRe[i] = u * br[i]! + v * bi[i]!; // u·∇ω on the grid
      outIm[i] = 0;
    }
    this.fft2(outRe, outIm, false, true);
    for (let r = 0; r < n; r++) {
      const ky = k[r]!;
      for (let c = 0; c < n; c++) {
        const kx = k[c]!;
        const i = r * n + c;
        if (!this.kept(r, c) || (r === 0 && c === 0)) {
          outRe[i] = 0;
          outIm[i] = 0;
          continue;
        }
        const damping = viscosity * (kx * kx + ky * ky);
        outRe[i] = -outRe[i]! - damping * wr[i]!;
        outIm[i] = -outIm[i]! - damping * wi[i]!;
      }
    }
    return speed;
  }

  /**
   * One SSP-RK3 step. With `cfl` instead of a fixed dt, dt = cfl·(2π/n)/max(|u| + |v|), capped at
   * `maxDt`. Returns the dt taken.
   */
  step(dt: number | { cfl: number; maxDt: number }): number {
    const { n } = this;
    const size = n * n;
    const [, , , , l1r, l1i, s1r, s1i, s2r, s2i] = this.buf as Float64Array[] as [
      Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
      Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
    ];
    const w0r = this.re;
    const w0i = this.im;
    const speed = this.rhs(w0r, w0i, l1r, l1i);
    let h: number;
    if (typeof dt === 'number') {
      h = dt;
    } else {
      h = speed > 0 ? Math.min(dt.maxDt, (dt.cfl * (2 * Math.PI)) / n / speed) : dt.maxDt;
    }
    for (let i = 0; i < size; i++) {
      s1r[i] = w0r[i]! + h * l1r[i]!;
      s1i[i] = w0i[i]! + h * l1i[i]!;
    }
    this.rhs(s1r, s1i, l1r, l1i);
    for (let i = 0; i < size; i++) {
      s2r[i] = 0.75 * w0r[i]! + 0.25 * (s1r[i]! + h * l1r[i]!);
      s2i[i] = 0.75 * w0i[i]! + 0.25 * (s1i[i]! + h * l1i[i]!);
    }
    this.rhs(s2r, s2i, l1r, l1i);
    for (let i = 0; i < size; i++) {
      w0r[i] = w0r[i]! / 3 + (2 / 3) * (s2r[i]! + h * l1r[i]!);
      w0i[i] = w0i[i]! / 3 + (2 / 3) * (s2i[i]! + h * l1i[i]!);
    }
    this.time += h;
    return h;
  }

  /** Sum of |ω̂|²·weight(|k|²) / n⁴ (Parseval) over the modes. */
  private spectralSum(weight: (k2: number) => number): number {
    const { n, k } = this;
    let sum = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const k2 = k[r]! * k[r]! + k[c]! * k[c]!;
        if (k2 === 0) continue;
        const i = r * n + c;
        sum += (this.re[i]! * this.re[i]! + this.im[i]! * this.im[i]!) * weight(k2);
      }
    }
    return sum / (n * n) / (n * n);
  }

  /** Kinetic energy ½⟨|u|²⟩ (grid mean). */
  energy(): number {
    return 0.5 * this.spectralSum((k2) => 1 / k2);
  }

  /** Enstrophy ½⟨ω²⟩ (grid mean). */
  enstrophy(): number {
    return 0.5 * this.spectralSum(() => 1);
  }

  /** Shell energy spectrum: E[m] = Σ over m − ½ ≤ |k| < m + ½ of ½|û|²/n⁴, m = 0 … ⌊n/2⌋. */
  energySpectrum(): Float64Array {
    const { n, k } = this;
    const out = new Float64Array(Math.floor(n / 2) + 1);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const k2 = k[r]! * k[r]! + k[c]! * k[c]!;
        const m = Math.round(Math.sqrt(k2));
        if (k2 === 0 || m >= out.length) continue;
        const i = r * n + c;
        out[m]! += (0.5 * (this.re[i]! * this.re[i]! + this.im[i]! * this.im[i]!)) / k2 / (n * n) / (n * n);
      }
    }
    return out;
  }

  /**
   * ω on the grid (n × n row-major, row = y) and the largest |imaginary part| of the inverse
   * transform relative to max|ω| (rounding only, since ω̂ stays Hermitian).
   */
  vorticity(): { omega: Float64Array; imaginary: number } {
    const re = Float64Array.from(this.re);
    const im = Float64Array.from(this.im);
    this.fft2(re, im, true);
    let peak = 0;
    let imag = 0;
    for (let i = 0; i < re.length; i++) {
      peak = Math.max(peak, Math.abs(re[i]!));
      imag = Math.max(imag, Math.abs(im[i]!));
    }
    return { omega: re, imaginary: peak > 0 ? imag / peak : imag };
  }
}

export interface TurbulenceOptions {
  /** Grid points per side, a power of two (128 or 256 in the study). */
  n: number;
  seed: number | bigint;
  /** Peak wavenumber k₀ of E(k) ∝ k⁴·exp(−2(k/k₀)²) (default 6). */
  peakWavenumber?: number;
  /** Initial kinetic energy ½⟨|u|²⟩ (default 0.5). */
  energy?: number;
  /** ν (default 0.5·ω_rms(0)/⌊n/3⌋²: the damping rate at the cutoff is half ω_rms). */
  viscosity?: number;
  /** End time in units of the initial eddy turnover time τ = 1/ω_rms(0) (default 8). */
  turnovers?: number;
  /** CFL number of the adaptive step, dt = cfl·dx/max(|u| + |v|) (default 0.6). */
  cfl?: number;
}

/** The random initial spectrum of turbulenceField: unnormalised DFT coefficients, Hermitian. */
export function turbulenceInitialSpectrum(n: number, seed: bigint, peakWavenumber: number): { re: Float64Array; im: Float64Array } {
  const [k0, k1] = seedKey(seed);
  const words = new Uint32Array(4);
  const size = n * n;
  const phaseRe = new Float64Array(size);
  const phaseIm = new Float64Array(size);
  const amplitude = new Float64Array(size);
  const wave = (m: number): number => (m < n / 2 ? m : m - n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const i = r * n + c;
      const kk = Math.hypot(wave(r), wave(c));
      if (kk === 0) continue;
      // |ω̂|² ∝ k·E(k)/π for E(k) ∝ k⁴·exp(−2(k/k₀)²), spread over the shell's ~2πk modes.
      amplitude[i] = kk ** 2.5 * Math.exp(-((kk / peakWavenumber) ** 2));
      flowWords(k0, k1, i, 16, words);
      const phi = 2 * Math.PI * uniformOf(words[0]!, words[1]!);
      phaseRe[i] = Math.cos(phi);
      phaseIm[i] = Math.sin(phi);
    }
  }
  // ω̂(k) = (f(k) + conj f(−k))/2: a real field with random phases.
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const i = r * n + c;
      const j = ((n - r) % n) * n + ((n - c) % n);
      re[i] = 0.5 * (amplitude[i]! * phaseRe[i]! + amplitude[j]! * phaseRe[j]!);
      im[i] = 0.5 * (amplitude[i]! * phaseIm[i]! - amplitude[j]! * phaseIm[j]!);
    }
  }
  return { re, im };
}

/**
 * 2-D decaying isotropic turbulence on [0, 2π)² (n × n, dx = dy = 2π/n): a random initial field
 * with energy spectrum E(k) ∝ k⁴·exp(−2(k/k₀)²) and random phases (entry (r·n + c, 16) of stream
 * 8 for mode (r, c)), scaled to the given energy, then integrated by VorticitySolver to
 * `turnovers`·τ, τ = 1/ω_rms(0), when coherent vortices have formed (McWilliams 1984).
 *
 * @example
 * ```ts
 * import { turbulenceField } from 'randla';
 * const field = turbulenceField({ n: 128, seed: 1 }); // a few seconds
 * ```
 */
export function turbulenceField(options: TurbulenceOptions): FlowField & { time: number; steps: number; viscosity: number } {
  const o = expectObject(options, 'options');
  const n = o.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 8 || n > 4096 || (n & (n - 1)) !== 0) {
    throw invalid('options.n', 'a power of two in [8, 4096]', n);
  }
  const seed = expectSeed(o.seed, 'options.seed');
  const peak = expectPositive(o.peakWavenumber ?? 6, 'options.peakWavenumber');
  if (peak >= n / 3) throw invalid('options.peakWavenumber', `a number below the dealiasing cutoff n/3 = ${Math.floor(n / 3)}`, peak);
  const energy = expectPositive(o.energy ?? 0.5, 'options.energy');
  const turnovers = o.turnovers ?? 8;
  if (typeof turnovers !== 'number' || !Number.isFinite(turnovers) || turnovers < 0) throw invalid('options.turnovers', 'a finite number >= 0', turnovers);
  const cfl = o.cfl ?? 0.6;
  if (typeof cfl !== 'number' || !(cfl > 0 && cfl <= 1)) throw invalid('options.cfl', 'a number in (0, 1]', cfl);

  const spectrum = turbulenceInitialSpectrum(n, seed, peak);
  const probe = new VorticitySolver(n, 0);
  probe.setSpectrum(spectrum.re, spectrum.im);
  const scale = Math.sqrt(energy / probe.energy());
  for (let i = 0; i < n * n; i++) {
    spectrum.re[i]! *= scale;
    spectrum.im[i]! *= scale;
  }
  const omegaRms = Math.sqrt(2 * probe.enstrophy() * scale * scale);
  const viscosity = o.viscosity ?? (0.5 * omegaRms) / (Math.floor(n / 3) ** 2);
  if (typeof viscosity !== 'number' || !Number.isFinite(viscosity) || viscosity < 0) throw invalid('options.viscosity', 'a finite number >= 0', viscosity);
  const solver = new VorticitySolver(n, viscosity);
  solver.setSpectrum(spectrum.re, spectrum.im);
  const end = turnovers / omegaRms;
  let steps = 0;
  while (solver.time < end) {
    // The last step lands on `end` exactly (up to the sum's rounding).
    solver.step({ cfl, maxDt: end - solver.time });
    steps++;
    if (end - solver.time <= 1e-12 * end) break;
  }
  const { omega } = solver.vorticity();
  const h = (2 * Math.PI) / n;
  return { vorticity: { data: omega, rows: n, cols: n, layout: 'row-major' }, dx: h, dy: h, time: solver.time, steps, viscosity };
}

/**
 * A vorticity field from a 2-D .npy array (f64 or f32, C order; f32 is widened to f64 exactly),
 * row = y.
 *
 * @example
 * ```ts
 * import { loadVorticityNpy } from 'randla';
 * const field = await loadVorticityNpy('/data/omega.npy', { dx: 0.01, dy: 0.01 });
 * ```
 */
export async function loadVorticityNpy(path: string, options: { dx: number; dy: number }): Promise<FlowField> {
  const o = expectObject(options, 'options');
  const dx = expectPositive(o.dx, 'options.dx');
  const dy = expectPositive(o.dy, 'options.dy');
  const header = await readNpyHeader(path);
  const data = new Float64Array(header.rows * header.cols);
  for await (const { block, rowOffset } of readNpyRowBlocks(path)) data.set(block.data, rowOffset * header.cols);
  return { vorticity: { data, rows: header.rows, cols: header.cols, layout: 'row-major' }, dx, dy };
}
