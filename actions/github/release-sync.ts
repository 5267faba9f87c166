/**
 * A Release created at most once per tag, and its assets kept equal to what a promotion
 * uploads. A create that ends in a 5xx may have landed (the gateway gave up after GitHub wrote
 * it), so it is not retried blindly: the release is looked up by its tag first. Two jobs racing
 * to create it meet GitHub's `already_exists` 422, after which the loser reuses the winner's.
 */
import type { GitHubClient } from './client.js';
import { GitHubNotFoundError, GitHubServerError, GitHubValidationError, call } from './errors.js';
import { postRelease, type NewRelease } from './releases.js';
import type { RepoRef } from './repo.js';

export interface SyncedAsset {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>` as GitHub computes it, or null where it does not (older GHES). */
  digest: string | null;
  downloadUrl: string;
}

export interface SyncedRelease {
  id: number;
  tag: string;
  name: string;
  body: string;
  htmlUrl: string;
  uploadUrl: string;
  assets: SyncedAsset[];
}

interface ReleaseJson {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  html_url: string;
  upload_url: string;
  assets: { id: number; name: string; size: number; digest?: string | null; browser_download_url: string }[];
}

function toSynced(r: ReleaseJson): SyncedRelease {
  return {
    id: r.id,
    tag: r.tag_name,
    name: r.name ?? '',
    body: r.body ?? '',
    htmlUrl: r.html_url,
    uploadUrl: r.upload_url,
    assets: r.assets.map((a) => ({ id: a.id, name: a.name, size: a.size, digest: a.digest ?? null, downloadUrl: a.browser_download_url })),
  };
}

/** The release of `tag` with its assets' digests, or null. */
export async function getReleaseWithAssets(client: GitHubClient, repo: RepoRef, tag: string): Promise<SyncedRelease | null> {
  try {
    const { data } = await call('repos/get-release-by-tag', () => client.rest.repos.getReleaseByTag({ owner: repo.owner, repo: repo.repo, tag }));
    return toSynced(data as ReleaseJson);
  } catch (e) {
    if (e instanceof GitHubNotFoundError) return null;
    throw e;
  }
}

const alreadyExists = (e: unknown) =>
  e instanceof GitHubValidationError && e.errors.some((x) => typeof x === 'object' && x !== null && (x as { code?: unknown }).code === 'already_exists');

/**
 * The release of `release.tag`: found, else created once. `created` is false when it was there
 * already (a re-run, a racing job, or a create whose answer was lost).
 */
export async function ensureRelease(client: GitHubClient, repo: RepoRef, release: NewRelease): Promise<{ release: SyncedRelease; created: boolean }> {
  const found = await getReleaseWithAssets(client, repo, release.tag);
  if (found) return { release: found, created: false };
  const post = (retries?: number) => postRelease(client, repo, release, retries);
  try {
    const { data } = await post(0);
    return { release: toSynced(data as ReleaseJson), created: true };
  } catch (e) {
    if (!(e instanceof GitHubServerError) && !alreadyExists(e)) throw e;
    const landed = await getReleaseWithAssets(client, repo, release.tag);
    if (landed) return { release: landed, created: false };
    if (alreadyExists(e)) throw e;
    const { data } = await post();
    return { release: toSynced(data as ReleaseJson), created: true };
  }
}

export async function updateRelease(client: GitHubClient, repo: RepoRef, releaseId: number, fields: { name?: string; body?: string }): Promise<SyncedRelease> {
  const { data } = await call('repos/update-release', () =>
    client.rest.repos.updateRelease({ owner: repo.owner, repo: repo.repo, release_id: releaseId, ...fields }),
  );
  return toSynced(data as ReleaseJson);
}

export async function deleteReleaseAsset(client: GitHubClient, repo: RepoRef, assetId: number): Promise<void> {
  try {
    await call('repos/delete-release-asset', () => client.rest.repos.deleteReleaseAsset({ owner: repo.owner, repo: repo.repo, asset_id: assetId }));
  } catch (e) {
    // Gone already (a racing job replaced it, or a delete whose answer was lost): what we wanted.
    if (!(e instanceof GitHubNotFoundError)) throw e;
  }
}

/**
 * Uploads an asset once: a 5xx or an `already_exists` 422 is answered by reading the release
 * again and returning the asset of that name if it is there (the caller compares its digest).
 */
export async function uploadAssetOnce(
  client: GitHubClient,
  repo: RepoRef,
  release: Pick<SyncedRelease, 'uploadUrl' | 'tag'>,
  asset: { name: string; data: Uint8Array; contentType: string },
): Promise<SyncedAsset> {
  const post = (retries?: number) =>
    call('repos/upload-release-asset', () =>
      client.request(`POST ${release.uploadUrl}`, {
        name: asset.name,
        data: asset.data,
        headers: { 'content-type': asset.contentType },
        ...(retries === undefined ? {} : { request: { retries } }),
      }),
    );
  const fromJson = (d: unknown): SyncedAsset => {
    const a = d as { id: number; name: string; size: number; digest?: string | null; browser_download_url: string };
    return { id: a.id, name: a.name, size: a.size, digest: a.digest ?? null, downloadUrl: a.browser_download_url };
  };
  try {
    return fromJson((await post(0)).data);
  } catch (e) {
    if (!(e instanceof GitHubServerError) && !alreadyExists(e)) throw e;
    const again = (await getReleaseWithAssets(client, repo, release.tag))?.assets.find((a) => a.name === asset.name);
    if (again) return again;
    if (alreadyExists(e)) throw e;
    return fromJson((await post()).data);
  }
}
