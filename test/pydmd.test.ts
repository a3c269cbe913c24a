// Optional cross-check against PyDMD (issue 6): runs only where the bench's Python environment
// (bench/.venv, `npm run bench:dmd` installs it) exists and `import pydmd` works there; otherwise
// every case is reported as skipped with the reason. PyDMD runs once, in one child process
// (bench/peers/dmd_peers.py, task "crosscheck"), on the same inputs as randla (passed as .npy).
//
// Where PyDMD is right, randla (native when built, else the reference) must agree with it:
// exact and projected DMD, total least squares (tlsq_rank), Hankel DMD (d), randomized DMD on
// low-rank data (eigenvalues only: the sketches differ), complex snapshots, and the optimal
// amplitudes of exact DMD. Eigenvalues are matched by nearest neighbour, modes compared up to
// a complex scale per mode (1 − |⟨φ_r, φ_p⟩|/(‖φ_r‖‖φ_p‖)), amplitudes through the
// reconstructions Φ·diag(b)·λᵏ (PyDMD's amplitudes belong to its own mode scaling).
//
// Where PyDMD is not right (docs/algorithms/dmd.md), the test documents it by assertion:
//   - FbDMD builds the backward operator in the basis of SVD(X₂): on noise-free data its
//     eigenvalues differ from exact DMD's, while randla's fb equals exact;
//   - opt=True with projected modes (exact=False, PyDMD's default) builds q from the first m − 1
//     snapshots projected on U while P sums over all m: on complex data its amplitudes leave a
//     larger residual ‖X − Φ·diag(b)·V_λ‖_F than randla's 'optimal' (with exact=True, PyDMD
//     2025.8's q is the minimiser's, and the two agree: asserted too).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { backends, dmdSync, matrix, writeNpy, type ComplexArray, type ComplexMatrix, type DmdOptions, type DmdResult, type Matrix } from '../src/index.js';
import { dmd as dmdTol, expectAtMost, pydmd as tol } from './helpers/tolerance.js';

const ROOT = resolve(import.meta.dirname, '..');
const PYTHON = process.platform === 'win32' ? join(ROOT, 'bench', '.venv', 'Scripts', 'python.exe') : join(ROOT, 'bench', '.venv', 'bin', 'python');
const PEER = join(ROOT, 'bench', 'peers', 'dmd_peers.py');

/** Whether PyDMD can run here, and why not. */
function probePydmd(): { available: boolean; reason: string; version?: string } {
  if (!existsSync(PYTHON)) return { available: false, reason: 'bench/.venv does not exist (npm run bench:dmd creates it and installs PyDMD)' };
  const r = spawnSync(PYTHON, ['-c', 'import importlib.metadata as md, pydmd; print(md.version("pydmd"))'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop();
    return { available: false, reason: `\`import pydmd\` fails in bench/.venv (${why}); npm run bench:dmd installs it` };
  }
  return { available: true, reason: '', version: r.stdout.trim() };
}

const PYDMD = probePydmd();
if (!PYDMD.available) console.warn(`[randla tests] PyDMD cross-check skipped: ${PYDMD.reason}`);
const BACKEND = backends().find((b) => b.name === 'native')?.available ? 'native' : 'reference';

// ---------------------------------------------------------------- data (deterministic, no RNG)

/** A deterministic stand-in for noise: a bounded oscillation with no structure at these sizes. */
const wiggle = (i: number, k: number) => Math.sin(i * i * 0.37 + k * k * 0.11 + i * k);

/** The six eigenvalues of sixModes: two complex pairs and two real. */
const SIX: [number, number][] = [
  [0.98 * Math.cos(0.5), 0.98 * Math.sin(0.5)],
  [0.98 * Math.cos(0.5), -0.98 * Math.sin(0.5)],
  [0.92 * Math.cos(1.3), 0.92 * Math.sin(1.3)],
  [0.92 * Math.cos(1.3), -0.92 * Math.sin(1.3)],
  [0.85, 0],
  [0.6, 0],
];

/** 64 × m real snapshots of six non-orthogonal modes with the SIX eigenvalues, plus noise·wiggle. */
function sixModes(m: number, noise: number): Matrix<Float64Array> {
  const n = 64;
  const data = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      let v = 0;
      for (let p = 0; p < 2; p++) {
        const [re, im] = SIX[2 * p]!;
        const r = Math.hypot(re, im) ** k;
        const th = Math.atan2(im, re) * k;
        const a = Math.sin(0.3 * (p + 1) * i + p);
        const b = Math.cos(0.17 * (p + 2) * i);
        v += 2 * r * (a * Math.cos(th) - b * Math.sin(th));
      }
      v += Math.cos(0.05 * i) * 0.85 ** k + Math.sin(0.11 * i + 1) * 0.6 ** k;
      data[i * m + k] = v + noise * wiggle(i, k);
    }
  }
  return matrix(data, n, m);
}

/** f(x, t) = sech(x + 3)·e^{2.3it} + 2·sech(x)·tanh(x)·e^{2.8it} on 65 points, plus noise·wiggle. */
function complexWaves(m: number, dt: number, noise: number): ComplexMatrix {
  const n = 65;
  const re = new Float64Array(n * m);
  const im = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const x = -5 + (10 * i) / (n - 1);
    const a = 1 / Math.cosh(x + 3);
    const b = (2 / Math.cosh(x)) * Math.tanh(x);
    for (let k = 0; k < m; k++) {
      const t = k * dt;
      re[i * m + k] = a * Math.cos(2.3 * t) + b * Math.cos(2.8 * t) + noise * wiggle(i, k);
      im[i * m + k] = a * Math.sin(2.3 * t) + b * Math.sin(2.8 * t) + noise * wiggle(i + 7, k + 3);
    }
  }
  return { re: matrix(re, n, m), im: matrix(im, n, m) };
}

const realPart = (Z: ComplexMatrix): Matrix<Float64Array> => matrix(Float64Array.from(Z.re.data), Z.re.rows, Z.re.cols);

// ---------------------------------------------------------------- complex helpers

interface Cplx {
  re: ArrayLike<number>;
  im: ArrayLike<number>;
}
interface PyResult {
  id: string;
  status: string;
  reason?: string;
  eigs: Cplx;
  modes: Cplx & { rows: number; cols: number };
  amplitudes: Cplx;
}
/** A fit in one shape for both libraries: modes row-major N × r. */
interface Fit {
  eigs: Cplx;
  modes: { re: ArrayLike<number>; im: ArrayLike<number>; rows: number; cols: number };
  amplitudes: Cplx;
}

const fromRandla = (r: DmdResult): Fit => ({ eigs: r.eigs, modes: { re: r.modes.re.data, im: r.modes.im.data, rows: r.modes.re.rows, cols: r.modes.re.cols }, amplitudes: r.amplitudes });

/** For each eigenvalue of `a`, the index of the nearest unused one in `b` (greedy, in a's order). */
function matchEigs(a: Cplx, b: Cplx): number[] {
  const used = new Set<number>();
  return Array.from(a.re, (_, j) => {
    let best = -1;
    let dist = Infinity;
    for (let l = 0; l < b.re.length; l++) {
      if (used.has(l)) continue;
      const d = Math.hypot(a.re[j]! - b.re[l]!, a.im[j]! - b.im[l]!);
      if (d < dist) {
        dist = d;
        best = l;
      }
    }
    used.add(best);
    return best;
  });
}

/** Max |λ_a − λ_b| over the matched pairs. */
function eigError(a: Cplx, b: Cplx): number {
  expect(b.re.length, 'the same number of eigenvalues').toBe(a.re.length);
  const match = matchEigs(a, b);
  return Math.max(0, ...match.map((l, j) => Math.hypot(a.re[j]! - b.re[l]!, a.im[j]! - b.im[l]!)));
}

/** Max over modes of 1 − |⟨φ_a, φ_b⟩|/(‖φ_a‖‖φ_b‖), modes paired through their eigenvalues. */
function modeMisalignment(a: Fit, b: Fit): number {
  expect([b.modes.rows, b.modes.cols], 'mode shape').toEqual([a.modes.rows, a.modes.cols]);
  const { rows: N, cols: r } = a.modes;
  const match = matchEigs(a.eigs, b.eigs);
  let worst = 0;
  for (let j = 0; j < r; j++) {
    const l = match[j]!;
    let dr = 0;
    let di = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < N; i++) {
      const ar = a.modes.re[i * r + j]!;
      const ai = a.modes.im[i * r + j]!;
      const br = b.modes.re[i * r + l]!;
      const bi = b.modes.im[i * r + l]!;
      // conj(a)·b
      dr += ar * br + ai * bi;
      di += ar * bi - ai * br;
      na += ar * ar + ai * ai;
      nb += br * br + bi * bi;
    }
    worst = Math.max(worst, 1 - Math.hypot(dr, di) / Math.sqrt(na * nb));
  }
  return worst;
}

/** Φ·diag(b)·λᵏ for k = 0 … K − 1: { re, im }, N × K row-major. */
function reconstruction(f: Fit, K: number): { re: Float64Array; im: Float64Array } {
  const { rows: N, cols: r } = f.modes;
  const re = new Float64Array(N * K);
  const im = new Float64Array(N * K);
  for (let j = 0; j < r; j++) {
    // c = b_j·λ_j^k, advanced by one multiplication per k
    let cr = f.amplitudes.re[j]!;
    let ci = f.amplitudes.im[j]!;
    const lr = f.eigs.re[j]!;
    const li = f.eigs.im[j]!;
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < N; i++) {
        const pr = f.modes.re[i * r + j]!;
        const pi = f.modes.im[i * r + j]!;
        re[i * K + k] += pr * cr - pi * ci;
        im[i * K + k] += pr * ci + pi * cr;
      }
      [cr, ci] = [cr * lr - ci * li, cr * li + ci * lr];
    }
  }
  return { re, im };
}

/** ‖R_a − R_b‖_F / ‖R_b‖_F of the two reconstructions over K steps. */
function reconstructionGap(a: Fit, b: Fit, K: number): number {
  const ra = reconstruction(a, K);
  const rb = reconstruction(b, K);
  let d = 0;
  let s = 0;
  for (let e = 0; e < ra.re.length; e++) {
    d += (ra.re[e]! - rb.re[e]!) ** 2 + (ra.im[e]! - rb.im[e]!) ** 2;
    s += rb.re[e]! ** 2 + rb.im[e]! ** 2;
  }
  return Math.sqrt(d / s);
}

/** ‖X − Φ·diag(b)·V_λ‖_F over all m columns of X (real or complex). */
function residual(f: Fit, X: Matrix<Float64Array> | ComplexMatrix): number {
  const Xr = 'data' in X ? X : X.re;
  const Xi = 'data' in X ? null : X.im;
  const R = reconstruction(f, Xr.cols);
  let s = 0;
  for (let e = 0; e < R.re.length; e++) s += (Xr.data[e]! - R.re[e]!) ** 2 + ((Xi ? Xi.data[e]! : 0) - R.im[e]!) ** 2;
  return Math.sqrt(s);
}

/** The snapshots' count m. */
const columns = (X: Matrix<Float64Array> | ComplexMatrix): number => ('data' in X ? X.cols : X.re.cols);

/** σ₁/σ_r of X₁ as randla reports them: the conditioning of the truncated problem. */
const conditioning = (r: DmdResult) => r.singularValues[0]! / r.singularValues[r.rank - 1]!;

const truth = (pairs: [number, number][]): ComplexArray => ({ re: Float64Array.from(pairs, (p) => p[0]), im: Float64Array.from(pairs, (p) => p[1]) });

// ---------------------------------------------------------------- the PyDMD run

const DT = 0.1;
const INPUTS = {
  six: sixModes(60, 0),
  sixNoisy: sixModes(60, 1e-3),
  waves: complexWaves(40, DT, 0),
  wavesNoisy: complexWaves(40, DT, 1e-2),
  realWaves: realPart(complexWaves(60, DT, 0)),
};
type InputName = keyof typeof INPUTS;

interface Case {
  id: string;
  input: InputName;
  cls: 'DMD' | 'FbDMD' | 'HankelDMD' | 'RDMD';
  kwargs: Record<string, unknown>;
  randla: DmdOptions;
}

const CASES: Case[] = [
  { id: 'exact', input: 'sixNoisy', cls: 'DMD', kwargs: { svd_rank: 6, exact: true }, randla: { rank: 6 } },
  { id: 'exact-noise-free', input: 'six', cls: 'DMD', kwargs: { svd_rank: 6, exact: true }, randla: { rank: 6 } },
  { id: 'projected', input: 'sixNoisy', cls: 'DMD', kwargs: { svd_rank: 6, exact: false }, randla: { rank: 6, variant: 'projected' } },
  { id: 'tls', input: 'sixNoisy', cls: 'DMD', kwargs: { svd_rank: 6, tlsq_rank: 6, exact: true }, randla: { rank: 6, variant: 'tls', tlsRank: 6 } },
  { id: 'energy', input: 'sixNoisy', cls: 'DMD', kwargs: { svd_rank: 0.999999, exact: true }, randla: { rank: 0.999999 } },
  { id: 'complex', input: 'waves', cls: 'DMD', kwargs: { svd_rank: 2, exact: true }, randla: { rank: 2, dt: DT } },
  { id: 'hankel', input: 'realWaves', cls: 'HankelDMD', kwargs: { svd_rank: 4, d: 2, exact: true }, randla: { rank: 4, delays: 2, dt: DT } },
  { id: 'randomized', input: 'six', cls: 'RDMD', kwargs: { svd_rank: 6, oversampling: 10, power_iters: 2, seed: 7 }, randla: { rank: 6, variant: 'randomized', oversamples: 10, powerIters: 2, seed: 7 } },
  { id: 'fb-noise-free', input: 'six', cls: 'FbDMD', kwargs: { svd_rank: 6, exact: true }, randla: { rank: 6, variant: 'fb' } },
  { id: 'optimal-exact', input: 'wavesNoisy', cls: 'DMD', kwargs: { svd_rank: 2, exact: true, opt: true }, randla: { rank: 2, dt: DT, amplitudes: 'optimal' } },
  { id: 'optimal-projected', input: 'wavesNoisy', cls: 'DMD', kwargs: { svd_rank: 2, exact: false, opt: true }, randla: { rank: 2, dt: DT, variant: 'projected', amplitudes: 'optimal' } },
];

const py = new Map<string, PyResult>();
let dir = '';

beforeAll(async () => {
  if (!PYDMD.available) return;
  dir = mkdtempSync(join(tmpdir(), 'randla-pydmd-'));
  const inputs: Record<string, Record<string, string>> = {};
  for (const [name, X] of Object.entries(INPUTS)) {
    if ('data' in X) {
      const file = join(dir, `${name}.npy`);
      await writeNpy(file, X);
      inputs[name] = { x: file };
    } else {
      inputs[name] = { x_re: join(dir, `${name}-re.npy`), x_im: join(dir, `${name}-im.npy`) };
      await writeNpy(inputs[name].x_re!, X.re);
      await writeNpy(inputs[name].x_im!, X.im);
    }
  }
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ task: 'crosscheck', threads: 1, inputs, cases: CASES.map(({ id, input, cls, kwargs }) => ({ id, input, cls, kwargs })) }));
  const r = spawnSync(PYTHON, [PEER, plan], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let out: { status: string; reason?: string; results?: PyResult[] };
  try {
    out = JSON.parse(line);
  } catch {
    throw new Error(`bench/peers/dmd_peers.py printed no result (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  if (out.status !== 'ok') throw new Error(`bench/peers/dmd_peers.py: ${out.reason}`);
  for (const res of out.results!) py.set(res.id, res);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** PyDMD's fit of a case (failing the test with PyDMD's error if it had one) and randla's. */
function both(id: string): { c: Case; p: Fit; r: DmdResult; X: Matrix<Float64Array> | ComplexMatrix } {
  const c = CASES.find((k) => k.id === id)!;
  const p = py.get(id);
  expect(p, `PyDMD result for ${id}`).toBeDefined();
  if (p!.status !== 'ok') throw new Error(`PyDMD ${c.cls}(${JSON.stringify(c.kwargs)}) failed: ${p!.reason}`);
  const X = INPUTS[c.input];
  const r = dmdSync(X, { ...c.randla, backend: BACKEND });
  return { c, p: p as Fit, r, X };
}

/** randla and PyDMD agree: eigenvalues, modes up to scale, and the reconstructions (amplitudes). */
function expectAgreement(id: string): void {
  const { c, p, r, X } = both(id);
  const kappa = conditioning(r);
  const f = fromRandla(r);
  expectAtMost(eigError(f.eigs, p.eigs), tol.eigs(kappa), `${id}: eigenvalues (κ = ${kappa.toExponential(2)})`);
  expectAtMost(modeMisalignment(f, p), tol.modes(kappa), `${id}: modes up to a complex scale`);
  // the steps of the fitted matrix: the Hankel one has m − d + 1 columns
  const K = columns(X) - (c.randla.delays ?? 1) + 1;
  expectAtMost(reconstructionGap(f, p, K), tol.reconstruction(kappa, K), `${id}: Φ·diag(b)·λᵏ over ${K} steps`);
}

describe.skipIf(!PYDMD.available)(`PyDMD${PYDMD.version ? ` ${PYDMD.version}` : ''} cross-check (randla ${BACKEND} backend)${PYDMD.available ? '' : `: skipped, ${PYDMD.reason}`}`, () => {
  describe('where PyDMD is right, randla agrees', () => {
    it.each(['exact', 'exact-noise-free', 'projected', 'tls', 'energy'])('%s on six non-orthogonal real modes', (id) => {
      expectAgreement(id);
    });

    it('the energy rule keeps the same rank as PyDMD', () => {
      const { p, r } = both('energy');
      expect(r.rank).toBe(p.eigs.re.length);
    });

    it('complex snapshots (exact)', () => {
      expectAgreement('complex');
    });

    it('Hankel DMD (HankelDMD d = 2, randla delays: 2): stacked modes, eigenvalues, reconstructions', () => {
      expectAgreement('hankel');
      const { r } = both('hankel');
      expect(r.modes.re.rows).toBe(2 * INPUTS.realWaves.rows);
    });

    it('randomized DMD on exactly low-rank data: both give the true eigenvalues (RDMD: eigenvalues only)', () => {
      const { p, r } = both('randomized');
      const six = truth(SIX);
      expectAtMost(eigError(r.eigs, six), dmdTol.randomizedExact, 'randla randomized vs the true eigenvalues');
      expectAtMost(eigError(p.eigs, six), dmdTol.randomizedExact, 'PyDMD RDMD vs the true eigenvalues');
      expectAtMost(eigError(r.eigs, p.eigs), 2 * dmdTol.randomizedExact, 'randla randomized vs PyDMD RDMD');
    });

    it('optimal amplitudes with exact modes (opt=True, exact=True): the same minimiser', () => {
      expectAgreement('optimal-exact');
      const { p, r, X } = both('optimal-exact');
      const mine = residual(fromRandla(r), X);
      expectAtMost(Math.abs(residual(p, X) - mine) / mine, tol.reconstruction(conditioning(r), columns(X)), 'the same residual');
    });
  });

  describe('where PyDMD is not right (docs/algorithms/dmd.md), documented', () => {
    it("FbDMD on noise-free data: PyDMD's eigenvalues are not exact DMD's; randla's fb equals exact", () => {
      const { p, r } = both('fb-noise-free');
      const pyExact = both('exact-noise-free').p;
      const exact = dmdSync(INPUTS.six, { rank: 6, backend: BACKEND });
      const six = truth(SIX);
      const kappa = conditioning(exact);
      expectAtMost(eigError(exact.eigs, six), tol.eigs(kappa), 'exact DMD: the true eigenvalues');
      expectAtMost(eigError(r.eigs, exact.eigs), tol.eigs(kappa), "randla fb = exact on noise-free data");
      expect(eigError(p.eigs, six), "PyDMD FbDMD's eigenvalues are off the true ones").toBeGreaterThan(tol.fbDiscrepancy);
      expect(eigError(p.eigs, pyExact.eigs), "PyDMD FbDMD's eigenvalues are off PyDMD DMD's").toBeGreaterThan(tol.fbDiscrepancy);
    });

    it("opt=True with projected modes (exact=False) on complex data: PyDMD's amplitudes leave a larger residual than randla's 'optimal'", () => {
      const { p, r, X } = both('optimal-projected');
      const kappa = conditioning(r);
      const f = fromRandla(r);
      // the same modes and eigenvalues (projected DMD), so only the amplitudes differ
      expectAtMost(eigError(f.eigs, p.eigs), tol.eigs(kappa), 'the same eigenvalues');
      expectAtMost(modeMisalignment(f, p), tol.modes(kappa), 'the same modes up to scale');
      const mine = residual(f, X);
      const theirs = residual(p, X);
      expect(theirs / mine, `PyDMD residual ${theirs} over randla's ${mine}`).toBeGreaterThan(tol.optimalExcess);
    });
  });
});
