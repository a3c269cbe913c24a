// `randla info`: version, backends (and why one is unavailable), threads, BLAS, the CUDA build.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

import type { Command } from 'commander';

import { backends } from '../../backend/index.js';
import { addon } from '../../backend/native.js';
import { toJson } from '../context.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('version, backends, threads, BLAS and GPU')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) => {
      const native = addon?.backendInfo();
      const info = {
        version: packageVersion(),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
        backends: backends(),
        threads: native?.threads ?? null,
        blas: native?.blas ?? null,
        // Which kernels run the sketch-sized products: avx512 | avx2 | blas (docs/conventions.md).
        productKernels: native?.kernels ?? null,
        openblasCoretype: process.env.OPENBLAS_CORETYPE ?? null,
        // The CUDA backend builds with the C++ core but is not yet reachable from JavaScript (docs/gpu.md).
        cudaBuilt: native?.cuda ?? false,
      };
      if (o.json) {
        process.stdout.write(`${JSON.stringify(toJson(info), null, 2)}\n`);
        return;
      }
      const lines = [
        `randla ${info.version} (Node ${info.node}, ${info.platform}, ${info.cpus} CPUs, ${info.memoryGiB} GiB)`,
        ...info.backends.map((b) => `backend ${b.name.padEnd(9)} ${b.available ? `available${b.device ? `: ${b.device}` : ''}${b.threads ? `, ${b.threads} threads` : ''}` : `unavailable: ${b.reason}`}`),
        `BLAS      ${info.blas ?? 'none (the native backend is not built)'}${info.openblasCoretype ? ` (OPENBLAS_CORETYPE=${info.openblasCoretype})` : ''}`,
        `Products  ${info.productKernels ?? 'none (the native backend is not built)'} (sketch-sized products op(A)·X)`,
        `CUDA      ${info.cudaBuilt ? 'built into the native addon' : 'not built (no GPU backend in this build)'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
