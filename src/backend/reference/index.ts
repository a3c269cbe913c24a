// The reference backend: pure TypeScript, single-threaded. It is the oracle the native backends
// are tested against and the fallback when the addon is not built.

import type {
  AdaptiveSvdOutput,
  AdaptiveSvdRequest,
  Backend,
  BackendInfo,
  BootstrapCovarianceOutput,
  BootstrapCovarianceRequest,
  BootstrapLstsqOutput,
  BootstrapLstsqRequest,
  BootstrapSvdOutput,
  BootstrapSvdRequest,
  DmdBatchRequest,
  DmdOutput,
  RecursiveDmdState,
  SketchedLstsqOutput,
  SketchedLstsqRequest,
  SketchedSvdOutput,
  SketchedSvdRequest,
} from '../types.js';
import { ErrorCode, RandlaError } from '../../errors.js';
import { bootstrapCovarianceSteps, type BootstrapCovarianceResult } from './bootstrap_covariance.js';
import { bootstrapLstsqSteps, referenceSketchedLstsq, type BootstrapLstsqResult } from './bootstrap_lstsq.js';
import {
  adaptiveSketchedSvdSteps,
  bootstrapSvdSteps,
  referenceSketchedSvd,
  type AdaptiveSketchedSvdOptions,
  type AdaptiveSketchedSvdResult,
  type BootstrapSvdResult,
} from './bootstrap_svd.js';
import { referenceDmd } from './dmd.js';
import { ReferenceOnlineDmd, ReferenceWindowDmd, referenceDmdBatch } from './online_dmd.js';
import { referenceKernels } from './normalize.js';
import { nystromReference, nystromReferenceSync } from './nystrom.js';
import { rsvdReference, rsvdReferenceAsync } from './rsvd.js';
import { runSteps, runStepsAsync } from './steps.js';

/**
 * The pure-TypeScript backend; always available.
 *
 * @example
 * referenceBackend.info(); // { name: 'reference', available: true, threads: 1 }
 */
export const referenceBackend: Backend = {
  name: 'reference',
  info(): BackendInfo {
    return { name: 'reference', available: true, threads: 1 };
  },
  rsvd: rsvdReferenceAsync,
  rsvdSync: rsvdReference,
  nystrom: nystromReference,
  nystromSync: nystromReferenceSync,
  kernels: referenceKernels,
  sketchedSvd: async (request) => sketchedSvdSync(request),
  sketchedSvdSync,
  adaptiveSketchedSvd: async (request) => adaptiveSketchedSvdOutput(request, await runStepsAsync(adaptiveSketchedSvdSteps(request.A, adaptiveOptions(request)))),
  adaptiveSketchedSvdSync: (request) => adaptiveSketchedSvdOutput(request, runSteps(adaptiveSketchedSvdSteps(request.A, adaptiveOptions(request)))),
  bootstrapSvdError: async (request) => bootstrapSvdOutput(await runStepsAsync(bootstrapSvdSteps(request.A, request))),
  bootstrapSvdErrorSync: (request) => bootstrapSvdOutput(runSteps(bootstrapSvdSteps(request.A, request))),
  bootstrapCovarianceError: async (request) => covarianceOutput(await runStepsAsync(bootstrapCovarianceSteps(request.A, request))),
  bootstrapCovarianceErrorSync: (request) => covarianceOutput(runSteps(bootstrapCovarianceSteps(request.A, request))),
  sketchedLstsq: async (request) => sketchedLstsqSync(request),
  sketchedLstsqSync,
  bootstrapLstsqError: async (request) => lstsqOutput(await runStepsAsync(bootstrapLstsqSteps(request.A, request.b, request))),
  dmd: async (request) => {
    // One synchronous computation: an abort is seen only before it starts.
    if (request.signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: request.signal.reason });
    return referenceDmd(request);
  },
  dmdSync: (request) => referenceDmd(request),
  dmdBatch: async (request) => dmdBatchSync(request),
  dmdBatchSync,
  recursiveDmd,
  bootstrapLstsqErrorSync: (request) => lstsqOutput(runSteps(bootstrapLstsqSteps(request.A, request.b, request))),
};

// The bootstrap on the reference backend runs its replicates as steps (steps.ts): the async
// forms let the event loop turn between replicates, so the signal is seen at the next replicate
// whoever aborts it; the blocking forms run straight through (an abort from onProgress is still
// seen). An onProgress that throws ends the loop with its error.

function sketchedSvdSync(r: SketchedSvdRequest): SketchedSvdOutput {
  const out = referenceSketchedSvd(r.A, { rank: r.rank, sketchRows: r.sketchRows, sketch: r.sketch, seed: r.seed, leftVectors: r.leftVectors });
  return { S: out.S, Vt: out.Vt, ...(out.U ? { U: out.U } : {}), sketchRows: out.sketchRows };
}

function bootstrapSvdOutput(out: BootstrapSvdResult): BootstrapSvdOutput {
  return {
    S: out.S,
    Vt: out.Vt,
    valueError: out.valueError,
    vectorError: out.vectorError,
    subspaceError: out.subspaceError,
    leftVectorError: out.leftVectorError,
    perComponent: out.perComponent,
    sketchRows: out.sketchRows,
  };
}

function adaptiveOptions(r: AdaptiveSvdRequest): AdaptiveSketchedSvdOptions {
  const { leftVectors: _leftVectors, ...options } = r;
  return options;
}

function adaptiveSketchedSvdOutput(r: AdaptiveSvdRequest, out: AdaptiveSketchedSvdResult): AdaptiveSvdOutput {
  const { leftVectors } = r;
  // Ũ of the final sketch: the same draws sketched again (one more pass, as the native core makes).
  const U = leftVectors
    ? referenceSketchedSvd(r.A, { rank: r.rank, sketchRows: out.sketchRows, sketch: r.sketch, seed: r.seed, leftVectors: true }).U
    : undefined;
  return { S: out.S, Vt: out.Vt, ...(U ? { U } : {}), sketchRows: out.sketchRows, path: out.path, converged: out.converged };
}

function covarianceOutput(out: BootstrapCovarianceResult): BootstrapCovarianceOutput {
  return { error: out.error, relativeError: out.relativeError, sketchRows: out.sketchRows };
}

function sketchedLstsqSync(r: SketchedLstsqRequest): SketchedLstsqOutput {
  const out = referenceSketchedLstsq(r.A, r.b, { sketchRows: r.sketchRows, sketch: r.sketch, seed: r.seed });
  return { x: out.x, sketchRows: out.sketchRows };
}

function lstsqOutput(out: BootstrapLstsqResult): BootstrapLstsqOutput {
  return { x: out.x, error: out.error, relativeError: out.relativeError, sketchRows: out.sketchRows };
}

function dmdBatchSync(request: DmdBatchRequest): DmdOutput[] {
  const { groups, signal, onProgress, ...options } = request;
  // Groups one by one, with progress and abort between them as the native call has.
  return groups.map((X, g) => {
    if (signal?.aborted) throw new RandlaError(ErrorCode.ABORTED, 'The operation was aborted', { cause: signal.reason });
    let out: DmdOutput;
    try {
      out = referenceDmdBatch([X], options)[0]!;
    } catch (e) {
      // Name the group, as the native batch does: "X" alone would not say which one failed.
      if (e instanceof RandlaError && e.argument === 'X') throw new RandlaError(e.code, `groups[${g}]: ${e.message}`, { argument: `groups[${g}]` });
      throw e;
    }
    onProgress?.({ pass: g + 1, totalPasses: groups.length });
    return out;
  });
}

/** The reference OnlineDmd / WindowDmd behind the backend's RecursiveDmdState. */
function recursiveDmd(kind: 'online' | 'window', _n: number, parameter: number): RecursiveDmdState {
  const fit = kind === 'online' ? new ReferenceOnlineDmd({ weighting: parameter }) : new ReferenceWindowDmd({ window: parameter });
  return {
    update: (x, y) => fit.update(x, y),
    ready: () => fit.ready(),
    pairs: () => fit.pairs(),
    operator: () => Float64Array.from(fit.operator().data),
    eigs: () => fit.eigs(),
  };
}
