/**
 * Params a stage names: `train.lr` (looked up in the pipeline's params files, default
 * `params.yaml` beside mlpipeline.yaml) or `file#train.lr` (file relative to the pipeline folder).
 * Files are YAML or JSON; keys are dotted paths. Each file is read once per run.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../core/errors.js';
import { relPosix, resolveIn } from './paths.js';

export class ParamsReader {
  private readonly files = new Map<string, Promise<unknown>>();

  /** @param root pipeline folder; @param defaults the pipeline's `params` list. */
  constructor(
    private readonly root: string,
    private readonly defaults: string[] = ['params.yaml'],
  ) {}

  /** Values of `refs`, keyed by the ref as written; `stage` names the stage in messages. */
  async values(stage: string, refs: string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const ref of refs) out[ref] = await this.value(stage, ref);
    return out;
  }

  private async value(stage: string, ref: string): Promise<unknown> {
    const hash = ref.indexOf('#');
    if (hash >= 0) {
      const file = resolveIn(this.root, ref.slice(0, hash));
      const key = ref.slice(hash + 1);
      const doc = await this.load(stage, file);
      const found = lookup(doc, key);
      if (!found.ok) throw missingKey(stage, relPosix(this.root, file), key);
      return found.value;
    }
    const tried: string[] = [];
    for (const f of this.defaults) {
      const file = resolveIn(this.root, f);
      tried.push(relPosix(this.root, file));
      const found = lookup(await this.load(stage, file), ref);
      if (found.ok) return found.value;
    }
    throw missingKey(stage, tried.join(', '), ref);
  }

  private load(stage: string, file: string): Promise<unknown> {
    let p = this.files.get(file);
    if (!p) {
      p = readParamsFile(stage, file, relPosix(this.root, file));
      this.files.set(file, p);
    }
    return p;
  }
}

function missingKey(stage: string, file: string, key: string): InputError {
  return new InputError(`stage '${stage}' names param '${key}', which is not in ${file}`, {
    location: { file },
    fix: `add '${key}' to ${file}, or write the param as FILE#${key} to read it from another file`,
  });
}

async function readParamsFile(stage: string, abs: string, rel: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read params file ${rel} (needed by stage '${stage}'): ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      location: { file: rel },
      fix: `create ${rel}, or list the right files under \`params:\` in mlpipeline.yaml`,
    });
  }
  try {
    return extname(abs).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const yamlPos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new InputError(`params file ${rel} is not valid ${extname(abs).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, {
      location: { file: rel, line: yamlPos?.line, column: yamlPos?.col },
    });
  }
}

/**
 * Look up a dotted key. A literal key containing dots wins over descending (`{"a.b": 1}`), so
 * files written by tools that flatten keys work too.
 */
export function lookup(doc: unknown, key: string): { ok: true; value: unknown } | { ok: false } {
  if (doc === null || typeof doc !== 'object') return { ok: false };
  const obj = doc as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(obj, key)) return { ok: true, value: obj[key] };
  const parts = key.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (Object.prototype.hasOwnProperty.call(obj, head)) {
      const r = lookup(obj[head], parts.slice(i).join('.'));
      if (r.ok) return r;
    }
  }
  return { ok: false };
}
