/**
 * Deciding how to feed a model and how to read its answers, from its declared inputs/outputs,
 * the data's columns and the `model.input` / `model.outputs` settings of mlpipeline.yaml.
 */
import { InputError, type SourceLocation } from '../../core/errors.js';
import type { ModelSpec, Task } from '../../pipeline-schema/types.js';
import type { LoadedModel, TensorInfo } from './onnx-session.js';

export const SUPPORTED_INPUT_TYPES = ['float32', 'float64', 'int64', 'int32', 'string', 'bool'] as const;
export type InputType = (typeof SUPPORTED_INPUT_TYPES)[number];

export interface ColumnInput {
  name: string;
  type: InputType;
  column: string;
  /** Feed as [N, 1] (true) or [N] (false), as the model declares. */
  rank2: boolean;
}

export interface InputPlan {
  mode: 'tensor' | 'columns';
  /** The feature columns, in the order they are fed. */
  features: string[];
  tensor?: { name: string; type: InputType };
  columns?: ColumnInput[];
}

const ZIPMAP_FIX =
  "re-export the model without ZipMap so probabilities are a plain [N, C] tensor: with skl2onnx, convert_sklearn(model, ..., options={id(model): {'zipmap': False}}) (or to_onnx(..., options={'zipmap': False}))";

function inputType(model: LoadedModel, info: TensorInfo): InputType {
  if (!info.isTensor || !(SUPPORTED_INPUT_TYPES as readonly string[]).includes(info.type)) {
    throw new InputError(`model input '${info.name}' has type ${info.type || 'non-tensor'}, which mlpipeline cannot feed`, {
      location: { file: model.display },
      fix: `export the model with ${SUPPORTED_INPUT_TYPES.join(', ')} tensor inputs`,
    });
  }
  return info.type as InputType;
}

export function planInputs(
  model: LoadedModel,
  opts: { columns: string[]; label: string; features?: string[]; featureAt?: (feature: string) => SourceLocation | undefined; input?: ModelSpec['input']; dataFile: string },
): InputPlan {
  const { columns, label, dataFile } = opts;
  const has = new Set(columns);
  const inputs = model.inputs;
  let mode = opts.input?.mode;
  if (!mode) {
    if (inputs.length > 1) mode = 'columns';
    else {
      const only = inputs[0]!;
      const last = only.shape[only.shape.length - 1];
      const oneWide = only.shape.length <= 1 || last === 1;
      const featuresAreIt = !opts.features || (opts.features.length === 1 && opts.features[0] === only.name);
      mode = has.has(only.name) && only.name !== label && oneWide && featuresAreIt ? 'columns' : 'tensor';
    }
  }
  if (mode === 'columns') {
    const missing = inputs.filter((i) => !has.has(i.name)).map((i) => i.name);
    if (missing.length) {
      throw new InputError(
        `model input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no column of that name in ${dataFile} (columns: ${columns.join(', ')})`,
        { location: { file: model.display }, fix: 'name the data columns like the model inputs, or export the model with one [N, F] input and list model.features' },
      );
    }
    const cols = inputs.map((i) => ({ name: i.name, type: inputType(model, i), column: i.name, rank2: i.shape.length === 2 }));
    return { mode, features: cols.map((c) => c.column), columns: cols };
  }
  // tensor mode
  let input: TensorInfo | undefined;
  if (opts.input?.name) {
    input = inputs.find((i) => i.name === opts.input!.name);
    if (!input) {
      throw new InputError(`model has no input '${opts.input.name}' (inputs: ${inputs.map((i) => i.name).join(', ')})`, {
        location: { file: model.display },
        fix: 'set model.input.name to one of the model inputs',
      });
    }
  } else if (inputs.length === 1) input = inputs[0];
  else {
    throw new InputError(`model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); tensor mode needs one`, {
      location: { file: model.display },
      fix: 'set model.input.mode: columns to feed one input per column, or model.input.name',
    });
  }
  const type = inputType(model, input!);
  const features = opts.features ?? columns.filter((c) => c !== label);
  const absent = features.filter((f) => !has.has(f));
  if (absent.length) {
    throw new InputError(`feature${absent.length > 1 ? 's' : ''} ${absent.map((f) => `'${f}'`).join(', ')} not found in ${dataFile} (columns: ${columns.join(', ')})`, {
      // The list in mlpipeline.yaml is where the typo is, when the features came from there.
      location: opts.featureAt?.(absent[0]!) ?? { file: dataFile },
      fix: 'list the model features present in the data under model.features (or --features a,b,c)',
    });
  }
  const shape = input!.shape;
  const width = shape.length === 2 ? shape[1] : undefined;
  if (shape.length > 2) {
    throw new InputError(`model input '${input!.name}' has ${shape.length} dimensions; mlpipeline feeds tabular [N, F] tensors`, {
      location: { file: model.display },
    });
  }
  if (typeof width === 'number' && width !== features.length) {
    throw new InputError(
      `model input '${input!.name}' expects ${width} features but ${features.length} feature columns were given (${features.join(', ')})`,
      {
        location: { file: model.display },
        fix: `set model.features (or --features) to the ${width} columns the model was trained on, in training order`,
      },
    );
  }
  return { mode: 'tensor', features, tensor: { name: input!.name, type } };
}

export interface OutputPlan {
  probabilities?: string;
  /** A float output whose shape ([N] / [N,1] = score, [N,C] = probabilities) is decided on the first batch. */
  probabilitiesOrScore?: string;
  score?: string;
  label?: string;
  prediction?: string;
}

const isFloat = (t: TensorInfo) => t.isTensor && (t.type === 'float32' || t.type === 'float64' || t.type === 'float16');
const isLabelType = (t: TensorInfo) => t.isTensor && ['int64', 'int32', 'string', 'bool', 'uint8'].includes(t.type);
const rank1ish = (t: TensorInfo) => t.shape.length === 1 || (t.shape.length === 2 && t.shape[1] === 1);

export function planOutputs(model: LoadedModel, task: Task, spec: ModelSpec['outputs'] = {}): OutputPlan {
  const byName = new Map(model.outputs.map((o) => [o.name, o]));
  const nonTensor = model.outputs.filter((o) => !o.isTensor);
  const zipmapError = (name: string) =>
    new InputError(`model output '${name}' is a sequence of maps (e.g. sklearn-onnx's ZipMap), not a tensor; mlpipeline reads tensor outputs`, {
      location: { file: model.display },
      fix: ZIPMAP_FIX,
    });
  const named = (key: keyof NonNullable<ModelSpec['outputs']>): string | undefined => {
    const n = spec?.[key];
    if (n === undefined) return undefined;
    const o = byName.get(n);
    if (!o) {
      throw new InputError(`model.outputs.${key} names '${n}', but the model has no such output (outputs: ${[...byName.keys()].join(', ')})`, {
        location: { file: model.display },
        fix: `set model.outputs.${key} to one of the model outputs`,
      });
    }
    if (!o.isTensor) throw zipmapError(n);
    return n;
  };
  const tensors = model.outputs.filter((o) => o.isTensor);
  if (task === 'regression') {
    const prediction =
      named('prediction') ??
      (tensors.find((o) => isFloat(o) && rank1ish(o) && /variable|predict|output|value|y/i.test(o.name)) ?? tensors.find((o) => isFloat(o) && (rank1ish(o) || o.shape.length === 0)) ?? tensors.find(isFloat))?.name;
    if (!prediction) {
      if (nonTensor[0]) throw zipmapError(nonTensor[0].name);
      throw new InputError(`model has no float output to read regression predictions from (outputs: ${describe(model)})`, {
        location: { file: model.display },
        fix: 'export the model with a float [N] or [N, 1] output, or name it under model.outputs.prediction',
      });
    }
    return { prediction };
  }
  const plan: OutputPlan = {};
  plan.probabilities = named('probabilities');
  plan.score = named('score');
  plan.label = named('label');
  if (!plan.probabilities && !plan.score) {
    const floats = tensors.filter(isFloat).filter((o) => o.name !== plan.label);
    const prob2d = floats.filter((o) => o.shape.length === 2 && o.shape[1] !== 1);
    const pick = prob2d.find((o) => /prob/i.test(o.name)) ?? prob2d[0];
    if (pick && typeof pick.shape[1] === 'number') plan.probabilities = pick.name;
    else if (pick) plan.probabilitiesOrScore = pick.name;
    else {
      const score = floats.find((o) => rank1ish(o)) ?? floats.find((o) => o.shape.length === 0);
      if (score && score.shape.length === 0) plan.probabilitiesOrScore = score.name;
      else if (score) plan.score = score.name;
    }
  }
  if (!plan.label) plan.label = tensors.find((o) => isLabelType(o) && (rank1ish(o) || o.shape.length === 0))?.name;
  const hasScores = plan.probabilities || plan.score || plan.probabilitiesOrScore;
  if (!hasScores && nonTensor[0]) throw zipmapError(nonTensor[0].name);
  if (!hasScores && !plan.label) {
    throw new InputError(`model has no output to read class probabilities or labels from (outputs: ${describe(model)})`, {
      location: { file: model.display },
      fix: 'export a float [N, C] probabilities output (or a [N] score for binary tasks), or name it under model.outputs',
    });
  }
  if (task === 'binary-classification' && plan.score === undefined && plan.probabilitiesOrScore === undefined && plan.probabilities === undefined && !plan.label) {
    throw new InputError('model gives neither scores nor labels', { location: { file: model.display } });
  }
  return plan;
}

function describe(model: LoadedModel): string {
  return model.outputs.map((o) => (o.isTensor ? `${o.name} ${o.type}[${o.shape.join(', ')}]` : `${o.name} (not a tensor)`)).join('; ');
}

/**
 * The outputs to fetch from session.run: only what is read, so non-tensor extras are never
 * materialised. With probabilities or a score, predictions come from them (argmax / threshold),
 * so a label output is not fetched (it would cost a BigInt per row).
 */
export function fetchNames(plan: OutputPlan): string[] {
  const scores = plan.probabilities ?? plan.probabilitiesOrScore ?? plan.score;
  return [scores, scores ? undefined : plan.label, plan.prediction].filter((x): x is string => x !== undefined);
}
