/**
 * The report action (actions/report/dist/index.js, the committed bundle) run as a runner runs it,
 * against the local GitHub: the sticky comment, the check run with its annotations, the job
 * summary, faults, stale runs, and the fork-safe `workflow_run` mode with poisoned artifacts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commentMarker } from '../../reports/comment.js';
import { buildReportData, type ReportData } from '../../reports/report-data.js';
import type { Pipeline } from '../../pipeline-schema/types.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import { LocalGitHub, faults, sha } from './local-github.js';
import { runAction, type ActionResult } from './run-action.js';
import { makeZip, type ZipEntry } from './zip.js';
import { invalidPipelineInputs } from '../../runners/report/invalid-pipeline.js';

const ACTION = 'actions/report/action.yml';
const REPO = 'acme/churn';
let gh: LocalGitHub;
let work: string;

beforeAll(async () => {
  gh = await LocalGitHub.start();
  work = mkdtempSync(join(tmpdir(), 'mlpipeline-report-action-'));
});
afterAll(async () => {
  await gh.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => {
  expect(gh.takeViolations()).toEqual([]);
  gh.requests.length = 0;
});

const FAILING_GATE = 'f1 >= 0.8';

/** A report.json as `mlpipeline report` writes it: a failed gate, with annotations. */
function reportData(over: Partial<ReportData> & { annotationCount?: number } = {}): ReportData {
  const { annotationCount = 1, ...rest } = over;
  const base = buildReportData({ pipeline: { version: 1, name: 'churn' } as Pipeline, pipeline_file: 'mlpipeline.yaml' });
  const d: ReportData = {
    ...base,
    verdict: { status: 'failed', failing: [FAILING_GATE], warnings: [], reason: null, counts: { passed: 0, failed: 1, skipped: 0, warnings: 0 } },
    gates: [{ name: FAILING_GATE, metric: 'f1', slice: null, kind: 'min', value: 0.7, threshold: 0.8, vs: null, baseline: null, delta: null, status: 'failed', reason: 'f1 0.7 is below 0.8' }],
    annotations: Array.from({ length: annotationCount }, (_, i) => ({
      path: i === 0 ? 'mlpipeline.yaml' : 'data/train.csv',
      start_line: i === 0 ? 12 : i + 1,
      end_line: i === 0 ? 12 : i + 1,
      level: 'failure' as const,
      title: i === 0 ? `gate failed: ${FAILING_GATE}` : 'data check failed: age type',
      message: i === 0 ? 'f1 0.7 is below 0.8' : `column "age": type integer expected (row ${i})`,
    })),
    ...rest,
  };
  expect(validateDocument('report', d)).toEqual([]);
  return d;
}

let dirs = 0;
function resultsDir(files: Record<string, unknown>): string {
  const dir = join(work, `results-${++dirs}`);
  mkdirSync(dir);
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return dir;
}

const ENV = { MLPIPELINE_GITHUB_RETRY_BASE_MS: '1', MLPIPELINE_GITHUB_WRITE_SPACING_MS: '0' };

function sameJob(pull: number, headSha: string, results: string, inputs: Record<string, string> = {}): Promise<ActionResult> {
  return runAction({
    action: ACTION,
    inputs: { results, ...inputs },
    event: { name: 'pull_request', payload: { action: 'synchronize', number: pull, pull_request: { number: pull, head: { sha: headSha } } } },
    sha: sha(`merge ${headSha}`),
    ref: `refs/pull/${pull}/merge`,
    token: gh.token,
    apiUrl: gh.apiUrl,
    serverUrl: gh.serverUrl,
    env: ENV,
  });
}

function workflowRun(runId: number, headSha: string, headRepo = 'someone/churn', headBranch = 'feature', conclusion = 'success'): Promise<ActionResult> {
  return runAction({
    action: ACTION,
    event: {
      name: 'workflow_run',
      payload: {
        action: 'completed',
        // For a fork's pull request GitHub leaves `pull_requests` empty: nothing relies on it.
        workflow_run: { id: runId, head_sha: headSha, head_branch: headBranch, head_repository: { full_name: headRepo }, pull_requests: [], conclusion, event: 'pull_request' },
      },
    },
    token: gh.token,
    apiUrl: gh.apiUrl,
    serverUrl: ARTIFACT_SERVER_URL,
    env: ENV,
  });
}

/**
 * @actions/artifact refuses GHES (any server but github.com, *.ghe.com and *.localhost: GHES has
 * no v4 artifacts); the runner's server URL is only looked at for that, the API is GITHUB_API_URL.
 */
const ARTIFACT_SERVER_URL = 'http://github.localhost';

const commentsOn = (pull: number) => [...gh.repo(REPO).comments.values()].filter((c) => c.issueNumber === pull).map((c) => c.comment);
const checkRunsOn = (headSha: string) => [...gh.repo(REPO).checkRuns.values()].filter((r) => r.run.head_sha === headSha);
const wrote = () => gh.requests.filter((r) => r.method !== 'GET').map((r) => r.operationId);

describe('report action, same job as run', () => {
  it('first push creates the comment and the check run; the second updates the comment and checks the new SHA', async () => {
    const head1 = sha('push 1');
    const pull = gh.addPull({ headSha: head1 });
    const first = await sameJob(pull, head1, resultsDir({ 'report.json': reportData() }));
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout.split('\n')[0]).toBe('mlpipeline report: starting');
    const comments = commentsOn(pull);
    expect(comments).toHaveLength(1);
    expect(String(comments[0]!.body).startsWith(commentMarker('churn', 'mlpipeline.yaml') + '\n')).toBe(true);
    expect(first.outputs).toMatchObject({ 'comment-id': String(comments[0]!.id), skipped: '' });
    const runs1 = checkRunsOn(head1);
    expect(runs1).toHaveLength(1);
    expect(runs1[0]!.run).toMatchObject({ name: 'mlpipeline / churn', conclusion: 'failure', status: 'completed' });
    expect(first.outputs['check-run-id']).toBe(String(runs1[0]!.run.id));
    expect(String((runs1[0]!.run.output as { summary: string }).summary)).toContain('f1');
    expect(runs1[0]!.annotations).toEqual([expect.objectContaining({ path: 'mlpipeline.yaml', start_line: 12, annotation_level: 'failure' })]);
    expect(first.summary).toContain('# mlpipeline report');

    // The next push: the PR's head moves, the verdict passes.
    const head2 = sha('push 2');
    gh.repo(REPO).pulls.get(pull)!.headSha = head2;
    gh.requests.length = 0;
    const passed = reportData({ verdict: { status: 'passed', failing: [], warnings: [], reason: null, counts: { passed: 1, failed: 0, skipped: 0, warnings: 0 } }, gates: [], annotations: [] });
    const second = await sameJob(pull, head2, resultsDir({ 'report.json': passed }));
    expect(second.exitCode).toBe(0);
    expect(commentsOn(pull)).toHaveLength(1);
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
    expect(String(commentsOn(pull)[0]!.body)).toContain('passed');
    expect(wrote()).toEqual(['checks/create', 'issues/update-comment']);
    expect(checkRunsOn(head2)).toEqual([expect.objectContaining({ run: expect.objectContaining({ conclusion: 'success' }) })]);
    expect(checkRunsOn(head1)).toHaveLength(1);
  });

  it('never edits a human comment that quotes the marker', async () => {
    const head = sha('human');
    const pull = gh.addPull({ headSha: head });
    const quoted = `${commentMarker('churn', 'mlpipeline.yaml')}\n> the bot said this failed?`;
    const [human] = gh.addComments(REPO, pull, [{ body: quoted, user: 'octocat' }]);
    const r = await sameJob(pull, head, resultsDir({ 'report.json': reportData() }));
    expect(r.exitCode).toBe(0);
    const comments = commentsOn(pull);
    expect(comments).toHaveLength(2);
    expect(comments.find((c) => c.id === human)!.body).toBe(quoted);
    expect(r.outputs['comment-id']).not.toBe(String(human));
    expect(wrote()).toEqual(['checks/create', 'issues/create-comment']);
  });

  it('finds its comment among 120 (two pages) and updates it', async () => {
    const head = sha('busy');
    const pull = gh.addPull({ headSha: head });
    const marker = commentMarker('churn', 'mlpipeline.yaml');
    const seeded = gh.addComments(
      REPO,
      pull,
      Array.from({ length: 120 }, (_, i) => (i === 109 ? { body: `${marker}\nold report`, user: 'github-actions[bot]' } : { body: `comment ${i}` })),
    );
    const r = await sameJob(pull, head, resultsDir({ 'report.json': reportData() }));
    expect(r.exitCode).toBe(0);
    expect(r.outputs['comment-id']).toBe(String(seeded[109]));
    expect(commentsOn(pull)).toHaveLength(120);
    expect(gh.requestsFor('issues/list-comments').map((q) => q.query.page ?? '1')).toEqual(['1', '2']);
    expect(wrote()).toEqual(['checks/create', 'issues/update-comment']);
  });

  it('a GitHub App token (GET /user is 403, it writes as <app>[bot]) updates its comment without bot-login', async () => {
    gh.identity = { kind: 'installation', login: 'mlpipeline-app[bot]' };
    try {
      const head = sha('app token');
      const pull = gh.addPull({ headSha: head });
      const first = await sameJob(pull, head, resultsDir({ 'report.json': reportData() }));
      expect(first.exitCode).toBe(0);
      const second = await sameJob(pull, head, resultsDir({ 'report.json': reportData() }));
      expect(second.exitCode).toBe(0);
      expect(commentsOn(pull)).toHaveLength(1);
      expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
      expect(commentsOn(pull)[0]!.user).toMatchObject({ login: 'mlpipeline-app[bot]' });
    } finally {
      gh.identity = { kind: 'installation', login: 'github-actions[bot]' };
    }
  });

  it('a 502 on the comment, then success, posts exactly once (also when the 502 came after the write)', async () => {
    for (const fault of [faults.badGateway(), faults.badGatewayAfterWrite()]) {
      const head = sha(`502 ${fault.landed ? 'landed' : 'lost'}`);
      const pull = gh.addPull({ headSha: head });
      gh.failNext('issues/create-comment', fault);
      const r = await sameJob(pull, head, resultsDir({ 'report.json': reportData() }));
      expect(r.exitCode).toBe(0);
      expect(commentsOn(pull)).toHaveLength(1);
      expect(r.outputs['comment-id']).toBe(String(commentsOn(pull)[0]!.id));
      expect(gh.requestsFor('issues/create-comment').map((q) => q.status)).toEqual(fault.landed ? [502] : [502, 201]);
      gh.requests.length = 0;
    }
  });

  it('a 403 on the comment says which permission to add, and fails the step', async () => {
    const head = sha('403');
    const pull = gh.addPull({ headSha: head });
    gh.failNext('issues/create-comment', faults.notAccessible());
    const r = await sameJob(pull, head, resultsDir({ 'report.json': reportData() }));
    expect(r.exitCode).toBe(1);
    const error = r.commands.find((c) => c.command === 'error')!;
    expect(error.message).toContain('the token cannot write pull requests');
    expect(error.message).toContain('fix: add `permissions: pull-requests: write` to the job');
    expect(error.message).not.toMatch(/\n\s+at /); // no stack trace
    expect(commentsOn(pull)).toHaveLength(0);
  });

  it('sends 130 annotations in three requests (50, 50, 30)', async () => {
    const head = sha('130');
    const pull = gh.addPull({ headSha: head });
    const r = await sameJob(pull, head, resultsDir({ 'report.json': reportData({ annotationCount: 130 }) }));
    expect(r.exitCode).toBe(0);
    const [run] = checkRunsOn(head);
    expect(run!.batches).toEqual([50, 50, 30]);
    expect(run!.annotations).toHaveLength(130);
    expect(wrote()).toEqual(['checks/create', 'checks/update', 'checks/update', 'issues/create-comment']);
  });

  it('an invalid mlpipeline.yaml: a failed check run with the problems on its lines', async () => {
    const head = sha('invalid');
    const pull = gh.addPull({ headSha: head });
    const inputs = invalidPipelineInputs({
      file: join(work, 'mlpipeline.yaml'),
      shown: 'mlpipeline.yaml',
      root: work,
      text: 'version: 1\nname: churn\ngatez: []\n',
      problems: [{ message: "unknown key 'gatez'; did you mean 'gates'?", location: { file: 'mlpipeline.yaml', line: 3, column: 1 }, fix: 'rename it to gates' }],
    });
    const r = await sameJob(pull, head, resultsDir({ 'report.json': buildReportData(inputs) }));
    expect(r.exitCode).toBe(0);
    const [run] = checkRunsOn(head);
    expect(run!.run).toMatchObject({ name: 'mlpipeline / churn', conclusion: 'failure', output: expect.objectContaining({ title: 'not gated, 1 problem in mlpipeline.yaml' }) });
    expect(run!.annotations).toEqual([
      { path: 'mlpipeline.yaml', start_line: 3, end_line: 3, start_column: 1, end_column: 1, annotation_level: 'failure', title: 'mlpipeline.yaml is invalid', message: "unknown key 'gatez'; did you mean 'gates'? (fix: rename it to gates)" },
    ]);
    expect(String(commentsOn(pull)[0]!.body)).toContain('is invalid, so nothing ran');
  });

  it('an older run finishing after a newer push changes nothing', async () => {
    const older = sha('older');
    const newer = sha('newer');
    const pull = gh.addPull({ headSha: newer });
    const r = await sameJob(pull, older, resultsDir({ 'report.json': reportData() }));
    expect(r.exitCode).toBe(0);
    expect(r.outputs.skipped).toMatch(new RegExp(`pull request #${pull} is now at ${newer.slice(0, 12)}.*${older.slice(0, 12)}, an older push`));
    expect(wrote()).toEqual([]);
    expect(commentsOn(pull)).toHaveLength(0);
    expect(checkRunsOn(older)).toHaveLength(0);
    expect(r.summary).toBe('');
  });

  it('a data-check example nested 200,000 deep (valid: a JSONL value may be any JSON) is shown cut, not a crash', async () => {
    const head = sha('deep');
    const pull = gh.addPull({ headSha: head });
    const checks = { data: 'data/train.jsonl', total: 1, passed: 0, failed: [{ column: 'age', check: 'type', severity: 'error' as const, expected: 'integer', failed_count: 1, failed_fraction: 1, examples: [{ row: 1, line: 2, value: 'DEEP' }] }] };
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const text = JSON.stringify(reportData({ checks })).replace('"DEEP"', deep);
    const r = await sameJob(pull, head, resultsDir({ 'report.json': text }));
    expect(r.stderr + r.stdout).not.toContain('Maximum call stack');
    expect(r.exitCode).toBe(0);
    const body = String(commentsOn(pull)[0]!.body);
    expect(body).toContain('`[[[[');
    expect(body.length).toBeLessThan(65_536);
  });

  it('refuses a results directory with anything but the documents (a symbolic link, an extra file)', async () => {
    const head = sha('extra');
    const pull = gh.addPull({ headSha: head });
    const linked = resultsDir({ 'report.json': reportData() });
    symlinkSync(join(linked, 'report.json'), join(linked, 'verdict.json'));
    const extra = resultsDir({ 'report.json': reportData(), 'comment.md': '# posted as is?' });
    for (const [dir, why] of [
      [linked, 'verdict.json is a symbolic link'],
      [extra, '"comment.md" is not a results document'],
    ] as const) {
      const r = await sameJob(pull, head, dir);
      expect(r.exitCode).toBe(1);
      expect(r.commands.find((c) => c.command === 'error')!.message).toContain(why);
      expect(r.commands.find((c) => c.command === 'error')!.message).toContain('nothing was posted');
    }
    expect(gh.requests).toEqual([]);
  });
});

describe('report action, fork-safe workflow_run mode', () => {
  let runs = 9000;
  function forkPull(label: string): { pull: number; head: string; runId: number } {
    const head = sha(`fork ${label}`);
    const pull = gh.addPull({ headSha: head, headRepo: 'someone/churn', headRef: 'feature' });
    return { pull, head, runId: ++runs };
  }
  const zipOf = (entries: ZipEntry[]) => makeZip(entries);

  it('downloads the triggering run\'s artifact, finds the fork\'s pull request by head SHA, and posts', async () => {
    const { pull, head, runId } = forkPull('ok');
    const report = reportData({ pull_request: { number: pull, head_sha: head } });
    gh.addArtifactZip(REPO, runId, 'mlpipeline-results', zipOf([{ name: 'report.json', data: JSON.stringify(report), deflate: true }]));
    const r = await workflowRun(runId, head);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(commentsOn(pull)).toHaveLength(1);
    expect(checkRunsOn(head)).toEqual([expect.objectContaining({ run: expect.objectContaining({ name: 'mlpipeline / churn', conclusion: 'failure' }) })]);
    expect(gh.requestsFor('actions/download-artifact')).toHaveLength(1);
    expect(gh.requestsFor('pulls/list')).toHaveLength(1);
    // Not by anything inside the artifact, and not through the commit endpoint (needs contents: read).
    expect(gh.requestsFor('repos/list-pull-requests-associated-with-commit')).toEqual([]);
  });

  it('an older run of the fork after a newer push changes nothing', async () => {
    const { pull, head, runId } = forkPull('stale');
    const newer = sha('fork stale newer');
    gh.repo(REPO).pulls.get(pull)!.headSha = newer;
    gh.addArtifactZip(REPO, runId, 'mlpipeline-results', zipOf([{ name: 'report.json', data: JSON.stringify(reportData()) }]));
    const r = await workflowRun(runId, head);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.skipped).toContain(`pull request #${pull} is now at ${newer.slice(0, 12)}`);
    expect(wrote()).toEqual([]);
  });

  it('never posts a fork\'s results on another repository\'s pull request that has the same head commit', async () => {
    // The fork pushed the victim's head commit, opened a pull request (its workflow ran), then closed it.
    const head = sha('shared head');
    const victim = gh.addPull({ headSha: head, headRef: 'victim-branch' });
    const runId = ++runs;
    gh.addArtifactZip(REPO, runId, 'mlpipeline-results', zipOf([{ name: 'report.json', data: JSON.stringify(reportData({ verdict: { status: 'passed', failing: [], warnings: [], reason: null, counts: { passed: 1, failed: 0, skipped: 0, warnings: 0 } }, gates: [], annotations: [] })) }]));
    const r = await workflowRun(runId, head, 'mallory/churn', 'closed-pr');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.skipped).toBe(`no open pull request from mallory/churn has head ${head.slice(0, 12)}`);
    expect(wrote()).toEqual([]);
    expect(commentsOn(victim)).toHaveLength(0);
  });

  it('on GitHub Enterprise Server (no v4 artifacts) says to report in the same job, not to check the artifact name', async () => {
    const { pull, head, runId } = forkPull('ghes');
    const r = await runAction({
      action: ACTION,
      event: { name: 'workflow_run', payload: { action: 'completed', workflow_run: { id: runId, head_sha: head, head_branch: 'feature', head_repository: { full_name: 'someone/churn' }, pull_requests: [], conclusion: 'success', event: 'pull_request' } } },
      token: gh.token,
      apiUrl: gh.apiUrl,
      serverUrl: 'https://ghes.example.com',
      env: ENV,
    });
    expect(r.exitCode).toBe(1);
    const error = r.commands.find((c) => c.command === 'error')!.message;
    expect(error).toContain('GitHub Enterprise Server');
    expect(error).toContain('fix: report in the same job as `run`');
    expect(error).not.toMatch(/\n\s+at /);
    expect(commentsOn(pull)).toHaveLength(0);
  });

  it('a cancelled run changes nothing and downloads nothing (it may have uploaded no artifact)', async () => {
    const { pull, head, runId } = forkPull('cancelled');
    const r = await workflowRun(runId, head, 'someone/churn', 'feature', 'cancelled');
    expect(r.exitCode).toBe(0);
    expect(r.outputs.skipped).toBe(`workflow run ${runId} was cancelled: it has no results to post`);
    expect(gh.requestsFor('actions/download-artifact')).toEqual([]);
    expect(wrote()).toEqual([]);
    expect(commentsOn(pull)).toHaveLength(0);
  });

  it('an older run whose artifact is gone (or never uploaded) still changes nothing, without downloading', async () => {
    const { pull, head, runId } = forkPull('stale no artifact');
    gh.repo(REPO).pulls.get(pull)!.headSha = sha('fork stale no artifact newer');
    const r = await workflowRun(runId, head);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.skipped).toContain(`pull request #${pull} is now at`);
    expect(gh.requestsFor('actions/list-workflow-run-artifacts')).toEqual([]);
    expect(wrote()).toEqual([]);
  });

  const poisoned: { label: string; entries: (pull: number, head: string) => ZipEntry[]; why: string }[] = [
    {
      label: 'a document that fails its schema',
      entries: () => [{ name: 'report.json', data: JSON.stringify({ ...reportData(), comment_markdown: '<img src=x>' }) }],
      why: "report.json does not match its JSON Schema: / must NOT have additional properties",
    },
    {
      label: 'an annotation path outside the repository',
      entries: () => [{ name: 'report.json', data: JSON.stringify({ ...reportData(), annotations: [{ path: '../../etc/passwd', start_line: 1, end_line: 1, level: 'failure', title: 't', message: 'm' }] }) }],
      why: 'report.json does not match its JSON Schema: /annotations/0/path must match pattern',
    },
    {
      // Its marker alone would be longer than GitHub's 65,536 characters: the comment could never fit.
      label: 'a pipeline name the pipeline schema refuses (70,000 characters)',
      entries: () => [{ name: 'report.json', data: JSON.stringify({ ...reportData(), pipeline: { name: 'x'.repeat(70_000), model: null, task: null } }) }],
      why: 'report.json does not match its JSON Schema: /pipeline/name must NOT have more than 100 characters',
    },
    {
      label: 'an empty pipeline name',
      entries: () => [{ name: 'report.json', data: JSON.stringify({ ...reportData(), pipeline: { name: '', model: null, task: null } }) }],
      why: 'report.json does not match its JSON Schema: /pipeline/name must NOT have fewer than 1 characters',
    },
    {
      label: 'a pipeline file outside the repository',
      entries: () => [{ name: 'report.json', data: JSON.stringify({ ...reportData(), pipeline_file: '../other/mlpipeline.yaml' }) }],
      why: 'report.json does not match its JSON Schema: /pipeline_file must match pattern',
    },
    {
      label: 'a path traversal in the archive',
      entries: () => [{ name: 'report.json', data: JSON.stringify(reportData()) }, { name: '../escaped.json', data: '{}' }],
      why: 'the archive entry "../escaped.json" is a path traversal',
    },
    {
      // On a case-insensitive file system (a macOS runner) the second would overwrite or clash with the first.
      label: 'two entries whose names differ only in case',
      entries: () => [{ name: 'report.json', data: JSON.stringify(reportData()) }, { name: 'REPORT.JSON', data: '{}' }],
      why: 'the archive has "REPORT.JSON" twice (names that differ only in case or Unicode normalisation are one file on some runners)',
    },
    {
      label: 'an entry name longer than the file system allows (was a stack trace)',
      entries: () => [{ name: 'report.json', data: JSON.stringify(reportData()) }, { name: `${'a'.repeat(300)}.json`, data: '{}' }],
      why: `the archive entry "${'a'.repeat(300)}.json" cannot be written (ENAMETOOLONG)`,
    },
    {
      label: 'a symbolic link in the archive',
      entries: () => [{ name: 'report.json', data: '/etc/passwd', mode: 0o120777 }],
      why: 'the archive entry "report.json" is a symbolic link',
    },
    {
      label: 'a file that is not a results document',
      entries: () => [{ name: 'report.json', data: JSON.stringify(reportData()) }, { name: 'comment.md', data: '@everyone' }],
      why: '"comment.md" is not a results document',
    },
    {
      label: 'a pull request number that is not the run\'s',
      entries: (_pull, head) => [{ name: 'report.json', data: JSON.stringify(reportData({ pull_request: { number: 4242, head_sha: head } })) }],
      why: 'report.json names pull request #4242',
    },
    {
      label: 'a head commit that is not the run\'s',
      entries: (pull) => [{ name: 'report.json', data: JSON.stringify(reportData({ pull_request: { number: pull, head_sha: sha('another commit') } })) }],
      why: `report.json is for head ${sha('another commit').slice(0, 12)}`,
    },
  ];

  for (const p of poisoned) {
    it(`posts nothing and says why for ${p.label}`, async () => {
      const { pull, head, runId } = forkPull(p.label);
      gh.addArtifactZip(REPO, runId, 'mlpipeline-results', zipOf(p.entries(pull, head)));
      const temp = mkdtempSync(join(work, 'runner-temp-'));
      const r = await runActionIn(temp, runId, head);
      expect(r.exitCode).toBe(1);
      const error = r.commands.find((c) => c.command === 'error')!.message;
      expect(error).toContain('refusing the results');
      expect(error).toContain(p.why);
      expect(error).toContain('nothing was posted');
      expect(wrote()).toEqual([]);
      expect(commentsOn(pull)).toHaveLength(0);
      expect(r.summary).toBe('');
      // Nothing landed beside the extraction folder.
      expect(existsSync(join(temp, 'escaped.json'))).toBe(false);
      expect(readdirSync(temp).filter((f) => !f.startsWith('mlpipeline-report-'))).toEqual([]);
    });
  }

  /** workflowRun with RUNNER_TEMP pointing at `temp`, to look at what the step left there. */
  function runActionIn(temp: string, runId: number, head: string): Promise<ActionResult> {
    return runAction({
      action: ACTION,
      event: { name: 'workflow_run', payload: { workflow_run: { id: runId, head_sha: head, head_branch: 'feature', head_repository: { full_name: 'someone/churn' }, pull_requests: [] } } },
      token: gh.token,
      apiUrl: gh.apiUrl,
      serverUrl: ARTIFACT_SERVER_URL,
      env: { ...ENV, RUNNER_TEMP: temp },
    });
  }
});
