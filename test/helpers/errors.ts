// The one assertion for bad input: the call (or promise) fails with a RandlaError of `code` that
// names `argument`.
import { expect } from 'vitest';

import { RandlaError } from '../../src/errors.js';

export async function rejects(p: Promise<unknown> | (() => unknown), code: string, argument: string): Promise<void> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code} for ${argument}`).toBeInstanceOf(RandlaError);
  expect(error).toMatchObject({ code, argument });
}
