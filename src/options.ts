// Option handling shared by every public function: unknown keys rejected, random seeds drawn.
import { webcrypto } from 'node:crypto';

import { ErrorCode, RandlaError } from './errors.js';

/** A fresh random 53-bit seed: a safe integer, easy to store and pass back. */
export function randomSeed(): number {
  const [hi, lo] = webcrypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number];
  return (hi & 0x1fffff) * 2 ** 32 + lo;
}

/** Unknown keys are rejected: a misspelt option must not be silently ignored. */
export function rejectUnknownOptions(o: Record<string, unknown>, known: ReadonlySet<string>, argument = 'options'): void {
  for (const key of Object.keys(o)) {
    if (!known.has(key)) {
      throw new RandlaError(
        ErrorCode.INVALID_ARGUMENT,
        `Expected a known option in ${argument} but received ${argument}.${key} (known: ${[...known].join(', ')})`,
        { argument: `${argument}.${key}` },
      );
    }
  }
}
