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
  /** Nyström on exact low rank: eigenpairs to the 1e-8 (f64). */
  nystromExact: 4.5e7 * EPS64,
} as const;

/**
 * Unit tests of the reference kernels (test/reference.test.ts): small multiples of the unit
 * roundoff. The measured errors are a few ulp; the multiples leave room for other seeds and
 * libm, not for a wrong algorithm.
 */
export const reference = {
  /** ‖QᵀQ − I‖max and ‖QR − Y‖max / ‖Y‖max of Householder QR on blocks up to 600 × 40. */
  qr: 64 * EPS64,
  /** Entry error of a product relative to Σ|a||x|: short blocked sums show a few u. */
  product: 8 * EPS64,
  /** Products with f32 data, read exactly and multiplied in f64. */
  productF32Data: 8 * EPS64,
  /** σ of an exactly low-rank f64 matrix, relative (measured ≤ 6 ulp). */
  sigmaF64: 256 * EPS64,
  /** σ of its f32 rounding: rounding A moves σ by ≤ eps32·‖A‖. */
  sigmaF32: 8 * EPS32,
  /** Factor reconstruction and orthonormality, f64 ('none' at q = 2 loses ~30 ulp, HMT §4.5). */
  factorF64: 256 * EPS64,
  /** The same for f32 outputs (U and Vt rounded to f32). */
  factorF32: 8 * EPS32,
  /** Statistical checks allow this many standard errors. */
  standardErrors: 5,
} as const;

/**
 * One entry of the SRHT sketch by fast Walsh–Hadamard transform (`stages` = log2 N) in f64
 * against A·Ω summed with compensation, relative to Σ|a|/√l: each output is a sum down a tree of
 * depth `stages` (γ_stages), then one scaling (u = eps/2, so a 2× margin).
 */
export function fwhtSketch(stages: number): number {
  return (stages + 2) * EPS64;
}

/** Throws with actual, expected, difference and tolerance when |actual − expected| > tol. */
export function expectClose(actual: number, expected: number, tol: number, what: string): void {
  const diff = Math.abs(actual - expected);
  if (!(diff <= tol)) {
    throw new Error(`${what}: actual ${actual}, expected ${expected}, difference ${diff.toExponential(3)}, tolerance ${tol.toExponential(3)}`);
  }
}

/** Every entry within tol; a failure reports the worst entry with expectClose's numbers. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length: actual ${actual.length}, expected ${expected.length}`);
  }
  let worst = 0;
  let at = 0;
  for (let t = 0; t < actual.length; t++) {
    const d = Math.abs(actual[t]! - expected[t]!);
    if (!(d <= worst)) {
      worst = d;
      at = t;
    }
  }
  expectClose(actual[at] ?? 0, expected[at] ?? 0, tol, `${what} [${at}]`);
}

/** Throws with actual, bound and excess when actual > bound. */
export function expectAtMost(actual: number, bound: number, what: string): void {
  if (!(actual <= bound)) {
    throw new Error(`${what}: actual ${actual}, expected at most ${bound}, excess ${(actual - bound).toExponential(3)}`);
  }
}

/**
 * The complete randomized SVD of the reference backend against exact decompositions
 * (test/reference-rsvd.test.ts).
 */
export const referenceRsvd = {
  /**
   * ‖A − UΣVᵀ‖₂ / σ_{k+1} for σᵢ = i⁻², k = p = 10, q = 2 (300 × 120). HMT 2011 Cor. 10.10
   * bounds the expectation by about 1.29; measured: 1 + 8e-13 for every sketch and normalizer
   * (seed 42). 1.05 fails a basis that
   * misses one of the top k + 1 directions (the error would be σ_k ≥ 1.2·σ_{k+1}).
   */
  spectralErrorFactor: 1.05,
  /** The same run with products summed in another order (CSR vs dense, operator vs dense), relative (1e-10). */
  sameSeed: 4.5e5 * EPS64,
  /** Centered PCA of an exactly low-rank centered matrix vs ml-matrix's SVD of it, relative (1e-10). */
  centered: 4.5e5 * EPS64,
  /** Fixed accuracy: the indicator's ‖A − UΣVᵀ‖²_F / ‖A‖²_F against the exact one (a few u). */
  indicator: 64 * EPS64,
  /** Fixed accuracy: the chosen rank over the Eckart–Young optimum for the same tol. */
  rankExcess: 1.1,
  /** estimateError: the share of the true ‖A − UΣVᵀ‖₂ that 4 block power iterations reach. */
  estimateShare: 0.9,
  /** estimateError is a lower bound: above the true norm by rounding only. */
  estimateAbove: 64 * EPS64,
} as const;

/** Nyström on the reference backend (test/reference-nystrom.test.ts). */
export const referenceNystrom = {
  /** The same run with columns summed in another order (operator vs dense, kernel vs formed), relative (1e-10). */
  sameSeed: 4.5e5 * EPS64,
  /** A lower bound met up to rounding: relative slack of a few hundred u. */
  exactRelative: 256 * EPS64,
  /** RPCholesky's median trace error on the outlier kernel over uniform sampling's (the 0.5). */
  outlierTraceRatio: 0.5,
} as const;

/**
 * Vortical networks and flow fields (test/reference-vortical.test.ts, test/flow-fields.test.ts).
 */
export const flow = {
  /**
   * One adjacency entry (α|Γ_i| + (1−α)|Γ_j|)/(2π r_ij) in two operation orders (hypot against
   * sqrt, one division against two): about six roundings each side (the 1e-14 is ~45 eps).
   */
  vorticalEntry: 16 * EPS64,
  /**
   * Grid values of a pseudo-spectral solution against a closed form, relative to max|ω|: three
   * 2-D FFTs per stage over 32² points, each O(log n · u), over a few tens of steps.
   */
  spectralRounding: 1e3 * EPS64,
  /** Observed order of the energy/enstrophy drift of SSP-RK3 with ν = 0 (3 in theory). */
  invariantOrder: 2.5,
} as const;

/** Bootstrap error estimation on the reference backend (test/reference-bootstrap.test.ts). */
export const referenceBootstrap = {
  /**
   * A sum of `terms` products against the same sum in another order, relative to Σ|g·a|: the
   * worst-case bound γ_terms ≈ terms·u of either order, twice (u = eps/2, so terms·eps).
   */
  sketchSum(terms: number): number {
    return terms * EPS64;
  },
  /**
   * σ and right vectors of a sketch (R-factor then SVD) against ml-matrix's SVD of the same sketch:
   * backward-stable SVDs differ by O(u·σ₁) in σ and O(u·σ₁/gap) in the sin-angle of a vector
   * (Wedin); the multiple covers the two factorizations' growth constants for n ≤ 50.
   */
  svdOfSketch: 4096 * EPS64,
  /** Exact rank k = 5 and t = 200: the replicates' distance from the sketched subspace (the issue's 1e-8). */
  exactRankSubspace: 4.5e7 * EPS64,
  /**
   * Coverage over R = 60 independent sketches with nominal 1 − α = 0.9: the count of runs with
   * the true error ≤ the estimate is Binomial(60, 0.9) if the bootstrap is calibrated, and
   * P(count < 44) = 5.6e-5 (exact binomial sum), so 44 is a 1e-4-level lower bound. There is no
   * useful upper bound (P(count = 60) = 0.0018), so over-estimation is caught by `extrapolation`
   * and `medianRatio` instead.
   */
  coverageRuns: 60,
  coverageMinCount: 44,
  /** Extrapolated estimate over the true 0.9 quantile at 4·t₀ (the issue's [0.6, 1.6]). */
  extrapolation: { low: 0.6, high: 1.6 },
  /**
   * The median estimate over the true 0.9 quantile at the same t: a calibrated estimate is near
   * 1 (measured 1.26 for values and 0.98 for vectors at t = 200); a factor of 2 either way fails
   * an estimate with the wrong scaling (√t, m/t) or the wrong quantile.
   */
  medianRatio: { low: 0.5, high: 2 },
  /**
   * Sketched least squares on a consistent system with κ(A) = 10, n = 10: x̃ = x up to the
   * forward error of a backward-stable QR solve, O(n·κ·u) ≈ 100u relative; 4096 eps leaves room
   * for the sketch's conditioning (κ(S·A) ≈ κ(A) for t = 10·n), not for a wrong solution.
   */
  lstsqConsistent: 4096 * EPS64,
  /**
   * Adaptive sketching over 40 seeds: the count whose true error meets the tolerance. Stopping
   * when a calibrated 0.9 estimate is ≤ tol gives true ≤ tol with probability ≥ 0.9, and under
   * Binomial(40, 0.9) P(count < 28) = 8.8e-5 (exact sum): a 1e-4-level lower bound. Measured:
   * 35/40 (values) and 37/40 (vectors).
   */
  adaptiveRuns: 40,
  adaptiveMinCount: 28,
} as const;

/** Bootstrap estimation through the facade (test/bootstrap.test.ts). */
export const bootstrap = {
  /**
   * Native against reference for the same seed: the same draws, so only rounding differs. σ and
   * |σ* − σ̃| move by O(u·σ₁) between two backward-stable SVDs, sin-angles by O(u·σ₁/gap)
   * (Wedin); the least-squares x by O(κ·u·‖x‖), the Gram norms by O(t·u·‖Y‖²). Measured on the
   * test matrices (2000 × 30, gaps ≥ 1; 2000 × 8 least squares): at most 9 eps. The multiple
   * leaves room for another BLAS/LAPACK's growth constants, not for a wrong draw (which moves an
   * estimate by its own size, ≥ 1e-3 here).
   */
  backendsAgree: 1024 * EPS64,
} as const;

/**
 * DMD on the reference backend (test/reference-dmd.test.ts, docs/algorithms/dmd.md). Analytic
 * truth throughout: eigenvalues of the generating linear maps, data built from known modes.
 */
export const dmd = {
  /**
   * Eigenvalues of noise-free data, absolute (|λ| ≤ 1): the 1e-12 for the 2 × 2 system.
   * Backward-stable SVD + eigensolver give O(κ(W)·u) errors; measured ≤ 4 u.
   */
  eigs2x2: 4500 * EPS64,
  /** The 200-step forecast of the 2 × 2 system, absolute (‖x‖ = O(1), |λ| = 1): the 1e-10. */
  forecast: 4.5e5 * EPS64,
  /**
   * Eigenvalues of the 64-dimensional six-mode system and of other noise-free fits with
   * non-orthogonal modes and a spread of |λ|, absolute: the 1e-10.
   */
  eigsExact: 4.5e5 * EPS64,
  /**
   * Continuous eigenvalues ω = log(λ)/dt of the sech/tanh signals: the discrete error divided
   * by dt ≈ 0.1 (the issue gives no number; 1e-9 is 10× the discrete 1e-10).
   */
  omega: 4.5e6 * EPS64,
  /** Gradient descent on a quadratic, affine or increments: 1 − ηhᵢ to the 1e-8. */
  affine: 4.5e7 * EPS64,
  /** Randomized against exact DMD on exactly low-rank data: the 1e-10. */
  randomizedExact: 4.5e5 * EPS64,
  /**
   * Randomized (q = 2) against exact DMD on rank-6 + 1e-3 noise, absolute: the 1e-6
   * (measured 3e-9: with l = r + 10 and two power iterations Q captures the leading six directions).
   */
  randomizedNoisy: 1e-6,
  /**
   * Reconstruction and prediction of noise-free data from a fit, relative to max|X|: the
   * eigenvalue error times the number of steps (≤ 80) plus the amplitude solve, far below 1e-8.
   */
  reconstruct: 4.5e7 * EPS64,
  /**
   * The optimal amplitudes against an independent least-squares solve (ml-matrix QR of the real
   * 2·N·m × 2r form), relative to ‖b‖: both backward stable, κ(P) ≈ 1e3 for these modes.
   */
  optimalAmplitudes: 4.5e6 * EPS64,
  /**
   * The solution of P·b = conj(q) is not the minimiser on complex data: its residual exceeds the
   * optimum by more than this factor (measured 1.5–10×; 1.01 fails only a right answer).
   */
  conjugatedExcess: 1.01,
  /** Data-driven residuals of noise-free modes, relative to σ₁ of X₁ (measured ~1e-16). */
  residualNoiseFree: 4500 * EPS64,
  /** A spurious mode's residual over the largest true mode's (noise 1e-3): at least this factor. */
  spuriousFactor: 10,
  /** Unit norm of projected modes (U orthonormal, ‖w‖ = 1). */
  unitNorm: 64 * EPS64,
  /**
   * OnlineDmd / WindowDmd against the batch weighted least-squares operator after every update,
   * relative Frobenius (the 1e-12): each rank-one update adds O(κ(XWXᵀ)·u).
   */
  online: 4500 * EPS64,
  /** Gavish & Donoho's Table (ω(1) = 2.858, three decimals): half a unit in the last place. */
  omegaTable: 5e-4,
  /** The cubic approximation against the exact ω(β) on [0.05, 1] (the brief's 0.02; measured 6.3e-3). */
  omegaCubic: 0.02,
  /**
   * The Marchenko–Pastur median at β = 1 against a trapezoid with 2·10⁶ panels in u = √x (where
   * the density is smooth but for the √ endpoint at x = 4: error O(h^1.5) ≈ 1e-9).
   */
  mpMedian: 1e-8,
  /** Noisy oscillator: mean |λ| of fb and tls within this share of exact's bias |1 − mean|λ||. */
  debiasShare: 0.5,
} as const;

/**
 * DMD native against reference (test/dmd.test.ts): the same contract computed by LAPACK and by
 * the TypeScript factorizations, so the same numbers up to rounding amplified by the problem's
 * conditioning (eigenvalue gaps ≥ 0.1, eigenvector condition ≤ 1e2 in the test data).
 */
export const dmdBackends = {
  /** Eigenvalues (|λ| ≤ 1, absolute) and residuals / singular values (relative to σ₁). */
  agree: 1e5 * EPS64,
  /** Normalised modes and amplitudes, relative to σ₁ (modes) and max|b| (amplitudes). */
  modes: 1e6 * EPS64,
  /** dmdBatch against lone dmd calls on one backend: the same code path, rounding only. */
  batch: 1e3 * EPS64,
  /** WindowDmd on the rotation: each step is a downdate and an update of a 5-pair window. */
  window: 1e5 * EPS64,
  /**
   * OnlineDmd / WindowDmd operators of the two backends after each of 60 updates, relative to
   * max|A|: each backend's recursion accumulates O(k·κ(X·Xᵀ)·u) on its own (κ ~ 1e3 for the
   * 12-pair window of noisy six-mode data).
   */
  recursive: 1e6 * EPS64,
} as const;

/**
 * randla against PyDMD 2025.8 (test/pydmd.test.ts, optional: needs bench/.venv with PyDMD). Two
 * backward-stable implementations of the same algorithm differ by rounding amplified by the
 * problem's conditioning κ = σ₁/σ_r of X₁ (modes and eigenvalues go through Σ_r⁻¹ and an
 * eigensolver of the r × r operator, whose eigenvalues are well separated in the test data).
 * Measured on both backends, in units of eps·κ: eigenvalues ≤ 6.9, modes ≤ 0.33,
 * reconstructions ≤ 159 over 59 steps (Hankel, reference backend), ≤ 15 elsewhere.
 */
export const pydmd = {
  /** Eigenvalues (|λ| ≤ 1), absolute, matched by nearest neighbour: O(κ·u). */
  eigs: (kappa: number): number => 64 * EPS64 * kappa,
  /**
   * 1 − |⟨φ_r, φ_p⟩|/(‖φ_r‖‖φ_p‖) of matched modes: the angle between them is O(κ·u), so 1 − cos
   * is O((κ·u)²); what remains is the rounding of the inner products themselves (N ≤ 130 terms).
   */
  modes: (kappa: number): number => 64 * EPS64 * kappa,
  /**
   * Φ·diag(b)·λᵏ over `steps` steps, relative Frobenius: each eigenvalue's O(κ·u) error grows to
   * k·O(κ·u) in λᵏ, plus the amplitude solve's O(κ·u). Also the relative difference of two
   * residuals ‖X − Φ·diag(b)·V_λ‖_F of the same minimiser.
   */
  reconstruction: (kappa: number, steps: number): number => 16 * steps * EPS64 * kappa,
  /**
   * PyDMD's FbDMD on noise-free data (its backward operator built in the basis of SVD(X₂), not
   * of SVD(X₁)): its eigenvalues are off the true ones and off its own exact DMD's by more than
   * this (measured 0.43; any value far above the rounding of `eigs`, about 3e-13 here, shows the
   * defect).
   */
  fbDiscrepancy: 1e-6,
  /**
   * PyDMD's opt=True amplitudes with projected modes over randla's 'optimal' (same modes and
   * eigenvalues): the residual ratio exceeds this (measured 2.35; 1.01 fails only a right answer).
   */
  optimalExcess: 1.01,
} as const;

/** Koopman tooling (test/koopman.test.ts, docs/algorithms/koopman.md). */
export const koopman = {
  /** Gradient descent on a quadratic, eigenvalues 1 − ηhᵢ from 20 records: the 1e-8. */
  gdEigs: 4.5e7 * EPS64,
  /** The same fit after the window rolled to records 10 … 29: the fastest mode (λ = 0.4) is then
   * 0.4¹⁰ ≈ 1e-4 of its start, which divides the attainable accuracy by about that much. */
  gdEigsLate: 1e-6,
  /** The predicted weights against the closed-form trajectory, 20 steps ahead (|w| = O(1), absolute). */
  gdTrajectory: 4.5e7 * EPS64,
  /** SGD linear regression, node-Koopman 20 steps ahead: |loss − trained loss| / trained loss (the 10 %). */
  sgdLossShare: 0.1,
  /** Two groupings (or a grouping and explicit dmd calls) that compute the same fits by different code paths. */
  groupingAgree: 1e-9,
  /** compressDense of an exactly rank-r matrix at rank r: rounding of the randomized SVD. */
  compressExact: 1e-10,
} as const;

/** The TensorFlow.js adapter (test/tfjs.test.ts): float32 models trained by TensorFlow.js. */
export const tfjsAdapter = {
  /**
   * Affine Koopman prediction 10 epochs past float32 weights recorded from full-batch gradient
   * descent, against 10 more epochs of float32 training, relative to the largest weight: both
   * sides carry float32 rounding (each epoch's update rounds at EPS32) that the fit extrapolates.
   * Measured: 22·EPS32.
   */
  affinePrediction: 200 * EPS32,
  /** The loss at those predicted weights vs the trained weights' loss, relative. Measured: 1.6e-6. */
  affineLossShare: 1e-4,
} as const;
