/**
 * actions/monitor run as a runner runs it (the committed bundle, `node dist/index.js` with the
 * runner's environment) against the local GitHub, on a copy of examples/churn with churn v1.0.0
 * in production: a shifted live batch opens one issue, a second run updates that issue, a clean
 * batch closes it, a person's issue quoting the marker is never touched; with
 * `open: pull-request` one retrain pull request on a fixed branch is opened, then updated.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitHub } from './github/local-github.js';
import { addGitCommit, gitCommitFiles, monitorGit } from './github/routes.js';
import { runAction } from './github/run-action.js';
import { addShiftedBatch, labelledBatch, makeMonitorRepo, PERFORMANCE_MODEL, predicts } from './monitor-fixture.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tempDir, type Repo } from './registry-fixture.js';
import { monitorMarker } from '../reports/monitor-issue.js';
import { parseHistory } from '../runners/monitor/history.js';

const ACTION = join(__dirname, '..', 'actions', 'monitor', 'action.yml');
const NAME = 'acme/churn';
let gh: LocalGitHub;
const tmp = tempDir();

beforeAll(async () => {
  gh = await LocalGitHub.start();
});
afterAll(async () => {
  await gh.close();
  tmp.cleanup();
});
afterEach(() => {
  expect(gh.takeViolations()).toEqual([]);
});

function monitor(repo: Repo, inputs: Record<string, string> = {}) {
  return runAction({
    action: ACTION,
    // Composite: its JavaScript step, run as the runner runs it.
    script: join(__dirname, '..', 'actions', 'monitor', 'dist', 'index.js'),
    inputs,
    event: { name: 'schedule', payload: { schedule: '17 6 * * *' } },
    repository: NAME,
    sha: repo.git('rev-parse', 'HEAD').trim(),
    ref: 'refs/heads/main',
    token: gh.token,
    apiUrl: gh.apiUrl,
    serverUrl: gh.serverUrl,
    env: { GITHUB_WORKSPACE: repo.dir },
    timeoutMs: 60_000,
  });
}

type IssueRecord = Record<string, unknown> & { number: number; body: string; state: string; user: { login: string } };
const issues = () => [...gh.repo(NAME).issues.values()] as IssueRecord[];

describe('monitor action: one issue per model and environment', () => {
  let repo: Repo;
  let humanNumber = 0;
  let humanBody = '';
  beforeAll(async () => {
    repo = await makeMonitorRepo(join(tmp.path, 'issue'));
  });

  it('a shifted live batch opens one issue with the drift table, the chart and the history', async () => {
    addShiftedBatch(repo);
    const r = await monitor(repo);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.drifted).toBe('true');
    const all = issues();
    expect(all).toHaveLength(1);
    const issue = all[0]!;
    expect(r.outputs['issue-number']).toBe(String(issue.number));
    expect(issue.state).toBe('open');
    expect(issue.title).toBe('Data drift: churn v1.0.0 in production');
    expect(issue.body.split('\n')[0]).toBe(monitorMarker('churn', 'production'));
    expect(issue.body).toContain('| tenure | wasserstein | wasserstein 0\\.653 ≥ 0\\.1 | 🔴 yes |');
    expect(issue.body).toContain('```mermaid\nxychart-beta');
    expect(parseHistory(issue.body).runs.map((x) => x.drifted)).toEqual([true]);
    expect((issue.labels as { name: string }[]).map((l) => l.name)).toEqual(['mlpipeline-drift']);
    expect(r.summary).toContain('The live data drifted: the policy says retrain.');
    expect(gh.requests.map((q) => q.operationId)).toEqual(['users/get-authenticated', 'issues/list-for-repo', 'issues/create']);
  });

  it('a person\'s issue quoting the marker (same label) is left alone by every later run', async () => {
    // Filed by a person: GET /user answers for a user token, and the issue is authored by them.
    const identity = gh.identity;
    gh.identity = { kind: 'user', login: 'mallory' };
    humanBody = `${monitorMarker('churn', 'production')}\nI copied the bot's marker; please do not close my issue.\n`;
    const res = await fetch(`${gh.apiUrl}/repos/${NAME}/issues`, {
      method: 'POST',
      headers: { authorization: `token ${gh.token}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
      body: JSON.stringify({ title: 'Data drift: churn v1.0.0 in production', body: humanBody, labels: ['mlpipeline-drift'] }),
    });
    gh.identity = identity;
    expect(res.status).toBe(201);
    humanNumber = ((await res.json()) as { number: number }).number;
  });

  it('a second run updates the same issue (no second issue) and appends to its history', async () => {
    gh.requests.length = 0;
    addShiftedBatch(repo, 'data/live/2026-12-03.csv');
    const before = issues().find((i) => i.user.login === 'github-actions[bot]')!;
    const r = await monitor(repo);
    expect(r.exitCode).toBe(0);
    expect(r.outputs['issue-number']).toBe(String(before.number));
    expect(gh.requests.map((q) => q.operationId)).toEqual(['users/get-authenticated', 'issues/list-for-repo', 'issues/update']);
    expect(gh.requests[2]!.path).toBe(`/repos/${NAME}/issues/${before.number}`);
    const ours = issues().filter((i) => i.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('data/live/2026-12-03.csv');
    expect(parseHistory(ours[0]!.body).runs).toHaveLength(2);
    expect(ours[0]!.body).toContain('### Drift over the last 2 runs');
    const human = gh.repo(NAME).issues.get(humanNumber) as IssueRecord;
    expect(human.body).toBe(humanBody);
    expect(human.state).toBe('open');
  });

  it('a clean batch closes the issue (the clean run in its history), and the person\'s issue stays open', async () => {
    gh.requests.length = 0;
    rmSync(join(repo.dir, 'data/live/2026-12-02.csv'));
    rmSync(join(repo.dir, 'data/live/2026-12-03.csv'));
    const r = await monitor(repo);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.drifted).toBe('false');
    expect(r.outputs['issue-number']).toBe('');
    const ours = issues().filter((i) => i.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(ours[0]!.state).toBe('closed');
    expect(ours[0]!.state_reason).toBe('completed');
    expect(ours[0]!.body).toContain('No drift: the live data looks like the training data again.');
    expect(parseHistory(ours[0]!.body).runs.map((x) => x.drifted)).toEqual([true, true, false]);
    const human = gh.repo(NAME).issues.get(humanNumber) as IssueRecord;
    expect(human.body).toBe(humanBody);
    expect(human.state).toBe('open');
    // Nothing to do on the next clean run: no issue of ours is open.
    gh.requests.length = 0;
    const again = await monitor(repo);
    expect(again.exitCode).toBe(0);
    expect(gh.requests.map((q) => q.operationId)).toEqual(['users/get-authenticated', 'issues/list-for-repo']);
  });

  it('fails the step with the permission to add when the token cannot write issues', async () => {
    addShiftedBatch(repo, 'data/live/2026-12-04.csv');
    gh.failNext('issues/create', { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' } });
    const r = await monitor(repo);
    expect(r.exitCode).toBe(1);
    const error = r.commands.find((c) => c.command === 'error');
    expect(error?.message).toContain('GitHub refused to open the issue (403 Resource not accessible by integration): the token cannot write issues');
    expect(error?.message).toContain('add `permissions: issues: write` to the job');
    rmSync(join(repo.dir, 'data/live/2026-12-04.csv'));
  });
});

describe('monitor action: open: pull-request', () => {
  let repo: Repo;
  const name = 'acme/churn-pr';
  beforeAll(async () => {
    repo = await makeMonitorRepo(join(tmp.path, 'pr'), {
      edit: (t) => t.replace('  open: issue # or pull-request', '  pull_request:\n    branch: retrain/churn\n    set:\n      data.live_batch: "${live.path}"\n      data.refreshed: "${date}"\n  open: pull-request # or issue'),
    });
    const head = repo.git('rev-parse', 'HEAD').trim();
    addGitCommit(gh.repo(name), head, { 'params.yaml': repo.git('show', 'HEAD:params.yaml'), 'mlpipeline.yaml': repo.git('show', 'HEAD:mlpipeline.yaml') });
    gh.repo(name).refs.set('refs/heads/main', { sha: head, type: 'commit' });
  });

  const run = (inputs: Record<string, string> = {}) =>
    runAction({
      action: ACTION,
      script: join(__dirname, '..', 'actions', 'monitor', 'dist', 'index.js'),
      inputs,
      event: { name: 'schedule', payload: {} },
      repository: name,
      sha: repo.git('rev-parse', 'HEAD').trim(),
      ref: 'refs/heads/main',
      token: gh.token,
      apiUrl: gh.apiUrl,
      serverUrl: gh.serverUrl,
      env: { GITHUB_WORKSPACE: repo.dir },
      timeoutMs: 60_000,
    });

  it('opens one retrain pull request on the fixed branch, then updates it on the next run', async () => {
    const head = repo.git('rev-parse', 'HEAD').trim();
    addShiftedBatch(repo);
    gh.requests.length = 0;
    const first = await run({ 'pr-token': gh.token });
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const state = gh.repo(name);
    const pulls = [...state.pulls.values()];
    expect(pulls).toHaveLength(1);
    expect(first.outputs['pull-request-number']).toBe(String(pulls[0]!.number));
    expect(pulls[0]).toMatchObject({ headRef: 'retrain/churn', baseRef: 'main', state: 'open' });
    const branch1 = state.refs.get('refs/heads/retrain/churn')!.sha;
    const files1 = gitCommitFiles(state, branch1)!;
    expect(files1['params.yaml']).toContain('live_batch: data/live/2026-12-02.csv');
    expect(files1['params.yaml']).toContain('# Parameters read by the stages'); // comments kept
    expect(files1['mlpipeline.yaml']).toBe(repo.git('show', 'HEAD:mlpipeline.yaml'));
    expect(monitorGit(state).commits.get(branch1)!.parents).toEqual([head]);
    expect(monitorGit(state).pullBodies.get(pulls[0]!.number)).toContain(`Drift report: #${first.outputs['issue-number']}`);

    addShiftedBatch(repo, 'data/live/2026-12-03.csv');
    gh.requests.length = 0;
    const second = await run({ 'pr-token': gh.token });
    expect(second.exitCode).toBe(0);
    expect([...state.pulls.values()]).toHaveLength(1);
    expect(second.outputs['pull-request-number']).toBe(first.outputs['pull-request-number']);
    const ops = gh.requests.map((q) => q.operationId);
    expect(ops).toContain('git/update-ref');
    expect(ops).toContain('pulls/update');
    expect(ops).not.toContain('pulls/create');
    const branch2 = state.refs.get('refs/heads/retrain/churn')!.sha;
    expect(branch2).not.toBe(branch1);
    // The branch is the default branch plus one commit, re-made each run (not a pile of commits).
    expect(monitorGit(state).commits.get(branch2)!.parents).toEqual([head]);
    expect(gitCommitFiles(state, branch2)!['params.yaml']).toContain('live_batch: data/live/2026-12-03.csv');
    expect(pulls[0]!.headSha).toBe(branch2);
  });
});

describe('monitor action: performance when labels arrive', () => {
  it('a failed performance gate without drift opens the issue (Performance drop); labels the model gets right close it', async () => {
    const repo = await makeMonitorRepo(join(tmp.path, 'performance'), {
      model: PERFORMANCE_MODEL,
      edit: (t) => t.replace('    min_rows: 100 ', '    gates:\n      - metric: accuracy\n        min: 0.9\n    min_rows: 100 '),
    });
    const before = issues().length;
    mkdirSync(join(repo.dir, 'data', 'labelled'), { recursive: true });
    writeFileSync(join(repo.dir, 'data', 'labelled', '2026-12-02.csv'), labelledBatch((i, c) => (i % 3 === 0 ? 1 - predicts(c) : predicts(c))).text);
    const r = await monitor(repo);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.drifted).toBe('false');
    expect(r.outputs['performance-failed']).toBe('true');
    const opened = issues().slice(before);
    expect(opened).toHaveLength(1);
    const issue = opened[0]!;
    expect(issue.title).toBe('Performance drop: churn v1.0.0 in production');
    expect(issue.state).toBe('open');
    expect(issue.body).toContain('### Performance on labelled live data');
    expect(issue.body).toContain('| accuracy &gt;\\= 0\\.9 |');
    expect(r.outputs['issue-number']).toBe(String(issue.number));

    writeFileSync(join(repo.dir, 'data', 'labelled', '2026-12-03.csv'), labelledBatch((_, c) => predicts(c)).text);
    const fixed = await monitor(repo);
    expect(fixed.stderr).toBe('');
    expect(fixed.outputs['performance-failed']).toBe('false');
    expect(fixed.outputs['issue-number']).toBe('');
    const after = gh.repo(NAME).issues.get(issue.number) as IssueRecord;
    expect(after.state).toBe('closed');
    expect(after.body).toContain('✅ No drift, and the performance gates pass on labelled live data.');
    // The history keeps the headline gate's value per run, and the chart follows it.
    expect(parseHistory(after.body).runs.map((x) => [x.performance?.metric, x.performance?.passed])).toEqual([['accuracy', false], ['accuracy', true]]);
    expect(parseHistory(after.body).runs[1]!.performance!.value).toBe(1);
    expect(after.body).toContain('title "accuracy on labelled live data per run"');
    expect(after.body).toMatch(/\| accuracy 1 ✅ \|\n.*\| accuracy 0\.\d+ ❌ \|/);
  });
});
