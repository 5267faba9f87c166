/**
 * The Release of a registered version: created once for its registry tag (found and updated on
 * a re-run, never duplicated), its notes rendered from the record, its assets kept equal to what
 * the version is. An asset already there with the same bytes is left alone; one with other bytes
 * is replaced, which for the model means: the asset does not have the sha256 recorded in the
 * tag, so it is not the registered model and must go.
 */
import { createHash } from 'node:crypto';
import { buildModelCardData, modelCardSummary, renderCycloneDx, renderModelCardToolkit } from '../../reports/model-card/index.js';
import type { ReportDocuments } from '../../reports/report-documents.js';
import { renderReleaseNotes } from '../../reports/release-notes.js';
import { RELEASE_ASSETS } from '../../runners/registry/release-assets.js';
import type { ReleaseMaterial } from '../../runners/registry/release-material.js';
import { deleteReleaseAsset, ensureRelease, updateRelease, uploadAssetOnce, type GitHubClient, type RepoRef, type SyncedAsset, type SyncedRelease } from '../github/index.js';

export interface ReleaseOutcome {
  release: SyncedRelease;
  created: boolean;
  uploaded: string[];
  replaced: string[];
  skipped: string[];
}

interface DesiredAsset {
  name: string;
  bytes: Buffer;
  contentType: string;
  sha256: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');

/** A urn:uuid fixed by the version, so the BOM of a re-run is byte-identical. */
function serialNumber(m: ReleaseMaterial): string {
  const h = createHash('sha256').update(`${m.tag}\0${m.modelAsset.sha256}`).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function desiredAssets(m: ReleaseMaterial, docs: ReportDocuments): { assets: DesiredAsset[]; summary: string } {
  const card = buildModelCardData(docs);
  const make = (name: string, bytes: Buffer, contentType: string): DesiredAsset => ({ name, bytes, contentType, sha256: sha256(bytes) });
  return {
    assets: [
      make(m.modelAsset.name, m.modelAsset.bytes, 'application/octet-stream'),
      make(RELEASE_ASSETS.modelSha256, Buffer.from(m.sha256Text, 'utf8'), 'text/plain'),
      make(RELEASE_ASSETS.modelCard, json(renderModelCardToolkit(card)), 'application/json'),
      make(RELEASE_ASSETS.bom, json(renderCycloneDx(card, { serialNumber: serialNumber(m), timestamp: m.record.time })), 'application/vnd.cyclonedx+json'),
      make(RELEASE_ASSETS.provenance, json(m.provenance), 'application/vnd.in-toto+json'),
    ],
    summary: modelCardSummary(card),
  };
}

/** Same bytes? From GitHub's digest; without one (older GHES) the size is all there is to go by. */
function sameContent(existing: SyncedAsset, want: DesiredAsset): boolean {
  if (existing.digest) return existing.digest.toLowerCase() === `sha256:${want.sha256}`;
  return existing.size === want.bytes.length;
}

export async function syncRelease(
  client: GitHubClient,
  repo: RepoRef,
  m: ReleaseMaterial,
  docs: ReportDocuments,
  environments: string[],
): Promise<ReleaseOutcome> {
  const { assets, summary } = desiredAssets(m, docs);
  const body = renderReleaseNotes({ tag: m.tag, record: m.record, modelCardSummary: summary, assets: assets.map((a) => ({ name: a.name, sha256: a.sha256, size: a.bytes.length })), environments });
  const name = `${m.model} ${m.version}`;
  const found = await ensureRelease(client, repo, { tag: m.tag, name, body });
  let release = found.release;
  if (release.body !== body || release.name !== name) release = { ...(await updateRelease(client, repo, release.id, { name, body })), assets: release.assets };
  const outcome: ReleaseOutcome = { release, created: found.created, uploaded: [], replaced: [], skipped: [] };
  for (const want of assets) {
    const existing = release.assets.find((a) => a.name === want.name);
    if (existing && sameContent(existing, want)) {
      outcome.skipped.push(want.name);
      continue;
    }
    if (existing) {
      await deleteReleaseAsset(client, repo, existing.id);
      outcome.replaced.push(want.name);
    }
    let up = await uploadAssetOnce(client, repo, release, { name: want.name, data: want.bytes, contentType: want.contentType });
    if (!sameContent(up, want)) {
      // A racing job uploaded other bytes under this name between our read and our upload.
      await deleteReleaseAsset(client, repo, up.id);
      up = await uploadAssetOnce(client, repo, release, { name: want.name, data: want.bytes, contentType: want.contentType });
    }
    if (!existing) outcome.uploaded.push(want.name);
  }
  return outcome;
}
