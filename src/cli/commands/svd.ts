// `randla svd FILE`: the randomized SVD (docs/algorithms/rsvd.md) of a matrix file, fixed rank
// (--rank) or fixed accuracy (--tol); --stream reads a .npy file once in row blocks (the
// single-pass streaming SVD) for files larger than memory.
import { stat } from 'node:fs/promises';
import { freemem } from 'node:os';
import { extname } from 'node:path';

import { Option, type Command } from 'commander';

import { spectrumSpec } from '../../plot/index.js';
import { rsvd, type RsvdOptions } from '../../rsvd.js';
import { readNpyHeader, readNpyRowBlocks } from '../../io/npy.js';
import { streamSvd } from '../../streaming.js';
import { integer, number, seed } from '../args.js';
import { UsageError, rowMatrix } from '../context.js';
import { readMatrixFile } from '../input.js';
import { action, fmt, list, table, withCommon } from '../run.js';

export function registerSvd(program: Command): void {
  withCommon(
    program
      .command('svd')
      .description('randomized SVD of a matrix (.npy, .npz, .csv): S, U, Vt')
      .argument('<file>', 'the matrix')
      .option('--rank <k>', 'target rank (or --tol)', integer(1))
      .option('--tol <t>', 'fixed accuracy: relative Frobenius error in (0, 1); chooses the rank', number(0, 1))
      .option('--max-rank <k>', 'with --tol: the largest rank allowed', integer(1))
      .option('--block-size <b>', 'with --tol: columns added per step', integer(1))
      .option('--oversamples <p>', 'oversampling p (default 10)', integer(0))
      .option('--power-iters <q>', 'power iterations q (default 2)', integer(0, 100))
      .addOption(new Option('--normalizer <n>', 'normalizer between power iterations').choices(['qr', 'lu', 'cholqr2', 'none', 'auto']))
      .addOption(new Option('--sketch <s>', 'test matrix').choices(['gaussian', 'rademacher', 'uniform', 'sparse-sign', 'srht']))
      .option('--center', 'subtract the column means (PCA) without forming A − 1μᵀ')
      .option('--estimate-error', 'estimate ‖A − UΣVᵀ‖₂ with one more pass over A')
      .option('--seed <n>', 'seed (default: random, reported)', seed)
      .option('--key <name>', '.npz: the array to use')
      .option('--stream', 'single-pass streaming SVD of a .npy file read in row blocks (automatic when the file exceeds half the free memory)'),
  ).action(
    action('svd', async (ctx, [file], o) => {
      ctx.inputs.A = file!;
      if (o.rank === undefined && o.tol === undefined) throw new UsageError('expected --rank K or --tol T');
      if (o.rank !== undefined && o.tol !== undefined) throw new UsageError('expected --rank or --tol, not both');
      // Flags the single-pass streaming SVD has no use for: with any of them the file is read whole.
      const inMemoryOnly = ['tol', 'center', 'estimateError', 'oversamples', 'powerIters', 'normalizer', 'sketch', 'key', 'maxRank', 'blockSize'].filter((k) => o[k] !== undefined && o[k] !== false);
      const big = !o.stream && inMemoryOnly.length === 0 && extname(file!).toLowerCase() === '.npy' && (await stat(file!).then((s) => s.size > freemem() / 2, () => false));
      if (o.stream || big) {
        if (inMemoryOnly.length > 0) throw new UsageError(`--stream takes --rank and --seed only (not ${inMemoryOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')})`);
        if (ctx.common.backend !== 'auto' || ctx.common.dtype !== undefined) throw new UsageError('--stream runs on the file\'s dtype with the default backend (no --backend or --dtype)');
        if (extname(file!).toLowerCase() !== '.npy') throw new UsageError(`--stream reads a .npy file, got ${file}`);
        const why = o.stream ? '--stream' : 'chosen automatically: the file is larger than half the free memory';
        const header = await readNpyHeader(file!);
        // The file's row blocks, reporting progress as each one has been sketched.
        async function* blocks() {
          for await (const b of readNpyRowBlocks(file!)) {
            yield b;
            ctx.progress.update('rows streamed', b.rowOffset + b.block.rows, header.rows);
          }
        }
        const r = await ctx.timer.time('compute', () =>
          streamSvd(blocks(), { rank: o.rank as number, rows: header.rows, cols: header.cols, dtype: header.dtype, ...(o.seed !== undefined ? { seed: o.seed as number } : {}), signal: ctx.signal }),
        );
        ctx.output.array('S', rowMatrix(r.S));
        ctx.output.array('U', r.U);
        ctx.output.array('Vt', r.Vt);
        return {
          summary: { file, mode: 'streaming', why, shape: [r.U.rows, r.Vt.cols], rank: r.S.length, seed: r.seed, backend: r.backend, S: r.S },
          lines: table([
            ['file', `${file} (${r.U.rows} × ${r.Vt.cols}), streamed in row blocks (${why})`],
            ['singular values', list(r.S)],
            ['seed', String(r.seed)],
          ]),
          plots: [{ name: 'spectrum', spec: () => spectrumSpec({ singularValues: r.S, title: `Singular values of ${file} (streamed)` }) }],
        };
      }
      const input = await ctx.timer.time('read', () => readMatrixFile(file!, { key: o.key as string | undefined, dtype: ctx.common.dtype }));
      const options: RsvdOptions = {
        ...(o.rank !== undefined ? { rank: o.rank as number } : { tol: o.tol as number }),
        ...(o.maxRank !== undefined ? { maxRank: o.maxRank as number } : {}),
        ...(o.blockSize !== undefined ? { blockSize: o.blockSize as number } : {}),
        ...(o.oversamples !== undefined ? { oversamples: o.oversamples as number } : {}),
        ...(o.powerIters !== undefined ? { powerIters: o.powerIters as number } : {}),
        ...(o.normalizer !== undefined ? { normalizer: o.normalizer as RsvdOptions['normalizer'] } : {}),
        ...(o.sketch !== undefined ? { sketch: o.sketch as RsvdOptions['sketch'] } : {}),
        ...(o.center ? { center: true } : {}),
        ...(o.estimateError ? { estimateError: true } : {}),
        ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
        backend: ctx.common.backend,
        signal: ctx.signal,
        onProgress: ctx.progress.stage('passes over A'),
      };
      const r = await ctx.timer.time('compute', () => rsvd(input.real!, options));
      ctx.output.array('S', rowMatrix(r.S));
      ctx.output.array('U', r.U);
      ctx.output.array('Vt', r.Vt);
      const { signal: _s, onProgress: _p, ...parameters } = options;
      return {
        summary: {
          file,
          shape: [input.rows, input.cols],
          dtype: r.dtype,
          parameters: { ...parameters, powerIters: r.powerIters, normalizer: r.normalizer },
          seed: r.seed,
          backend: r.backend,
          rank: r.rank,
          S: r.S,
          ...(r.relativeError !== undefined ? { relativeError: r.relativeError, converged: r.converged } : {}),
          ...(r.spectralError !== undefined ? { spectralError: r.spectralError } : {}),
          ...(r.mean ? { mean: r.mean } : {}),
        },
        lines: table([
          ['file', `${file} (${input.rows} × ${input.cols}, ${r.dtype})`],
          ['rank', String(r.rank)],
          ['singular values', list(r.S)],
          ...(r.relativeError !== undefined ? ([['relative error (estimate)', `${fmt(r.relativeError, 3)}${r.converged ? '' : ' (tol not met within --max-rank)'}`]] as [string, string][]) : []),
          ...(r.spectralError !== undefined ? ([['‖A − UΣVᵀ‖₂ (estimate)', fmt(r.spectralError, 4)]] as [string, string][]) : []),
          ['seed', String(r.seed)],
          ['backend', r.backend],
        ]),
        plots: [{ name: 'spectrum', spec: () => spectrumSpec({ singularValues: r.S, title: `Singular values of ${file}` }) }],
      };
    }),
  );
}
