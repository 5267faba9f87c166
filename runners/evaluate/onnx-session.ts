/**
 * Loading an ONNX model into onnxruntime-node. The runtime is imported lazily so that CLI
 * commands which never touch a model (and `--help`) start fast.
 */
import { createHash } from 'node:crypto';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError } from '../../core/errors.js';

export type Ort = typeof import('onnxruntime-node');

let ortPromise: Promise<Ort> | undefined;

export function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as { InferenceSession?: unknown }).InferenceSession ? m : (m as unknown as { default: Ort }).default) as Ort);
  return ortPromise;
}

export interface TensorInfo {
  name: string;
  isTensor: boolean;
  /** onnxruntime's element type (`float32`, `int64`, `string`, ...); empty for non-tensors. */
  type: string;
  /** Declared shape: numbers are fixed sizes, strings symbolic (`N`); empty when undeclared. */
  shape: (number | string)[];
}

export interface LoadedModel {
  /** How the user named it (a path, or `path@ref`), for messages. */
  display: string;
  bytes: Uint8Array;
  sha256: string;
  ort: Ort;
  session: InferenceSession;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

function infos(meta: readonly InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, isTensor: true, type: String(m.type), shape: [...m.shape] } : { name: m.name, isTensor: false, type: '', shape: [] },
  );
}

export const SESSION_OPTIONS: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', logSeverityLevel: 3 };

export async function loadOnnxModel(bytes: Uint8Array, display: string): Promise<LoadedModel> {
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    // logSeverityLevel 3 (errors only): onnxruntime's internal warnings (e.g. "Removing
    // initializer ...", which graph optimisation prints for harmless leftovers) are noise to users;
    // real failures still arrive as exceptions below.
    session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/protobuf parsing failed|Failed to load model/i.test(msg) && /protobuf/i.test(msg)) {
      throw new InputError(`${display} is not an ONNX model (onnxruntime could not parse it)`, {
        location: { file: display },
        fix: 'point model.path or --model at a .onnx file exported from your framework (e.g. skl2onnx, torch.onnx.export, tf2onnx)',
      });
    }
    throw new InputError(`onnxruntime cannot load ${display}: ${msg.split('\n')[0]}`, {
      location: { file: display },
      fix: 'check that the file is a complete ONNX model exported with an opset onnxruntime supports',
    });
  }
  return {
    display,
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ort,
    session,
    inputs: infos(session.inputMetadata),
    outputs: infos(session.outputMetadata),
  };
}

export type Feeds = Record<string, Tensor>;
