/**
 * Reading a registered version's model back from its GitHub Release (the contract is
 * runners/registry/release-assets.ts): the release found by its tag, the asset by its name,
 * the bytes downloaded with `Accept: application/octet-stream` (GitHub answers with a redirect
 * to its storage, which octokit follows). Absence is an answer, not an error, so a `vs:
 * production` baseline can say why it is missing; the caller checks the bytes' sha256 against
 * the lineage record before using them.
 */
import type { GitHubClient } from './client.js';
import { GitHubNotFoundError, call } from './errors.js';
import { findReleaseByTag } from './releases.js';
import type { RepoRef } from './repo.js';

export type ReleaseAssetDownload = { bytes: Uint8Array } | { missing: string };

/**
 * `asset.size` is the byte count the caller expects (the lineage's): an asset of another size is
 * refused before a byte is downloaded, so a replaced asset cannot make the runner hold gigabytes
 * in memory only to fail the sha256 check afterwards.
 */
export async function downloadReleaseAsset(client: GitHubClient, repo: RepoRef, asset: { tag: string; name: string; size: number }): Promise<ReleaseAssetDownload> {
  const release = await findReleaseByTag(client, repo, asset.tag);
  if (!release) return { missing: `no GitHub Release has the tag ${asset.tag} (promote it with the promote action, which attaches the model)` };
  const found = release.assets.find((a) => a.name === asset.name);
  if (!found) return { missing: `the Release ${asset.tag} has no asset ${asset.name}` };
  if (found.size !== asset.size) {
    return { missing: `the asset ${asset.name} of the Release ${asset.tag} is ${found.size} bytes, but the lineage records ${asset.size}; refusing it without downloading` };
  }
  try {
    const { data } = await call('repos/get-release-asset', () =>
      client.rest.repos.getReleaseAsset({ owner: repo.owner, repo: repo.repo, asset_id: found.id, headers: { accept: 'application/octet-stream' } }),
    );
    const bytes = toBytes(data);
    if (bytes.byteLength !== asset.size) return { missing: `the asset ${asset.name} of the Release ${asset.tag} downloaded as ${bytes.byteLength} bytes, but the lineage records ${asset.size}; refusing it` };
    return { bytes };
  } catch (e) {
    if (e instanceof GitHubNotFoundError) return { missing: `the asset ${asset.name} of the Release ${asset.tag} is gone (404)` };
    throw e;
  }
}

/** octokit gives binary bodies as an ArrayBuffer (typed as the JSON asset description). */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'binary');
  throw new TypeError('the release asset download did not return bytes');
}
