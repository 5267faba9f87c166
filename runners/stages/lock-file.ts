/**
 * `mlpipeline.lock`, beside mlpipeline.yaml and meant to be committed (like dvc.lock): for each
 * stage, the fingerprint, deps hashes, params values and outs hashes of its last successful run.
 * Written with sorted keys so it diffs cleanly in review.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { InputError } from '../../core/errors.js';
import { canonicalJson, sortKeys } from './fingerprint.js';

export const LOCK_FILE_NAME = 'mlpipeline.lock';

export interface LockStage {
  cmd: string;
  fingerprint: string;
  wdir?: string;
  env?: Record<string, string>;
  deps: Record<string, string>;
  params: Record<string, unknown>;
  outs: Record<string, string>;
}

export interface LockDoc {
  schema: 'mlpipeline/lock@1';
  stages: Record<string, LockStage>;
}

export async function readLock(path: string, displayName = LOCK_FILE_NAME): Promise<LockDoc> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { schema: 'mlpipeline/lock@1', stages: {} };
    throw e;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new InputError(`${displayName} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, {
      location: { file: displayName },
      fix: `restore it from Git, or delete it (every stage will then run once and it is rebuilt)`,
    });
  }
  const stages = (doc as { stages?: unknown } | null)?.stages;
  if (doc === null || typeof doc !== 'object' || (stages !== undefined && (stages === null || typeof stages !== 'object'))) {
    throw new InputError(`${displayName} does not look like an mlpipeline lock file`, {
      location: { file: displayName },
      fix: `restore it from Git, or delete it (every stage will then run once and it is rebuilt)`,
    });
  }
  return { schema: 'mlpipeline/lock@1', stages: (stages ?? {}) as Record<string, LockStage> };
}

export function lockText(doc: LockDoc): string {
  const stages: Record<string, unknown> = {};
  for (const name of Object.keys(doc.stages).sort()) {
    const s = doc.stages[name]!;
    // Field order is fixed for readability; maps inside are sorted.
    stages[name] = {
      cmd: s.cmd,
      ...(s.wdir && s.wdir !== '.' ? { wdir: s.wdir } : {}),
      ...(s.env && Object.keys(s.env).length ? { env: sortKeys(s.env) } : {}),
      fingerprint: s.fingerprint,
      deps: sortKeys(s.deps),
      params: sortKeys(s.params),
      outs: sortKeys(s.outs),
    };
  }
  return (
    '# Written by `mlpipeline run`; commit it. It records what each stage last ran with.\n' +
    stringifyYaml({ schema: doc.schema, stages }, { lineWidth: 0 })
  );
}

/** Write the lock only when its content changes, so no-op runs leave the work tree untouched. */
export async function writeLockIfChanged(path: string, before: LockDoc, after: LockDoc): Promise<boolean> {
  if (canonicalJson(before.stages) === canonicalJson(after.stages)) return false;
  await writeFileAtomic(path, lockText(after));
  return true;
}
