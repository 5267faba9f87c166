/**
 * A GitHub artifact attestation (Sigstore-signed SLSA build provenance, stored with the
 * repository) for a file by name and sha256, through @actions/attest. It needs the workflow's
 * OIDC token: `permissions: id-token: write` and `attestations: write`.
 */
import { MlpipelineError } from '../../core/errors.js';

export class AttestationError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'github-attestation';
}

export async function attestFile(subject: { name: string; sha256: string }, token: string, env: NodeJS.ProcessEnv = process.env): Promise<{ id: string | null; url: string | null }> {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new AttestationError('cannot attest the model: the job has no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set)', {
      fix: 'add `permissions: id-token: write` and `attestations: write` to the job, or set `attest: false`',
    });
  }
  const { attestProvenance } = await import('@actions/attest');
  try {
    const a = await attestProvenance({ subjects: [{ name: subject.name, digest: { sha256: subject.sha256 } }], token });
    const id = a.attestationID ?? null;
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return { id, url: id && env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}/attestations/${id}` : null };
  } catch (e) {
    throw new AttestationError(`GitHub refused the attestation of ${subject.name}: ${(e as Error).message}`, {
      fix: 'check `permissions: id-token: write` and `attestations: write`; private repositories need GitHub Enterprise Cloud for attestations',
      cause: e,
    });
  }
}
