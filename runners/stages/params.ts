/**
 * Params a stage names: `train.lr` (looked up in the pipeline's params files, default
 * `params.yaml` beside mlpipeline.yaml) or `file#train.lr` (file relative to the pipeline folder).
 * Files are YAML or JSON; keys are dotted paths. Each file is read once per run.
 */
import { readFile } from 'node:fs/promises';
import { lookupDotted } from '../../core/dotted-keys.js';
import { InputError, type SourceLocation } from '../../core/errors.js';
import { parseDataFile } from '../diff/parse-file.js';
import { relPosix, resolveIn } from './paths.js';

export interface ParamsReaderOptions {
  /** The pipeline's `params` list (default `params.yaml`). */
  defaults?: string[];
  /** How messages name a params file; default: its path relative to the pipeline folder. */
  label?: (abs: string) => string;
}

/** Where a stage names a param in mlpipeline.yaml, so a missing key points at that line. */
export type ParamRefLocator = (ref: string) => SourceLocation | undefined;

export class ParamsReader {
  private readonly files = new Map<string, Promise<unknown>>();
  private readonly defaults: string[];
  private readonly label: (abs: string) => string;

  /** @param root pipeline folder */
  constructor(
    private readonly root: string,
    opts: ParamsReaderOptions = {},
  ) {
    this.defaults = opts.defaults ?? ['params.yaml'];
    this.label = opts.label ?? ((abs) => relPosix(root, abs));
  }

  /** Values of `refs`, keyed by the ref as written; `stage` names the stage in messages. */
  async values(stage: string, refs: string[], locate?: ParamRefLocator): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const ref of refs) out[ref] = await this.value(stage, ref, locate);
    return out;
  }

  private async value(stage: string, ref: string, locate?: ParamRefLocator): Promise<unknown> {
    const hash = ref.indexOf('#');
    if (hash >= 0) {
      const file = resolveIn(this.root, ref.slice(0, hash));
      const key = ref.slice(hash + 1);
      const doc = await this.load(stage, file);
      const found = lookupDotted(doc, key);
      if (!found.ok) throw missingKey(stage, this.label(file), key, locate?.(ref));
      return found.value;
    }
    const tried: string[] = [];
    for (const f of this.defaults) {
      const file = resolveIn(this.root, f);
      tried.push(this.label(file));
      const found = lookupDotted(await this.load(stage, file), ref);
      if (found.ok) return found.value;
    }
    throw missingKey(stage, tried.join(', '), ref, locate?.(ref));
  }

  private load(stage: string, file: string): Promise<unknown> {
    let p = this.files.get(file);
    if (!p) {
      p = readParamsFile(stage, file, this.label(file));
      this.files.set(file, p);
    }
    return p;
  }
}

function missingKey(stage: string, file: string, key: string, at: SourceLocation | undefined): InputError {
  return new InputError(`stage '${stage}' names param '${key}', which is not in ${file}`, {
    // Point at the reference in mlpipeline.yaml when known: that is where a typo would be.
    location: at ?? { file },
    fix: `add '${key}' to ${file}, correct the name under the stage's params, or write it as FILE#${key} to read it from another file`,
  });
}

async function readParamsFile(stage: string, abs: string, label: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read params file ${label} (needed by stage '${stage}'): ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      location: { file: label },
      fix: `create ${label}, or list the right files under \`params:\` in mlpipeline.yaml`,
    });
  }
  // The same parser as `params diff`, so both name the same line and column for a broken file.
  return parseDataFile(text, label, 'params');
}

