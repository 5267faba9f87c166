/**
 * A local GitHub for tests: an HTTP server on 127.0.0.1 that serves the REST endpoints the
 * actions use, from in-memory state, and checks every request (method, path, parameters, body)
 * and every response it gives against GitHub's published OpenAPI description.
 *
 *   const gh = await LocalGitHub.start();            // or { ghes: true }: http://127.0.0.1:PORT/api/v3
 *   gh.addPull({ number: 7 });
 *   gh.failNext('issues/create-comment', faults.badGateway());
 *   ... run code with GITHUB_API_URL = gh.apiUrl, token gh.token ...
 *   expect(gh.requests.map((r) => r.operationId)).toEqual([...]);
 *   expect(gh.takeViolations()).toEqual([]);      // in afterEach: the fakes stayed honest
 *   await gh.close();
 *
 * Routing is generic: the request is matched against every path of the description, which
 * names its operationId; the route table (`routes.ts`) holds one handler per operationId. A
 * request GitHub's API does not have, or one no handler serves, is a violation. A request that
 * fails its schema is a violation and is answered 422, as GitHub answers it. A handler's
 * response that fails its schema is a violation too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubOpenApi, type GitHubOpenApi, type Operation } from './openapi.js';
import { ROUTES, STORAGE_PREFIX, newRepoState, sha, type GitHubRequest, type GitHubResponse, type Handler, type Identity, type RepoState, type ServerContext } from './routes.js';

export { sha, type GitHubRequest, type GitHubResponse, type Handler, type Identity, type RepoState } from './routes.js';

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** The handler runs first (the write happens), then the fault is answered: a gateway timeout after the fact. */
  landed?: boolean;
}

export interface RecordedRequest {
  operationId: string | undefined;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: IncomingMessage['headers'];
  status: number;
  /** Answered by failNext, not by the handler. */
  fault: boolean;
}

const DOCS = 'https://docs.github.com/rest';

/** Ready-made faults, shaped as GitHub sends them. */
export const faults = {
  badGateway: (): Fault => ({ status: 502, body: { message: 'Server Error', documentation_url: DOCS } }),
  /** A 502 for a request GitHub did carry out (the gateway gave up waiting for the answer). */
  badGatewayAfterWrite: (): Fault => ({ status: 502, body: { message: 'Server Error', documentation_url: DOCS }, landed: true }),
  /** What plugin-throttling recognises: 403, "secondary rate" in the message, and retry-after. */
  secondaryRateLimit: (retryAfterSeconds = 1): Fault => ({
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    },
  }),
  /** A token without the permission: what GITHUB_TOKEN gets without `permissions:` (or on a fork). */
  notAccessible: (): Fault => ({ status: 403, body: { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' } }),
  validationFailed: (errors: Record<string, unknown>[] = [], message = 'Validation Failed'): Fault => ({
    status: 422,
    body: { message, errors, documentation_url: DOCS, status: '422' },
  }),
};

export interface LocalGitHubOptions {
  /** Serve as GitHub Enterprise Server does: API under /api/v3, uploads under /api/uploads. */
  ghes?: boolean;
  /** The token the server accepts (anything else is 401 Bad credentials). */
  token?: string;
  /** Who the token is: GITHUB_TOKEN (an installation: GET /user is 403) or a user's token. */
  identity?: Identity;
}

export class LocalGitHub implements ServerContext {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly token: string;
  identity: Identity;
  readonly openapi: GitHubOpenApi;
  readonly teams = new Map<string, Map<string, { state: 'active' | 'pending'; role: 'member' | 'maintainer' }>>();
  /** Extra or replacement handlers, keyed by operationId (see ROUTES for the built-in ones). */
  readonly routes: Record<string, Handler> = { ...ROUTES };
  private readonly repos = new Map<string, RepoState>();
  private readonly pending = new Map<string, Fault[]>();
  /** Blob storage (artifact zips): path under /_blobs/ -> bytes. */
  private readonly blobs = new Map<string, { data: Buffer; fileName: string }>();
  private readonly ghes: boolean;
  private readonly server: Server;
  private origin = '';
  private ids = 1000;
  private index?: Map<string, Operation[]>;

  private constructor(options: LocalGitHubOptions) {
    this.openapi = githubOpenApi();
    this.ghes = options.ghes === true;
    this.token = options.token ?? 'ghs_localtesttoken';
    this.identity = options.identity ?? { kind: 'installation', login: 'github-actions[bot]' };
    this.server = createServer((req, res) => this.serve(req, res));
  }

  static async start(options: LocalGitHubOptions = {}): Promise<LocalGitHub> {
    const gh = new LocalGitHub(options);
    await new Promise<void>((resolve, reject) => {
      gh.server.once('error', reject);
      gh.server.listen(0, '127.0.0.1', () => resolve());
    });
    gh.origin = `http://127.0.0.1:${(gh.server.address() as AddressInfo).port}`;
    return gh;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What GITHUB_API_URL is set to. */
  get apiUrl(): string {
    return this.origin + (this.ghes ? '/api/v3' : '');
  }

  /** Where `upload_url` points (uploads.github.com on github.com; a path on this server here). */
  get uploadsUrl(): string {
    return this.origin + (this.ghes ? '/api/uploads' : '/uploads');
  }

  /** What GITHUB_SERVER_URL is set to (html_url values start with it). */
  get serverUrl(): string {
    return this.origin;
  }

  /** The next id for anything (comments, check runs, releases, ...): unique per server. */
  nextId(): number {
    return ++this.ids;
  }

  /** The in-memory state of `owner/repo`, created empty on first use. */
  repo(fullName: string): RepoState {
    let state = this.repos.get(fullName);
    if (!state) this.repos.set(fullName, (state = newRepoState()));
    return state;
  }

  /**
   * Answer the next `times` requests for `operationId` with `fault` instead of the handler
   * (the request is still checked against the description).
   */
  failNext(operationId: string, fault: Fault, times = 1): void {
    this.openapi.operation(operationId); // a typo is an error here, not a fault that never fires
    const queue = this.pending.get(operationId) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.pending.set(operationId, queue);
  }

  /** The violations so far, cleared (a test that provokes one takes it; afterEach expects none). */
  takeViolations(): string[] {
    return this.violations.splice(0);
  }

  /** The requests for one operation, in order. */
  requestsFor(operationId: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  // Seeding helpers: see routes.ts for the state they fill.

  user(login: string): Record<string, unknown> {
    const bot = login.endsWith('[bot]');
    return this.openapi.sample('simple-user', {
      login,
      id: login === 'github-actions[bot]' ? 41898282 : userId(login),
      type: bot ? 'Bot' : 'User',
      html_url: `${this.serverUrl}/${bot ? 'apps/' + login.slice(0, -5) : login}`,
      url: `${this.apiUrl}/users/${encodeURIComponent(login)}`,
    });
  }

  /** A pull request in `repo` (default acme/churn); returns its number. */
  addPull(seed: PullSeed = {}): number {
    const fullName = seed.repo ?? 'acme/churn';
    const state = this.repo(fullName);
    const number = seed.number ?? state.nextNumber++;
    state.nextNumber = Math.max(state.nextNumber, number + 1);
    state.pulls.set(number, {
      number,
      title: seed.title ?? `Pull request ${number}`,
      state: seed.state ?? 'open',
      user: seed.user ?? 'octocat',
      headSha: seed.headSha ?? sha(`head ${fullName} ${number}`),
      headRef: seed.headRef ?? `feature-${number}`,
      headRepo: seed.headRepo ?? fullName,
      baseSha: seed.baseSha ?? sha(`base ${fullName} ${number}`),
      baseRef: seed.baseRef ?? 'main',
    });
    for (const commit of seed.commits ?? [seed.headSha ?? sha(`head ${fullName} ${number}`)]) {
      state.commitPulls.set(commit, [...(state.commitPulls.get(commit) ?? []), number]);
    }
    return number;
  }

  /** Comments on an issue or pull request, oldest first. */
  addComments(fullName: string, issueNumber: number, comments: { body: string; user?: string }[]): number[] {
    return comments.map((c) => this.createComment(fullName, issueNumber, c.body, c.user ?? 'octocat').id as number);
  }

  createComment(fullName: string, issueNumber: number, body: string, login: string): Record<string, unknown> {
    const id = this.nextId();
    const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const comment = this.openapi.sample('issue-comment', {
      id,
      node_id: `IC_${id}`,
      url: `${this.apiUrl}/repos/${fullName}/issues/comments/${id}`,
      html_url: `${this.serverUrl}/${fullName}/${this.repo(fullName).pulls.has(issueNumber) ? 'pull' : 'issues'}/${issueNumber}#issuecomment-${id}`,
      issue_url: `${this.apiUrl}/repos/${fullName}/issues/${issueNumber}`,
      body,
      user: this.user(login),
      created_at: time,
      updated_at: time,
      author_association: login.endsWith('[bot]') ? 'NONE' : 'MEMBER',
    });
    this.repo(fullName).comments.set(id, { issueNumber, comment });
    return comment;
  }

  /** Where a blob is served: no token, like a signed storage URL; the test may read `blobRequests`. */
  blobUrl(data: Buffer, fileName: string): string {
    const key = `${this.nextId()}/${encodeURIComponent(fileName)}`;
    this.blobs.set(key, { data, fileName });
    return `${this.origin}/_blobs/${key}`;
  }

  /** GETs of blob URLs, in order. */
  readonly blobRequests: string[] = [];

  /** A run's artifact whose download serves `zip` (through the 302 to a blob URL GitHub answers). */
  addArtifactZip(fullName: string, runId: number, name: string, zip: Buffer): number {
    this.addArtifacts(fullName, runId, [{ name, size: zip.length }]);
    const artifact = this.repo(fullName).artifacts.get(runId)!.at(-1)!;
    this.repo(fullName).artifactZips.set(artifact.id as number, zip);
    return artifact.id as number;
  }

  addTeamMember(org: string, team: string, username: string, state: 'active' | 'pending' = 'active', role: 'member' | 'maintainer' = 'member'): void {
    const key = `${org}/${team}`;
    const members = this.teams.get(key) ?? new Map();
    members.set(username.toLowerCase(), { state, role });
    this.teams.set(key, members);
  }

  addArtifacts(fullName: string, runId: number, artifacts: { name: string; size?: number }[]): void {
    const list = this.repo(fullName).artifacts.get(runId) ?? [];
    for (const a of artifacts) {
      const id = this.nextId();
      list.push(
        this.openapi.sample('artifact', {
          id,
          node_id: `MDg6QXJ0aWZhY3Q${id}`,
          name: a.name,
          size_in_bytes: a.size ?? 1024,
          url: `${this.apiUrl}/repos/${fullName}/actions/artifacts/${id}`,
          archive_download_url: `${this.apiUrl}/repos/${fullName}/actions/artifacts/${id}/zip`,
          expired: false,
          created_at: '2026-01-01T00:00:00Z',
          expires_at: '2026-04-01T00:00:00Z',
          updated_at: '2026-01-01T00:00:00Z',
          workflow_run: { id: runId },
        }),
      );
    }
    this.repo(fullName).artifacts.set(runId, list);
  }

  /** A page of `items` as GitHub pages lists: `per_page` (default 30, at most 100), `page`, `Link`. */
  page(req: GitHubRequest, items: unknown[]): { body: unknown[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(req.query.per_page ?? 30)));
    const page = Math.max(1, Number(req.query.page ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const q = new URLSearchParams({ ...req.query, per_page: String(perPage), page: String(n) });
      return `<${this.apiUrl}${req.path}?${q.toString()}>; rel="${rel}"`;
    };
    const rels: string[] = [];
    if (page > 1) rels.push(link(page - 1, 'prev'), link(1, 'first'));
    if (page < last) rels.push(link(page + 1, 'next'), link(last, 'last'));
    return { body: items.slice((page - 1) * perPage, page * perPage), headers: rels.length ? { link: rels.join(', ') } : {} };
  }

  private route(method: string, rawPath: string): { op: Operation; params: Record<string, string>; path: string } | string {
    let path: string;
    let upload: boolean;
    const uploads = this.ghes ? '/api/uploads' : '/uploads';
    const api = this.ghes ? '/api/v3' : '';
    if (rawPath.startsWith(uploads + '/')) {
      path = rawPath.slice(uploads.length);
      upload = true;
    } else if (rawPath.startsWith(api + '/')) {
      path = rawPath.slice(api.length);
      upload = false;
    } else {
      return `${method} ${rawPath} is outside ${api || '/'} (the API) and ${uploads} (uploads)`;
    }
    if (!this.index) {
      this.index = new Map();
      for (const op of this.openapi.operations) {
        const key = `${op.method} ${op.segments.length}`;
        this.index.set(key, [...(this.index.get(key) ?? []), op]);
      }
    }
    const segments = path.split('/').slice(1);
    let best: { op: Operation; params: Record<string, string>; literals: number } | undefined;
    for (const op of this.index.get(`${method} ${segments.length}`) ?? []) {
      if (op.upload !== upload) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const want = op.segments[i]!;
        const got = segments[i]!;
        if (want.startsWith('{') && want.endsWith('}')) {
          if (got === '') ok = false;
          else params[want.slice(1, -1)] = decodeURIComponent(got);
        } else if (want === got) literals++;
        else ok = false;
      }
      if (ok && (!best || literals > best.literals)) best = { op, params, literals };
    }
    if (!best) return `${method} ${path} is not an endpoint of GitHub's REST API${upload ? ' uploads' : ''}`;
    return { op: best.op, params: best.params, path };
  }

  /**
   * GitHub's storage host, where a release asset download redirects: the bytes, no API, no
   * OpenAPI description (signed URLs need no token). Not recorded in `requests`.
   */
  private serveStorage(path: string, res: ServerResponse): void {
    const [owner = '', repo = '', id = ''] = path.slice(STORAGE_PREFIX.length).split('/').map(decodeURIComponent);
    const found = this.repos.get(`${owner}/${repo}`)?.assets.get(Number(id));
    if (!found) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(found.data.length) }).end(found.data);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const storagePath = new URL(req.url ?? '/', this.origin).pathname;
    if (storagePath.startsWith(STORAGE_PREFIX)) {
      req.resume();
      this.serveStorage(storagePath, res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/_blobs/')) {
        this.serveBlob(req, res);
        return;
      }
      const raw = Buffer.concat(chunks);
      let answer: GitHubResponse;
      let record: RecordedRequest;
      try {
        ({ answer, record } = this.answer(req, raw));
      } catch (e) {
        this.violations.push(`${req.method} ${req.url}: the local GitHub failed: ${(e as Error).stack ?? String(e)}`);
        answer = { status: 500, body: { message: 'local GitHub failed', documentation_url: DOCS } };
        record = { operationId: undefined, method: req.method ?? '', path: req.url ?? '', query: {}, body: undefined, headers: req.headers, status: 500, fault: false };
      }
      record.status = answer.status;
      this.requests.push(record);
      const headers: Record<string, string> = { 'x-github-request-id': `LOCAL:${this.requests.length}`, ...answer.headers };
      if (answer.body === undefined) {
        res.writeHead(answer.status, headers).end();
      } else {
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(answer.body));
      }
    });
  }

  /** Blob storage, outside the API: the bytes of a zip, as Azure Blob Storage answers a SAS URL. */
  private serveBlob(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    this.blobRequests.push(path);
    const blob = this.blobs.get(path.slice('/_blobs/'.length));
    if (req.method !== 'GET' || !blob) {
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>BlobNotFound</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(blob.data.length), 'content-disposition': `attachment; filename=${blob.fileName}` }).end(blob.data);
  }

  private answer(req: IncomingMessage, raw: Buffer): { answer: GitHubResponse; record: RecordedRequest } {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.origin);
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = { operationId: undefined, method, path: url.pathname, query, body: undefined, headers: req.headers, status: 0, fault: false };
    const routed = this.route(method, url.pathname);
    if (typeof routed === 'string') {
      this.violations.push(routed);
      return { answer: { status: 404, body: { message: 'Not Found', documentation_url: DOCS } }, record };
    }
    const { op, params, path } = routed;
    record.operationId = op.operationId;
    const where = `${op.operationId} (${method} ${path})`;

    let body: unknown;
    const problems: string[] = [];
    if (op.upload) {
      body = raw;
      if (!req.headers['content-type']) problems.push('an upload needs a Content-Type header');
      if (Number(req.headers['content-length']) !== raw.length) problems.push(`Content-Length ${req.headers['content-length']} is not the ${raw.length} bytes sent`);
    } else if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        problems.push('the request body is not JSON');
      }
    }
    record.body = body;
    if (!op.upload) problems.push(...this.openapi.checkRequestBody(op, body));
    problems.push(...this.openapi.checkParameters(op, 'path', params), ...this.openapi.checkParameters(op, 'query', query));

    const auth = req.headers.authorization ?? '';
    const answer = ((): GitHubResponse => {
      if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
        return { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } };
      }
      if (problems.length > 0) {
        this.violations.push(...problems.map((p) => `${where}: ${p}`));
        return { status: 422, body: { message: `Invalid request.\n\n${problems.join('\n')}`, documentation_url: DOCS, status: '422' } };
      }
      const handler = this.routes[op.operationId];
      if (!handler) {
        this.violations.push(`${where}: the local GitHub has no handler for ${op.operationId}; add one to test/github/routes.ts`);
        return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
      }
      const serve = () => handler({ operationId: op.operationId, method, path, params, query, headers: req.headers, body }, this);
      const fault = this.pending.get(op.operationId)?.shift();
      if (fault) {
        record.fault = true;
        if (fault.landed) {
          const done = serve();
          this.violations.push(...this.openapi.checkResponse(op, done.status, done.body).map((p) => `${where}: response: ${p}`));
        }
        return { status: fault.status, ...(fault.body === undefined ? {} : { body: fault.body }), ...(fault.headers ? { headers: fault.headers } : {}) };
      }
      return serve();
    })();
    const responseProblems = this.openapi.checkResponse(op, answer.status, answer.body);
    this.violations.push(...responseProblems.map((p) => `${where}: response: ${p}`));
    return { answer, record };
  }
}

export interface PullSeed {
  repo?: string;
  number?: number;
  title?: string;
  state?: 'open' | 'closed';
  user?: string;
  headSha?: string;
  headRef?: string;
  /** `owner/repo` the head branch lives in: another repository for a fork's pull request. */
  headRepo?: string;
  baseSha?: string;
  baseRef?: string;
  /** Commits `GET /commits/{sha}/pulls` associates with this pull (default: its head). */
  commits?: string[];
}

/** A deterministic positive id for a login. */
function userId(login: string): number {
  return parseInt(sha(login).slice(0, 7), 16) + 1;
}
