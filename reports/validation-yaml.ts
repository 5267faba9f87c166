/** The `validation:` block `mlpipeline infer-schema` prints, as YAML to paste into mlpipeline.yaml. */
import { Document, isPair, isScalar, isSeq, visit } from 'yaml';
import type { ValidationSpec } from '../pipeline-schema/types.js';

/** The block under a header naming where it was inferred from; short lists (`in`, `required`) on one line. */
export function renderValidationYaml(spec: ValidationSpec, inferredFrom: { data: string; rows: number }): string {
  const header = `# inferred by mlpipeline infer-schema from ${inferredFrom.data} (${inferredFrom.rows} rows); review before use`;
  const doc = new Document({ validation: spec });
  // Short lists (`in`, `required`) read best on one line: in: [basic, pro]
  visit(doc, {
    Pair(_key, pair) {
      if (isPair(pair) && isScalar(pair.key) && (pair.key.value === 'in' || pair.key.value === 'required') && isSeq(pair.value)) {
        pair.value.flow = true;
      }
    },
  });
  return `${header}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}
