/** The stage engine: DAG of user commands, content-addressed cache, params. */
export { runPipeline, type RunOptions, type RunResult, type EngineLog, type StageEvent } from './engine.js';
export { planPipeline, type Plan, type PlannedStage } from './plan.js';
export { expandStages, type StageInstance } from './expand.js';
export { buildGraph, selectStages } from './dag.js';
export { LOCK_FILE_NAME } from './lock-file.js';
export { statePaths } from './state.js';
export { pipelineStatePaths, type PipelineStatePaths } from '../../core/state-paths.js';
