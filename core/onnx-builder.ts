/**
 * A small builder for ONNX models, over the official protobuf definitions (`onnx-proto`).
 * The example's trainer exports its fitted model with it, and tests build model fixtures with
 * it, so no Python toolchain is needed anywhere.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'string' | 'bool';

const ELEM: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  string: onnx.TensorProto.DataType.STRING,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension: a fixed size, or a symbolic name such as `N` for the batch. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: Dim[];
}

/** A sequence-of-maps output, as sklearn-onnx's ZipMap exports class probabilities. */
export interface SequenceOfMapsInfo {
  name: string;
  sequenceOfMaps: { key: 'int64' | 'string'; value: 'float32' };
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  domain?: string;
  name?: string;
  attributes?: Record<string, number | string | number[] | string[] | { floats: number[] } | { ints: number[] }>;
}

export interface InitializerSpec {
  name: string;
  type: ElemType;
  dims: number[];
  values: number[] | string[] | bigint[];
}

export interface ModelSpec {
  inputs: ValueInfo[];
  outputs: (ValueInfo | SequenceOfMapsInfo)[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
  /** Default opset 13 for `ai.onnx`; add `ai.onnx.ml` when using ML ops. */
  opsets?: Record<string, number>;
  graphName?: string;
  producer?: string;
  metadata?: Record<string, string>;
}

function tensorType(type: ElemType, shape: Dim[]) {
  return {
    tensorType: {
      elemType: ELEM[type],
      shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  };
}

function valueInfo(v: ValueInfo | SequenceOfMapsInfo) {
  if ('sequenceOfMaps' in v) {
    return {
      name: v.name,
      type: {
        sequenceType: {
          elemType: {
            mapType: {
              keyType: ELEM[v.sequenceOfMaps.key],
              valueType: { tensorType: { elemType: ELEM[v.sequenceOfMaps.value] } },
            },
          },
        },
      },
    };
  }
  return { name: v.name, type: tensorType(v.type, v.shape) };
}

function attribute(name: string, v: NonNullable<NodeSpec['attributes']>[string]) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  }
  if (typeof v === 'string') return { name, type: T.STRING, s: Buffer.from(v, 'utf8') };
  if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === 'string') {
      return { name, type: T.STRINGS, strings: (v as string[]).map((s) => Buffer.from(s, 'utf8')) };
    }
    return { name, type: T.INTS, ints: v as number[] };
  }
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  return { name, type: T.INTS, ints: v.ints };
}

function initializer(t: InitializerSpec) {
  const base = { name: t.name, dims: t.dims, dataType: ELEM[t.type] };
  switch (t.type) {
    case 'float32':
      return { ...base, floatData: t.values as number[] };
    case 'float64':
      return { ...base, doubleData: t.values as number[] };
    case 'int64':
      return { ...base, int64Data: (t.values as (number | bigint)[]).map((x) => Number(x)) };
    case 'int32':
    case 'bool':
      return { ...base, int32Data: (t.values as number[]).map((x) => Number(x)) };
    case 'string':
      return { ...base, stringData: (t.values as string[]).map((s) => Buffer.from(s, 'utf8')) };
  }
}

/** Encode a model to ONNX protobuf bytes. */
export function buildOnnxModel(spec: ModelSpec): Uint8Array {
  const opsets = spec.opsets ?? { '': 13 };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: spec.producer ?? 'mlpipeline',
    producerVersion: '1',
    opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName ?? 'graph',
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map(initializer),
      node: spec.nodes.map((n, i) => ({
        opType: n.op,
        domain: n.domain ?? '',
        name: n.name ?? `${n.op}_${i}`,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A logistic-regression classifier over an [N, F] float input, exported the way common
 * converters do: `label` (int64 [N]) beside `probabilities` (float [N, 2]).
 * Standardisation (x - mean) / scale is folded into the graph so the model takes raw features.
 */
export function logisticRegressionOnnx(opts: {
  weights: number[];
  bias: number;
  mean?: number[];
  scale?: number[];
  inputName?: string;
  threshold?: number;
  metadata?: Record<string, string>;
  /** The batch dimension: symbolic (default `N`) or a fixed size such as 1 or 32. */
  batch?: number | string;
}): Uint8Array {
  const f = opts.weights.length;
  const mean = opts.mean ?? new Array<number>(f).fill(0);
  const scale = opts.scale ?? new Array<number>(f).fill(1);
  const input = opts.inputName ?? 'input';
  return buildOnnxModel({
    inputs: [{ name: input, type: 'float32', shape: [opts.batch ?? 'N', f] }],
    outputs: [
      { name: 'label', type: 'int64', shape: [opts.batch ?? 'N'] },
      { name: 'probabilities', type: 'float32', shape: [opts.batch ?? 'N', 2] },
    ],
    initializers: [
      { name: 'mean', type: 'float32', dims: [f], values: mean },
      { name: 'scale', type: 'float32', dims: [f], values: scale },
      { name: 'W', type: 'float32', dims: [f, 1], values: opts.weights },
      { name: 'B', type: 'float32', dims: [1], values: [opts.bias] },
      { name: 'one', type: 'float32', dims: [1], values: [1] },
      { name: 'thr', type: 'float32', dims: [1], values: [opts.threshold ?? 0.5] },
      { name: 'axes1', type: 'int64', dims: [1], values: [1] },
    ],
    nodes: [
      { op: 'Sub', inputs: [input, 'mean'], outputs: ['centered'] },
      { op: 'Div', inputs: ['centered', 'scale'], outputs: ['z'] },
      { op: 'MatMul', inputs: ['z', 'W'], outputs: ['zw'] },
      { op: 'Add', inputs: ['zw', 'B'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: ['p1'] },
      { op: 'Sub', inputs: ['one', 'p1'], outputs: ['p0'] },
      { op: 'Concat', inputs: ['p0', 'p1'], outputs: ['probabilities'], attributes: { axis: 1 } },
      { op: 'GreaterOrEqual', inputs: ['p1', 'thr'], outputs: ['is1'] },
      { op: 'Squeeze', inputs: ['is1', 'axes1'], outputs: ['is1_flat'] },
      { op: 'Cast', inputs: ['is1_flat'], outputs: ['label'], attributes: { to: onnx.TensorProto.DataType.INT64 } },
    ],
    metadata: opts.metadata,
  });
}
