// `randla flow-network VORTICITY.npy --dx --dy`: the vortical interaction network of a 2-D
// vorticity field (Biot–Savart adjacency of the cells above a threshold), its leading
// eigenpairs by matrix-free Nyström (docs/flow-networks.md).
import { Option, type Command } from 'commander';

import { loadVorticityNpy } from '../../flow/fields.js';
import { nystrom, type NystromOptions } from '../../nystrom.js';
import { flowEigenvectorsSpec, spectrumSpec } from '../../plot/index.js';
import { vorticalNetwork } from '../../vortical.js';
import { integer, number, seed } from '../args.js';
import { UsageError, rowMatrix } from '../context.js';
import { action, list, table, withCommon } from '../run.js';
import { SAMPLINGS } from './nystrom.js';

export function registerFlowNetwork(program: Command): void {
  withCommon(
    program
      .command('flow-network')
      .description('leading eigenpairs of the vortical network of a vorticity field (ny × nx .npy)')
      .argument('<vorticity>', 'the vorticity field, ny × nx .npy')
      .requiredOption('--dx <dx>', 'grid spacing in x', number(0))
      .requiredOption('--dy <dy>', 'grid spacing in y', number(0))
      .option('--threshold <w>', 'keep cells with |ω| above this', number(0, Infinity, true))
      .option('--relative-threshold <f>', 'keep cells with |ω| above this fraction of max|ω|', number(0, 1, true))
      .requiredOption('--rank <k>', 'eigenpairs wanted', integer(1))
      .requiredOption('--columns <l>', 'columns sampled', integer(1))
      .addOption(new Option('--sampling <s>', 'column sampling').choices(SAMPLINGS).default('quasi-uniform'))
      .option('--seed <n>', 'seed (default: random, reported)', seed),
  ).action(
    action('flow-network', async (ctx, [file], o) => {
      ctx.inputs.field = file!;
      if (o.threshold !== undefined && o.relativeThreshold !== undefined) throw new UsageError('expected --threshold or --relative-threshold, not both');
      const field = await ctx.timer.time('read', () => loadVorticityNpy(file!, { dx: o.dx as number, dy: o.dy as number }));
      const network = vorticalNetwork(field, {
        ...(o.threshold !== undefined ? { threshold: o.threshold as number } : {}),
        ...(o.relativeThreshold !== undefined ? { relativeThreshold: o.relativeThreshold as number } : {}),
        backend: ctx.common.backend,
      });
      const options: NystromOptions = {
        rank: o.rank as number,
        columns: o.columns as number,
        sampling: o.sampling as NystromOptions['sampling'],
        ...(o.seed !== undefined ? { seed: o.seed as number } : {}),
        backend: ctx.common.backend,
        signal: ctx.signal,
        onProgress: ctx.progress.stage('columns'),
      };
      const r = await ctx.timer.time('compute', () => nystrom(network, options));
      ctx.output.array('values', rowMatrix(r.values));
      ctx.output.array('vectors', r.vectors);
      ctx.output.array('nodes', rowMatrix(network.nodes));
      if (r.indices) ctx.output.array('indices', rowMatrix(r.indices));
      const grid = [field.vorticity.rows, field.vorticity.cols];
      return {
        summary: {
          file,
          grid,
          dx: field.dx,
          dy: field.dy,
          nodes: network.size,
          parameters: { threshold: o.threshold, relativeThreshold: o.relativeThreshold, rank: options.rank, columns: options.columns, sampling: options.sampling },
          method: r.method,
          seed: r.seed,
          backend: r.backend,
          values: r.values,
          ...(r.indices ? { indices: r.indices } : {}),
        },
        lines: table([
          ['field', `${file} (${grid[0]} × ${grid[1]}, dx ${o.dx}, dy ${o.dy})`],
          ['nodes', `${network.size} cells`],
          ['eigenvalues', list(r.values)],
          ['columns', `${r.columns} (${options.sampling})`],
          ['seed', String(r.seed)],
          ['backend', r.backend],
        ]),
        plots: [
          {
            name: 'eigenvectors',
            spec: () => flowEigenvectorsSpec({ grid: grid as [number, number], nodes: network.nodes, eigenvectors: r.vectors, ...(r.indices ? { columns: r.indices } : {}), count: Math.min(3, r.values.length), title: `Leading eigenvectors of the network of ${file}` }),
          },
          { name: 'spectrum', spec: () => spectrumSpec({ singularValues: Array.from(r.values, Math.abs), title: `|eigenvalues| of the network (${options.sampling})` }) },
        ],
      };
    }),
  );
}
