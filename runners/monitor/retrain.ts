/**
 * What the retrain pull request changes: the params file with the keys of
 * `monitoring.pull_request.set` written (placeholders filled from the monitor document), comments
 * and layout of the file kept (yaml's Document API edits the nodes, not the text). Pure: the
 * action reads the file and sends the result through the Git data API.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '../../core/errors.js';
import { isInside, posixRelative } from '../../core/paths.js';
import type { LoadedPipeline, MonitoringSpec } from '../../pipeline-schema/types.js';
import type { MonitorDocument } from './monitor.js';

export interface RetrainPlan {
  /** The fixed branch of the retrain pull request. */
  branch: string;
  /** Repository-relative POSIX path of the params file. */
  paramsPath: string;
  /** Absolute path of the params file. */
  paramsAbs: string;
  set: Record<string, string | number | boolean>;
}

const PLACEHOLDER = /\$\{(live\.path|live\.sha256|live\.rows|date)\}/g;

export function retrainPlan(loaded: LoadedPipeline, spec: MonitoringSpec, doc: MonitorDocument, root: string): RetrainPlan {
  const pr = spec.pull_request ?? {};
  const paramsRel = pr.params ?? loaded.pipeline.params?.[0] ?? 'params.yaml';
  const paramsAbs = isAbsolute(paramsRel) ? paramsRel : resolve(loaded.dir, paramsRel);
  if (!isInside(root, paramsAbs)) throw new InputError(`the params file ${paramsRel} is outside the repository`, { fix: 'set monitoring.pull_request.params to a file inside the repository' });
  const env = doc.environment ?? 'default';
  return { branch: pr.branch ?? `mlpipeline/retrain/${doc.model}-${env}`, paramsPath: posixRelative(root, paramsAbs), paramsAbs, set: pr.set ?? {} };
}

function fill(value: string | number | boolean, doc: MonitorDocument): string | number | boolean {
  if (typeof value !== 'string') return value;
  return value.replace(PLACEHOLDER, (_m, key: string) => {
    if (key === 'live.path') return doc.live.path;
    if (key === 'live.sha256') return doc.live.sha256;
    if (key === 'live.rows') return String(doc.live.rows);
    return doc.checked_at.slice(0, 10);
  });
}

/** The params file text with every `set` key written; `file` names it in errors. */
export function applyParams(text: string, set: RetrainPlan['set'], doc: MonitorDocument, file: string): string {
  const yaml = parseDocument(text);
  if (yaml.errors.length) {
    const e = yaml.errors[0]!;
    throw new InputError(`${file} is not valid YAML: ${e.message.split('\n')[0]}`, { location: { file, ...(e.linePos?.[0] ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}) }, fix: 'fix the params file on the default branch' });
  }
  for (const [key, value] of Object.entries(set)) {
    try {
      yaml.setIn(key.split('.'), fill(value, doc));
    } catch {
      // yaml refuses to descend into a scalar or a list (`data: 5` and a key `data.x`).
      throw new InputError(`monitoring.pull_request.set cannot write ${key} in ${file}: a part of that path holds a value that is not a mapping`, {
        location: { file },
        fix: `choose a key whose parents are mappings in ${file}, or change the params file on the default branch`,
      });
    }
  }
  return yaml.toString();
}
