/**
 * The models of one evaluation: the candidate first, then the baselines still taking part. A
 * baseline that cannot be evaluated on these rows (its inputs do not match, its outputs are
 * unreadable) leaves the set and is reported as missing with the reason; the candidate never does.
 */
import { InputError } from '../../core/errors.js';
import { defined } from '../../core/internal-error.js';
import type { BaselineSource, MissingBaseline } from './document.js';
import type { BaselineInput, EvaluateInput } from './evaluate-input.js';
import { planInputs, planOutputs } from './io-plan.js';
import type { LabelInterner } from './labels.js';
import { loadOnnxModel, type LoadedModel } from './onnx-session.js';
import { ModelRunner } from './runner.js';

export interface EvaluatedModel {
  name: string;
  runner: ModelRunner;
  source?: BaselineSource;
  bytes: Uint8Array;
}

interface OpenedBaseline {
  input: BaselineInput;
  bytes: Uint8Array;
  model: LoadedModel;
}

export class ModelSet {
  /** The candidate, then the baselines still evaluated; filled by `plan`. */
  readonly evaluated: EvaluatedModel[] = [];

  private constructor(
    private readonly candidateModel: LoadedModel,
    private readonly candidateBytes: Uint8Array,
    private readonly baselines: OpenedBaseline[],
    /** Baselines without a model, then those dropped, in that order. */
    readonly missing: MissingBaseline[],
  ) {}

  /** Open an ONNX session for the candidate and every baseline that has a model. */
  static async open(input: EvaluateInput): Promise<ModelSet> {
    const candidate = await loadOnnxModel(input.model.bytes, input.model.display);
    const missing: MissingBaseline[] = [];
    const opened: OpenedBaseline[] = [];
    for (const b of input.baselines ?? []) {
      if (!b.model) missing.push({ name: b.name, source: b.source, reason: b.missingReason ?? 'no baseline model found' });
      else opened.push({ input: b, bytes: b.model.bytes, model: await loadOnnxModel(b.model.bytes, b.model.display) });
    }
    return new ModelSet(candidate, input.model.bytes, opened, missing);
  }

  get candidate(): EvaluatedModel {
    return defined(this.evaluated[0], 'the candidate is planned before anything reads it');
  }

  /** Every baseline still evaluated. */
  get baselineModels(): EvaluatedModel[] {
    return this.evaluated.slice(1);
  }

  /** Plan each model's inputs and outputs against the header; a baseline that does not fit is dropped. */
  plan(input: EvaluateInput, columns: string[], dataFile: string, interner: LabelInterner): void {
    const runnerFor = (m: LoadedModel) =>
      new ModelRunner(
        m,
        planInputs(m, { columns, label: input.label, features: input.features, featureAt: input.featureAt, input: input.input, dataFile }),
        planOutputs(m, input.task, input.outputs),
        input.task,
        columns,
        dataFile,
        interner,
      );
    this.evaluated.push({ name: 'candidate', runner: runnerFor(this.candidateModel), bytes: this.candidateBytes });
    for (const b of this.baselines) {
      let runner: ModelRunner;
      try {
        runner = runnerFor(b.model);
      } catch (err) {
        this.missing.push(droppedBaseline(b.input.name, b.input.source, err));
        continue;
      }
      this.evaluated.push({ name: b.input.name, source: b.input.source, bytes: b.bytes, runner });
    }
  }

  /** Take a baseline out of the evaluation for an InputError about it; anything else is rethrown. */
  drop(e: EvaluatedModel, err: unknown): void {
    this.missing.push(droppedBaseline(e.name, defined(e.source, 'only baselines are dropped, and each has a source'), err));
    this.evaluated.splice(this.evaluated.indexOf(e), 1);
  }
}

function droppedBaseline(name: string, source: BaselineSource, err: unknown): MissingBaseline {
  if (!(err instanceof InputError)) throw err;
  return { name, source, reason: `the baseline cannot be evaluated on these rows: ${err.message}` };
}
