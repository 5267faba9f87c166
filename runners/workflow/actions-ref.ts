/**
 * Where generated workflows find mlpipeline's own actions: `<repo>/actions/<name>@<ref>`.
 * The default ref is the release of the CLI that generates the workflow, so the actions a
 * workflow runs understand exactly the pipeline files this CLI validated.
 */
import { packageVersion } from '../../core/package-root.js';
import { UsageError } from '../../core/errors.js';

export const MLPIPELINE_ACTIONS_REPO = 'mlpipeline/mlpipeline';
export const MLPIPELINE_ACTIONS_REF = 'v' + packageVersion();

export interface ActionsRef {
  /** `owner/name` of the repository that holds `actions/<name>/action.yml`. */
  repo: string;
  /** A tag, branch or commit SHA of that repository. */
  ref: string;
}

export const DEFAULT_ACTIONS: ActionsRef = { repo: MLPIPELINE_ACTIONS_REPO, ref: MLPIPELINE_ACTIONS_REF };

/** The `uses:` value of one of our actions, e.g. `mlpipeline/mlpipeline/actions/run@v0.1.0`. */
export function ownActionUses(actions: ActionsRef, name: string): string {
  return `${actions.repo}/actions/${name}@${actions.ref}`;
}

// GitHub's own limits on owner and repository names; a ref is a Git ref name without the
// characters Git forbids, and never an expression (`${{`), which the runner would evaluate.
const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const REF = /^(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/+-]{1,250}$/;

/** `--actions-ref owner/repo@ref` (or `owner/repo`, keeping the default ref). */
export function parseActionsRef(text: string): ActionsRef {
  const at = text.lastIndexOf('@');
  const repo = at < 0 ? text : text.slice(0, at);
  const ref = at < 0 ? MLPIPELINE_ACTIONS_REF : text.slice(at + 1);
  if (!REPO.test(repo) || !REF.test(ref) || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.lock')) {
    throw new UsageError(`--actions-ref '${text}' is not OWNER/REPO@REF`, {
      fix: `give the repository that holds actions/run and actions/report and a tag, branch or commit of it, e.g. --actions-ref ${MLPIPELINE_ACTIONS_REPO}@${MLPIPELINE_ACTIONS_REF}`,
    });
  }
  return { repo, ref };
}
