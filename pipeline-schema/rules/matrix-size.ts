/** A stage's matrix stays within the combinations GitHub Actions runs (larger stages are not expanded by the other rules). */
import { MAX_MATRIX_COMBINATIONS } from '../matrix.js';
import { pointer } from '../problems.js';
import type { SemanticRule } from './rule.js';

export const matrixSizeLimit: SemanticRule = {
  id: 'matrix-size',
  check: ({ stages }) =>
    stages
      .filter((s) => s.combos === undefined)
      .map(({ name, matrixSize }) => ({
        pointer: pointer('stages', name, 'matrix'),
        at: 'key' as const,
        message: `stage '${name}'s matrix has ${matrixSize} combinations; the limit is ${MAX_MATRIX_COMBINATIONS}`,
        fix: 'sweep fewer values, or split the sweep into several stages',
      })),
};
