import { UsageError } from '../../core/errors.js';

/** Which repository a call is about. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** `owner/repo` (GITHUB_REPOSITORY's form) as a RepoRef. */
export function parseRepo(fullName: string): RepoRef {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName.trim());
  if (!m) throw new UsageError(`${JSON.stringify(fullName)} is not a repository (owner/repo)`, { fix: 'pass the repository as owner/repo, as GITHUB_REPOSITORY has it' });
  return { owner: m[1]!, repo: m[2]! };
}
