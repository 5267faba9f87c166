/**
 * The local GitHub itself: it routes by GitHub's description, refuses what GitHub refuses, and
 * records every request or response that does not match the description as a violation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitHub, faults } from './local-github.js';
import { toJsonSchema } from './openapi.js';

let gh: LocalGitHub;

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

async function api(method: string, path: string, body?: unknown, token = gh.token): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(gh.apiUrl + path, {
    method,
    headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('requests are checked against GitHub\'s description', () => {
  it('refuses more than 50 annotations in one request with 422, as GitHub does, and records it', async () => {
    const annotation = { path: 'a.csv', start_line: 1, end_line: 1, annotation_level: 'warning', message: 'm' };
    const res = await api('POST', '/repos/acme/churn/check-runs', {
      name: 'mlpipeline',
      head_sha: 'a'.repeat(40),
      output: { title: 't', summary: 's', annotations: Array.from({ length: 51 }, () => annotation) },
    });
    expect(res.status).toBe(422);
    expect(gh.takeViolations()).toEqual([expect.stringMatching(/^checks\/create \(POST \/repos\/acme\/churn\/check-runs\): request body\/output\/annotations must NOT have more than 50 items/)]);
    expect(gh.repo('acme/churn').checkRuns.size).toBe(0);
  });

  it('refuses a body of the wrong shape, and a missing required field', async () => {
    const pr = gh.addPull();
    expect((await api('POST', `/repos/acme/churn/issues/${pr}/comments`, { body: 42 })).status).toBe(422);
    expect((await api('POST', '/repos/acme/churn/check-runs', { name: 'x' })).status).toBe(422);
    expect(gh.takeViolations()).toEqual([
      expect.stringContaining('request body/body must be string'),
      expect.stringContaining("request body must have required property 'head_sha'"),
    ]);
  });

  it('refuses path and query parameters GitHub does not take', async () => {
    const pr = gh.addPull();
    expect((await api('GET', `/repos/acme/churn/issues/${pr}/comments?perpage=100`)).status).toBe(422);
    expect((await api('GET', '/repos/acme/churn/issues/seven/comments')).status).toBe(422);
    expect(gh.takeViolations()).toEqual([
      expect.stringContaining('query parameter perpage is not a parameter of issues/list-comments'),
      expect.stringContaining('path parameters/issue_number must be integer'),
    ]);
  });

  it('a path GitHub does not have is a violation, and so is one no handler serves', async () => {
    expect((await api('GET', '/repos/acme/churn/no-such-thing')).status).toBe(404);
    expect((await api('GET', '/repos/acme/churn/topics')).status).toBe(404);
    expect(gh.takeViolations()).toEqual([
      "GET /repos/acme/churn/no-such-thing is not an endpoint of GitHub's REST API",
      expect.stringContaining('the local GitHub has no handler for repos/get-all-topics; add one to test/github/routes.ts'),
    ]);
  });

  it('answers a wrong token with 401 Bad credentials', async () => {
    const res = await api('GET', '/repos/acme/churn/pulls/1', undefined, 'nope');
    expect(res).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
  });

  it('routes the most specific path: /releases/tags/{tag} is not /releases/{release_id}', async () => {
    await api('GET', '/repos/acme/churn/releases/tags/v1');
    expect(gh.requests.map((r) => r.operationId)).toEqual(['repos/get-release-by-tag']);
  });
});

describe('responses are checked too', () => {
  it('records a handler\'s response that breaks the schema', async () => {
    const original = gh.routes['pulls/get']!;
    gh.routes['pulls/get'] = () => ({ status: 200, body: { number: 'seven' } });
    try {
      await api('GET', '/repos/acme/churn/pulls/1');
    } finally {
      gh.routes['pulls/get'] = original;
    }
    const violations = gh.takeViolations();
    // Ajv reports the first 10 problems (of dozens: a pull request has many required fields).
    expect(violations).toHaveLength(10);
    expect(violations[0]).toMatch(/^pulls\/get \(GET \/repos\/acme\/churn\/pulls\/1\): response: 200 response body must have required property '_links'/);
  });

  it('records a success status the description does not list', async () => {
    const original = gh.routes['pulls/get']!;
    gh.routes['pulls/get'] = () => ({ status: 204 });
    try {
      await api('GET', '/repos/acme/churn/pulls/1');
    } finally {
      gh.routes['pulls/get'] = original;
    }
    expect(gh.takeViolations()).toEqual([expect.stringContaining('pulls/get does not document status 204')]);
  });
});

describe('pagination and faults', () => {
  it('pages with per_page and page, and links first, prev, next and last', async () => {
    const pr = gh.addPull();
    gh.addComments('acme/churn', pr, Array.from({ length: 25 }, (_, i) => ({ body: `c${i}` })));
    const page2 = await api('GET', `/repos/acme/churn/issues/${pr}/comments?per_page=10&page=2`);
    expect(page2.body.map((c: any) => c.body)).toEqual(Array.from({ length: 10 }, (_, i) => `c${i + 10}`));
    const link = page2.headers.get('link')!;
    const rels = Object.fromEntries([...link.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2], new URL(m[1]!).searchParams.get('page')]));
    expect(rels).toEqual({ prev: '1', first: '1', next: '3', last: '3' });
    const last = await api('GET', `/repos/acme/churn/issues/${pr}/comments?per_page=10&page=3`);
    expect(last.body).toHaveLength(5);
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('injects faults the given number of times, then serves again', async () => {
    gh.failNext('pulls/get', faults.secondaryRateLimit(7), 2);
    const pr = gh.addPull();
    const first = await api('GET', `/repos/acme/churn/pulls/${pr}`);
    expect(first.status).toBe(403);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.body.message).toMatch(/secondary rate limit/);
    expect((await api('GET', `/repos/acme/churn/pulls/${pr}`)).status).toBe(403);
    expect((await api('GET', `/repos/acme/churn/pulls/${pr}`)).status).toBe(200);
    expect(gh.requests.map((r) => r.fault)).toEqual([true, true, false]);
  });

  it('refuses a fault for an operation GitHub does not have', () => {
    expect(() => gh.failNext('issues/create-coment', faults.badGateway())).toThrow("issues/create-coment is not an operation of GitHub's REST API description");
  });
});

describe('GHES layout', () => {
  it('serves the API only under /api/v3', async () => {
    const ghes = await LocalGitHub.start({ ghes: true });
    try {
      const res = await fetch(`${ghes.serverUrl}/repos/acme/churn/pulls/1`, { headers: { authorization: `token ${ghes.token}` } });
      expect(res.status).toBe(404);
      expect(ghes.takeViolations()).toEqual(['GET /repos/acme/churn/pulls/1 is outside /api/v3 (the API) and /api/uploads (uploads)']);
    } finally {
      await ghes.close();
    }
  });
});

describe('OpenAPI 3.0 -> JSON Schema', () => {
  it('turns nullable into a null type, a null enum member, or an anyOf with null', () => {
    expect(toJsonSchema({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ type: 'string', enum: ['a', 'b'], nullable: true })).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null] });
    expect(toJsonSchema({ description: 'd', nullable: true, allOf: [{ $ref: '#/components/schemas/simple-user' }] })).toEqual({
      description: 'd',
      anyOf: [{ type: 'null' }, { allOf: [{ $ref: 'https://api.github.com/openapi.json#/components/schemas/simple-user' }] }],
    });
    expect(toJsonSchema({ type: 'integer', nullable: false, example: 3 })).toEqual({ type: 'integer' });
  });

  it('leaves property names alone, even "nullable" or "example"', () => {
    expect(toJsonSchema({ type: 'object', properties: { nullable: { type: 'boolean' }, example: { type: 'string', nullable: true } } })).toEqual({
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: ['string', 'null'] } },
    });
  });

  it('accepts "" for a formatted string whose default is "" (GitHub sends it for unset URLs)', () => {
    expect(toJsonSchema({ type: 'string', format: 'uri', default: '' })).toEqual({ anyOf: [{ const: '' }, { type: 'string', format: 'uri', default: '' }] });
  });
});
