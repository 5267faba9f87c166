/**
 * Workflow object → YAML text, byte for byte the same for the same inputs (so `--check` can
 * compare). Every value is written by the YAML serializer, so a stage name, label or path can
 * never add keys or break out of its scalar; pinned actions get their version as a trailing
 * comment (`# v4.2.2`), the form Dependabot and Renovate update.
 */
import { Document, isScalar, visit } from 'yaml';
import { PINNED_ACTIONS } from '../pinned-actions.js';
import type { Workflow } from './workflow.js';

const VERSIONS = new Map<string, string>(Object.values(PINNED_ACTIONS).map((a) => [`${a.repo}@${a.sha}`, a.version]));

export function renderWorkflow(workflow: Workflow, header: string[]): string {
  const doc = new Document(workflow);
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value)) {
        const version = VERSIONS.get(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    },
  });
  const body = doc.toString({ lineWidth: 0, nullStr: '' });
  return `${header.map((l) => (l ? `# ${l}` : '#')).join('\n')}\n${body}`;
}
