/**
 * The one GitHub adapter: the only code that imports @actions/*, octokit and their plugins.
 * Actions import from here; runners/ and reports/ never do (eslint.config.js). See README.md.
 */
export { createGitHubClient, apiBaseUrl, GitHubTokenMissingError, type GitHubClient, type GitHubClientOptions } from './client.js';
export * from './errors.js';
export { parseRepo, type RepoRef } from './repo.js';
export { whoAmI, GITHUB_ACTIONS_BOT, type TokenIdentity } from './identity.js';
export { listIssueComments, createOrUpdateComment, type IssueComment, type StickyComment } from './comments.js';
export * from './checks.js';
export { getPull, pullsForCommit, type PullRequest } from './pulls.js';
export { teamMembership } from './teams.js';
export { createRelease, findReleaseByTag, uploadReleaseAsset, type Release, type NewRelease, type ReleaseAsset } from './releases.js';
export { downloadReleaseAsset, type ReleaseAssetDownload } from './release-assets.js';
export * from './deployments.js';
export { createAnnotatedTag, type NewTag } from './git.js';
export { createIssue, findIssues, type Issue } from './issues.js';
export { listWorkflowRunArtifacts, type Artifact } from './artifacts.js';
export * from './release-sync.js';
export * from './deployment-sync.js';
export { attestFile, AttestationError } from './attest.js';
export * from './runtime.js';
export { listOpenPulls } from './pulls-open.js';
export { downloadRunArtifactZip, RunArtifactError, type DownloadedArtifact } from './run-artifacts.js';
export { listIssuesWithBody, createIssueWithBody, updateIssue, type IssueWithBody } from './issue-updates.js';
export { openPullsFromBranch, createPull, updatePull, type OpenPull } from './pulls-create.js';
export { branchHead, commitToBranch, type FileChange } from './commits.js';
