// Builds the native addon when a C++ toolchain, CMake and BLAS/LAPACK are present.
// Never fails the install: without them randla runs on its pure-TypeScript reference backend
// and says once, at first use, how to get the native one.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.RANDLA_SKIP_NATIVE === '1') {
  console.log('randla: RANDLA_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}
let cmakeJs;
try {
  cmakeJs = createRequire(join(root, 'package.json')).resolve('cmake-js/bin/cmake-js');
} catch {
  console.log('randla: cmake-js not installed; the native addon was not built (reference backend only)');
  process.exit(0);
}
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--CDCMAKE_BUILD_TYPE=Release', '--CDRANDLA_BUILD_TESTS=OFF', '--CDRANDLA_BUILD_BENCH=OFF'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.log(
    'randla: the native addon could not be built (needs cmake, g++ and BLAS/LAPACK, e.g. ' +
      '`apt-get install -y cmake g++ libopenblas-dev`, then `npm run build:native`); ' +
      'randla will run on the reference backend.',
  );
}
process.exit(0);
