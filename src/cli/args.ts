// Option parsers for commander: each turns the text of a flag into a value or a usage error that
// names the flag, what it expects and what it got (the library's message grammar).
import { InvalidArgumentError } from 'commander';

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const v = Number(text);
    if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}, got ${JSON.stringify(text)}`);
    }
    return v;
  };
}

/** A finite number in (min, max) (open ends) or [min, max] with `closed`. */
export function number(min = -Infinity, max = Infinity, closed = false): (text: string) => number {
  return (text) => {
    const v = Number(text);
    const inside = closed ? v >= min && v <= max : v > min && v < max;
    if (text.trim() === '' || !Number.isFinite(v) || !inside) {
      const range = min === -Infinity && max === Infinity ? 'a finite number' : `a number in ${closed ? '[' : '('}${min}, ${max}${closed ? ']' : ')'}`;
      throw new InvalidArgumentError(`expected ${range}, got ${JSON.stringify(text)}`);
    }
    return v;
  };
}

/** A seed: a non-negative integer up to 2^64 − 1 (a bigint beyond 2^53). */
export function seed(text: string): number | bigint {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected a non-negative integer, got ${JSON.stringify(text)}`);
  const v = BigInt(text.trim());
  if (v >= 1n << 64n) throw new InvalidArgumentError(`expected a seed below 2^64, got ${text}`);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
