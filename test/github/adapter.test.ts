/**
 * The GitHub adapter (actions/github/) against the local GitHub: every request and response is
 * checked against GitHub's OpenAPI description, and each test ends with no violations.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GitHubAuthError,
  GitHubNotFoundError,
  GitHubPermissionError,
  GitHubServerError,
  GitHubTokenMissingError,
  GitHubValidationError,
  createAnnotatedTag,
  createCheckRun,
  createDeployment,
  createDeploymentStatus,
  createGitHubClient,
  createIssue,
  createOrUpdateComment,
  createRelease,
  findIssues,
  findReleaseByTag,
  getPull,
  listIssueComments,
  listWorkflowRunArtifacts,
  pullsForCommit,
  teamMembership,
  updateCheckRun,
  uploadReleaseAsset,
  whoAmI,
  type CheckAnnotation,
  type GitHubClient,
} from '../../actions/github/index.js';
import { commentMarker, isOurComment } from '../../reports/comment.js';
import { LocalGitHub, faults, sha } from './local-github.js';

const repo = { owner: 'acme', repo: 'churn' };
/** The report's own marker line (reports/comment.ts) decides which comment is ours. */
const marker = commentMarker('churn', 'mlpipeline.yaml');
function sticky(issueNumber: number, text: string, author?: string) {
  return { issueNumber, body: `${marker}\n${text}`, isOurs: (b: string) => isOurComment(b, 'churn', 'mlpipeline.yaml'), ...(author ? { author } : {}) };
}
let gh: LocalGitHub;

/** A client with waits scaled to milliseconds (retry-after: 1 waits 1 ms) and no write spacing. */
function client(server: LocalGitHub = gh, extra: Parameters<typeof createGitHubClient>[0] = {}): GitHubClient {
  return createGitHubClient({ token: server.token, baseUrl: server.apiUrl, retryAfterBaseValue: 1, writeSpacingMs: 0, log: () => undefined, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  gh = await LocalGitHub.start();
});
afterAll(async () => {
  await gh.close();
});
afterEach(() => {
  expect(gh.takeViolations()).toEqual([]);
  gh.requests.length = 0;
});

describe('comments', () => {
  it('lists 120 comments across two pages (per_page=100, Link: rel="next")', async () => {
    const pr = gh.addPull();
    gh.addComments('acme/churn', pr, Array.from({ length: 120 }, (_, i) => ({ body: `comment ${i}` })));
    const comments = await listIssueComments(client(), repo, pr);
    expect(comments).toHaveLength(120);
    expect(comments[0]!.body).toBe('comment 0');
    expect(comments[119]!.body).toBe('comment 119');
    const pages = gh.requestsFor('issues/list-comments');
    expect(pages.map((r) => [r.query.per_page, r.query.page ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
    ]);
  });

  it('refuses a body its own isOurs does not recognise (it would pile up a comment per push)', async () => {
    await expect(createOrUpdateComment(client(), repo, { issueNumber: 1, body: 'no marker', isOurs: (b) => b.startsWith('<!--') })).rejects.toThrow('not recognised by its own isOurs');
    expect(gh.requests).toEqual([]);
  });

  it('creates the sticky comment once, then updates it in place; other comments with the marker are not touched', async () => {
    const pr = gh.addPull();
    // Someone else's comment that starts with the marker line: never ours to edit.
    gh.addComments('acme/churn', pr, [{ body: `${marker}\nforged`, user: 'mallory' }]);
    const first = await createOrUpdateComment(client(), repo, sticky(pr, 'verdict: pass'));
    expect(first.action).toBe('created');
    expect(first.comment.body).toBe(`${marker}\nverdict: pass`);
    expect(first.comment.author).toBe('github-actions[bot]');
    const second = await createOrUpdateComment(client(), repo, sticky(pr, 'verdict: fail'));
    expect(second).toMatchObject({ action: 'updated', comment: { id: first.comment.id } });
    const all = await listIssueComments(client(), repo, pr);
    expect(all.map((c) => [c.author, c.body])).toEqual([
      ['mallory', `${marker}\nforged`],
      ['github-actions[bot]', `${marker}\nverdict: fail`],
    ]);
    // GITHUB_TOKEN is an installation token: GET /user is 403, and the bot is github-actions[bot].
    expect(gh.requestsFor('users/get-authenticated').map((r) => r.status)).toEqual([403, 403]);
  });

  it('a 502 and then success posts the comment exactly once', async () => {
    const pr = gh.addPull();
    gh.failNext('issues/create-comment', faults.badGateway());
    const result = await createOrUpdateComment(client(), repo, sticky(pr, 'hello', 'github-actions[bot]'));
    expect(result.action).toBe('created');
    expect(gh.requestsFor('issues/create-comment').map((r) => r.status)).toEqual([502, 201]);
    // Not retried blindly: the comments are read again between the two POSTs.
    expect(gh.requests.map((r) => r.operationId)).toEqual(['issues/list-comments', 'issues/create-comment', 'issues/list-comments', 'issues/create-comment']);
    expect([...gh.repo('acme/churn').comments.values()].filter((c) => c.issueNumber === pr)).toHaveLength(1);
  });

  it('a 502 for a comment GitHub did write is not posted twice: the comments are read again first', async () => {
    const pr = gh.addPull();
    gh.failNext('issues/create-comment', faults.badGatewayAfterWrite());
    const result = await createOrUpdateComment(client(), repo, sticky(pr, 'once', 'github-actions[bot]'));
    expect(result).toMatchObject({ action: 'created', comment: { body: `${marker}\nonce` } });
    expect(gh.requests.map((r) => `${r.operationId} ${r.status}`)).toEqual(['issues/list-comments 200', 'issues/create-comment 502', 'issues/list-comments 200']);
    expect([...gh.repo('acme/churn').comments.values()].filter((c) => c.issueNumber === pr)).toHaveLength(1);
  });

  it('retries a secondary rate limit (403 with retry-after) and then succeeds', async () => {
    const pr = gh.addPull();
    gh.failNext('issues/create-comment', faults.secondaryRateLimit(1));
    const notices: string[] = [];
    const result = await createOrUpdateComment(client(gh, { log: (m) => notices.push(m) }), repo, sticky(pr, 'x', 'github-actions[bot]'));
    expect(result.action).toBe('created');
    expect(gh.requestsFor('issues/create-comment').map((r) => r.status)).toEqual([403, 201]);
    expect(notices).toEqual([expect.stringMatching(/secondary rate limit on POST .*comments; retrying in 1 s/)]);
  });

  it('gives up on a secondary rate limit that persists, with the rate-limit error', async () => {
    const pr = gh.addPull();
    gh.failNext('issues/create-comment', faults.secondaryRateLimit(1), 3);
    const e = await rejection(createOrUpdateComment(client(), repo, sticky(pr, 'x', 'github-actions[bot]')));
    expect(e).toMatchObject({ code: 'github-rate-limited', status: 403 });
    expect(gh.requestsFor('issues/create-comment')).toHaveLength(3);
  });

  it('does not retry a 403 permission error, and says the fix', async () => {
    const pr = gh.addPull();
    gh.failNext('issues/create-comment', faults.notAccessible());
    const e = await rejection(createOrUpdateComment(client(), repo, sticky(pr, 'x', 'github-actions[bot]')));
    expect(e).toBeInstanceOf(GitHubPermissionError);
    const err = e as GitHubPermissionError;
    expect(gh.requestsFor('issues/create-comment')).toHaveLength(1);
    expect(err.message).toBe('GitHub refused to post the pull request comment (403 Resource not accessible by integration): the token cannot write pull requests');
    expect(err.fix).toMatch(/^add `permissions: pull-requests: write` to the job, or use the fork-safe setup/);
    expect(err.format()).toContain('\n  fix: add `permissions: pull-requests: write`');
    expect(err.exitCode).toBe(2);
  });

  it('gives up on a 502 that persists after 3 retries, with the server error', async () => {
    const pr = gh.addPull();
    gh.failNext('issues/list-comments', faults.badGateway(), 4);
    const e = await rejection(listIssueComments(client(), repo, pr));
    expect(e).toBeInstanceOf(GitHubServerError);
    expect((e as GitHubServerError).message).toBe('GitHub refused to list the pull request comments (502 Server Error), after retries');
    expect((e as GitHubServerError).requestId).toMatch(/^LOCAL:/);
    expect(gh.requestsFor('issues/list-comments')).toHaveLength(4);
  });

  it('a bad token is 401, not retried, with the token fix', async () => {
    const e = await rejection(listIssueComments(client(gh, { token: 'ghs_wrong' }), repo, 1));
    expect(e).toBeInstanceOf(GitHubAuthError);
    expect((e as GitHubAuthError).fix).toContain('`github-token`');
    expect(gh.requests).toHaveLength(1);
  });

  it('a missing pull request is 404, with what it means', async () => {
    const e = await rejection(listIssueComments(client(), repo, 9999));
    expect(e).toBeInstanceOf(GitHubNotFoundError);
    expect((e as Error).message).toContain('the repository or the pull request does not exist, or the token cannot see the repository');
  });

  it('finds the token user with a personal token', async () => {
    gh.identity = { kind: 'user', login: 'octocat' };
    try {
      expect(await whoAmI(client())).toEqual({ login: 'octocat', kind: 'user' });
    } finally {
      gh.identity = { kind: 'installation', login: 'github-actions[bot]' };
    }
    expect(await whoAmI(client())).toEqual({ login: 'github-actions[bot]', kind: 'installation' });
  });
});

describe('check runs', () => {
  const annotations = (n: number): CheckAnnotation[] =>
    Array.from({ length: n }, (_, i) => ({ path: 'data/train.csv', startLine: i + 1, endLine: i + 1, level: 'warning' as const, message: `row ${i + 1}: value out of range` }));

  it('sends 130 annotations in three requests of at most 50', async () => {
    const run = await createCheckRun(client(), repo, {
      name: 'mlpipeline',
      headSha: sha('head'),
      status: 'completed',
      conclusion: 'failure',
      output: { title: '1 gate failed', summary: 'accuracy 0.81 < 0.85', annotations: annotations(130) },
    });
    expect(run.requests).toBe(3);
    const state = gh.repo('acme/churn').checkRuns.get(run.id)!;
    expect(state.batches).toEqual([50, 50, 30]);
    expect(state.annotations.map((a) => a.start_line)).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
    expect(gh.requests.map((r) => r.operationId)).toEqual(['checks/create', 'checks/update', 'checks/update']);
    expect(state.run).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: '1 gate failed', annotations_count: 130 } });
  });

  it('updates a run to completed, batching its annotations too', async () => {
    const run = await createCheckRun(client(), repo, { name: 'mlpipeline', headSha: sha('head2'), status: 'in_progress' });
    const updated = await updateCheckRun(client(), repo, run.id, { conclusion: 'success', output: { title: 'ok', summary: 'all gates passed', annotations: annotations(51) } });
    expect(updated.requests).toBe(2);
    expect(gh.repo('acme/churn').checkRuns.get(run.id)!.batches).toEqual([0, 50, 1]);
  });
});

describe('pulls, teams, issues, artifacts', () => {
  it('reads a pull request, and tells a fork', async () => {
    const own = gh.addPull({ headRef: 'tune-lr' });
    const fork = gh.addPull({ headRepo: 'someone/churn' });
    expect(await getPull(client(), repo, own)).toMatchObject({ number: own, fromFork: false, head: { ref: 'tune-lr', repo: 'acme/churn' }, base: { ref: 'main' } });
    expect(await getPull(client(), repo, fork)).toMatchObject({ number: fork, fromFork: true, head: { repo: 'someone/churn' } });
  });

  it('finds the pull requests of a commit', async () => {
    const commit = sha('shared commit');
    const a = gh.addPull({ commits: [commit] });
    const b = gh.addPull({ commits: [commit] });
    expect((await pullsForCommit(client(), repo, commit)).map((p) => p.number)).toEqual([a, b]);
    expect(await pullsForCommit(client(), repo, sha('no pulls'))).toEqual([]);
  });

  it('reads team membership; 404 is "not a member"; 403 says GITHUB_TOKEN cannot read teams', async () => {
    gh.addTeamMember('acme', 'ml-release', 'alice');
    gh.addTeamMember('acme', 'ml-release', 'bob', 'pending');
    expect(await teamMembership(client(), 'acme', 'ml-release', 'alice')).toBe('active');
    expect(await teamMembership(client(), 'acme', 'ml-release', 'bob')).toBe('pending');
    expect(await teamMembership(client(), 'acme', 'ml-release', 'mallory')).toBeNull();
    gh.failNext('teams/get-membership-for-user-in-org', faults.notAccessible());
    const e = await rejection(teamMembership(client(), 'acme', 'ml-release', 'alice'));
    expect(e).toBeInstanceOf(GitHubPermissionError);
    expect((e as GitHubPermissionError).fix).toContain('GITHUB_TOKEN has no organization permissions');
  });

  it('creates an issue and finds it by label; pull requests and other labels are left out', async () => {
    const made = await createIssue(client(), repo, { title: 'Drift on churn', body: 'PSI 0.4 on tenure', labels: ['mlpipeline', 'drift'] });
    await createIssue(client(), repo, { title: 'Other', body: '', labels: ['mlpipeline'] });
    const found = await findIssues(client(), repo, { labels: ['mlpipeline', 'drift'] });
    expect(found.map((i) => [i.number, i.title, i.labels])).toEqual([[made.number, 'Drift on churn', ['mlpipeline', 'drift']]]);
    expect(gh.requestsFor('issues/list-for-repo')[0]!.query).toMatchObject({ labels: 'mlpipeline,drift', state: 'open' });
  });

  it('a 422 keeps GitHub\'s message and field errors', async () => {
    gh.failNext('issues/create', faults.validationFailed([{ resource: 'Issue', field: 'labels', code: 'invalid' }]));
    const e = await rejection(createIssue(client(), repo, { title: 't', body: 'b' }));
    expect(e).toBeInstanceOf(GitHubValidationError);
    expect((e as Error).message).toBe('GitHub refused to open the issue (422 Validation Failed): Issue.labels invalid');
  });

  it('lists a workflow run\'s artifacts', async () => {
    gh.addArtifacts('acme/churn', 77, [{ name: 'mlpipeline-results', size: 2048 }, { name: 'logs' }]);
    expect((await listWorkflowRunArtifacts(client(), repo, 77)).map((a) => [a.name, a.sizeInBytes])).toEqual([
      ['mlpipeline-results', 2048],
      ['logs', 1024],
    ]);
    expect((await listWorkflowRunArtifacts(client(), repo, 77, 'logs')).map((a) => a.name)).toEqual(['logs']);
  });
});

describe('promotion: tag, release with assets, deployment', () => {
  it('creates an annotated tag, a release with an uploaded asset, and a deployment with a status', async () => {
    const commit = sha('model commit');
    const tag = await createAnnotatedTag(client(), repo, { tag: 'churn@v1.4.0', message: 'register churn v1.4.0', sha: commit });
    expect(tag.ref).toBe('refs/tags/churn@v1.4.0');

    const release = await createRelease(client(), repo, { tag: 'churn@v1.4.0', name: 'churn v1.4.0', body: 'model card' });
    const model = Buffer.from('onnx bytes \u0000\u0001\u0002');
    const asset = await uploadReleaseAsset(client(), release, { name: 'model.onnx', data: model, contentType: 'application/octet-stream' });
    expect(asset).toMatchObject({ name: 'model.onnx', size: model.length });
    expect(gh.repo('acme/churn').assets.get(asset.id)!.data.equals(model)).toBe(true);
    // The upload went to the release's upload_url (the uploads host), not the API path.
    expect(gh.requestsFor('repos/upload-release-asset')[0]!.path).toMatch(/^\/uploads\/repos\/acme\/churn\/releases\/\d+\/assets$/);
    expect((await findReleaseByTag(client(), repo, 'churn@v1.4.0'))!.assets.map((a) => a.name)).toEqual(['model.onnx']);
    expect(await findReleaseByTag(client(), repo, 'churn@v9.9.9')).toBeNull();

    const again = await rejection(createRelease(client(), repo, { tag: 'churn@v1.4.0', name: 'x', body: 'y' }));
    expect((again as Error).message).toContain('Release.tag_name already exists');

    const deployment = await createDeployment(client(), repo, { ref: 'churn@v1.4.0', environment: 'production', payload: { model: 'churn', version: 'v1.4.0' } });
    expect(deployment.sha).toBe(commit);
    const status = await createDeploymentStatus(client(), repo, deployment.id, { state: 'success', logUrl: `${gh.serverUrl}/acme/churn/actions/runs/1` });
    expect(status.state).toBe('success');
  });
});

describe('GitHub Enterprise Server', () => {
  it('works under /api/v3, uploads under /api/uploads', async () => {
    const ghes = await LocalGitHub.start({ ghes: true });
    try {
      expect(ghes.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
      // The base URL from GITHUB_API_URL, as on a runner of a GHES instance.
      const c = createGitHubClient({ token: ghes.token, env: { GITHUB_API_URL: ghes.apiUrl + '/' }, retryAfterBaseValue: 1, writeSpacingMs: 0, log: () => undefined });
      const pr = ghes.addPull({ repo: 'acme/churn' });
      await createOrUpdateComment(c, repo, sticky(pr, 'on GHES'));
      const release = await createRelease(c, repo, { tag: 'v1', name: 'v1', body: '' });
      await uploadReleaseAsset(c, release, { name: 'a.txt', data: Buffer.from('a'), contentType: 'text/plain' });
      expect(ghes.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /api/v3/user 403',
        `GET /api/v3/repos/acme/churn/issues/${pr}/comments 200`,
        `POST /api/v3/repos/acme/churn/issues/${pr}/comments 201`,
        'POST /api/v3/repos/acme/churn/releases 201',
        `POST /api/uploads/repos/acme/churn/releases/${release.id}/assets 201`,
      ]);
      expect(ghes.takeViolations()).toEqual([]);
    } finally {
      await ghes.close();
    }
  });
});

describe('client', () => {
  it('needs a token, and says where to put it', () => {
    expect(() => createGitHubClient({ env: {}, token: '' })).toThrow(GitHubTokenMissingError);
  });

  it('sends the mlpipeline user agent', async () => {
    const pr = gh.addPull();
    await listIssueComments(client(), repo, pr);
    expect(gh.requests[0]!.headers['user-agent']).toMatch(/^mlpipeline\/\d+\.\d+\.\d+ /);
  });
});
