/**
 * The GitHub Release of a registered version, as a contract between the face that creates it
 * (actions/promote) and the ones that read it back (actions/run's `vs: production` baseline,
 * actions/monitor): one Release per version, whose tag is the version's registry tag itself
 * (`churn@v1.4.0`), holding these assets. The model asset is trusted only when its sha256 equals
 * the one recorded in the version's lineage (the tag), never a sidecar file next to it.
 */
import { registerTag } from './grammar.js';

/** The Release's tag: the annotated registry tag `name@vX.Y.Z`. */
export function releaseTagName(name: string, version: string): string {
  return registerTag(name, version);
}

/** `churn-v1.4.0.onnx`: one name per version, so assets of different versions never collide in a download folder. */
export function modelAssetName(name: string, version: string): string {
  return `${name}-${version}.onnx`;
}

/** The other assets, fixed names (one Release per version, so no version in them). */
export const RELEASE_ASSETS = {
  modelSha256: 'model.onnx.sha256',
  modelCard: 'model-card.json',
  bom: 'bom.cdx.json',
  provenance: 'provenance.intoto.json',
} as const;
