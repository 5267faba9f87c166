/**
 * An in-toto Statement v1 with a SLSA v1 provenance predicate for a registered version: the
 * subject is the model file (sha256), the resolved dependencies are the commit (gitCommit) and
 * every data and dependency file with its digest (sha256, or dirHash for a directory), annotated
 * with its role (`data` for the pipeline's datasets, `dependency` otherwise). Ready for `cosign attest --type slsaprovenance1` or
 * GitHub's attest action, which sign it; we only state the facts recorded in the tag.
 */
import { ChecksFailedError, InputError } from '../../core/errors.js';
import { recordOf, recordProblem } from './events.js';
import { requireModel } from './promote.js';
import type { FileDigest } from './lineage-record.js';
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
  const problem = recordProblem(v.event);
  if (problem) {
    throw new ChecksFailedError(`${v.event.tag} is an unverified/foreign record, so no provenance is stated for it: ${problem}`, {
      fix: 'the tag was not written by mlpipeline register (or was altered): find out who made it (git show), and register a new version',
    });
  }
  if (!rec?.model_file) {
    throw new InputError(`${v.event.tag} carries no lineage record with the model's digest`, {
      fix: 'register the version with mlpipeline register, which records it',
    });
  }
  const ci = rec.ci;
  const builderId = ci?.workflow_ref ? `${ci.server_url}/${ci.workflow_ref}` : LOCAL_BUILDER;
  const repo = repoUrl ? gitUri(repoUrl) : undefined;
  // The ref goes in percent-encoded: registry tags hold `@` (and `#`), which would otherwise split the URI.
  const commitUri = repo ? `${repo}@refs/tags/${encodeURIComponent(v.event.tag)}` : undefined;
  return {
    _type: STATEMENT_TYPE,
    subject: [descriptor(rec.model_file)],
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
          { name: 'source', ...(commitUri ? { uri: commitUri } : {}), digest: { gitCommit: v.commit } },
          ...(rec.materials ?? []).map((m) =>
            descriptor(m, m.role ? { 'mlpipeline.role': m.role, ...(m.dataset ? { 'mlpipeline.dataset': m.dataset } : {}) } : undefined),
          ),
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

/**
 * A file as an in-toto ResourceDescriptor: `sha256` of its bytes, or for a directory in-toto's
 * `dirHash` (which is exactly how the lineage record digests directories; see inputs.ts).
 */
function descriptor(d: FileDigest, annotations?: Record<string, unknown>): ResourceDescriptor {
  return {
    name: d.kind === 'directory' ? `${d.path}/` : d.path,
    digest: d.kind === 'directory' ? { dirHash: d.sha256 } : { sha256: d.sha256 },
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * `git+<url>` for a remote URL (the SLSA convention for git sources): URLs with a scheme as they
 * are, scp-like `user@host:path` as `ssh://user@host/path`; local paths name no portable
 * location, so they give no URI.
 */
export function gitUri(remote: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) return `git+${remote}`;
  const scp = /^([^@/:\s]+@)?([^/:\s]+):(?!\/)(.+)$/.exec(remote);
  if (scp) return `git+ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
  return undefined;
}
