/**
 * Who the token is, to find the bot's own comment. A personal token answers GET /user; an
 * installation token (GITHUB_TOKEN, a GitHub App's) gets 403 there, and its comments are written
 * by the app's bot user: `github-actions[bot]` for GITHUB_TOKEN.
 */
import type { GitHubClient } from './client.js';
import { GitHubPermissionError, call } from './errors.js';

export interface TokenIdentity {
  login: string;
  /** `installation`: GITHUB_TOKEN or a GitHub App token; `user`: a person's token. */
  kind: 'user' | 'installation';
}

/** The bot user GITHUB_TOKEN writes as. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

export async function whoAmI(client: GitHubClient, options: { botLogin?: string } = {}): Promise<TokenIdentity> {
  try {
    const { data } = await call('users/get-authenticated', () => client.rest.users.getAuthenticated());
    return { login: data.login, kind: 'user' };
  } catch (e) {
    if (e instanceof GitHubPermissionError) return { login: options.botLogin ?? GITHUB_ACTIONS_BOT, kind: 'installation' };
    throw e;
  }
}
