// The one place where JS test tolerances live; each derives from the dtype's epsilon.
export const EPS64 = Number.EPSILON; // 2.22e-16
export const EPS32 = 2 ** -23; // 1.19e-7

export const tolerance = {
  /** Relative Frobenius residual of an exactly low-rank matrix (the 1e-10 f64, 1e-4 f32). */
  exactLowRankResidual: { float64: 4.5e5 * EPS64, float32: 840 * EPS32 },
  /** Singular values of an exactly low-rank matrix, relative (1e-10 f64). */
  exactLowRankValues: { float64: 4.5e5 * EPS64, float32: 840 * EPS32 },
  /** ‖UᵀU − I‖_max in f64 (the 1e-12). */
  orthonormality: { float64: 4500 * EPS64, float32: 840 * EPS32 },
  /** Native and reference S for the same seed, relative (the 1e-10). */
  backendsAgree: 4.5e5 * EPS64,
} as const;

/** Throws with actual, expected, difference and tolerance when |actual − expected| > tol. */
export function expectClose(actual: number, expected: number, tol: number, what: string): void {
  const diff = Math.abs(actual - expected);
  if (!(diff <= tol)) {
    throw new Error(`${what}: actual ${actual}, expected ${expected}, difference ${diff.toExponential(3)}, tolerance ${tol.toExponential(3)}`);
  }
}

/** Throws with actual, bound and excess when actual > bound. */
export function expectAtMost(actual: number, bound: number, what: string): void {
  if (!(actual <= bound)) {
    throw new Error(`${what}: actual ${actual}, expected at most ${bound}, excess ${(actual - bound).toExponential(3)}`);
  }
}
