// The plot module (issue 8, item 4): Vega-Lite specs of randla's figures, rendered offline to SVG
// (vega) and PNG (resvg). docs/plots.md. The renderers are imported on first use, not here.
export { toSvg, toPng, writePlot, VEGA_LITE_SCHEMA, type VegaLiteSpec, type SvgOptions, type PngOptions, type PngFontOptions, type WritePlotOptions } from './render.js';
export { spectrumSpec, type SpectrumInput } from './spectrum.js';
export {
  errorCurveSpec,
  errorCurveFromBootstrap,
  type ErrorCurvePoint,
  type ErrorCurveInput,
  type BootstrapCurveSource,
  type ErrorCurveFromBootstrapOptions,
} from './error_curve.js';
export { dmdEigenvaluesSpec, dmdModesSpec, type DmdSpectrumSource, type DmdModesSource, type DmdEigenvaluesOptions, type DmdModesOptions } from './dmd.js';
export { flowEigenvectorsSpec, type FlowEigenvectorsInput } from './flow.js';
export { koopmanSpectrumSpec, type KoopmanEpoch, type KoopmanSpectrumOptions } from './koopman.js';
