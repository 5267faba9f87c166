/**
 * Releases and their assets. Assets go to the release's `upload_url` (uploads.github.com on
 * github.com, `https://HOST/api/uploads` on GHES), which GitHub returns with the release.
 */
import type { GitHubClient } from './client.js';
import { GitHubNotFoundError, call } from './errors.js';
import type { RepoRef } from './repo.js';

export interface Release {
  id: number;
  tag: string;
  htmlUrl: string;
  /** A URI template: `.../releases/ID/assets{?name,label}`. */
  uploadUrl: string;
  assets: { id: number; name: string; size: number }[];
}

export interface NewRelease {
  tag: string;
  name: string;
  body: string;
  /** Default: the tag must exist (the registry pushes it first). */
  targetCommitish?: string;
  draft?: boolean;
  prerelease?: boolean;
}

interface ReleaseLike {
  id: number;
  tag_name: string;
  html_url: string;
  upload_url: string;
  assets: { id: number; name: string; size: number }[];
}

function toRelease(r: ReleaseLike): Release {
  return { id: r.id, tag: r.tag_name, htmlUrl: r.html_url, uploadUrl: r.upload_url, assets: r.assets.map((a) => ({ id: a.id, name: a.name, size: a.size })) };
}

/**
 * The create-release request, shared by createRelease and release-sync's create-once. `retries`
 * overrides the client's (0 for a POST that must not be repeated blindly).
 */
export function postRelease(client: GitHubClient, repo: RepoRef, release: NewRelease, retries?: number): ReturnType<GitHubClient['rest']['repos']['createRelease']> {
  return call('repos/create-release', () =>
    client.rest.repos.createRelease({
      owner: repo.owner,
      repo: repo.repo,
      tag_name: release.tag,
      name: release.name,
      body: release.body,
      draft: release.draft ?? false,
      prerelease: release.prerelease ?? false,
      ...(release.targetCommitish ? { target_commitish: release.targetCommitish } : {}),
      ...(retries === undefined ? {} : { request: { retries } }),
    }),
  );
}

export async function createRelease(client: GitHubClient, repo: RepoRef, release: NewRelease): Promise<Release> {
  const { data } = await postRelease(client, repo, release);
  return toRelease(data);
}

/** The release of `tag`, or null (so that a re-run promotion can reuse it). */
export async function findReleaseByTag(client: GitHubClient, repo: RepoRef, tag: string): Promise<Release | null> {
  try {
    const { data } = await call('repos/get-release-by-tag', () => client.rest.repos.getReleaseByTag({ owner: repo.owner, repo: repo.repo, tag }));
    return toRelease(data);
  } catch (e) {
    if (e instanceof GitHubNotFoundError) return null;
    throw e;
  }
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  downloadUrl: string;
}

export async function uploadReleaseAsset(
  client: GitHubClient,
  release: Pick<Release, 'uploadUrl'>,
  asset: { name: string; data: Uint8Array; contentType?: string; label?: string },
): Promise<ReleaseAsset> {
  const response = await call('repos/upload-release-asset', () =>
    client.request(`POST ${release.uploadUrl}`, {
      name: asset.name,
      ...(asset.label === undefined ? {} : { label: asset.label }),
      data: asset.data,
      // Content-Length comes from fetch, which knows the body's size (undici refuses a numeric header).
      headers: { 'content-type': asset.contentType ?? 'application/octet-stream' },
    }),
  );
  const uploaded = response.data as { id: number; name: string; size: number; browser_download_url: string };
  return { id: uploaded.id, name: uploaded.name, size: uploaded.size, downloadUrl: uploaded.browser_download_url };
}
