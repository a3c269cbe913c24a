// The worked example (examples/koopman-training, docs/koopman-training.md) still runs end to end:
// `--quick` trains the MLP with TensorFlow.js, jumps with every grouping, and writes results.json
// and both SVG figures. It imports the built package ('randla', 'randla/tfjs'), so it checks dist.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'randla-example-koopman-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!existsSync('dist/adapters/tfjs.js'))('examples/koopman-training', () => {
  it('--quick writes results.json and the two plots, with a verdict for every epoch after the third', async () => {
    await run(process.execPath, ['examples/koopman-training/train.mjs', '--quick', '--out', out], { timeout: 110_000 });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.comparison.length).toBe((results.config.jumps.length + 1) * results.config.horizons.length);
    for (const c of results.comparison) {
      expect(Number.isFinite(c.trainLoss)).toBe(true);
      expect(c.predictMs).toBeGreaterThan(0);
    }
    const verdicts = results.history.filter((e: { epoch: number }) => e.epoch >= 3).map((e: { verdict?: string }) => e.verdict);
    expect(verdicts.every((v: string | undefined) => ['converging', 'oscillating', 'diverging', 'stalled'].includes(v!))).toBe(true);
    for (const svg of ['spectrum.svg', 'loss.svg']) expect(readFileSync(join(out, svg), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('rejects a window longer than the recorded epochs', async () => {
    await expect(run(process.execPath, ['examples/koopman-training/train.mjs', '--quick', '--warmup', '5', '--snapshots', '10', '--out', out])).rejects.toThrow(/--snapshots/);
  });
});
