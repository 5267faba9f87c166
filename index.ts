export * from './core/errors.js';
export type * from './pipeline-schema/types.js';
export { runCli } from './cli/main.js';
