/**
 * The one error class of randla. `code` is stable and safe to branch on; the message names
 * the argument, what was expected and what was received.
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 'ERR_RANDLA_INVALID_ARGUMENT',
  NOT_FINITE: 'ERR_RANDLA_NOT_FINITE',
  SHAPE: 'ERR_RANDLA_SHAPE',
  NOT_CONVERGED: 'ERR_RANDLA_NOT_CONVERGED',
  OUT_OF_MEMORY: 'ERR_RANDLA_OUT_OF_MEMORY',
  BACKEND_UNAVAILABLE: 'ERR_RANDLA_BACKEND_UNAVAILABLE',
  ABORTED: 'ERR_RANDLA_ABORTED',
  CUDA: 'ERR_RANDLA_CUDA',
  INTERNAL: 'ERR_RANDLA_INTERNAL',
  NOT_SYMMETRIC: 'ERR_RANDLA_NOT_SYMMETRIC',
  NOT_PSD: 'ERR_RANDLA_NOT_PSD',
  DEPENDENCY_MISSING: 'ERR_RANDLA_DEPENDENCY_MISSING',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface RandlaErrorOptions {
  /** The argument at fault, e.g. `A.data` or `options.rank`. */
  argument?: string;
  cause?: unknown;
}

export class RandlaError extends Error {
  readonly code: ErrorCode;
  readonly argument?: string;

  constructor(code: ErrorCode, message: string, options: RandlaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RandlaError';
    this.code = code;
    if (options.argument !== undefined) this.argument = options.argument;
  }
}

/** Describes a value for an error message: type and, where short, the value itself. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'function') return 'function';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `${name} object` : 'object';
}

/** The one message grammar: `Expected <expected> for <argument> but received <actual>`. */
export function invalid(
  argument: string,
  expected: string,
  actual: unknown,
  code: ErrorCode = ErrorCode.INVALID_ARGUMENT,
): RandlaError {
  return new RandlaError(code, `Expected ${expected} for ${argument} but received ${describe(actual)}`, { argument });
}
