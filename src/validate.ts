// Input validation with one message grammar: `Expected <what> for <argument> but received <value>`.
import { ErrorCode, invalid, RandlaError } from './errors.js';
import type { Float, Layout, Matrix } from './types.js';

export function isFloatArray(value: unknown): value is Float {
  return value instanceof Float64Array || value instanceof Float32Array;
}

/** True when the TypedArray's buffer has been detached (transferred or structuredClone'd away). */
export function isDetached(data: ArrayBufferView): boolean {
  const buffer = data.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

export function expectInteger(value: unknown, argument: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw invalid(argument, range, value);
  }
  return value;
}

export function expectOneOf<T extends string>(value: unknown, argument: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalid(argument, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

export function expectBoolean(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') throw invalid(argument, 'a boolean', value);
  return value;
}

export function expectObject(value: unknown, argument: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(argument, 'an options object', value);
  return value as Record<string, unknown>;
}

/** Checks a Matrix's fields: dtype, attached buffer, positive shape, length, layout. */
export function expectMatrix(value: unknown, argument: string): Matrix {
  if (value === null || typeof value !== 'object') {
    throw invalid(argument, 'a matrix { data, rows, cols, layout }, number[][] or ml-matrix Matrix', value);
  }
  const m = value as Partial<Matrix>;
  if (!isFloatArray(m.data)) throw invalid(`${argument}.data`, 'a Float64Array or Float32Array', m.data);
  if (isDetached(m.data)) {
    throw new RandlaError(
      ErrorCode.INVALID_ARGUMENT,
      `Expected an attached buffer for ${argument}.data but received a detached ArrayBuffer`,
      { argument: `${argument}.data` },
    );
  }
  const rows = expectInteger(m.rows, `${argument}.rows`, 1);
  const cols = expectInteger(m.cols, `${argument}.cols`, 1);
  const layout = expectOneOf<Layout>(m.layout, `${argument}.layout`, ['row-major', 'col-major']);
  if (m.data.length !== rows * cols) {
    throw new RandlaError(
      ErrorCode.SHAPE,
      `Expected ${argument}.data.length = rows * cols = ${rows * cols} but received ${m.data.length}`,
      { argument: `${argument}.data` },
    );
  }
  return { data: m.data, rows, cols, layout };
}

/** Rejects NaN and ±Infinity, naming the first offending entry as (row, col). */
export function expectFinite(m: Matrix, argument: string): void {
  const { data } = m;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      const [r, c] = m.layout === 'row-major' ? [Math.floor(i / m.cols), i % m.cols] : [i % m.rows, Math.floor(i / m.rows)];
      throw new RandlaError(
        ErrorCode.NOT_FINITE,
        `Expected finite values for ${argument} but received ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} at (${r}, ${c})`,
        { argument },
      );
    }
  }
}

/** A seed for Philox: a non-negative safe integer or a bigint in [0, 2^64). */
export function expectSeed(value: unknown, argument: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n && value < 1n << 64n) return value;
  throw invalid(argument, 'a non-negative safe integer or a bigint in [0, 2^64)', value);
}
