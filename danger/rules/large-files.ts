/**
 * Rule `largeFiles`: a model binary, or any file over the size limit, added or modified in Git.
 * Models and big data belong in the stage cache and, once registered, in Release assets
 * (docs/what-to-commit.md): in Git they bloat every clone forever.
 */
import { codeSpan } from '../../reports/markdown.js';
import type { Finding } from '../findings.js';
import { humanSize } from '../size.js';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const MODEL_EXTENSIONS = ['.onnx', '.pt', '.pth', '.pkl', '.pickle', '.joblib', '.h5', '.keras', '.safetensors', '.ckpt', '.pb', '.tflite'];

export interface LargeFilesInput {
  /** Files the PR adds or modifies (repository-relative), with their size in the work tree (null: not there, e.g. an unfetched LFS object). */
  files: { path: string; size: number | null }[];
  maxBytes: number;
  modelExtensions: string[];
}

export function largeFiles(input: LargeFilesInput): Finding[] {
  const findings: Finding[] = [];
  const exts = input.modelExtensions.map((e) => e.toLowerCase());
  const fix = 'keep models and large data out of Git: declare them as stage outs (the stage cache restores them in CI) or ship them as Release assets; see docs/what-to-commit.md';
  for (const { path, size } of input.files) {
    if (size === null) continue;
    const lower = path.toLowerCase();
    const model = exts.some((e) => lower.endsWith(e));
    if (!model && size < input.maxBytes) continue;
    const what = model ? 'a model binary' : `a large file (over the ${humanSize(input.maxBytes)} limit)`;
    findings.push({ rule: 'largeFiles', level: 'warn', text: `${codeSpan(path)} is ${what} committed to Git: ${humanSize(size)}. Fix: ${fix}.` });
  }
  return findings;
}
