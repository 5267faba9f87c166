/**
 * The one octokit: @actions/github's (REST methods, pagination, the runner's proxy settings)
 * with @octokit/plugin-retry (5xx and network failures retried with back-off; 4xx not) and
 * @octokit/plugin-throttling (secondary rate limits and primary rate limits waited out and
 * retried; content-creating requests spaced as GitHub asks). Base URL from GITHUB_API_URL, so
 * GitHub Enterprise Server (`https://HOST/api/v3`) works as github.com does.
 */
import { info } from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { MlpipelineError } from '../../core/errors.js';
import { packageVersion } from '../../core/package-root.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  /** Default: the `github-token` input (INPUT_GITHUB-TOKEN), then GITHUB_TOKEN. */
  token?: string;
  /** Default: GITHUB_API_URL, then https://api.github.com. */
  baseUrl?: string;
  /** Default: `mlpipeline/<version>` (octokit appends its own). */
  userAgent?: string;
  /**
   * Milliseconds per unit of wait: plugin-retry waits (n+1)² units before retry n, and
   * plugin-throttling waits `retry-after` units. 1000 (seconds) against GitHub; tests pass a few
   * milliseconds so that a `retry-after: 1` costs 1 ms.
   */
  retryAfterBaseValue?: number;
  /** Retries of a 5xx or network failure. Default 3. */
  retries?: number;
  /** Retries of a secondary rate limit (403 + retry-after). Default 2. */
  secondaryRateLimitRetries?: number;
  /**
   * Gap between content-creating requests (POST, PATCH, PUT, DELETE), as GitHub advises against
   * secondary rate limits. Default: plugin-throttling's 1000 ms, and 3000 ms for requests that
   * notify people (comments, issues). Given, it is used for both; tests pass 0.
   */
  writeSpacingMs?: number;
  /** Where retry and rate-limit notices go. Default: the job log (core.info). */
  log?: (message: string) => void;
  /** The environment to read GITHUB_API_URL and GITHUB_TOKEN from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** No token anywhere: the action was not given one. */
export class GitHubTokenMissingError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'github-token-missing';

  constructor() {
    super('no GitHub token: the `github-token` input is empty and GITHUB_TOKEN is not set', {
      fix: 'keep the input\'s default (`${{ github.token }}`) or pass `github-token: ${{ secrets.YOUR_TOKEN }}`',
    });
  }
}

/** The API base URL: GITHUB_API_URL without a trailing slash (github.com when unset). */
export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}

export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const env = options.env ?? process.env;
  // The input as @actions/core's getInput reads it, from `env`.
  const token = options.token || (env['INPUT_GITHUB-TOKEN'] ?? '').trim() || env.GITHUB_TOKEN;
  if (!token) throw new GitHubTokenMissingError();
  const log = options.log ?? info;
  const base = options.retryAfterBaseValue ?? 1000;
  const secondaryRetries = options.secondaryRateLimitRetries ?? 2;
  const spacing = options.writeSpacingMs;
  const what = (o: { method?: string; url?: string }) => `${o.method ?? 'GET'} ${o.url ?? ''}`;

  return getOctokit(
    token,
    {
      baseUrl: options.baseUrl ?? apiBaseUrl(env),
      userAgent: options.userAgent ?? userAgent(),
      retry: { retries: options.retries ?? 3, retryAfterBaseValue: base },
      throttle: {
        retryAfterBaseValue: base,
        // plugin-throttling's groups are shared by every client in the process; a client with its
        // own spacing gets its own.
        ...(spacing === undefined
          ? {}
          : {
              write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
              notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
            }),
        onRateLimit: (retryAfter: number, o: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
          // Primary limit (x-ratelimit-remaining: 0): wait for the reset once, if it is near.
          if (retryCount < 1 && retryAfter <= 60) {
            log(`GitHub rate limit reached on ${what(o)}; retrying in ${retryAfter} s`);
            return true;
          }
          return false;
        },
        onSecondaryRateLimit: (retryAfter: number, o: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
          if (retryCount < secondaryRetries) {
            log(`GitHub secondary rate limit on ${what(o)}; retrying in ${retryAfter} s`);
            return true;
          }
          return false;
        },
      },
      log: { debug: () => undefined, info: () => undefined, warn: (m: string) => log(m), error: (m: string) => log(m) },
    },
    retry,
    throttling,
  );
}

function userAgent(): string {
  try {
    return `mlpipeline/${packageVersion()}`;
  } catch {
    return 'mlpipeline';
  }
}
