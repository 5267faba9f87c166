/**
 * The Hugging Face front matter of model-card.md: `license`, `tags` and a `model-index` with the
 * task, the evaluation dataset and the overall metrics (`type`/`value`/`name`). Emitted with the
 * `yaml` package, never by concatenation, so no model name or description can end the block
 * early or add keys; every value is a quoted or block scalar nested under a constant key.
 */
import { stringify } from 'yaml';
import type { Task } from '../../pipeline-schema/types.js';
import type { ModelCardData } from './data.js';

/** Hugging Face's task ids for tabular models. */
export function hubTask(task: Task | null): { type: string; name: string } | null {
  switch (task) {
    case 'binary-classification':
      return { type: 'tabular-classification', name: 'Binary classification' };
    case 'multiclass-classification':
      return { type: 'tabular-classification', name: 'Multiclass classification' };
    case 'regression':
      return { type: 'tabular-regression', name: 'Regression' };
    default:
      return null;
  }
}

export function frontMatterObject(d: ModelCardData): Record<string, unknown> {
  const task = hubTask(d.model.task);
  const out: Record<string, unknown> = {};
  if (d.text.license !== null) out.license = d.text.license;
  out.tags = ['mlpipeline', 'onnx', ...(task ? [task.type] : [])];
  const results: Record<string, unknown>[] = [];
  if (task && d.evaluation_data && d.metrics.overall.length) {
    const dataset = d.evaluation_data.name ?? d.evaluation_data.path;
    results.push({
      task: { type: task.type, name: task.name },
      dataset: { type: dataset, name: dataset },
      metrics: d.metrics.overall.map((m) => ({ type: m.metric, value: m.value, name: m.name })),
    });
  }
  out['model-index'] = [{ name: d.model.name, results }];
  return out;
}

/**
 * `---\n<yaml>---\n`. Every value is a double-quoted scalar (keys are ours), where `\x3C` and
 * `\x3E` are escapes for `<` and `>`: an HTML comment's `<!--` or `-->` from the data is written
 * so, and no raw Markdown the report writes holds a forged comment marker.
 */
export function renderFrontMatter(d: ModelCardData): string {
  const body = stringify(frontMatterObject(d), { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })
    .replace(/<!/g, '\\x3C!')
    .replace(/->/g, '-\\x3E');
  return `---\n${body}---\n`;
}
