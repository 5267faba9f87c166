/**
 * Rule `modelCard`: the model card's intended use and limitations are the two things a reader of
 * a card needs and a generator cannot fill in (the numbers come from the documents; these come
 * from `report.model_card` in the pipeline file). Empty or blank: a warning on the file.
 */
import type { ModelCardSpec } from '../../pipeline-schema/types.js';
import { codeSpan } from '../../reports/markdown.js';
import type { Finding } from '../findings.js';

export interface ModelCardInput {
  pipelineFile: string;
  /** Whether the pipeline declares a model (no model, no card). */
  hasModel: boolean;
  card: ModelCardSpec | undefined;
  /** Line of `report.model_card` (or `report`, or 1) in the pipeline file. */
  line: number;
}

const blank = (s: unknown) => typeof s !== 'string' || s.trim() === '';

export function modelCard(input: ModelCardInput): Finding[] {
  if (!input.hasModel) return [];
  const empty: string[] = [];
  if (blank(input.card?.intended_use)) empty.push('intended_use');
  if (!input.card?.limitations?.some((l) => !blank(l))) empty.push('limitations');
  if (empty.length === 0) return [];
  return [
    {
      rule: 'modelCard',
      level: 'warn',
      text: `The model card leaves ${empty.map((k) => codeSpan(`report.model_card.${k}`)).join(' and ')} empty in ${codeSpan(input.pipelineFile)}. Fix: say what the model is for and where it must not be trusted, so the card and the Release say it too.`,
      file: input.pipelineFile,
      line: input.line,
    },
  ];
}
