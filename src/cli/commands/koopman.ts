// `randla koopman WEIGHTS... --steps N`: Koopman training (Dogra & Redman 2020): the dense
// layers of a series of weight snapshots (files, or a directory of them, in name order), each
// group of weights advanced N steps past the last by its own DMD; the prediction is written as
// predicted.safetensors with the last snapshot's tensor names (docs/algorithms/koopman.md).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { Option, type Command } from 'commander';

import { writeSafetensors } from '../../io/safetensors.js';
import { readWeights } from '../../io/weights.js';
import { koopmanPredict, type DenseLayerWeights, type KoopmanPredictOptions } from '../../koopman.js';
import { integer } from '../args.js';
import { UsageError } from '../context.js';
import { action, table, withCommon } from '../run.js';

/** Files in name order, numbers compared as numbers (epoch-2 before epoch-10). */
async function snapshotFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => null);
    if (info?.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.(npz|safetensors|npy)$/i.test(n) || n === 'model.json');
      names.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      out.push(...names.map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}

/** A snapshot's dense layers: each 2-D tensor is a kernel; a following 1-D tensor of matching length its bias. */
async function layersOf(path: string, layout: 'out-in' | 'in-out'): Promise<{ names: string[][]; layers: DenseLayerWeights[] }> {
  const { tensors } = await readWeights(path);
  const list = [...tensors.values()];
  const names: string[][] = [];
  const layers: DenseLayerWeights[] = [];
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (t.shape.length !== 2) continue;
    const [a, b] = t.shape as [number, number];
    const out = layout === 'out-in' ? a : b;
    const next = list[i + 1];
    const bias = next && next.shape.length === 1 && next.shape[0] === out ? next : undefined;
    layers.push({ kernel: t.data, ...(bias ? { bias: bias.data } : {}), shape: [out, layout === 'out-in' ? b : a] });
    names.push(bias ? [t.name, bias.name] : [t.name]);
    if (bias) i++;
  }
  if (layers.length === 0) throw new UsageError(`${path}: expected at least one 2-D weight tensor (a dense layer's kernel)`);
  return { names, layers };
}

export function registerKoopman(program: Command): void {
  withCommon(
    program
      .command('koopman')
      .description('predict weights N steps ahead from a series of weight snapshots (node Koopman operators)')
      .argument('<weights...>', 'snapshot files (.npz, .safetensors, .npy, TF.js model.json) or directories of them, oldest first')
      .requiredOption('--steps <n>', 'steps past the last snapshot', integer(1))
      .addOption(new Option('--grouping <g>', "node, single, layer or chunk:Q").default('node'))
      .addOption(new Option('--layout <l>', "kernel layout: out-in (PyTorch) or in-out (Keras/TF.js)").choices(['out-in', 'in-out']).default('out-in'))
      .addOption(new Option('--mode <m>', 'fit').choices(['affine', 'increments', 'linear']).default('affine'))
      .option('--rank <r>', 'each group DMD rank rule: -1 every singular value (default), 0 optimal hard threshold, or an integer', (t: string) => (t.trim() === '-1' ? -1 : integer(0)(t))),
  ).action(
    action('koopman', async (ctx, paths, o) => {
      const grouping = String(o.grouping);
      const chunk = /^chunk:(\d+)$/.exec(grouping);
      if (!chunk && !['node', 'single', 'layer'].includes(grouping)) throw new UsageError(`expected --grouping node, single, layer or chunk:Q, got ${JSON.stringify(grouping)}`);
      const files = await snapshotFiles(paths);
      if (files.length < 3) throw new UsageError(`expected at least 3 snapshot files, got ${files.length}`);
      const layout = o.layout as 'out-in' | 'in-out';
      const snapshots: DenseLayerWeights[][] = [];
      let names: string[][] = [];
      await ctx.timer.time('read', async () => {
        for (const [i, f] of files.entries()) {
          const s = await layersOf(f, layout);
          snapshots.push(s.layers);
          names = s.names;
          ctx.progress.update('snapshots read', i + 1, files.length);
        }
      });
      files.forEach((f, t) => (ctx.inputs[`snapshots[${t}]`] = f));
      const options: KoopmanPredictOptions = {
        steps: o.steps as number,
        grouping: chunk ? { chunk: Number(chunk[1]) } : (grouping as 'node' | 'single' | 'layer'),
        layout,
        mode: o.mode as KoopmanPredictOptions['mode'],
        ...(o.rank !== undefined ? { rank: o.rank as number } : {}),
        backend: ctx.common.backend,
        signal: ctx.signal,
      };
      const predicted = await ctx.timer.time('compute', () => koopmanPredict(snapshots, options));
      // Weights equal to the last snapshot's were kept: they did not move, or their fit was not
      // finite in the layer's dtype (docs/algorithms/koopman.md). Say how many.
      const last = snapshots[snapshots.length - 1]!;
      let kept = 0;
      let total = 0;
      predicted.forEach((layer, l) => {
        for (const [p, q] of [[layer.kernel, last[l]!.kernel], [layer.bias, last[l]!.bias]] as const) {
          if (!p || !q) continue;
          total += p.length;
          for (let i = 0; i < p.length; i++) if (p[i] === q[i]) kept += 1;
        }
      });
      if (kept > 0) ctx.progress.note(`randla koopman: ${kept} of ${total} weights kept their last value (constant, or a prediction that was not finite)`);
      const tensors = predicted.flatMap((layer, l) => {
        const [out, inputs] = layer.shape;
        const kernelShape = layout === 'out-in' ? [out, inputs] : [inputs, out];
        return [{ name: names[l]![0]!, shape: kernelShape, data: layer.kernel }, ...(layer.bias ? [{ name: names[l]![1]!, shape: [out], data: layer.bias }] : [])];
      });
      const { signal: _s, backend: _b, ...parameters } = options;
      return {
        summary: {
          files,
          snapshots: files.length,
          layers: predicted.map((l, i) => ({ kernel: names[i]![0], bias: names[i]![1], shape: l.shape })),
          parameters,
          backendRequested: ctx.common.backend,
          weights: total,
          keptLastValue: kept,
        },
        lines: table([
          ['snapshots', `${files.length} (${files[0]} … ${files[files.length - 1]})`],
          ['layers', predicted.map((l) => `${l.shape[1]}→${l.shape[0]}`).join(', ')],
          ['predicted', `${options.steps} steps ahead, grouping ${grouping}, ${options.mode}`],
          ['kept at the last value', `${kept} of ${total} weights`],
        ]),
        files: [{ name: 'predicted.safetensors', write: (path: string) => writeSafetensors(path, tensors) }],
      };
    }),
  );
}
