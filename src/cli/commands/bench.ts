// `randla bench`: runs the benchmark suites of a repository checkout (bench/*.mjs), with their
// Python peers when bench/.venv can be made, and prints their tables. The suites are not part
// of the published package: outside a checkout this says so and exits 2.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { Option, type Command } from 'commander';

import { UsageError, exitCodeOf, errorLine } from '../context.js';
import { state } from '../run.js';

const SUITES: Record<string, string> = { rsvd: 'run.mjs', nystrom: 'nystrom.mjs', bootstrap: 'bootstrap.mjs', dmd: 'dmd.mjs', koopman: 'koopman.mjs' };

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmark suites on this machine (a repository checkout)')
    .addOption(new Option('--suite <s>', 'which suite').choices([...Object.keys(SUITES), 'all']).default('all'))
    .option('--quick', 'the quick sizes')
    .action(async (o: { suite: string; quick?: boolean }) => {
      try {
        const dir = fileURLToPath(new URL('../../../bench/', import.meta.url));
        if (!existsSync(dir)) throw new UsageError('the benchmark suites ship with the repository (bench/), not with the package: run this in a clone');
        const suites = o.suite === 'all' ? Object.keys(SUITES) : [o.suite];
        for (const s of suites) {
          const code = await new Promise<number>((resolve) => {
            const child = spawn(process.execPath, [`${dir}${SUITES[s]}`, ...(o.quick ? ['--quick'] : [])], { stdio: 'inherit' });
            // A signal to randla reaches the suite too (a terminal's Ctrl-C already does; a kill does not).
            const forward = (signal: NodeJS.Signals) => child.kill(signal);
            process.on('SIGINT', forward);
            process.on('SIGTERM', forward);
            child.on('exit', (c, signal) => {
              process.off('SIGINT', forward);
              process.off('SIGTERM', forward);
              resolve(c ?? (signal ? 130 : 1));
            });
          });
          if (code !== 0) {
            state.exitCode = code;
            return;
          }
        }
        state.exitCode = 0;
      } catch (error) {
        state.exitCode = exitCodeOf(error);
        process.stderr.write(`${errorLine('bench', error)}\n`);
      }
    });
}
