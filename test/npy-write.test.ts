// .npy writing (src/io/npy.ts): failures are RandlaErrors naming the target path, and nothing
// is left behind (the file is written to a temporary name, then renamed).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { matrix, RandlaError, writeNpy } from '../src/index.js';

describe('writeNpy failures', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it.each([
    ['a missing directory', (dir: string) => join(dir, 'missing', 'a.npy'), 'ENOENT'],
    ['a directory as the target', (dir: string) => join(dir, 'sub'), 'EISDIR'],
  ])('%s: RandlaError naming path, no temporary file left', async (_, target, errno) => {
    const dir = await mkdtemp(join(tmpdir(), 'randla-npy-'));
    dirs.push(dir);
    await mkdir(join(dir, 'sub'));
    const path = target(dir);
    const error = await writeNpy(path, matrix([[1, 2], [3, 4]])).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RandlaError);
    expect((error as RandlaError).code).toBe('ERR_RANDLA_INVALID_ARGUMENT');
    expect((error as RandlaError).argument).toBe('path');
    expect((error as RandlaError).message).toContain(JSON.stringify(path));
    expect((error as RandlaError).message).toContain(errno);
    // The temporary file lives next to the target, in `dir`: only the pre-made `sub` remains.
    expect(await readdir(dir)).toEqual(['sub']);
  });
});
