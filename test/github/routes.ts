/**
 * The local GitHub's route table: one handler per operationId of GitHub's REST API, over
 * in-memory state. Routing and the OpenAPI checks of request and response are done once, for
 * every route, by local-github.ts; a handler only reads its typed-enough request and answers.
 * Adding an endpoint is one entry here (its responses are built with `gh.openapi.sample`, so
 * only the fields that mean something are written out).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GitHubOpenApi } from './openapi.js';

export interface GitHubRequest {
  operationId: string;
  method: string;
  /** The path without the API (or uploads) prefix, e.g. `/repos/acme/churn/pulls/7`. */
  path: string;
  /** Path parameters, decoded (`{ref}` may hold `tags/v1`). */
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** Parsed JSON, or the raw bytes (a Buffer) for an upload; undefined when there was no body. */
  body: unknown;
}

export interface GitHubResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Identity = { kind: 'installation'; login: string } | { kind: 'user'; login: string };

/** What a handler may use of the server (LocalGitHub implements it). */
export interface ServerContext {
  readonly openapi: GitHubOpenApi;
  readonly apiUrl: string;
  readonly uploadsUrl: string;
  readonly serverUrl: string;
  readonly identity: Identity;
  readonly teams: Map<string, Map<string, { state: 'active' | 'pending'; role: 'member' | 'maintainer' }>>;
  nextId(): number;
  repo(fullName: string): RepoState;
  user(login: string): Record<string, unknown>;
  page(req: GitHubRequest, items: unknown[]): { body: unknown[]; headers: Record<string, string> };
  createComment(fullName: string, issueNumber: number, body: string, login: string): Record<string, unknown>;
  /** Serves `data` at a blob URL on this server (outside the API, no token: a signed storage URL). */
  blobUrl(data: Buffer, fileName: string): string;
}

export type Handler = (req: GitHubRequest, gh: ServerContext) => GitHubResponse;

export interface PullState {
  number: number;
  title: string;
  state: 'open' | 'closed';
  user: string;
  headSha: string;
  headRef: string;
  headRepo: string;
  baseSha: string;
  baseRef: string;
}

export interface CheckRunState {
  run: Record<string, unknown>;
  /** Every annotation sent, in order (GitHub appends each request's to the run's). */
  annotations: Record<string, unknown>[];
  /** How many annotations each create/update request carried. */
  batches: number[];
}

/** One repository's state. Tests read it to assert what GitHub would now hold. */
export interface RepoState {
  nextNumber: number;
  pulls: Map<number, PullState>;
  issues: Map<number, Record<string, unknown>>;
  comments: Map<number, { issueNumber: number; comment: Record<string, unknown> }>;
  /** sha -> pull numbers, for GET /commits/{sha}/pulls. */
  commitPulls: Map<string, number[]>;
  checkRuns: Map<number, CheckRunState>;
  releases: Map<number, Record<string, unknown>>;
  assets: Map<number, { releaseId: number; asset: Record<string, unknown>; data: Buffer }>;
  deployments: Map<number, Record<string, unknown>>;
  deploymentStatuses: Map<number, Record<string, unknown>[]>;
  /** Full ref name (`refs/tags/v1`) -> the object it points at. */
  refs: Map<string, { sha: string; type: string }>;
  /** Annotated tag objects by their sha. */
  tags: Map<string, Record<string, unknown>>;
  /** Workflow run id -> its artifacts. */
  artifacts: Map<number, Record<string, unknown>[]>;
  /** Artifact id -> its zip, served by `actions/download-artifact` (a redirect to a blob URL). */
  artifactZips: Map<number, Buffer>;
  /**
   * A real (bare) Git repository standing in for the repository's Git storage, for tests whose
   * action pushes with `git push`: a branch not in `refs` is read from it (see branchSha).
   */
  gitDir?: string;
}

export function newRepoState(): RepoState {
  return {
    nextNumber: 1,
    pulls: new Map(),
    issues: new Map(),
    comments: new Map(),
    commitPulls: new Map(),
    checkRuns: new Map(),
    releases: new Map(),
    assets: new Map(),
    deployments: new Map(),
    deploymentStatuses: new Map(),
    refs: new Map(),
    tags: new Map(),
    artifacts: new Map(),
    artifactZips: new Map(),
  };
}

const DOCS = 'https://docs.github.com/rest';
/** Where release asset bytes are served (GitHub's storage host, here a path outside the API): `/_storage/<owner>/<repo>/<asset id>`. */
export const STORAGE_PREFIX = '/_storage/';
type Body = Record<string, unknown>;

const notFound = (): GitHubResponse => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });
const invalid = (message: string, errors: Body[] = []): GitHubResponse => ({
  status: 422,
  body: { message, errors, documentation_url: DOCS, status: '422' },
});
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const fullName = (req: GitHubRequest) => `${req.params.owner}/${req.params.repo}`;
const body = (req: GitHubRequest) => (req.body ?? {}) as Body;
/** The login the token authenticates as: comments, releases, ... are authored by it. */
const actor = (gh: ServerContext) => gh.identity.login;

function repository(gh: ServerContext, name: string): Record<string, unknown> {
  const [owner = name, repo = name] = name.split('/');
  return gh.openapi.sample('repository', {
    id: gh.nextId(),
    node_id: `R_${name}`,
    name: repo,
    full_name: name,
    owner: gh.user(owner),
    private: false,
    html_url: `${gh.serverUrl}/${name}`,
    url: `${gh.apiUrl}/repos/${name}`,
    default_branch: 'main',
  });
}

function pullJson(gh: ServerContext, name: string, p: PullState, schema: 'pull-request' | 'pull-request-simple'): Record<string, unknown> {
  const url = `${gh.apiUrl}/repos/${name}/pulls/${p.number}`;
  const side = (ref: string, sha: string, repo: string) => ({
    label: `${repo.split('/')[0]}:${ref}`,
    ref,
    sha,
    repo: { ...repository(gh, repo), fork: repo !== name },
    user: gh.user(repo.split('/')[0] ?? repo),
  });
  return gh.openapi.sample(schema, {
    id: p.number + 500_000,
    node_id: `PR_${name}_${p.number}`,
    number: p.number,
    title: p.title,
    state: p.state,
    user: gh.user(p.user),
    url,
    html_url: `${gh.serverUrl}/${name}/pull/${p.number}`,
    issue_url: `${gh.apiUrl}/repos/${name}/issues/${p.number}`,
    head: side(p.headRef, p.headSha, p.headRepo),
    base: side(p.baseRef, p.baseSha, name),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  });
}

function checkRunJson(gh: ServerContext, name: string, id: number, b: Body, previous?: Record<string, unknown>): Record<string, unknown> {
  const output = (b.output ?? {}) as Body;
  const prevOutput = (previous?.output ?? {}) as Body;
  const status = (b.conclusion !== undefined ? 'completed' : (b.status ?? previous?.status ?? 'queued')) as string;
  return gh.openapi.sample('check-run', {
    ...previous,
    id,
    node_id: `CR_${id}`,
    head_sha: b.head_sha ?? previous?.head_sha,
    name: b.name ?? previous?.name,
    external_id: b.external_id ?? previous?.external_id ?? null,
    url: `${gh.apiUrl}/repos/${name}/check-runs/${id}`,
    html_url: `${gh.serverUrl}/${name}/runs/${id}`,
    details_url: b.details_url ?? previous?.details_url ?? null,
    status,
    conclusion: b.conclusion ?? previous?.conclusion ?? null,
    started_at: b.started_at ?? previous?.started_at ?? now(),
    completed_at: status === 'completed' ? (b.completed_at ?? previous?.completed_at ?? now()) : null,
    output: {
      title: output.title ?? prevOutput.title ?? null,
      summary: output.summary ?? prevOutput.summary ?? null,
      text: output.text ?? prevOutput.text ?? null,
      annotations_count: 0,
      annotations_url: `${gh.apiUrl}/repos/${name}/check-runs/${id}/annotations`,
    },
    check_suite: { id: 1 },
    app: null,
    pull_requests: [],
  });
}

/** Adds a request's annotations to the run (GitHub appends them); 422 past 50 per request. */
function annotate(run: CheckRunState, b: Body): GitHubResponse | undefined {
  const annotations = ((b.output as Body | undefined)?.annotations ?? []) as Body[];
  // The OpenAPI check (maxItems: 50) answers 422 before a handler runs; this is GitHub's own rule
  // restated, so the fake holds it even if a route is replaced.
  if (annotations.length > 50) return invalid('Only 50 annotations are allowed per request', [{ resource: 'CheckRun', code: 'invalid', field: 'annotations' }]);
  run.annotations.push(...annotations);
  run.batches.push(annotations.length);
  (run.run.output as Body).annotations_count = run.annotations.length;
  return undefined;
}

function issueJson(gh: ServerContext, name: string, number: number, b: Body): Record<string, unknown> {
  const labels = ((b.labels ?? []) as (string | Body)[]).map((l, i) =>
    gh.openapi.sample('label', {
      id: i + 1,
      node_id: `LA_${i + 1}`,
      name: typeof l === 'string' ? l : l.name,
      color: 'ededed',
      url: `${gh.apiUrl}/repos/${name}/labels/${encodeURIComponent(String(typeof l === 'string' ? l : l.name))}`,
    }),
  );
  return gh.openapi.sample('issue', {
    id: gh.nextId(),
    node_id: `I_${number}`,
    number,
    title: b.title,
    body: b.body ?? null,
    state: 'open',
    labels,
    user: gh.user(actor(gh)),
    url: `${gh.apiUrl}/repos/${name}/issues/${number}`,
    html_url: `${gh.serverUrl}/${name}/issues/${number}`,
    repository_url: `${gh.apiUrl}/repos/${name}`,
    labels_url: `${gh.apiUrl}/repos/${name}/issues/${number}/labels{/name}`,
    comments_url: `${gh.apiUrl}/repos/${name}/issues/${number}/comments`,
    events_url: `${gh.apiUrl}/repos/${name}/issues/${number}/events`,
    created_at: now(),
    updated_at: now(),
    author_association: 'NONE',
  });
}

/** The commit sha a deployment's `ref` names: a sha, a branch or a tag of the repository. */
function resolveRef(state: RepoState, ref: string): string | undefined {
  if (/^[0-9a-f]{40}$/.test(ref)) return ref;
  for (const full of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
    const target = state.refs.get(full);
    if (!target) continue;
    if (target.type === 'tag') return ((state.tags.get(target.sha)?.object ?? {}) as Body).sha as string | undefined;
    return target.sha;
  }
  return undefined;
}

export const ROUTES: Record<string, Handler> = {
  'users/get-authenticated': (_req, gh) => {
    if (gh.identity.kind === 'installation') {
      return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } };
    }
    const user = gh.user(gh.identity.login);
    return { status: 200, body: gh.openapi.sample('public-user', { ...user, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' }) };
  },

  'issues/list-comments': (req, gh) => {
    const state = gh.repo(fullName(req));
    const number = Number(req.params.issue_number);
    if (!state.pulls.has(number) && !state.issues.has(number)) return notFound();
    const all = [...state.comments.values()].filter((c) => c.issueNumber === number).map((c) => c.comment);
    return { status: 200, ...gh.page(req, all) };
  },

  'issues/create-comment': (req, gh) => {
    const state = gh.repo(fullName(req));
    const number = Number(req.params.issue_number);
    if (!state.pulls.has(number) && !state.issues.has(number)) return notFound();
    return { status: 201, body: gh.createComment(fullName(req), number, String(body(req).body), actor(gh)) };
  },

  'issues/update-comment': (req, gh) => {
    const entry = gh.repo(fullName(req)).comments.get(Number(req.params.comment_id));
    if (!entry) return notFound();
    entry.comment = { ...entry.comment, body: body(req).body, updated_at: now() };
    return { status: 200, body: entry.comment };
  },

  'pulls/get': (req, gh) => {
    const pull = gh.repo(fullName(req)).pulls.get(Number(req.params.pull_number));
    return pull ? { status: 200, body: pullJson(gh, fullName(req), pull, 'pull-request') } : notFound();
  },

  'repos/list-pull-requests-associated-with-commit': (req, gh) => {
    const state = gh.repo(fullName(req));
    const numbers = state.commitPulls.get(req.params.commit_sha ?? '') ?? [];
    const pulls = numbers.map((n) => pullJson(gh, fullName(req), state.pulls.get(n)!, 'pull-request-simple'));
    return { status: 200, ...gh.page(req, pulls) };
  },

  'checks/create': (req, gh) => {
    const id = gh.nextId();
    const entry: CheckRunState = { run: checkRunJson(gh, fullName(req), id, body(req)), annotations: [], batches: [] };
    const refused = annotate(entry, body(req));
    if (refused) return refused;
    gh.repo(fullName(req)).checkRuns.set(id, entry);
    return { status: 201, body: entry.run };
  },

  'checks/update': (req, gh) => {
    const id = Number(req.params.check_run_id);
    const entry = gh.repo(fullName(req)).checkRuns.get(id);
    if (!entry) return notFound();
    const next = checkRunJson(gh, fullName(req), id, body(req), entry.run);
    const copy: CheckRunState = { run: next, annotations: [...entry.annotations], batches: [...entry.batches] };
    const refused = annotate(copy, body(req));
    if (refused) return refused;
    Object.assign(entry, copy);
    return { status: 200, body: entry.run };
  },

  'teams/get-membership-for-user-in-org': (req, gh) => {
    const member = gh.teams.get(`${req.params.org}/${req.params.team_slug}`)?.get((req.params.username ?? '').toLowerCase());
    if (!member) return notFound();
    return { status: 200, body: { url: `${gh.apiUrl}/organizations/1/team/1/memberships/${req.params.username}`, role: member.role, state: member.state } };
  },

  'repos/create-release': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const b = body(req);
    if ([...state.releases.values()].some((r) => r.tag_name === b.tag_name)) {
      return invalid('Validation Failed', [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
    }
    const id = gh.nextId();
    const tag = String(b.tag_name);
    const release = gh.openapi.sample('release', {
      id,
      node_id: `RE_${id}`,
      tag_name: tag,
      target_commitish: b.target_commitish ?? 'main',
      name: b.name ?? null,
      body: b.body ?? null,
      draft: b.draft === true,
      prerelease: b.prerelease === true,
      url: `${gh.apiUrl}/repos/${name}/releases/${id}`,
      html_url: `${gh.serverUrl}/${name}/releases/tag/${encodeURIComponent(tag)}`,
      assets_url: `${gh.apiUrl}/repos/${name}/releases/${id}/assets`,
      upload_url: `${gh.uploadsUrl}/repos/${name}/releases/${id}/assets{?name,label}`,
      tarball_url: null,
      zipball_url: null,
      author: gh.user(actor(gh)),
      created_at: now(),
      published_at: b.draft === true ? null : now(),
      assets: [],
    });
    state.releases.set(id, release);
    return { status: 201, body: release };
  },

  'repos/get-release-by-tag': (req, gh) => {
    const release = [...gh.repo(fullName(req)).releases.values()].find((r) => r.tag_name === req.params.tag);
    return release ? { status: 200, body: release } : notFound();
  },

  'repos/upload-release-asset': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const releaseId = Number(req.params.release_id);
    const release = state.releases.get(releaseId);
    if (!release) return notFound();
    const assetName = req.query.name ?? '';
    if ([...state.assets.values()].some((a) => a.releaseId === releaseId && a.asset.name === assetName)) {
      return invalid('Validation Failed', [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    }
    const data = req.body as Buffer;
    const id = gh.nextId();
    const asset = gh.openapi.sample('release-asset', {
      id,
      node_id: `RA_${id}`,
      name: assetName,
      label: req.query.label ?? null,
      content_type: req.headers['content-type'],
      size: data.length,
      digest: null,
      state: 'uploaded',
      url: `${gh.apiUrl}/repos/${name}/releases/assets/${id}`,
      browser_download_url: `${gh.serverUrl}/${name}/releases/download/${encodeURIComponent(String(release.tag_name))}/${encodeURIComponent(assetName)}`,
      uploader: gh.user(actor(gh)),
      created_at: now(),
      updated_at: now(),
    });
    state.assets.set(id, { releaseId, asset, data });
    release.assets = [...(release.assets as unknown[]), asset];
    return { status: 201, body: asset };
  },

  // ── Release asset download (actions/run: a `vs: production` model from its Release) ──────────
  // With `Accept: application/octet-stream` GitHub answers 302 to its storage, which serves the
  // bytes; otherwise the asset's description.
  'repos/get-release-asset': (req, gh) => {
    const found = gh.repo(fullName(req)).assets.get(Number(req.params.asset_id));
    if (!found) return notFound();
    if (String(req.headers.accept ?? '').includes('application/octet-stream')) {
      return { status: 302, headers: { location: `${gh.serverUrl}${STORAGE_PREFIX}${fullName(req)}/${String(req.params.asset_id)}` } };
    }
    return { status: 200, body: found.asset };
  },
  // ── end of the release asset download ─────────────────────────────────────────────────────

  'repos/create-deployment': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const b = body(req);
    const commit = resolveRef(state, String(b.ref));
    if (!commit) return { status: 409, body: { message: `No ref found for: ${String(b.ref)}`, documentation_url: DOCS, status: '409' } };
    const id = gh.nextId();
    const environment = typeof b.environment === 'string' ? b.environment : 'production';
    const deployment = gh.openapi.sample('deployment', {
      id,
      node_id: `DE_${id}`,
      sha: commit,
      ref: b.ref,
      task: b.task ?? 'deploy',
      payload: b.payload ?? {},
      environment,
      original_environment: environment,
      description: b.description ?? null,
      creator: gh.user(actor(gh)),
      transient_environment: b.transient_environment === true,
      production_environment: b.production_environment ?? environment === 'production',
      url: `${gh.apiUrl}/repos/${name}/deployments/${id}`,
      statuses_url: `${gh.apiUrl}/repos/${name}/deployments/${id}/statuses`,
      repository_url: `${gh.apiUrl}/repos/${name}`,
      created_at: now(),
      updated_at: now(),
    });
    state.deployments.set(id, deployment);
    return { status: 201, body: deployment };
  },

  'repos/create-deployment-status': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const deploymentId = Number(req.params.deployment_id);
    const deployment = state.deployments.get(deploymentId);
    if (!deployment) return notFound();
    const b = body(req);
    const id = gh.nextId();
    const status = gh.openapi.sample('deployment-status', {
      id,
      node_id: `DES_${id}`,
      state: b.state,
      description: b.description ?? '',
      environment: b.environment ?? deployment.environment,
      target_url: b.log_url ?? '',
      log_url: b.log_url ?? '',
      environment_url: b.environment_url ?? '',
      creator: gh.user(actor(gh)),
      url: `${gh.apiUrl}/repos/${name}/deployments/${deploymentId}/statuses/${id}`,
      deployment_url: `${gh.apiUrl}/repos/${name}/deployments/${deploymentId}`,
      repository_url: `${gh.apiUrl}/repos/${name}`,
      created_at: now(),
      updated_at: now(),
    });
    // auto_inactive (default true): earlier successful deployments to the same environment go inactive.
    state.deploymentStatuses.set(deploymentId, [...(state.deploymentStatuses.get(deploymentId) ?? []), status]);
    return { status: 201, body: status };
  },

  'repos/list-deployment-statuses': (req, gh) => {
    const state = gh.repo(fullName(req));
    const id = Number(req.params.deployment_id);
    if (!state.deployments.has(id)) return notFound();
    return { status: 200, ...gh.page(req, [...(state.deploymentStatuses.get(id) ?? [])].reverse()) };
  },

  'git/create-tag': (req, gh) => {
    const name = fullName(req);
    const b = body(req);
    const tagger = (b.tagger ?? { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com', date: now() }) as Body;
    const tagSha = sha(`${name} tag ${String(b.tag)} ${String(b.object)} ${String(b.message)}`);
    const tag = gh.openapi.sample('git-tag', {
      node_id: `TAG_${tagSha}`,
      tag: b.tag,
      sha: tagSha,
      url: `${gh.apiUrl}/repos/${name}/git/tags/${tagSha}`,
      message: b.message,
      tagger: { date: tagger.date ?? now(), email: tagger.email, name: tagger.name },
      object: { sha: b.object, type: b.type, url: `${gh.apiUrl}/repos/${name}/git/commits/${String(b.object)}` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    });
    gh.repo(name).tags.set(tagSha, tag);
    return { status: 201, body: tag };
  },

  'git/create-ref': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const b = body(req);
    const ref = String(b.ref);
    if (!/^refs\/[^/]+\/.+/.test(ref)) return invalid(`${ref} is not a valid ref name.`);
    if (state.refs.has(ref)) return invalid('Reference already exists');
    const type = state.tags.has(String(b.sha)) ? 'tag' : 'commit';
    state.refs.set(ref, { sha: String(b.sha), type });
    return { status: 201, body: refJson(gh, name, ref, state.refs.get(ref)!) };
  },

  'git/get-ref': (req, gh) => {
    const name = fullName(req);
    const ref = `refs/${req.params.ref ?? ''}`;
    const target = gh.repo(name).refs.get(ref);
    return target ? { status: 200, body: refJson(gh, name, ref, target) } : notFound();
  },

  'issues/create': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const number = state.nextNumber++;
    const issue = issueJson(gh, name, number, body(req));
    state.issues.set(number, issue);
    return { status: 201, body: issue };
  },

  'issues/list-for-repo': (req, gh) => {
    const wanted = (req.query.labels ?? '').split(',').filter(Boolean);
    const stateFilter = req.query.state ?? 'open';
    const issues = [...gh.repo(fullName(req)).issues.values()]
      .filter((i) => stateFilter === 'all' || i.state === stateFilter)
      .filter((i) => wanted.every((w) => (i.labels as Body[]).some((l) => l.name === w)))
      .filter((i) => !req.query.creator || (i.user as Body).login === req.query.creator)
      .reverse(); // newest first, GitHub's default sort
    return { status: 200, ...gh.page(req, issues) };
  },

  'actions/list-workflow-run-artifacts': (req, gh) => {
    const all = (gh.repo(fullName(req)).artifacts.get(Number(req.params.run_id)) ?? []).filter((a) => !req.query.name || a.name === req.query.name);
    const { body: page, headers } = gh.page(req, all);
    return { status: 200, body: { total_count: all.length, artifacts: page }, headers };
  },
};

// ---- report action: open pull requests, artifact downloads (redirect to a blob) -------------

export const REPORT_ROUTES: Record<string, Handler> = {
  'pulls/list': (req, gh) => {
    const name = fullName(req);
    const wanted = req.query.state ?? 'open';
    const pulls = [...gh.repo(name).pulls.values()]
      .filter((p) => wanted === 'all' || p.state === wanted)
      .sort((a, b) => b.number - a.number) // newest first, GitHub's default (created, desc)
      .map((p) => pullJson(gh, name, p, 'pull-request-simple'));
    return { status: 200, ...gh.page(req, pulls) };
  },

  'actions/download-artifact': (req, gh) => {
    const id = Number(req.params.artifact_id);
    const zip = gh.repo(fullName(req)).artifactZips.get(id);
    if (!zip || req.params.archive_format !== 'zip') return notFound();
    return { status: 302, headers: { location: gh.blobUrl(zip, `artifact-${id}.zip`) } };
  },
};
Object.assign(ROUTES, REPORT_ROUTES);

// ---- end of the report action's routes ----------------------------------------------------------

function refJson(gh: ServerContext, name: string, ref: string, target: { sha: string; type: string }): Record<string, unknown> {
  return gh.openapi.sample('git-ref', {
    ref,
    node_id: `REF_${ref}`,
    url: `${gh.apiUrl}/repos/${name}/git/${ref}`,
    object: { type: target.type, sha: target.sha, url: `${gh.apiUrl}/repos/${name}/git/${target.type === 'tag' ? 'tags' : 'commits'}/${target.sha}` },
  });
}

/** A deterministic 40-hex "sha" for a label. */
export function sha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Promotions (actions/promote): releases kept in sync, deployments found again, statuses as
// GitHub keeps them. Replaces the plain upload and status handlers above with GitHub's fuller
// behaviour (asset digests, auto_inactive, required contexts), adds the reads and deletes.
// ---------------------------------------------------------------------------------------------

/** The latest status of a deployment (statuses are stored oldest first). */
function latestStatus(state: RepoState, deploymentId: number): Body | undefined {
  return state.deploymentStatuses.get(deploymentId)?.at(-1);
}

function addDeploymentStatus(gh: ServerContext, name: string, deploymentId: number, b: Body): Body {
  const state = gh.repo(name);
  const deployment = state.deployments.get(deploymentId)!;
  const id = gh.nextId();
  const status = gh.openapi.sample('deployment-status', {
    id,
    node_id: `DES_${id}`,
    state: b.state,
    description: b.description ?? '',
    environment: b.environment ?? deployment.environment,
    target_url: b.log_url ?? b.target_url ?? '',
    log_url: b.log_url ?? b.target_url ?? '',
    environment_url: b.environment_url ?? '',
    creator: gh.user(actor(gh)),
    url: `${gh.apiUrl}/repos/${name}/deployments/${deploymentId}/statuses/${id}`,
    deployment_url: `${gh.apiUrl}/repos/${name}/deployments/${deploymentId}`,
    repository_url: `${gh.apiUrl}/repos/${name}`,
    created_at: now(),
    updated_at: now(),
  });
  state.deploymentStatuses.set(deploymentId, [...(state.deploymentStatuses.get(deploymentId) ?? []), status]);
  return status;
}

const PROMOTION_ROUTES: Record<string, Handler> = {
  'repos/upload-release-asset': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const releaseId = Number(req.params.release_id);
    const release = state.releases.get(releaseId);
    if (!release) return notFound();
    const assetName = req.query.name ?? '';
    if ([...state.assets.values()].some((a) => a.releaseId === releaseId && a.asset.name === assetName)) {
      return invalid('Validation Failed', [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    }
    const data = req.body as Buffer;
    const id = gh.nextId();
    const asset = gh.openapi.sample('release-asset', {
      id,
      node_id: `RA_${id}`,
      name: assetName,
      label: req.query.label ?? null,
      content_type: req.headers['content-type'],
      size: data.length,
      // github.com computes a sha256 digest of every uploaded asset.
      digest: `sha256:${createHash('sha256').update(data).digest('hex')}`,
      state: 'uploaded',
      url: `${gh.apiUrl}/repos/${name}/releases/assets/${id}`,
      browser_download_url: `${gh.serverUrl}/${name}/releases/download/${encodeURIComponent(String(release.tag_name))}/${encodeURIComponent(assetName)}`,
      uploader: gh.user(actor(gh)),
      created_at: now(),
      updated_at: now(),
    });
    state.assets.set(id, { releaseId, asset, data });
    release.assets = [...(release.assets as unknown[]), asset];
    return { status: 201, body: asset };
  },

  'repos/update-release': (req, gh) => {
    const release = gh.repo(fullName(req)).releases.get(Number(req.params.release_id));
    if (!release) return notFound();
    const b = body(req);
    for (const k of ['name', 'body', 'draft', 'prerelease', 'tag_name', 'target_commitish'] as const) if (b[k] !== undefined) release[k] = b[k];
    return { status: 200, body: release };
  },

  'repos/delete-release-asset': (req, gh) => {
    const state = gh.repo(fullName(req));
    const id = Number(req.params.asset_id);
    const entry = state.assets.get(id);
    if (!entry) return notFound();
    state.assets.delete(id);
    const release = state.releases.get(entry.releaseId);
    if (release) release.assets = (release.assets as Body[]).filter((a) => a.id !== id);
    return { status: 204 };
  },

  'repos/list-deployments': (req, gh) => {
    const q = req.query;
    const all = [...gh.repo(fullName(req)).deployments.values()]
      .filter((d) => (!q.environment || d.environment === q.environment) && (!q.sha || d.sha === q.sha) && (!q.ref || d.ref === q.ref) && (!q.task || d.task === q.task))
      .reverse(); // newest first, as GitHub lists them
    return { status: 200, ...gh.page(req, all) };
  },

  'repos/create-deployment': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const b = body(req);
    const commit = resolveRef(state, String(b.ref));
    if (!commit) return { status: 409, body: { message: `No ref found for: ${String(b.ref)}`, documentation_url: DOCS, status: '409' } };
    // required_contexts (default: every context) must be green on the commit; checks count as contexts.
    const required = Array.isArray(b.required_contexts) ? (b.required_contexts as string[]) : [];
    const green = new Set([...state.checkRuns.values()].filter((c) => c.run.head_sha === commit && c.run.conclusion === 'success').map((c) => String(c.run.name)));
    const missing = required.filter((c) => !green.has(c));
    if (missing.length) {
      return { status: 409, body: { message: `Conflict: Commit status checks failed for ${String(b.ref)}.`, documentation_url: DOCS, status: '409' } };
    }
    const id = gh.nextId();
    const environment = typeof b.environment === 'string' ? b.environment : 'production';
    const deployment = gh.openapi.sample('deployment', {
      id,
      node_id: `DE_${id}`,
      sha: commit,
      ref: b.ref,
      task: b.task ?? 'deploy',
      payload: b.payload ?? {},
      environment,
      original_environment: environment,
      description: b.description ?? null,
      creator: gh.user(actor(gh)),
      transient_environment: b.transient_environment === true,
      production_environment: b.production_environment ?? environment === 'production',
      url: `${gh.apiUrl}/repos/${name}/deployments/${id}`,
      statuses_url: `${gh.apiUrl}/repos/${name}/deployments/${id}/statuses`,
      repository_url: `${gh.apiUrl}/repos/${name}`,
      created_at: now(),
      updated_at: now(),
    });
    state.deployments.set(id, deployment);
    return { status: 201, body: deployment };
  },

  'repos/create-deployment-status': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const deploymentId = Number(req.params.deployment_id);
    const deployment = state.deployments.get(deploymentId);
    if (!deployment) return notFound();
    const b = body(req);
    const status = addDeploymentStatus(gh, name, deploymentId, b);
    // auto_inactive (default true): prior successful non-transient, non-production deployments of
    // the environment get an inactive status (GitHub's documented rule).
    if (b.state === 'success' && b.auto_inactive !== false) {
      for (const [id, d] of state.deployments) {
        if (id === deploymentId || d.environment !== deployment.environment || d.transient_environment === true || d.production_environment === true) continue;
        if (latestStatus(state, id)?.state === 'success') addDeploymentStatus(gh, name, id, { state: 'inactive' });
      }
    }
    return { status: 201, body: status };
  },

  'repos/delete-deployment': (req, gh) => {
    const state = gh.repo(fullName(req));
    const id = Number(req.params.deployment_id);
    if (!state.deployments.has(id)) return notFound();
    if (state.deployments.size > 1 && latestStatus(state, id)?.state !== 'inactive') {
      return invalid('We cannot delete an active deployment unless it is the only deployment in a given environment.');
    }
    state.deployments.delete(id);
    state.deploymentStatuses.delete(id);
    return { status: 204 };
  },
};
Object.assign(ROUTES, PROMOTION_ROUTES);

// ── Monitor routes (actions/monitor): issue edits, pull requests from a branch, Git data API. ──
// Kept in one block, with their own state beside RepoState (monitorGit), to ease merges.

/** Git objects and pull request bodies the monitor routes keep per repository. */
export interface MonitorGitState {
  /** sha -> { tree sha, parents, message }. Seed the commit a workflow runs on with addGitCommit. */
  commits: Map<string, { tree: string; parents: string[]; message: string }>;
  /** tree sha -> path -> blob sha (flat: paths with `/`). */
  trees: Map<string, Map<string, string>>;
  blobs: Map<string, string>;
  pullBodies: Map<number, string>;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

const monitorStates = new WeakMap<RepoState, MonitorGitState>();

export function monitorGit(state: RepoState): MonitorGitState {
  let m = monitorStates.get(state);
  if (!m) monitorStates.set(state, (m = { commits: new Map(), trees: new Map(), blobs: new Map(), pullBodies: new Map() }));
  return m;
}

/** A commit that exists on the fake GitHub (the one a scheduled workflow checked out), with its files. */
export function addGitCommit(state: RepoState, commitSha: string, files: Record<string, string> = {}): void {
  const m = monitorGit(state);
  const tree = new Map<string, string>();
  for (const [path, content] of Object.entries(files)) {
    const blob = sha(`blob ${content}`);
    m.blobs.set(blob, content);
    tree.set(path, blob);
  }
  const treeSha = sha(`tree ${commitSha}`);
  m.trees.set(treeSha, tree);
  m.commits.set(commitSha, { tree: treeSha, parents: [], message: 'seeded' });
}

/** The files of a commit, path -> content (for assertions). */
export function gitCommitFiles(state: RepoState, commitSha: string): Record<string, string> | undefined {
  const m = monitorGit(state);
  const commit = m.commits.get(commitSha);
  const tree = commit ? m.trees.get(commit.tree) : undefined;
  if (!tree) return undefined;
  return Object.fromEntries([...tree].map(([path, blob]) => [path, m.blobs.get(blob) ?? '']));
}

function gitCommitJson(gh: ServerContext, name: string, commitSha: string, c: { tree: string; parents: string[]; message: string }): Record<string, unknown> {
  const person = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com', date: now() };
  return gh.openapi.sample('git-commit', {
    sha: commitSha,
    node_id: `C_${commitSha}`,
    url: `${gh.apiUrl}/repos/${name}/git/commits/${commitSha}`,
    html_url: `${gh.serverUrl}/${name}/commit/${commitSha}`,
    author: person,
    committer: person,
    message: c.message,
    tree: { sha: c.tree, url: `${gh.apiUrl}/repos/${name}/git/trees/${c.tree}` },
    parents: c.parents.map((p) => ({ sha: p, url: `${gh.apiUrl}/repos/${name}/git/commits/${p}`, html_url: `${gh.serverUrl}/${name}/commit/${p}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  });
}

function monitorPullJson(gh: ServerContext, name: string, p: PullState, schema: 'pull-request' | 'pull-request-simple'): Record<string, unknown> {
  return { ...pullJson(gh, name, p, schema), body: monitorGit(gh.repo(name)).pullBodies.get(p.number) ?? null };
}

export const MONITOR_ROUTES: Record<string, Handler> = {
  'issues/update': (req, gh) => {
    const name = fullName(req);
    const issue = gh.repo(name).issues.get(Number(req.params.issue_number));
    if (!issue) return notFound();
    const b = body(req);
    if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed') return invalid('Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'state' }]);
    const closing = b.state === 'closed' && issue.state !== 'closed';
    const next = {
      ...issue,
      ...(b.title !== undefined ? { title: b.title } : {}),
      ...(b.body !== undefined ? { body: b.body } : {}),
      ...(b.state !== undefined ? { state: b.state, state_reason: b.state === 'closed' ? (b.state_reason ?? 'completed') : 'reopened' } : {}),
      ...(closing ? { closed_at: now() } : b.state === 'open' ? { closed_at: null } : {}),
      updated_at: now(),
    };
    gh.repo(name).issues.set(Number(req.params.issue_number), next);
    return { status: 200, body: next };
  },

  // The report block's pulls/list, plus GitHub's `head` filter (`owner:branch`) and the bodies.
  'pulls/list': (req, gh) => {
    const name = fullName(req);
    const wanted = req.query.state ?? 'open';
    const head = req.query.head;
    const pulls = [...gh.repo(name).pulls.values()]
      .filter((p) => wanted === 'all' || p.state === wanted)
      .filter((p) => !head || `${p.headRepo.split('/')[0]}:${p.headRef}` === head)
      .sort((a, b) => b.number - a.number) // newest first, GitHub's default (created, desc)
      .map((p) => monitorPullJson(gh, name, p, 'pull-request-simple'));
    return { status: 200, ...gh.page(req, pulls) };
  },

  'pulls/create': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const b = body(req);
    const head = String(b.head);
    const base = String(b.base);
    const headSha = branchSha(state, head);
    if (!headSha) return invalid('Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
    if ([...state.pulls.values()].some((p) => p.state === 'open' && p.headRef === head && p.baseRef === base)) {
      return invalid('Validation Failed', [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${name.split('/')[0]}:${head}.` }]);
    }
    const number = state.nextNumber++;
    const pull: PullState = { number, title: String(b.title), state: 'open', user: actor(gh), headSha, headRef: head, headRepo: name, baseSha: branchSha(state, base) ?? sha(`base ${base}`), baseRef: base };
    state.pulls.set(number, pull);
    monitorGit(state).pullBodies.set(number, text(b.body));
    return { status: 201, body: monitorPullJson(gh, name, pull, 'pull-request') };
  },

  'pulls/update': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const pull = state.pulls.get(Number(req.params.pull_number));
    if (!pull) return notFound();
    const b = body(req);
    if (b.title !== undefined) pull.title = text(b.title);
    if (b.body !== undefined) monitorGit(state).pullBodies.set(pull.number, text(b.body));
    return { status: 200, body: monitorPullJson(gh, name, pull, 'pull-request') };
  },

  'git/get-commit': (req, gh) => {
    const name = fullName(req);
    const c = monitorGit(gh.repo(name)).commits.get(req.params.commit_sha ?? '');
    return c ? { status: 200, body: gitCommitJson(gh, name, req.params.commit_sha!, c) } : notFound();
  },

  'git/create-blob': (req, gh) => {
    const name = fullName(req);
    const b = body(req);
    const content = b.encoding === 'base64' ? Buffer.from(String(b.content), 'base64').toString('utf8') : String(b.content);
    const blob = sha(`blob ${content}`);
    monitorGit(gh.repo(name)).blobs.set(blob, content);
    return { status: 201, body: { sha: blob, url: `${gh.apiUrl}/repos/${name}/git/blobs/${blob}` } };
  },

  'git/create-tree': (req, gh) => {
    const name = fullName(req);
    const m = monitorGit(gh.repo(name));
    const b = body(req);
    const baseTree = b.base_tree === undefined ? new Map<string, string>() : m.trees.get(text(b.base_tree));
    if (!baseTree) return invalid('base_tree is not a valid tree');
    const tree = new Map(baseTree);
    for (const entry of (b.tree ?? []) as Body[]) {
      if (typeof entry.sha !== 'string' || !m.blobs.has(entry.sha)) return invalid('tree.sha is not a valid blob');
      tree.set(String(entry.path), entry.sha);
    }
    const treeSha = sha(`tree ${[...tree].sort().join(';')}`);
    m.trees.set(treeSha, tree);
    const entries = [...tree].map(([path, blob]) => ({ path, mode: '100644', type: 'blob', sha: blob, size: (m.blobs.get(blob) ?? '').length, url: `${gh.apiUrl}/repos/${name}/git/blobs/${blob}` }));
    return { status: 201, body: gh.openapi.sample('git-tree', { sha: treeSha, url: `${gh.apiUrl}/repos/${name}/git/trees/${treeSha}`, truncated: false, tree: entries }) };
  },

  'git/create-commit': (req, gh) => {
    const name = fullName(req);
    const m = monitorGit(gh.repo(name));
    const b = body(req);
    const parents = ((b.parents ?? []) as unknown[]).map(String);
    if (!m.trees.has(String(b.tree))) return invalid('Tree SHA does not exist');
    if (parents.some((p) => !m.commits.has(p))) return invalid('Parent SHA does not exist or is not a commit object');
    const c = { tree: String(b.tree), parents, message: String(b.message) };
    const commitSha = sha(`commit ${c.tree} ${parents.join(',')} ${c.message} ${m.commits.size}`);
    m.commits.set(commitSha, c);
    return { status: 201, body: gitCommitJson(gh, name, commitSha, c) };
  },

  'git/update-ref': (req, gh) => {
    const name = fullName(req);
    const state = gh.repo(name);
    const ref = `refs/${req.params.ref ?? ''}`;
    const current = state.refs.get(ref);
    if (!current) return invalid('Reference does not exist');
    const b = body(req);
    const target = String(b.sha);
    const m = monitorGit(state);
    if (!m.commits.has(target)) return invalid('Object does not exist');
    // Without force, only a fast-forward is accepted.
    let ancestor = false;
    for (let at: string | undefined = target; at; at = m.commits.get(at)?.parents[0]) if (at === current.sha) ancestor = true;
    if (b.force !== true && !ancestor) return invalid('Update is not a fast forward');
    state.refs.set(ref, { sha: target, type: 'commit' });
    for (const p of state.pulls.values()) if (p.state === 'open' && `refs/heads/${p.headRef}` === ref) p.headSha = target;
    return { status: 200, body: refJson(gh, name, ref, state.refs.get(ref)!) };
  },
};
Object.assign(ROUTES, MONITOR_ROUTES);

// ── Branches pushed with real Git (the promote action's GitOps pull request): RepoState.gitDir.
/** The commit `branch` points at: the API's refs first, else the linked Git repository's. */
function branchSha(state: RepoState, branch: string): string | undefined {
  const known = state.refs.get(`refs/heads/${branch}`)?.sha;
  if (known || !state.gitDir) return known;
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: state.gitDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
