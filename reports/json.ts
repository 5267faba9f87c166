/** The one JSON rendering of every result document the CLI prints or writes: 2-space indent, final newline. */
export { toJsonText as renderJson } from '../core/atomic-write.js';
