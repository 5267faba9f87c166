/**
 * Third-party actions that generated workflows use, each pinned to a full commit SHA. A tag
 * (`@v4`) can be moved by whoever controls the action's repository, and the next run executes
 * whatever it points at, with the job's token; a commit SHA cannot be moved. The version stays
 * beside it as a comment (`# v4.2.2`), the form Dependabot and Renovate update in place.
 *
 * One table for every generator (init, compile, promote, monitor): add a row, never a second pin
 * of the same action. Each SHA is the commit of the tag named in `version`.
 */
export interface PinnedAction {
  /** `owner/name` on GitHub. */
  repo: string;
  /** The full 40-hex commit SHA of `version`. */
  sha: string;
  /** The release tag that commit is, for people and update bots. */
  version: string;
}

export const PINNED_ACTIONS = {
  checkout: { repo: 'actions/checkout', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  'setup-node': { repo: 'actions/setup-node', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  'upload-artifact': { repo: 'actions/upload-artifact', sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02', version: 'v4.6.2' },
  cache: { repo: 'actions/cache', sha: '5a3ec84eff668545956fd18022155c47e93e2684', version: 'v4.2.3' },
  'download-artifact': { repo: 'actions/download-artifact', sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093', version: 'v4.3.0' },
} as const satisfies Record<string, PinnedAction>;

export type PinnedActionName = keyof typeof PINNED_ACTIONS;

/** `owner/name@<sha> # <version>`: the text after `uses: ` in a workflow. */
export function pinnedUses(name: PinnedActionName): string {
  const a: PinnedAction = PINNED_ACTIONS[name];
  return `${a.repo}@${a.sha} # ${a.version}`;
}
