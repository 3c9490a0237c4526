// The Prometheus HTTP API v1 (+ /federate): what the server wires in.
export { registerApi, API_PREFIX } from './register';
export { promqlParser } from './promqlParser';
export { PROMETHEUS_API_VERSION } from './status';
export type * from './types';
