/**
 * What `validate-data` reads when mlpipeline.yaml decides: the dataset `validation.data` names
 * (or the only one, or `train`), as a data source located at its `path:` line, and the drift
 * baseline `validation.drift.baseline` declares. Shared by the CLI and the run action.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { escapePointerToken } from '../../pipeline-schema/problems.js';
import type { DatasetSpec, LoadedPipeline } from '../../pipeline-schema/types.js';
import type { DataSource } from './source.js';
import type { BaselineChoice } from './validate.js';

export function pickDataset(loaded: LoadedPipeline): { name: string; spec: DatasetSpec } {
  const data = loaded.pipeline.data ?? {};
  const names = Object.keys(data);
  const wanted = loaded.pipeline.validation?.data ?? (names.length === 1 ? names[0] : data.train ? 'train' : undefined);
  if (!wanted || !data[wanted]) {
    throw new ConfigError([
      {
        message: wanted
          ? `validation.data names '${wanted}', which is not under data:`
          : 'no dataset to validate: declare one under data: (or name it with validation.data)',
        location: { file: loaded.file, ...(loaded.locate('/validation/data') ?? {}) },
        fix: names.length ? `use one of: ${names.join(', ')}` : 'add data: {train: {path: data/train.csv}}',
      },
    ]);
  }
  return { name: wanted, spec: data[wanted]! };
}

/** The picked dataset as a source; a missing file is reported at its `path:` in mlpipeline.yaml. */
export function pipelineDataSource(loaded: LoadedPipeline, picked: { name: string; spec: DatasetSpec }, overrides: { format?: DataSource['format']; delimiter?: string } = {}): DataSource {
  const ds = picked.spec;
  const at = loaded.locate(`/data/${escapePointerToken(picked.name)}/path`);
  return {
    path: ds.path,
    cwd: loaded.dir,
    format: overrides.format ?? ds.format,
    delimiter: overrides.delimiter ?? ds.delimiter,
    ...(at ? { declaredAt: { file: loaded.displayFile ?? loaded.file, line: at.line, column: at.column } } : {}),
  };
}

/**
 * `validation.drift.baseline` as a choice. `baseRef` (in a pull request: `origin/<base>`)
 * replaces a `ref:` that names the base branch by its bare name (`main`), which a CI checkout
 * has only as the fetched remote-tracking ref.
 */
export function configuredBaseline(loaded: LoadedPipeline, opts: { baseRef?: string; baseBranch?: string } = {}): BaselineChoice | undefined {
  const b = loaded.pipeline.validation?.drift?.baseline;
  if (!b) return undefined;
  if (b.profile) return { profile: resolve(loaded.dir, b.profile), label: b.profile };
  if (b.path) return { path: resolve(loaded.dir, b.path), label: b.path };
  if (b.ref) return { ref: opts.baseRef && opts.baseBranch && b.ref === opts.baseBranch ? opts.baseRef : b.ref };
  return undefined;
}
