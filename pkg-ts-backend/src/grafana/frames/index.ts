// Grafana data frames: the model, the Arrow IPC file codec of the plugin protocol, the SDK's
// frame-JSON reader, and the framing of Prometheus API results.
export * from './frame';
export { decodeFrameArrow, encodeFrameArrow, FrameDecodeError } from './arrow';
export { frameFromSdkJson } from './frameJson';
export { formatGoDuration } from './goDuration';
export { LEGEND_AUTO, legendName, seriesNotation } from './legend';
export { heatmapFrames, tableFrames } from './formats';
export type {
  PromFramingOptions,
  PromHistogramValue,
  PromQueryData,
  PromResultFormat,
  PromSeries,
  SamplePair,
} from './prometheus';
export { framesFromPrometheus, parsePromQueryData, parseSampleValue, PromResultError } from './prometheus';
