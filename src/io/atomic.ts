// Atomic file writes for src/io: the bytes go to a temporary file in the target's directory
// (same file system, so the rename is atomic), which is synced and renamed over the target only
// once complete; on any failure it is removed. A reader never sees a partial file.
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { ErrorCode, RandlaError } from '../errors.js';

/** An fs failure while writing `path` as a RandlaError naming the file (not the temporary one). */
export function writeError(path: string, error: unknown): RandlaError {
  const e = error as NodeJS.ErrnoException;
  return new RandlaError(ErrorCode.INVALID_ARGUMENT, `Expected a writable file path for path but received ${JSON.stringify(path)} (${e.code ?? e.message})`, {
    argument: 'path',
    cause: error,
  });
}

/** Runs `write` on a temporary file next to `path`, then renames it over `path`. */
export async function writeAtomically(path: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx').catch((error: unknown) => {
    throw writeError(path, error);
  });
  let done = false;
  try {
    await write(file);
    await file.sync();
    await file.close();
    await rename(temporary, path).catch((error: unknown) => {
      throw writeError(path, error);
    });
    done = true;
  } finally {
    if (!done) {
      await file.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
    }
  }
}
