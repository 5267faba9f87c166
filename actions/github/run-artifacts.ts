/**
 * Downloads another workflow run's artifact with @actions/artifact (`findBy`: the public API,
 * any run of the repository, `actions: read`), as the zip GitHub stores, without extracting it:
 * the caller extracts it under its own rules. @actions/artifact's own extraction (unzip-stream)
 * rewrites `..` segments to `.` and writes the entry anyway (`../x` becomes `x` inside the folder,
 * checked in this repository against unzip-stream 0.3.x): nothing escapes, but a poisoned archive
 * is quietly accepted rather than refused. An artifact of a fork's pull request is attacker-made,
 * and one that is not exactly what `run` uploads must be refused, so it is not used here.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MlpipelineError } from '../../core/errors.js';
import type { RepoRef } from './repo.js';

/** The artifact is absent, too large, or could not be downloaded. */
export class RunArtifactError extends MlpipelineError {
  readonly exitCode = 2 as const;
  readonly code = 'run-artifact';
}

export interface DownloadedArtifact {
  id: number;
  name: string;
  size: number;
  /** The zip file as downloaded. */
  zip: string;
}

export async function downloadRunArtifactZip(options: {
  token: string;
  repo: RepoRef;
  runId: number;
  name: string;
  /** An empty folder the zip is written into. */
  into: string;
  maxBytes: number;
}): Promise<DownloadedArtifact> {
  // Loaded only here: the artifact client is large and most report steps never need it.
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const findBy = { token: options.token, repositoryOwner: options.repo.owner, repositoryName: options.repo.repo, workflowRunId: options.runId };
  let found;
  try {
    ({ artifact: found } = await client.getArtifact(options.name, { findBy }));
  } catch (e) {
    // @actions/artifact refuses before any request on a server that is not github.com or *.ghe.com.
    if (e instanceof Error && e.name === 'GHESNotSupportedError') {
      throw new RunArtifactError('GitHub Enterprise Server has no v4 artifacts (what upload-artifact@v4 and @actions/artifact use), so the fork-safe workflow_run mode cannot fetch the results there', {
        fix: 'report in the same job as `run` (the `results` input; `mlpipeline init github --private` writes that workflow)',
        cause: e,
      });
    }
    throw new RunArtifactError(`workflow run ${options.runId} has no artifact named ${JSON.stringify(options.name)} that the token can read: ${firstLine(e)}`, {
      fix: 'check that the pull request workflow uploads its results under this `artifact-name`, and that this job has `permissions: actions: read`',
      cause: e,
    });
  }
  if (found.size > options.maxBytes) {
    throw new RunArtifactError(`artifact ${JSON.stringify(found.name)} is ${found.size} bytes; at most ${options.maxBytes} are accepted`, {
      fix: 'the results artifact holds only the JSON result documents; upload nothing else under this name',
    });
  }
  try {
    await client.downloadArtifact(found.id, { path: options.into, skipDecompress: true, findBy });
  } catch (e) {
    throw new RunArtifactError(`cannot download artifact ${JSON.stringify(found.name)} (id ${found.id}): ${firstLine(e)}`, {
      fix: 'run the job again; the job needs `permissions: actions: read`',
      cause: e,
    });
  }
  const files = await readdir(options.into);
  if (files.length !== 1) throw new RunArtifactError(`the download of artifact ${found.id} left ${files.length} files, not one zip`, { fix: 'run the job again' });
  return { id: found.id, name: found.name, size: found.size, zip: join(options.into, files[0]!) };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
