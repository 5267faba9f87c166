/**
 * The radix sort of scores now lives in core/ (data profiling sorts its sketch levels with it
 * too); re-exported here so evaluation code keeps importing it from its own folder.
 */
export { sortFloat64 } from '../../../core/sort-float64.js';
