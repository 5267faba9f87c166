/**
 * An in-toto Statement v1 with a SLSA v1 provenance predicate for a registered version: the
 * subject is the model file (sha256), the resolved dependencies are the commit and every data
 * and dependency file with its digest. Ready for `cosign attest --type slsaprovenance1` or
 * GitHub's attest action, which sign it; we only state the facts recorded in the tag.
 */
import { InputError } from '../../core/errors.js';
import { recordOf } from './events.js';
import { requireModel } from './promote.js';
import type { RegistryState } from './state.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
// A URN rather than a URL: it names our build type without pointing at a page we do not control.
export const BUILD_TYPE = 'urn:mlpipeline:build-type:pipeline-run:v1';
export const LOCAL_BUILDER = 'urn:mlpipeline:builder:local';

export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface ProvenanceStatement {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: typeof SLSA_PROVENANCE_V1;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters: Record<string, unknown>;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string };
      metadata: { invocationId?: string; startedOn?: string; finishedOn?: string };
    };
  };
}

/** `repoUrl` names the repository in the commit's URI when known (e.g. `git remote get-url origin`). */
export function buildProvenance(state: RegistryState, name: string, version: string, repoUrl: string | null): ProvenanceStatement {
  const model = requireModel(state, name);
  const v = model.versions.get(version);
  if (!v) throw new InputError(`${name} ${version} is not registered`, { fix: `registered: ${[...model.versions.keys()].slice(-10).join(', ')}` });
  const rec = recordOf(v.event);
  if (!rec?.model_file) {
    throw new InputError(`${v.event.tag} carries no lineage record with the model's digest`, {
      fix: 'register the version with mlpipeline register, which records it',
    });
  }
  const ci = rec.ci;
  const builderId = ci?.workflow_ref ? `${ci.server_url}/${ci.workflow_ref}` : LOCAL_BUILDER;
  const commitUri = repoUrl ? `git+${repoUrl}@refs/tags/${v.event.tag}` : undefined;
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: rec.model_file.path, digest: { sha256: rec.model_file.sha256 } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          model: name,
          version,
          pipeline: rec.run?.pipeline ?? null,
          params: rec.run?.params ?? {},
        },
        internalParameters: {
          stages: (rec.run?.stages ?? []).map((s) => ({ name: s.name, fingerprint: s.fingerprint })),
        },
        resolvedDependencies: [
          { ...(commitUri ? { uri: commitUri } : { name: 'source' }), digest: { gitCommit: v.commit } },
          ...(rec.materials ?? []).map((m) => ({ name: m.path, digest: { sha256: m.sha256 } })),
        ],
      },
      runDetails: {
        builder: { id: builderId },
        metadata: {
          ...(ci?.run_id ? { invocationId: `${ci.server_url}/${ci.repository}/actions/runs/${ci.run_id}` } : {}),
          ...(rec.run?.finished_at ? { finishedOn: rec.run.finished_at } : {}),
        },
      },
    },
  };
}
