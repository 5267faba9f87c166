/**
 * GitHub API failures as typed errors that say the fix. Every call the adapter makes names its
 * operation (GitHub's operationId); the operation knows what it does in words and which
 * `permissions:` key a workflow's GITHUB_TOKEN needs for it, so a 403 reads
 *
 *   GitHub refused to post the pull request comment (403 Resource not accessible by integration):
 *   the token cannot write pull requests
 *     fix: add `permissions: pull-requests: write` to the job, or use the fork-safe setup ...
 *
 * Retried failures (5xx, secondary rate limits) only arrive here once the retries ran out.
 */
import { MlpipelineError } from '../../core/errors.js';

export interface OperationInfo {
  /** What the call does, for "GitHub refused to <does>". */
  does: string;
  /** The `permissions:` entry GITHUB_TOKEN needs, e.g. `pull-requests: write`. */
  permission: string;
  /** What the token cannot do without it, for "the token cannot <cannot>". */
  cannot: string;
  /** What a 404 means for this call. */
  notFound: string;
  /** Extra advice for a 403 (e.g. the fork-safe setup), appended to the fix. */
  forbiddenHint?: string;
  /** The whole fix for a 403, where no `permissions:` key can grant it. */
  forbiddenFix?: string;
}

const FORK_SAFE =
  'or use the fork-safe setup: on a pull request from a fork GITHUB_TOKEN is read-only whatever the workflow asks, so post from a `workflow_run` job (docs/security.md, "Fork-safe CI")';

/** Every operation the adapter calls, by GitHub's operationId. */
export const OPERATIONS = {
  'users/get-authenticated': { does: 'say who the token is', permission: 'none', cannot: 'read its own user', notFound: 'the user was not found' },
  'issues/list-comments': {
    does: 'list the pull request comments',
    permission: 'pull-requests: read',
    cannot: 'read pull requests',
    notFound: 'the repository or the pull request does not exist, or the token cannot see the repository',
  },
  'issues/create-comment': {
    does: 'post the pull request comment',
    permission: 'pull-requests: write',
    cannot: 'write pull requests',
    notFound: 'the repository or the pull request does not exist, or the token cannot see the repository',
    forbiddenHint: FORK_SAFE,
  },
  'issues/update-comment': {
    does: 'update the pull request comment',
    permission: 'pull-requests: write',
    cannot: 'write pull requests',
    notFound: 'the comment was deleted, or the token cannot see the repository',
    forbiddenHint: FORK_SAFE,
  },
  'pulls/get': {
    does: 'read the pull request',
    permission: 'pull-requests: read',
    cannot: 'read pull requests',
    notFound: 'the repository or the pull request does not exist, or the token cannot see the repository',
  },
  'pulls/list': {
    does: 'list the open pull requests',
    permission: 'pull-requests: read',
    cannot: 'read pull requests',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'repos/list-pull-requests-associated-with-commit': {
    does: 'find the pull requests of the commit',
    permission: 'pull-requests: read',
    cannot: 'read pull requests',
    notFound: 'the repository or the commit does not exist, or the token cannot see the repository',
  },
  'checks/create': {
    does: 'create the check run',
    permission: 'checks: write',
    cannot: 'write checks',
    notFound: 'the repository does not exist, or the token cannot see it',
    forbiddenHint: FORK_SAFE,
  },
  'checks/update': {
    does: 'update the check run',
    permission: 'checks: write',
    cannot: 'write checks',
    notFound: 'the check run does not exist, or the token cannot see the repository',
    forbiddenHint: FORK_SAFE,
  },
  'teams/get-membership-for-user-in-org': {
    does: 'read the team membership',
    permission: 'members: read (organization)',
    cannot: 'read organization teams (GITHUB_TOKEN never can)',
    notFound: 'the user is not a member, or the team is not visible to the token',
    forbiddenFix:
      'GITHUB_TOKEN has no organization permissions: pass a GitHub App installation token with `members: read` on the organization, or a token with `read:org`, as `github-token`',
  },
  'repos/create-release': {
    does: 'create the release',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'repos/get-release-by-tag': {
    does: 'read the release',
    permission: 'contents: read',
    cannot: 'read repository contents',
    notFound: 'no release has this tag',
  },
  'repos/get-release-asset': {
    does: 'download the release asset',
    permission: 'contents: read',
    cannot: 'read repository contents',
    notFound: 'the asset was deleted, or the token cannot see the repository',
  },
  'repos/upload-release-asset': {
    does: 'upload the release asset',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the release does not exist, or the token cannot see the repository',
  },
  'repos/create-deployment': {
    does: 'create the deployment',
    permission: 'deployments: write',
    cannot: 'write deployments',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'repos/create-deployment-status': {
    does: 'set the deployment status',
    permission: 'deployments: write',
    cannot: 'write deployments',
    notFound: 'the deployment does not exist, or the token cannot see the repository',
  },
  'repos/update-release': {
    does: 'update the release',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the release was deleted, or the token cannot see the repository',
  },
  'repos/delete-release-asset': {
    does: 'replace the release asset',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the asset was deleted already, or the token cannot see the repository',
  },
  'repos/list-deployments': {
    does: 'list the deployments',
    permission: 'deployments: read',
    cannot: 'read deployments',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'repos/list-deployment-statuses': {
    does: 'list the deployment statuses',
    permission: 'deployments: read',
    cannot: 'read deployments',
    notFound: 'the deployment does not exist, or the token cannot see the repository',
  },
  'repos/delete-deployment': {
    does: 'delete the duplicate deployment',
    permission: 'deployments: write',
    cannot: 'write deployments',
    notFound: 'the deployment was deleted already, or the token cannot see the repository',
  },
  'git/create-tag': {
    does: 'create the annotated tag',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'git/create-ref': {
    does: 'create the Git ref',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'issues/create': {
    does: 'open the issue',
    permission: 'issues: write',
    cannot: 'write issues',
    notFound: 'the repository does not exist, has issues turned off, or the token cannot see it',
  },
  'issues/list-for-repo': {
    does: 'list the issues',
    permission: 'issues: read',
    cannot: 'read issues',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'actions/list-workflow-run-artifacts': {
    does: 'list the workflow run artifacts',
    permission: 'actions: read',
    cannot: 'read Actions artifacts',
    notFound: 'the workflow run does not exist, or the token cannot see the repository',
  },
  // ── The monitor: its drift issue, and the retrain pull request written through the Git data API.
  'issues/update': {
    does: 'update the issue',
    permission: 'issues: write',
    cannot: 'write issues',
    notFound: 'the issue was deleted or transferred, or the token cannot see the repository',
  },
  'pulls/create': {
    does: 'open the pull request',
    permission: 'pull-requests: write',
    cannot: 'write pull requests',
    notFound: 'the repository or the branch does not exist, or the token cannot see the repository',
    forbiddenHint:
      'and allow it in the repository settings (Actions, General: "Allow GitHub Actions to create and approve pull requests"), or pass an app or personal token (the monitor action\'s `pr-token`, the promote action\'s `github-token`)',
  },
  'pulls/update': {
    does: 'update the pull request',
    permission: 'pull-requests: write',
    cannot: 'write pull requests',
    notFound: 'the pull request does not exist, or the token cannot see the repository',
  },
  'git/get-ref': {
    does: 'read the branch',
    permission: 'contents: read',
    cannot: 'read repository contents',
    notFound: 'the branch does not exist',
  },
  'git/get-commit': {
    does: 'read the commit',
    permission: 'contents: read',
    cannot: 'read repository contents',
    notFound: 'the commit is not on GitHub (push it first), or the token cannot see the repository',
  },
  'git/create-blob': {
    does: 'write the file contents',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'git/create-tree': {
    does: 'write the tree of the commit',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'git/create-commit': {
    does: 'create the commit',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the repository does not exist, or the token cannot see it',
  },
  'git/update-ref': {
    does: 'move the branch',
    permission: 'contents: write',
    cannot: 'write repository contents',
    notFound: 'the branch was deleted meanwhile, or the token cannot see the repository',
    forbiddenHint: 'and check that no branch protection rule covers the retrain branch',
  },
} satisfies Record<string, OperationInfo>;

export type OperationId = keyof typeof OPERATIONS;

/** Base of every GitHub API failure: the operation, GitHub's status and message, and a fix. */
export class GitHubApiError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code: string = 'github-api';
  readonly operation: OperationId;
  readonly status: number;
  /** GitHub's own message, e.g. "Resource not accessible by integration". */
  readonly githubMessage: string;
  /** x-github-request-id, for GitHub Support. */
  readonly requestId: string | undefined;

  constructor(message: string, details: { operation: OperationId; status: number; githubMessage: string; requestId?: string; fix: string; cause?: unknown }) {
    super(message, { fix: details.fix, cause: details.cause });
    this.operation = details.operation;
    this.status = details.status;
    this.githubMessage = details.githubMessage;
    this.requestId = details.requestId;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), operation: this.operation, status: this.status, ...(this.requestId ? { request_id: this.requestId } : {}) };
  }
}

/** 401: the token is missing, expired or revoked. */
export class GitHubAuthError extends GitHubApiError {
  override readonly code = 'github-unauthorized';
}

/** 403 (not a rate limit): the token lacks a permission. */
export class GitHubPermissionError extends GitHubApiError {
  override readonly code = 'github-forbidden';
}

/** 404: the thing is not there, or the token cannot see it (GitHub does not say which). */
export class GitHubNotFoundError extends GitHubApiError {
  override readonly code = 'github-not-found';
}

/** 422 (and 409): GitHub refused the content; its message and field errors are kept. */
export class GitHubValidationError extends GitHubApiError {
  override readonly code = 'github-invalid';
  readonly errors: unknown[];

  constructor(message: string, details: ConstructorParameters<typeof GitHubApiError>[1] & { errors: unknown[] }) {
    super(message, details);
    this.errors = details.errors;
  }
}

/** 403/429 rate limits that outlasted the retries. */
export class GitHubRateLimitError extends GitHubApiError {
  override readonly code = 'github-rate-limited';
}

/** 5xx (after the retries) or anything else unexpected from GitHub. */
export class GitHubServerError extends GitHubApiError {
  override readonly code = 'github-unavailable';
}

/** The shape of octokit's RequestError (duck-typed: its class lives in a transitive package). */
interface RequestErrorLike {
  name: string;
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(e: unknown): e is RequestErrorLike {
  return e instanceof Error && e.name === 'HttpError' && typeof (e as { status?: unknown }).status === 'number';
}

/**
 * The typed error for a failed call of `operation`. Anything that is not an HTTP answer from
 * GitHub (a bug, an aborted request) is returned as it was.
 */
export function toGitHubError(operation: OperationId, error: unknown): unknown {
  if (error instanceof GitHubApiError || !isRequestError(error)) return error;
  const info: OperationInfo = OPERATIONS[operation];
  const status = error.status;
  const data = (error.response?.data ?? {}) as { message?: unknown; errors?: unknown };
  const githubMessage = typeof data.message === 'string' ? data.message : error.message;
  const requestIdHeader = error.response?.headers?.['x-github-request-id'];
  const requestId = requestIdHeader === undefined ? undefined : String(requestIdHeader);
  const base = { operation, status, githubMessage, requestId, cause: error };
  const refused = `GitHub refused to ${info.does} (${status} ${oneLine(githubMessage)})`;

  if (status === 401) {
    return new GitHubAuthError(`${refused}: the token is missing, expired or revoked`, {
      ...base,
      fix: 'pass a valid token as the `github-token` input (its default is `${{ github.token }}`); a personal access token may have expired',
    });
  }
  if ((status === 403 || status === 429) && /rate limit/i.test(githubMessage)) {
    return new GitHubRateLimitError(`${refused}: the rate limit outlasted the retries`, {
      ...base,
      fix: 'run the job again later, or run fewer jobs that call the API at the same time',
    });
  }
  if (status === 403) {
    const fix = info.forbiddenFix ?? `add \`permissions: ${info.permission}\` to the job${info.forbiddenHint ? `, ${info.forbiddenHint}` : ''}`;
    return new GitHubPermissionError(`${refused}: the token cannot ${info.cannot}`, { ...base, fix });
  }
  if (status === 404) {
    return new GitHubNotFoundError(`${refused}: ${info.notFound}`, {
      ...base,
      fix: `check the repository and number; GITHUB_TOKEN reaches only the repository of the workflow, so for another one pass a token with access (\`${info.permission}\`) as \`github-token\``,
    });
  }
  if (status === 422 || status === 409) {
    const errors = Array.isArray(data.errors) ? data.errors : [];
    const detail = errors.map(describeFieldError).filter(Boolean).join('; ');
    return new GitHubValidationError(`${refused}${detail ? `: ${detail}` : ''}`, {
      ...base,
      errors,
      fix: 'GitHub said why above; this is a bug in mlpipeline if the input came from it, so please report it with the request id',
    });
  }
  return new GitHubServerError(`${refused}${status >= 500 ? ', after retries' : ''}`, {
    ...base,
    fix: `GitHub may be having trouble (https://www.githubstatus.com): run the job again${requestId ? `; GitHub's request id is ${requestId}` : ''}`,
  });
}

function describeFieldError(e: unknown): string {
  if (typeof e === 'string') return e;
  if (typeof e !== 'object' || e === null) return '';
  const { resource, field, code, message } = e as Record<string, unknown>;
  if (typeof message === 'string') return message;
  const where = [resource, field].filter((x) => typeof x === 'string').join('.');
  return [where, typeof code === 'string' ? code.replace(/_/g, ' ') : ''].filter(Boolean).join(' ');
}

function oneLine(s: string): string {
  const first = s.split('\n')[0] ?? '';
  return first.length > 200 ? first.slice(0, 200) + '…' : first;
}

/** Runs one API call and turns its failure into the operation's typed error. */
export async function call<T>(operation: OperationId, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toGitHubError(operation, e);
  }
}
