// The `randla` executable end to end (docs/cli.md): each subcommand on small files, its
// summary.json and .npy outputs checked against the library call with the same seed; exit codes
// and one-line messages for bad input; no output left after a failure or an interrupt. Runs the
// built executable (dist/cli/main.js) in a child process, as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  backends,
  bootstrapSvdError,
  dmd,
  encodeNpy,
  koopmanPredict,
  loadVorticityNpy,
  nystrom,
  pca,
  readNpy,
  readWeights,
  rsvd,
  vorticalNetwork,
  writeNpy,
  type DenseLayerWeights,
  type Matrix,
} from '../src/index.js';
import { npyHeaderBytes } from '../src/io/npy_format.js';
import { expectAllClose } from './helpers/tolerance.js';

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');
const built = existsSync(CLI);
const nativeAvailable = backends().find((b) => b.name === 'native')?.available ?? false;
const dir = mkdtempSync(join(tmpdir(), 'randla-cli-'));
const at = (name: string) => join(dir, name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function summary(out: string): Record<string, unknown> & { [k: string]: any } {
  return JSON.parse(readFileSync(join(dir, out, 'summary.json'), 'utf8'));
}

async function npy(path: string): Promise<Float64Array | Float32Array> {
  const { tensors } = await readNpy(join(dir, path));
  return [...tensors.values()][0]!.data;
}

/** A seeded rows × cols matrix of rank `rank` plus small noise. */
function lowRank(rows: number, cols: number, rank: number, seed: number): Matrix<Float64Array> {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const L = Float64Array.from({ length: rows * rank }, u);
  const R = Float64Array.from({ length: rank * cols }, u);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let v = 1e-3 * u();
      for (let k = 0; k < rank; k++) v += L[i * rank + k]! * R[k * cols + j]! * (rank - k);
      data[i * cols + j] = v;
    }
  }
  return { data, rows, cols, layout: 'row-major' };
}

const A = lowRank(120, 40, 6, 1);
const sym: Matrix<Float64Array> = (() => {
  const n = 60;
  const B = lowRank(n, 8, 8, 2);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < 8; k++) data[i * n + j] += B.data[i * 8 + k]! * B.data[j * 8 + k]!;
  return { data, rows: n, cols: n, layout: 'row-major' };
})();
/** Three damped rotations of 6 states over 40 snapshots (one per column). */
const X: Matrix<Float64Array> = (() => {
  const n = 6;
  const m = 40;
  const data = new Float64Array(n * m);
  for (let t = 0; t < m; t++) {
    for (let p = 0; p < 3; p++) {
      const r = 0.99 ** t * (1 - 0.05 * p);
      data[2 * p * m + t] = r * Math.cos((0.2 + 0.3 * p) * t);
      data[(2 * p + 1) * m + t] = r * Math.sin((0.2 + 0.3 * p) * t);
    }
  }
  return { data, rows: n, cols: m, layout: 'row-major' };
})();

/** A complex128 .npy (interleaved re, im), C order. */
function complexNpy(re: Float64Array, im: Float64Array, shape: [number, number]): Uint8Array {
  const header = npyHeaderBytes('<c16', false, shape);
  const data = new Float64Array(2 * re.length);
  for (let i = 0; i < re.length; i++) {
    data[2 * i] = re[i]!;
    data[2 * i + 1] = im[i]!;
  }
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header);
  out.set(new Uint8Array(data.buffer), header.length);
  return out;
}

/** Koopman snapshots: two dense layers relaxing geometrically, PyTorch layout (out × in). */
function snapshotLayers(t: number): DenseLayerWeights[] {
  return [
    { kernel: Float64Array.from({ length: 12 }, (_, e) => 1 + Math.sin(e) * 0.8 ** t), bias: Float64Array.from({ length: 4 }, (_, o) => Math.cos(o) * 0.9 ** t), shape: [4, 3] },
    { kernel: Float64Array.from({ length: 8 }, (_, e) => Math.cos(e + 1) * 0.7 ** t), shape: [2, 4] },
  ];
}

beforeAll(async () => {
  await writeNpy(at('A.npy'), A);
  await writeNpy(at('sym.npy'), sym);
  await writeNpy(at('X.npy'), X);
  const F = encodeNpy({ shape: [A.rows, A.cols], data: Float32Array.from({ length: A.data.length }, (_, e) => A.data[(e % A.rows) * A.cols + Math.floor(e / A.rows)]!), fortranOrder: true });
  writeFileSync(at('A-f32-fortran.npy'), F);
  writeFileSync(at('A.csv'), `a,b,c\n${Array.from({ length: 30 }, (_, i) => [0, 1, 2].map((j) => A.data[i * A.cols + j]).join(',')).join('\n')}\n`);
  writeFileSync(at('two.npz'), zipSync({ 'a.npy': encodeNpy({ shape: [A.rows, A.cols], data: A.data }), 'b.npy': encodeNpy({ shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) }) }));
  const re = Float64Array.from({ length: 4 * 30 }, (_, e) => 0.98 ** (e % 30) * Math.cos(0.2 * (e % 30) + Math.floor(e / 30)));
  const im = Float64Array.from({ length: 4 * 30 }, (_, e) => 0.98 ** (e % 30) * Math.sin(0.2 * (e % 30) + Math.floor(e / 30)));
  writeFileSync(at('Xc.npy'), complexNpy(re, im, [4, 30]));
  const bytes = readFileSync(at('A.npy'));
  writeFileSync(at('truncated.npy'), bytes.subarray(0, 300));
  const withNan = Float64Array.from(A.data);
  withNan[5 * A.cols + 7] = NaN;
  await writeNpy(at('nan.npy'), { ...A, data: withNan });
  const text = npyHeaderBytes('<U3', false, [2]);
  writeFileSync(at('strings.npy'), Buffer.concat([Buffer.from(text), Buffer.alloc(24)]));
  // A vorticity field: two opposite Gaussian vortices on a 24 × 24 grid.
  const nx = 24;
  const w = new Float64Array(nx * nx);
  for (let r = 0; r < nx; r++) for (let c = 0; c < nx; c++) w[r * nx + c] = Math.exp(-(((c / nx - 0.3) ** 2 + (r / nx - 0.5) ** 2) / 0.01)) - Math.exp(-(((c / nx - 0.7) ** 2 + (r / nx - 0.5) ** 2) / 0.01));
  await writeNpy(at('vorticity.npy'), { data: w, rows: nx, cols: nx, layout: 'row-major' });
  mkdirSync(at('snapshots'));
  for (let t = 0; t < 10; t++) {
    const [l1, l2] = snapshotLayers(t);
    writeFileSync(
      at(`snapshots/epoch-${t}.npz`),
      zipSync({
        'fc1.weight.npy': encodeNpy({ shape: [4, 3], data: l1!.kernel }),
        'fc1.bias.npy': encodeNpy({ shape: [4], data: l1!.bias! }),
        'fc2.weight.npy': encodeNpy({ shape: [2, 4], data: l2!.kernel }),
      }),
    );
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('randla executable', () => {
  it('svd: summary.json and S/U/Vt.npy equal rsvd with the same seed; --json; float32 Fortran input', async () => {
    const r = cli('svd', 'A.npy', '--rank', '5', '--power-iters', '3', '--seed', '7', '--out', 'svd', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const s = summary('svd');
    const lib = await rsvd(A, { rank: 5, powerIters: 3, seed: 7 });
    expectAllClose(s.S, lib.S, 0, 'S in summary.json');
    expectAllClose(await npy('svd/S.npy'), lib.S, 0, 'S.npy');
    expectAllClose(await npy('svd/U.npy'), lib.U.data, 0, 'U.npy');
    expectAllClose(await npy('svd/Vt.npy'), lib.Vt.data, 0, 'Vt.npy');
    expect(s.seed).toBe(7);
    expect(s.backend).toBe(lib.backend);
    expect(s.shape).toEqual([120, 40]);
    expect(s.timings_ms.compute).toBeGreaterThan(0);
    expect(r.stdout).toContain('wrote');

    const j = cli('svd', 'A-f32-fortran.npy', '--rank', '3', '--seed', '1', '--json', '--quiet');
    expect(j.code, j.stderr).toBe(0);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.dtype).toBe('float32');
    const lib32 = await rsvd({ ...A, data: Float32Array.from(A.data) }, { rank: 3, seed: 1 });
    expectAllClose(parsed.S, lib32.S, 0, 'float32 S (the Fortran-order file read back in C order)');
  });

  it('svd --tol chooses the rank; --center and --estimate-error are reported; .npz --key and .csv inputs', async () => {
    const r = cli('svd', 'A.npy', '--tol', '0.01', '--seed', '2', '--estimate-error', '--out', 'tol', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const s = summary('tol');
    const lib = await rsvd(A, { tol: 0.01, seed: 2, estimateError: true });
    expect(s.rank).toBe(lib.rank);
    expect(s.relativeError).toBe(lib.relativeError);
    expect(s.spectralError).toBe(lib.spectralError);
    const z = cli('svd', 'two.npz', '--key', 'a', '--rank', '2', '--seed', '1', '--center', '--json', '--quiet');
    expect(z.code, z.stderr).toBe(0);
    expectAllClose(JSON.parse(z.stdout).S, (await rsvd(A, { rank: 2, seed: 1, center: true })).S, 0, 'npz --key a, centred');
    const c = cli('pca', 'A.csv', '--components', '2', '--seed', '3', '--json', '--quiet');
    expect(c.code, c.stderr).toBe(0);
    const X3 = { data: Float64Array.from({ length: 90 }, (_, e) => A.data[Math.floor(e / 3) * A.cols + (e % 3)]!), rows: 30, cols: 3, layout: 'row-major' as const };
    expectAllClose(JSON.parse(c.stdout).explainedVarianceRatio, (await pca(X3, { components: 2, seed: 3 })).explainedVarianceRatio, 0, 'csv pca (header row skipped)');
  });

  it('svd --stream: the single-pass SVD of a .npy file', async () => {
    const r = cli('svd', 'A.npy', '--rank', '4', '--seed', '5', '--stream', '--json');
    expect(r.code, r.stderr).toBe(0);
    // Progress on stderr (plain lines: not a TTY): the rows sketched so far.
    expect(r.stderr).toContain(`rows streamed: ${A.rows}/${A.rows}`);
    const s = JSON.parse(r.stdout);
    expect(s.mode).toBe('streaming');
    // The streaming sketch of a rank-6 matrix plus 1e-3 noise recovers its top singular values.
    expectAllClose(s.S, (await rsvd(A, { rank: 4, seed: 1 })).S.map((x) => x), 1e-2 * s.S[0], 'streamed S vs rsvd');
  });

  it('pca, nystrom and flow-network equal their library calls', async () => {
    const p = cli('pca', 'A.npy', '--components', '3', '--seed', '4', '--out', 'pca', '--quiet');
    expect(p.code, p.stderr).toBe(0);
    const lp = await pca(A, { components: 3, seed: 4 });
    expectAllClose(summary('pca').explainedVariance, lp.explainedVariance, 0, 'pca explained variance');
    expectAllClose(await npy('pca/components.npy'), lp.components.data, 0, 'components.npy');

    const n = cli('nystrom', 'sym.npy', '--rank', '4', '--columns', '20', '--seed', '5', '--out', 'ny', '--quiet');
    expect(n.code, n.stderr).toBe(0);
    const ln = await nystrom(sym, { rank: 4, columns: 20, seed: 5 });
    expectAllClose(summary('ny').values, ln.values, 0, 'nystrom values');
    expect(summary('ny').indices).toEqual(Array.from(ln.indices!));

    const f = cli('flow-network', 'vorticity.npy', '--dx', '0.04', '--dy', '0.04', '--relative-threshold', '0.05', '--rank', '3', '--columns', '40', '--seed', '6', '--out', 'flow', '--quiet');
    expect(f.code, f.stderr).toBe(0);
    const field = await loadVorticityNpy(at('vorticity.npy'), { dx: 0.04, dy: 0.04 });
    const network = vorticalNetwork(field, { relativeThreshold: 0.05 });
    const lf = await nystrom(network, { rank: 3, columns: 40, sampling: 'quasi-uniform', seed: 6 });
    expectAllClose(summary('flow').values, lf.values, 0, 'flow-network values');
    expect(summary('flow').nodes).toBe(network.size);
    expectAllClose(await npy('flow/nodes.npy'), network.nodes, 0, 'nodes.npy');
  });

  it('bootstrap and dmd (real and complex) equal their library calls', async () => {
    const b = cli('bootstrap', 'A.npy', '--rank', '3', '--sketch-rows', '60', '--replicates', '20', '--tolerance', '0.5', '--seed', '8', '--out', 'boot', '--quiet');
    expect(b.code, b.stderr).toBe(0);
    const lb = await bootstrapSvdError(A, { rank: 3, sketchRows: 60, replicates: 20, seed: 8 });
    const s = summary('boot');
    expect(s.valueError).toBe(lb.valueError);
    expect(s.vectorError).toBe(lb.vectorError);
    expect(s.rowsFor).toBe(lb.rowsFor(0.5));

    const d = cli('dmd', 'X.npy', '--dt', '0.5', '--rank', '6', '--out', 'dmd', '--quiet');
    expect(d.code, d.stderr).toBe(0);
    const ld = await dmd(X, { dt: 0.5, rank: 6 });
    expectAllClose(summary('dmd').eigs.re, ld.eigs.re, 0, 'dmd eigs (re)');
    expectAllClose(summary('dmd').frequency, ld.frequency, 0, 'dmd frequencies');
    expectAllClose(await npy('dmd/modes_re.npy'), ld.modes.re.data, 0, 'modes_re.npy');

    const c = cli('dmd', 'Xc.npy', '--json', '--quiet');
    expect(c.code, c.stderr).toBe(0);
    const out = JSON.parse(c.stdout);
    expect(out.dtype).toBe('complex128');
    expectAllClose(out.eigs.re, [Math.cos(0.2) * 0.98], 1e-10, 'complex input: λ = 0.98·e^{0.2i}');
    expectAllClose(out.eigs.im, [Math.sin(0.2) * 0.98], 1e-10, 'complex input (im)');
  });

  it('koopman: a directory of snapshots in epoch order → predicted.safetensors equal to koopmanPredict', async () => {
    const r = cli('koopman', 'snapshots', '--steps', '5', '--out', 'koop', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const s = summary('koop');
    expect(s.snapshots).toBe(10);
    expect(s.files[2]).toMatch(/epoch-2\.npz$/);
    expect(s.files[9]).toMatch(/epoch-9\.npz$/);
    const lib = await koopmanPredict(Array.from({ length: 10 }, (_, t) => snapshotLayers(t)), { steps: 5 });
    const { tensors } = await readWeights(at('koop/predicted.safetensors'));
    // float64 snapshots are predicted and written as float64 (F64 in the safetensors header).
    expect(tensors.get('fc1.weight')!.dtype).toBe('float64');
    expectAllClose(tensors.get('fc1.weight')!.data, lib[0]!.kernel, 0, 'fc1.weight');
    expectAllClose(tensors.get('fc1.bias')!.data, lib[0]!.bias!, 0, 'fc1.bias');
    expectAllClose(tensors.get('fc2.weight')!.data, lib[1]!.kernel, 0, 'fc2.weight');
    expect(tensors.get('fc2.weight')!.shape).toEqual([2, 4]);
  });

  it('--plot writes each figure as SVG and PNG (2×) into --out; without --out it is a usage error', () => {
    const b = cli('bootstrap', 'A.npy', '--rank', '3', '--sketch-rows', '60', '--seed', '1', '--tolerance', '0.5', '--out', 'plots-boot', '--plot', '--quiet');
    expect(b.code, b.stderr).toBe(0);
    const d = cli('dmd', 'X.npy', '--rank', '6', '--grid', '2,3', '--out', 'plots-dmd', '--plot', '--quiet');
    expect(d.code, d.stderr).toBe(0);
    for (const [out, names] of [['plots-boot', ['spectrum', 'error-curve']], ['plots-dmd', ['eigenvalues', 'modes']]] as const) {
      for (const name of names) {
        const svg = readFileSync(join(dir, out, `${name}.svg`), 'utf8');
        const [, w, h] = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
        const png = readFileSync(join(dir, out, `${name}.png`));
        expect(png.readUInt32BE(16), `${out}/${name}.png width`).toBe(2 * Number(w));
        expect(png.readUInt32BE(20), `${out}/${name}.png height`).toBe(2 * Number(h));
      }
    }
    const bad = cli('dmd', 'X.npy', '--plot');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('randla dmd: --plot writes figures into the --out directory: give --out DIR');
    const grid = cli('dmd', 'X.npy', '--grid', '2x3', '--out', 'plots-bad', '--plot', '--quiet');
    expect(grid.code).toBe(2);
    expect(grid.stderr).toMatch(/expected --grid NY,NX/);
  });

  it('reads CSV written the common ways: ", " separators, space-separated .txt, one header; a bad cell is an error naming line and column', () => {
    writeFileSync(at('spaced.csv'), '1, 2, 3\n4, 5, 6\n');
    writeFileSync(at('indented.txt'), '  1 2 3\n  4 5 6\n');
    writeFileSync(at('header.csv'), 'a;b;c\n1;2;3\n4;5;6\n7;8;9\n');
    writeFileSync(at('typo.csv'), 'x1,2,3\n4,5,6\n');
    for (const [file, shape] of [['spaced.csv', [2, 3]], ['indented.txt', [2, 3]], ['header.csv', [3, 3]]] as const) {
      const r = cli('svd', file, '--rank', '1', '--seed', '1', '--json', '--quiet');
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).shape, file).toEqual(shape);
    }
    const typo = cli('svd', 'typo.csv', '--rank', '1', '--quiet');
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe('randla svd: typo.csv: expected a number at line 1, column 1 (found "x1")');
  });

  it('a failure while writing leaves no file of the run, and removes an old summary.json', () => {
    const out = at('half');
    mkdirSync(join(out, 'Vt.npy'), { recursive: true }); // Vt.npy cannot be renamed over a directory
    writeFileSync(join(out, 'summary.json'), '{"old": true}');
    const r = cli('svd', 'A.npy', '--rank', '3', '--seed', '1', '--out', 'half', '--quiet');
    expect(r.code).not.toBe(0);
    expect(readdirSync(out).sort()).toEqual(['Vt.npy']);
  });

  it('help exits 0; svd --stream rejects flags it cannot use; koopman says how many weights kept their last value', () => {
    expect(cli('help').code).toBe(0);
    expect(cli('help', 'svd').code).toBe(0);
    expect(cli('svd', '--help').code).toBe(0);
    const stream = cli('svd', 'A.npy', '--rank', '2', '--stream', '--power-iters', '3', '--quiet');
    expect(stream.code).toBe(2);
    expect(stream.stderr.trim()).toBe('randla svd: --stream takes --rank and --seed only (not --power-iters)');
    const k = cli('koopman', 'snapshots', '--steps', '2', '--json');
    expect(k.code, k.stderr).toBe(0);
    const summaryK = JSON.parse(k.stdout);
    expect(summaryK.weights).toBe(12 + 4 + 8);
    expect(summaryK.keptLastValue).toBe(0);
  });

  it('bench rejects an unknown suite with exit 2', () => {
    const r = cli('bench', '--suite', 'everything');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--suite <s>.*'everything' is invalid/);
  });

  it('info prints the version and every backend; --json parses', () => {
    const r = cli('info');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^randla \d+\.\d+\.\d+/);
    expect(r.stdout).toContain('backend native');
    expect(r.stdout).toContain('backend reference');
    const j = JSON.parse(cli('info', '--json').stdout);
    expect(j.backends.map((b: { name: string }) => b.name)).toEqual(['native', 'reference']);
    expect(cli('--version').stdout.trim()).toBe(j.version);
  });

  it('bad input exits 2 with one line naming the file or the flag, and writes nothing', () => {
    const cases: [string[], RegExp][] = [
      [['svd', 'missing.npy', '--rank', '3'], /missing\.npy: expected a readable file \(it does not exist\)/],
      [['svd', 'truncated.npy', '--rank', '3'], /truncated.*"truncated\.npy"/],
      [['svd', 'strings.npy', '--rank', '3'], /unicode strings.*"strings\.npy"/],
      [['svd', 'Xc.npy', '--rank', '2'], /Xc\.npy: expected real data for this command \(found complex dtype '<c16'\)/],
      [['svd', 'nan.npy', '--rank', '3'], /nan\.npy: Expected finite values for A but received NaN at \(5, 7\)/],
      [['svd', 'A.npy', '--rank', '500'], /Expected an integer in \[1, 40\] for --rank but received number 500/],
      [['svd', 'A.npy', '--rank', '0'], /--rank <k>.*'0' is invalid/],
      [['svd', 'A.npy'], /expected --rank K or --tol T/],
      [['svd', 'A.npy', '--rank', '2', '--oops'], /unknown option '--oops'/],
      [['svd', 'two.npz', '--rank', '2'], /two\.npz: expected --key naming one of its 2 arrays \(a, b\)/],
      [['nystrom', 'A.npy', '--rank', '2', '--columns', '10'], /A\.npy: Expected a square matrix for A/],
      [['pca', 'A.npy'], /required option '--components <k>' not specified/],
      [['dmd', 'X.npy', '--variant', 'magic'], /--variant <v>.*'magic' is invalid/],
      [['koopman', 'snapshots/epoch-0.npz', '--steps', '3'], /expected at least 3 snapshot files, got 1/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const out = `bad-${args[0]}-${Math.random().toString(36).slice(2)}`;
      const r = cli(...args, ...(args[0] === 'frobnicate' ? [] : ['--out', out, '--quiet']));
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, `${args.join(' ')}: one line`).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(join(dir, out)) ? readdirSync(join(dir, out)) : [], `${args.join(' ')} wrote nothing`).toEqual([]);
    }
  });

  it.skipIf(!nativeAvailable)('Ctrl-C mid-run aborts through the AbortSignal: exit 130, no output file, no temporary file', async () => {
    // Long enough to interrupt: 1500 × 1000, rank 100, 40 power iterations (82 passes over A).
    await writeNpy(at('big.npy'), lowRank(1500, 1000, 20, 9));
    const child = spawn(process.execPath, [CLI, 'svd', 'big.npy', '--rank', '100', '--power-iters', '40', '--out', 'interrupted'], { cwd: dir });
    let stderr = '';
    const firstPass = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('passes over A: 2/')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await firstPass;
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(stderr).toMatch(/aborted; no output written/);
    expect(stderr).not.toMatch(/passes over A: 82\/82/);
    expect(existsSync(at('interrupted')) ? readdirSync(at('interrupted')) : []).toEqual([]);
  });
});
