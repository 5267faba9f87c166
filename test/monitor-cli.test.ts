/**
 * `mlpipeline monitor` on a copy of examples/churn with churn v1.0.0 in production: text, --json
 * (valid against monitor.schema.json), --md, exit codes 0/1/2, configuration errors with
 * file:line:col and a fix, a reference whose bytes differ from the lineage record, and the drift
 * values equal to `validate-data`'s for the same pair of files, column by column.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDocument } from '../pipeline-schema/documents.js';
import { addShiftedBatch, makeMonitorRepo } from './monitor-fixture.js';
import { tempDir, type Repo } from './registry-fixture.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('mlpipeline monitor', () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeMonitorRepo(join(tmp.path, 'cli'));
  });

  it('a clean batch: text report naming both files, the verified reference, and exit 0', async () => {
    const r = await repo.cli(['monitor']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sha = repo.git('rev-parse', 'HEAD:data/train.csv').trim();
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(r.stdout).toMatch(/^live: data\/live\/2026-12-01\.csv \(400 rows\)\nreference: data\/train\.csv \(training data of churn v1\.0\.0 in production, churn@v1\.0\.0, sha256 [0-9a-f]{12} checked, read from git\) \(4000 rows\)\ndrift: 0 of 8 columns drifted/);
    expect(r.stdout).toContain('  customer_id: skipped (skip: true in validation.drift.columns)\n');
    expect(r.stdout.endsWith('result: no drift\n')).toBe(true);
  });

  it('a shifted batch (the newest by name): exit 1, --json valid against monitor.schema.json, written to .mlpipeline/monitor.json', async () => {
    addShiftedBatch(repo);
    const r = await repo.cli(['monitor', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(validateDocument('monitor', doc)).toEqual([]);
    expect(doc).toMatchObject({ schema: 'mlpipeline/monitor@1', model: 'churn', environment: 'production', retrain: true, open: 'issue' });
    expect(doc.live).toMatchObject({ path: 'data/live/2026-12-02.csv', rows: 400, batches_matched: 2 });
    expect(doc.reference).toMatchObject({ kind: 'registry', path: 'data/train.csv', read_from: 'git', version: 'v1.0.0', tag: 'churn@v1.0.0', dataset: 'train', rows: 4000 });
    expect([...doc.drift.drifted_columns].sort()).toEqual(['contract', 'monthly_charges', 'payment_method', 'support_calls', 'tenure']);
    expect(JSON.parse(readFileSync(join(repo.dir, '.mlpipeline', 'monitor.json'), 'utf8'))).toEqual(doc);
  });

  it('--json drift values equal validate-data\'s for the same pair of files, column by column', async () => {
    const mon = JSON.parse((await repo.cli(['monitor', '--json'])).stdout);
    const val = JSON.parse((await repo.cli(['validate-data', '--data', 'data/live/2026-12-02.csv', '--baseline', 'data/train.csv', '--json'])).stdout);
    expect(Object.keys(mon.drift.columns).length).toBeGreaterThan(0);
    expect(Object.keys(mon.drift.columns)).toEqual(Object.keys(val.drift.columns));
    for (const column of Object.keys(val.drift.columns)) expect(mon.drift.columns[column], column).toEqual(val.drift.columns[column]);
    for (const key of ['drifted', 'share', 'share_threshold', 'severity', 'drifted_columns', 'new_columns', 'vanished_columns', 'skipped_columns'] as const) {
      expect(mon.drift[key], key).toEqual(val.drift[key]);
    }
    expect(mon.drift.baseline.rows).toBe(val.drift.baseline.rows);
  });

  it('--md: the issue report without the marker and the history block', async () => {
    const r = await repo.cli(['monitor', '--md']);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('## Data drift&#58; churn v1\\.0\\.0 in production\n\n**🔴 The live data drifted: the policy says retrain.**\n')).toBe(true);
    expect(r.stdout).toContain('| monthly\\_charges | psi | psi 3\\.1 ≥ 0\\.2 | 🔴 yes |');
    expect(r.stdout).not.toContain('<!--');
    // Nothing wrong: the heading does not claim drift.
    const clean = await repo.cli(['monitor', '--md', '--live', 'data/live/2026-12-01.csv']);
    expect(clean.code).toBe(0);
    expect(clean.stdout.split('\n')[0]).toBe('## Monitor&#58; churn v1\\.0\\.0 in production');
  });

  it('--live picks a batch, --environment another environment (same version: same reference)', async () => {
    const r = await repo.cli(['monitor', '--live', 'data/live/2026-12-01.csv', '--environment', 'staging', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ environment: 'staging', live: { path: 'data/live/2026-12-01.csv', batches_matched: 1 }, retrain: false });
  });

  it('usage and input errors exit 2 with a fix, never a stack trace', async () => {
    const both = await repo.cli(['monitor', '--json', '--md']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either --json or --md');
    const none = await repo.cli(['monitor', '--live', 'data/live/none-*.csv']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no live batch matches data/live/none-*.csv');
    expect(none.stderr).toContain('fix:');
    const outside = await repo.cli(['monitor', '--live', '../elsewhere.csv']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is outside the repository');
    expect(`${none.stderr}${outside.stderr}`).not.toMatch(/\n\s+at /);
  });
});

describe('mlpipeline monitor: bad configuration and untrusted references', () => {
  it('a reference dataset that does not exist: file:line:col, a did-you-mean and a fix, exit 2', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'bad'), { promote: false, edit: (t) => t.replace('    dataset: train\n', '    dataset: trian\n') });
    const r = await repo.cli(['monitor']);
    expect(r.code).toBe(2);
    const line = readFileSync(join(repo.dir, 'mlpipeline.yaml'), 'utf8').split('\n').findIndex((l) => l === '    dataset: trian') + 1;
    expect(r.stderr).toContain(`mlpipeline.yaml:${line}:14: monitoring.reference.dataset names 'trian', which is not under 'data'; did you mean 'train'?`);
    expect(r.stderr).toContain('fix: use one of: raw, train, test');
  });

  it('an unknown key in monitoring: is a schema error with its position', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'bad2'), { promote: false, edit: (t) => t.replace('  open: issue', '  opn: issue') });
    const r = await repo.cli(['monitor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mlpipeline\.yaml:\d+:3: .*opn/);
  });

  it('pull_request without open: pull-request is refused', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'bad3'), { promote: false, edit: (t) => t.replace('  open: issue', '  pull_request: {branch: retrain}') });
    const r = await repo.cli(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("monitoring.pull_request is set, but monitoring.open is not 'pull-request'");
  });

  it('no version in the environment yet: exit 2 with the promote command as the fix', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'unpromoted'), { promote: false });
    const r = await repo.cli(['monitor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no version of churn is in production');
    expect(r.stderr).toContain('mlpipeline promote churn@vX.Y.Z --to production');
  });

  it('training data not committed: the work tree copy is used only while it hashes to the recorded sha256', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'ws'), { promote: false });
    repo.git('rm', '-q', '--cached', 'data/train.csv');
    repo.write('.gitignore', '.mlpipeline/\ndata/train.csv\n');
    repo.commit('train.csv is a stage out, not committed');
    for (const args of [['register', 'churn', '--version', 'v1.0.0'], ['promote', 'churn@v1.0.0', '--to', 'staging'], ['promote', 'churn@v1.0.0', '--to', 'production']]) {
      expect((await repo.cli(args)).code).toBe(0);
    }
    const ok = await repo.cli(['monitor', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).reference.read_from).toBe('workspace');
    // Re-split data: same name, other bytes. Comparing with it would judge the wrong data.
    const train = join(repo.dir, 'data', 'train.csv');
    const original = readFileSync(train);
    writeFileSync(train, readFileSync(train, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
    const bad = await repo.cli(['monitor']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/the training data of churn v1\.0\.0 \(data\/train\.csv, sha256 [0-9a-f]{12}\) is not available: the work tree copy hashes to [0-9a-f]{12}/);
    expect(bad.stderr).toContain('fix: restore it');
    // The stage cache holds outs by content: the object named by the recorded sha256 is the data.
    const sha = JSON.parse(ok.stdout).reference.sha256 as string;
    const object = join(repo.dir, '.mlpipeline', 'cache', 'objects', sha.slice(0, 2), sha.slice(2));
    mkdirSync(join(object, '..'), { recursive: true });
    writeFileSync(object, 'damaged object\n');
    expect((await repo.cli(['monitor'])).code).toBe(2);
    writeFileSync(object, original);
    const cached = await repo.cli(['monitor', '--json']);
    expect(cached.code).toBe(0);
    expect(JSON.parse(cached.stdout).reference).toMatchObject({ read_from: 'cache', sha256: sha });
    expect(JSON.parse(cached.stdout).drift).toEqual(JSON.parse(ok.stdout).drift);
  });

  it('no monitoring: block: exit 2 naming what to add', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'none'), { promote: false, edit: (t) => t.replace(/\nmonitoring:\n(?: {2}.*\n)+/, '\n') });
    const r = await repo.cli(['monitor']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no monitoring: block');
    expect(r.stderr).toContain('docs/monitor.md');
  });
});
