/**
 * Registry read speed: a repository with N registry tags (annotated, each with a lineage record
 * like `mlpipeline register`/`promote` write) plus N unrelated annotated tags, built in one
 * `git fast-import` stream. Times `mlpipeline registry --json` and `mlpipeline lineage` against
 * a bare `git for-each-ref` over the same tags with the same fields, in the same run, and prints
 * the ratios (target: within 3x). N = 10,000 (quick: 1,000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { measure, printTable } from './harness.js';
import { FOR_EACH_REF_FORMAT } from '../runners/registry/events.js';
import { formatTagMessage, LINEAGE_SCHEMA, type LineageRecord } from '../runners/registry/lineage-record.js';

const MODELS = 50;
const BASE_TIME = 1_700_000_000;

function record(model: string, action: 'register' | 'assign', version: string, env: string | null, commit: string, t: number): LineageRecord {
  const base = {
    schema: LINEAGE_SCHEMA,
    model,
    version,
    environment: env,
    commit,
    time: new Date(t * 1000).toISOString(),
    actor: { login: 'release-bot', name: 'Release Bot', email: 'bot@example.com', source: 'GITHUB_ACTOR' },
    pr: 1000 + (t % 500),
    ci: null,
  } as const;
  if (action === 'assign') {
    return { ...base, action, replaces: null, rollback_of: null, policy: [{ rule: 'require_gates', ok: true, detail: `${model} ${version} passed its gates (3 gates)` }] };
  }
  return {
    ...base,
    action,
    model_file: { path: 'models/model.onnx', sha256: 'a'.repeat(64), size: 123456, source: 'git' },
    materials: [
      { path: 'data/train.csv', sha256: 'b'.repeat(64), size: 9_000_000, source: 'git', role: 'data', dataset: 'train' },
      { path: 'src/train.py', sha256: 'c'.repeat(64), size: 4000, source: 'git', role: 'dependency' },
    ],
    run: {
      pipeline: 'bench',
      finished_at: base.time,
      ok: true,
      git: { commit, dirty: false },
      stages: [{ name: 'train', status: 'ran', fingerprint: 'f'.repeat(64), deps: { 'data/train.csv': 'b'.repeat(64) }, outs: { 'models/model.onnx': 'a'.repeat(64) }, params: { 'train.lr': 0.01, 'train.epochs': 20 } }],
      params: { 'train.lr': 0.01, 'train.epochs': 20 },
      metrics: { 'metrics.json': { accuracy: 0.91, f1: 0.84, roc_auc: 0.95 } },
    },
    verdict: { passed: true, gates: [{ metric: 'f1', status: 'passed', reason: 'f1 0.84 >= 0.8' }, { metric: 'roc_auc', status: 'passed' }, { metric: 'accuracy', status: 'passed' }] },
  };
}

function git(cwd: string, args: string[], input?: string): string {
  const r = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** One fast-import stream: a commit, then `n` registry tags across MODELS models and `n` unrelated tags. */
export function buildRepo(dir: string, n: number): void {
  git(dir, ['init', '-q', '-b', 'main']);
  const parts: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  parts.push(`commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> ${BASE_TIME} +0000\n${data('initial')}`);
  const commit = git(dir, ['hash-object', '--stdin'], 'placeholder').trim(); // only used inside records
  const perModel = Math.floor(n / MODELS);
  let t = BASE_TIME;
  for (let m = 0; m < MODELS; m++) {
    const model = `model-${m}`;
    let counter = 0;
    for (let i = 0; i < perModel; i++) {
      t += 1;
      if (i % 2 === 0) {
        const version = `v1.${Math.floor(i / 2)}.0`;
        const msg = formatTagMessage(`Register ${model} ${version}`, record(model, 'register', version, null, commit, t));
        parts.push(`tag ${model}@${version}\nfrom :1\ntagger Release Bot <bot@example.com> ${t} +0000\n${data(msg)}`);
      } else {
        const version = `v1.${Math.floor(i / 2)}.0`;
        const env = i % 4 === 1 ? 'staging' : 'production';
        counter += 1;
        const msg = formatTagMessage(`Promote ${model} ${version} to ${env}`, record(model, 'assign', version, env, commit, t));
        parts.push(`tag ${model}#${env}#${counter}\nfrom :1\ntagger Release Bot <bot@example.com> ${t} +0000\n${data(msg)}`);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    parts.push(`tag release-${i}\nfrom :1\ntagger Someone <someone@example.com> ${BASE_TIME + i} +0000\n${data(`Release ${i}\n\nNotes for release ${i}.`)}`);
  }
  git(dir, ['fast-import', '--quiet'], parts.join(''));
  git(dir, ['pack-refs', '--all']);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export default function bench(opts: { quick: boolean }): void {
  const n = opts.quick ? 1000 : 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'mlp-bench-registry-'));
  try {
    const t0 = Date.now();
    buildRepo(dir, n);
    process.stdout.write(`built ${n} registry tags + ${n} unrelated tags in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const cli = join(packageRoot(), 'bin', 'mlpipeline.js');
    const repeats = opts.quick ? 3 : 5;
    const run = (cmd: string, args: string[]) => {
      const times: number[] = [];
      let rss = 0;
      for (let i = 0; i < repeats; i++) {
        const m = measure(cmd, args, { cwd: dir });
        if (m.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${m.stderr}`);
        times.push(m.seconds);
        rss = Math.max(rss, m.maxRssMb);
      }
      return { seconds: median(times), rss };
    };
    const bare = run('git', ['for-each-ref', `--format=${FOR_EACH_REF_FORMAT}`, 'refs/tags']);
    const node = run(process.execPath, ['-e', '']);
    const registry = run(process.execPath, [cli, 'registry', '--json']);
    const lineage = run(process.execPath, [cli, 'lineage', 'model-7#production', '--json']);
    const lineageMd = run(process.execPath, [cli, 'lineage', 'model-7@v1.3.0', '--md']);
    const rows = [
      { name: `git for-each-ref refs/tags (${2 * n} tags, all fields)`, seconds: bare.seconds, 'peak MB': bare.rss, ratio: '1.00' },
      { name: 'node -e "" (startup floor, reference)', seconds: node.seconds, 'peak MB': node.rss, ratio: (node.seconds / bare.seconds).toFixed(2) },
      { name: 'mlpipeline registry --json', seconds: registry.seconds, 'peak MB': registry.rss, ratio: (registry.seconds / bare.seconds).toFixed(2) },
      { name: 'mlpipeline lineage NAME#ENV --json', seconds: lineage.seconds, 'peak MB': lineage.rss, ratio: (lineage.seconds / bare.seconds).toFixed(2) },
      { name: 'mlpipeline lineage NAME@vX.Y.Z --md', seconds: lineageMd.seconds, 'peak MB': lineageMd.rss, ratio: (lineageMd.seconds / bare.seconds).toFixed(2) },
    ];
    printTable(`registry read, ${n} registry + ${n} unrelated tags (median of ${repeats}; target ratio <= 3)`, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
