/**
 * The deploy commit's message: a subject a reviewer understands in `git log --oneline`, what
 * was set where, and the lineage as Git trailers (`git log --format='%(trailers)'`,
 * `git interpret-trailers --parse`), so Argo CD / Flux history links back to the registry.
 */
export interface DeployLineage {
  model: string;
  version: string;
  environment: string;
  /** sha256 of the model file as registered. */
  sha256: string | null;
  /** The version's commit (what was registered). */
  commit: string;
  /** The assign tag that put the version in the environment. */
  tag: string | null;
  run_id: string | null;
  uri: string;
  rollback_of: string | null;
}

/** Trailer values are one line of printable text; anything else is replaced. */
function clean(v: string): string {
  return v.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

export function deployTrailers(l: DeployLineage): Record<string, string> {
  return {
    'Mlpipeline-Model': l.model,
    'Mlpipeline-Version': l.version,
    'Mlpipeline-Environment': l.environment,
    'Mlpipeline-Sha256': l.sha256 ?? 'unknown',
    'Mlpipeline-Commit': l.commit,
    'Mlpipeline-Tag': l.tag ?? 'none',
    'Mlpipeline-Run-Id': l.run_id ?? 'none',
    'Mlpipeline-Uri': l.uri,
    ...(l.rollback_of ? { 'Mlpipeline-Rollback-Of': l.rollback_of } : {}),
  };
}

export function deployCommitMessage(l: DeployLineage, manifest: string, fields: string[]): { message: string; trailers: Record<string, string> } {
  const trailers = deployTrailers(l);
  const subject = l.rollback_of
    ? `Roll back ${l.model} in ${l.environment} from ${l.rollback_of} to ${l.version}`
    : `Deploy ${l.model} ${l.version} to ${l.environment}`;
  const body = [`Set ${fields.join(', ')} in ${manifest}`, `for ${l.tag ?? `${l.model} ${l.version}`} (mlpipeline promote --deploy).`].join('\n');
  const lines = Object.entries(trailers).map(([k, v]) => `${k}: ${clean(v)}`);
  return { message: `${clean(subject)}\n\n${body}\n\n${lines.join('\n')}\n`, trailers };
}
