// Without the addon (as after an install on a machine without BLAS) randla runs on the
// reference backend and says so once on stderr.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { expectClose, tolerance } from './helpers/tolerance.js';

describe('fallback to the reference backend', () => {
  it('auto picks reference, prints one stderr line, and native is a clear error', () => {
    const script = fileURLToPath(new URL('./fixtures/fallback.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, RANDLA_DISABLE_NATIVE: '1', RANDLA_QUIET: '' },
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout) as {
      backends: { name: string; available: boolean; reason?: string }[];
      first: { backend: string; s: number };
      second: { backend: string; s: number };
      nativeError: string;
    };
    expect(out.backends.find((b) => b.name === 'native')).toMatchObject({ available: false, reason: expect.stringContaining('RANDLA_DISABLE_NATIVE') });
    expect(out.first.backend).toBe('reference');
    expect(out.second.backend).toBe('reference');
    expectClose(out.first.s, 3, tolerance.exactLowRankValues.float64 * 3, 'σ1 of diag(3, 1)');
    expect(out.nativeError).toBe('ERR_RANDLA_BACKEND_UNAVAILABLE');
    const notices = child.stderr.split('\n').filter((line) => line.startsWith('randla:'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('npm run build:native');
  });
});
