#!/usr/bin/env node
// The `randla` executable (docs/cli.md): one subcommand per capability of the library. Exit
// codes: 0 success, 2 usage errors and bad input files, 1 runtime failures, 130 interrupted.
import { Command, CommanderError } from 'commander';

import { registerBench } from './commands/bench.js';
import { registerBootstrap } from './commands/bootstrap.js';
import { registerDmd } from './commands/dmd.js';
import { registerFlowNetwork } from './commands/flow_network.js';
import { packageVersion, registerInfo } from './commands/info.js';
import { registerKoopman } from './commands/koopman.js';
import { registerNystrom } from './commands/nystrom.js';
import { registerPca } from './commands/pca.js';
import { registerSvd } from './commands/svd.js';
import { exitCodeOf } from './context.js';
import { state } from './run.js';

export function program(): Command {
  const p = new Command('randla')
    .description('randomized numerical linear algebra: randomized SVD, PCA, Nyström, bootstrap error estimates, DMD, Koopman')
    .version(packageVersion())
    .configureOutput({
      // commander's own errors ("error: missing required argument 'file'") become one line, exit 2.
      outputError: (text, write) => write(`randla: ${text.replace(/^error: /, '').trimEnd()}\n`),
    })
    .exitOverride();
  for (const register of [registerSvd, registerPca, registerNystrom, registerFlowNetwork, registerBootstrap, registerDmd, registerKoopman, registerBench, registerInfo]) register(p);
  p.commands.forEach((c) => c.exitOverride().configureOutput({ outputError: (text, write) => write(`randla ${c.name()}: ${text.replace(/^error: /, '').trimEnd()}\n`) }));
  return p;
}

export async function main(argv: string[]): Promise<number> {
  state.exitCode = 0;
  try {
    await program().parseAsync(argv);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error);
    process.stderr.write(`randla: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  }
}

process.exitCode = await main(process.argv);
