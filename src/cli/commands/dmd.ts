// `randla dmd FILE --dt DT`: Dynamic Mode Decomposition of snapshots (one per column; real or
// complex .npy) (docs/algorithms/dmd.md).
import { Option, type Command } from 'commander';

import { dmd, type DmdOptions } from '../../dmd.js';
import { dmdEigenvaluesSpec, dmdModesSpec } from '../../plot/index.js';
import { integer, number, seed } from '../args.js';
import { UsageError } from '../context.js';
import { rowMatrix } from '../context.js';
import { readMatrixFile } from '../input.js';
import { action, fmt, table, withCommon } from '../run.js';

function rankArg(text: string): number {
  return text.trim() === '-1' ? -1 : text.includes('.') ? number(0, 1)(text) : integer(0)(text);
}

export function registerDmd(program: Command): void {
  withCommon(
    program
      .command('dmd')
      .description('Dynamic Mode Decomposition of snapshots (n × m, one snapshot per column)')
      .argument('<file>', 'the snapshots (.npy real or complex, .npz, .csv)')
      .option('--rank <r>', '-1 all, 0 optimal hard threshold (default), a share in (0, 1), or an integer', rankArg)
      .option('--dt <dt>', 'time between snapshots (default 1)', number(0))
      .addOption(new Option('--variant <v>', 'DMD variant').choices(['exact', 'projected', 'fb', 'tls', 'randomized']).default('exact'))
      .option('--delays <d>', 'delay embedding (Hankel DMD)', integer(1))
      .option('--affine', 'fit x ↦ A·x + c')
      .option('--increments', 'fit the differences of the snapshots')
      .addOption(new Option('--amplitudes <a>', 'amplitude rule').choices(['first', 'optimal']))
      .option('--seed <n>', 'randomized: seed', seed)
      .option('--grid <ny,nx>', 'with --plot: draw the modes as ny × nx heat maps (each snapshot a flattened ny × nx field, row-major)')
      .option('--key <name>', '.npz: the array to use'),
  ).action(
    action('dmd', async (ctx, [file], o) => {
      ctx.inputs.X = file!;
      let grid: [number, number] | undefined;
      if (o.grid !== undefined) {
        const m = /^(\d+),(\d+)$/.exec(String(o.grid));
        if (!m) throw new UsageError(`expected --grid NY,NX (two integers), got ${JSON.stringify(o.grid)}`);
        grid = [Number(m[1]), Number(m[2])];
      }
      const input = await ctx.timer.time('read', () => readMatrixFile(file!, { key: o.key as string | undefined, complex: true, dtype: ctx.common.dtype }));
      const options: DmdOptions = {
        ...(o.rank !== undefined ? { rank: o.rank as number } : {}),
        ...(o.dt !== undefined ? { dt: o.dt as number } : {}),
        variant: o.variant as DmdOptions['variant'],
        ...(o.delays !== undefined ? { delays: o.delays as number } : {}),
        ...(o.affine ? { affine: true } : {}),
        ...(o.increments ? { increments: true } : {}),
        ...(o.amplitudes !== undefined ? { amplitudes: o.amplitudes as DmdOptions['amplitudes'] } : {}),
        ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
        backend: ctx.common.backend,
        signal: ctx.signal,
        onProgress: ctx.progress.stage('DMD stages'),
      };
      const r = await ctx.timer.time('compute', () => dmd(input.complex ?? input.real!, options));
      ctx.output.array('modes_re', r.modes.re);
      ctx.output.array('modes_im', r.modes.im);
      ctx.output.array('eigs', { data: Float64Array.from({ length: 2 * r.eigs.re.length }, (_, i) => (i % 2 ? r.eigs.im : r.eigs.re)[i >> 1]!), rows: r.eigs.re.length, cols: 2, layout: 'row-major' });
      ctx.output.array('amplitudes', rowMatrix(Float64Array.from({ length: 2 * r.rank }, (_, i) => (i % 2 ? r.amplitudes.im : r.amplitudes.re)[i >> 1]!), r.rank, 2));
      const { signal: _s, onProgress: _p, backend: _b, ...parameters } = options;
      const eig = (j: number) => `${fmt(r.eigs.re[j]!, 5)}${r.eigs.im[j]! < 0 ? '−' : '+'}${fmt(Math.abs(r.eigs.im[j]!), 5)}i`;
      return {
        summary: {
          file,
          shape: [input.rows, input.cols],
          dtype: input.dtype,
          parameters,
          variant: r.variant,
          rank: r.rank,
          dt: r.dt,
          seed: r.seed,
          backend: r.backend,
          eigs: r.eigs,
          omega: r.omega,
          frequency: r.frequency,
          growthRate: r.growthRate,
          amplitudes: r.amplitudes,
          residuals: r.residuals,
          singularValues: r.singularValues,
        },
        lines: table([
          ['file', `${file} (${input.rows} × ${input.cols} snapshots, ${input.dtype})`],
          ['rank', String(r.rank)],
          ['eigenvalues', `${Array.from({ length: Math.min(r.rank, 8) }, (_, j) => eig(j)).join('  ')}${r.rank > 8 ? ` … (${r.rank})` : ''}`],
          ['frequencies', Array.from(r.frequency.slice(0, 8), (f) => fmt(f, 4)).join(' ')],
          ['growth rates', Array.from(r.growthRate.slice(0, 8), (g) => fmt(g, 4)).join(' ')],
          ['backend', r.backend],
        ]),
        plots: [
          { name: 'eigenvalues', spec: () => dmdEigenvaluesSpec(r, { title: `DMD spectrum of ${file}` }) },
          { name: 'modes', spec: () => dmdModesSpec(r, { ...(grid ? { grid } : {}), title: `DMD modes of ${file}` }) },
        ],
      };
    }),
  );
}
