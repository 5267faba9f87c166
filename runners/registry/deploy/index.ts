/**
 * The GitOps manifest bump of a promotion (`mlpipeline promote ... --deploy`, actions/promote):
 * set the model URI of the version an environment holds in that environment's manifest, and
 * commit only that file to the branch Argo CD or Flux watch, directly (`mode: commit`) or on a
 * branch for a pull request (`mode: pull-request`). Nothing is pushed here: the CLI pushes with
 * --push, the GitHub action pushes and opens the pull request.
 *
 * What is deployed comes from the registry (the environment's current holder, its registered
 * sha256 and commit), and the `deploy:` block from the pipeline committed on the default branch
 * (policy-source.ts): a feature branch cannot point production at another manifest or URI.
 * The manifest is read from the target branch's tip, never the work tree. Re-running is a no-op
 * ("unchanged") once the branch holds the value.
 */
import { relative, resolve, sep } from 'node:path';
import { ConfigError, UsageError } from '../../../core/errors.js';
import { gitRaw } from '../../../core/git.js';
import { pathChecker } from '../../../pipeline-schema/paths.js';
import { pointer } from '../../../pipeline-schema/problems.js';
import type { DeployMode, DeploySpec, LoadedPipeline } from '../../../pipeline-schema/types.js';
import { resolveActor } from '../actor.js';
import { readRegistryEvents, recordOf } from '../events.js';
import { environmentSpec } from '../policy.js';
import { committedPolicy, defaultBranch, type PolicySource } from '../policy-source.js';
import { requireModel } from '../promote.js';
import { requireRepo } from '../repo.js';
import { buildRegistryState } from '../state.js';
import { assertCanMove, commitFile, moveBranch, readCommittedFile, resolveCommit } from './branch-commit.js';
import { deployCommitMessage, type DeployLineage } from './commit-message.js';
import { editManifest, parseManifest } from './manifest-edit.js';
import { defaultField, planEdits } from './plan.js';
import { DEPLOY_SCHEMA, type DeployResult } from './result.js';
import { unifiedDiff } from './unified-diff.js';
import { githubRepository, releaseAssetUrl, renderUri } from './uri.js';

export { editManifest, parseManifest, selectDocument, scalarText, type ManifestEdit, type DocumentSelector, type EditResult, type AppliedEdit } from './manifest-edit.js';
export { planEdits, KIND_DOCUMENTS, SELDON_EXPERIMENT, KSERVE_CANARY_FIELD, defaultField } from './plan.js';
export { renderUri, releaseAssetUrl, type UriValues } from './uri.js';
export { URI_PLACEHOLDERS } from '../../../pipeline-schema/deploy-template.js';
export { unifiedDiff } from './unified-diff.js';
export { pushDeploy } from './push.js';
export { DEPLOY_SCHEMA, type DeployResult, type DeployStatus } from './result.js';
export { deployCommitMessage, deployTrailers, type DeployLineage } from './commit-message.js';
export type { DeployKind, DeployMode, DeploySpec } from '../../../pipeline-schema/types.js';

export interface DeployOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** For the default branch (refs/remotes/<remote>/HEAD) and a remote-only target branch; nothing is pushed. */
  remote?: string;
  dryRun?: boolean;
  /** Overrides `deploy.mode` (the GitHub action may force `pull-request`). */
  mode?: DeployMode;
  /** The value of `{release_asset_url}`; default from GITHUB_SERVER_URL/GITHUB_REPOSITORY or the origin remote. */
  releaseAssetUrl?: string;
  /** Identity for the commit (as the registry writers use it); default from the actor rules. */
  gitEnv?: NodeJS.ProcessEnv;
  /** --actor, for the committer identity when gitEnv is not given. */
  actor?: string;
  /**
   * Deploy this version instead of the environment's current holder, with this assign tag in
   * the trailers: a promotion's dry run previews the bump before its tag exists.
   */
  preview?: { version: string; tag: string | null; rollback_of: string | null };
}

/** As for mlpipeline.yaml: a manifest is small, and YAML parsing of a huge one is a denial of service. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

export function prBranchName(environment: string, name: string, version: string): string {
  return `mlpipeline/deploy/${environment}/${name}-${version}`;
}

function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/[^/]+\//, '');
}

function posix(p: string): string {
  return p.split(sep).join('/');
}

async function releaseUrl(root: string, opts: DeployOptions, name: string, version: string): Promise<string | undefined> {
  if (opts.releaseAssetUrl) return opts.releaseAssetUrl;
  const server = opts.env.GITHUB_SERVER_URL?.trim();
  const repo = opts.env.GITHUB_REPOSITORY?.trim();
  if (server && repo && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) return releaseAssetUrl(server, repo, name, version);
  const r = await gitRaw(['remote', 'get-url', '--', opts.remote ?? 'origin'], { cwd: root, okCodes: [2, 128] });
  const gh = r.code === 0 ? githubRepository(r.stdout.toString('utf8')) : undefined;
  return gh ? releaseAssetUrl(gh.server, gh.repository, name, version) : undefined;
}

/** The `deploy:` block of `environment` in the committed pipeline of the default branch (undefined: none). */
export async function deploySpecOf(root: string, worktree: LoadedPipeline, environment: string, remote?: string): Promise<{ policy: PolicySource; spec: DeploySpec | undefined }> {
  const policy = await committedPolicy(root, worktree, remote);
  return { policy, spec: environmentSpec(policy.loaded, environment)?.deploy };
}

/**
 * Bump `environment`'s manifest to the version it holds now. null when that environment has no
 * `deploy:` block (nothing to do).
 */
export async function deployEnvironment(worktree: LoadedPipeline, name: string, environment: string, opts: DeployOptions): Promise<DeployResult | null> {
  const root = await requireRepo(opts.cwd);
  const { policy, spec } = await deploySpecOf(root, worktree, environment, opts.remote);
  if (!spec) return null;
  const loaded = policy.loaded;
  const notes = [...policy.notes];
  const at = (key: string) => {
    const pos = loaded.locate(pointer('environments', environment, 'deploy', key));
    return { file: loaded.displayFile ?? loaded.file, ...(pos ? { line: pos.line, column: pos.column } : {}) };
  };

  // What the environment holds, from the registry.
  const state = buildRegistryState((await readRegistryEvents(root, { model: name })).events);
  const model = requireModel(state, name);
  const env = model.environments.get(environment);
  const preview = opts.preview;
  if (!preview && !env?.current) {
    throw new UsageError(`nothing is in ${environment} for ${name}, so there is nothing to deploy`, { fix: `promote a version first: mlpipeline promote ${name}@vX.Y.Z --to ${environment} --deploy` });
  }
  const version = preview?.version ?? env!.current!;
  const v = model.versions.get(version);
  if (!v) throw new UsageError(`${name} ${version} is not registered, so it cannot be deployed to ${environment}`, { fix: `register it first (mlpipeline register ${name} --version ${version}); see mlpipeline history ${name}` });
  const registered = recordOf(v.event);
  const assigned = !preview && env?.since ? recordOf(env.since) : null;
  const sha256 = registered?.model_file?.sha256 ?? null;

  // The manifest: inside the repository, read from the target branch.
  const abs = resolve(loaded.dir, spec.manifest);
  const bad = pathChecker(loaded.dir, root).check(spec.manifest);
  if (bad) throw new ConfigError([{ message: bad.message, fix: bad.fix, location: at('manifest') }]);
  const manifest = posix(relative(root, abs));
  const branch = spec.branch ?? branchName((await defaultBranch(root, opts.remote ?? 'origin'))?.ref ?? '');
  if (!branch) throw new ConfigError([{ message: 'the deploy branch is not set and the repository has no default branch', fix: 'set deploy.branch (the branch Argo CD or Flux watch)', location: at('manifest') }]);
  const localRef = `refs/heads/${branch}`;
  const local = await resolveCommit(root, localRef);
  const base = local ?? (await resolveCommit(root, `refs/remotes/${opts.remote ?? 'origin'}/${branch}`));
  if (!base) {
    throw new UsageError(`the deploy branch '${branch}' of ${environment} does not exist here`, { fix: `create or fetch it (git fetch origin ${branch}:${branch}), or fix deploy.branch in ${loaded.displayFile ?? loaded.file}` });
  }
  const current = await readCommittedFile(root, base, manifest);
  if (!current) {
    throw new ConfigError([{ message: `the deploy manifest ${manifest} of ${environment} does not exist on ${branch} (${base.slice(0, 12)})`, fix: `commit the manifest to ${branch}, or fix deploy.manifest`, location: at('manifest') }]);
  }

  // The edit.
  const assetUrl = await releaseUrl(root, opts, name, version);
  if (!sha256 && spec.uri.includes('{sha256}')) {
    throw new ConfigError([{ message: `the deploy uri uses {sha256}, but ${v.event.tag} records no model sha256`, fix: 'register the version with mlpipeline register (it records the model digest), or drop {sha256}', location: at('uri') }]);
  }
  const uri = renderUri(spec.uri, { name, version, sha256: sha256 ?? '', ...(assetUrl ? { release_asset_url: assetUrl } : {}) }, at('uri'));
  if (current.bytes.length > MAX_MANIFEST_BYTES) {
    throw new ConfigError([{ message: `the deploy manifest ${manifest} is ${current.bytes.length} bytes; at most ${MAX_MANIFEST_BYTES} (1 MiB) are read`, fix: 'split it: one file per deployed model', location: at('manifest') }]);
  }
  const text = current.bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(current.bytes)) {
    throw new ConfigError([{ message: `the deploy manifest ${manifest} is not UTF-8 text; rewriting it would change bytes outside the field`, fix: 'save the manifest as UTF-8', location: at('manifest') }]);
  }
  const parsed = parseManifest(manifest, text);
  const edited = editManifest(manifest, text, planEdits(parsed, spec, uri));

  const mode: DeployMode = opts.mode ?? spec.mode ?? 'commit';
  const prBranch = mode === 'pull-request' ? prBranchName(environment, name, version) : null;
  const ref = prBranch ? `refs/heads/${prBranch}` : localRef;
  const lineage: DeployLineage = {
    model: name,
    version,
    environment,
    sha256,
    commit: v.commit,
    tag: preview ? preview.tag : (env?.since?.tag ?? null),
    run_id: assigned?.ci?.run_id ?? (opts.env.GITHUB_ACTIONS === 'true' ? opts.env.GITHUB_RUN_ID?.trim() || null : null),
    uri,
    rollback_of: preview ? preview.rollback_of : (assigned?.rollback_of ?? null),
  };
  const { message, trailers } = deployCommitMessage(lineage, manifest, [...new Set(edited.edits.map((e) => e.path))]);
  const result: DeployResult = {
    schema: DEPLOY_SCHEMA,
    environment,
    model: name,
    version,
    manifest,
    kind: spec.kind,
    field: defaultField(spec),
    uri,
    mode,
    branch,
    base,
    status: 'unchanged',
    commit: null,
    ref,
    pr_branch: prBranch,
    pushed: false,
    message,
    trailers,
    edits: edited.edits,
    diff: unifiedDiff(manifest, text, edited.text),
    notes,
  };
  if (!edited.changed) return { ...result, diff: '' };
  const prTip = prBranch ? await resolveCommit(root, ref) : undefined;
  if (prTip) {
    const there = await readCommittedFile(root, prTip, manifest);
    if (there && there.bytes.toString('utf8') === edited.text) {
      notes.push(`${prBranch} already holds this bump (${prTip.slice(0, 12)}): unchanged; open or update its pull request into ${branch}`);
      return { ...result, status: 'unchanged' };
    }
  }
  await assertCanMove(root, ref, manifest);
  if (opts.dryRun) return { ...result, status: 'dry-run' };

  const committer = opts.gitEnv ?? (await resolveActor(root, opts.env, { actor: opts.actor })).gitEnv;
  // The author is the acting person too (a CI runner has no user.name to fall back on).
  const gitEnv: NodeJS.ProcessEnv = {
    GIT_AUTHOR_NAME: opts.env.GIT_AUTHOR_NAME?.trim() || committer.GIT_COMMITTER_NAME,
    GIT_AUTHOR_EMAIL: opts.env.GIT_AUTHOR_EMAIL?.trim() || committer.GIT_COMMITTER_EMAIL,
    ...committer,
  };
  const content = Buffer.from(edited.text, 'utf8');
  const commit = await commitFile(root, base, manifest, current.mode, content, message, gitEnv);
  await moveBranch({
    root,
    ref,
    commit,
    old: prBranch ? (prTip ?? null) : (local ?? null),
    path: manifest,
    content,
    reflog: `mlpipeline deploy: ${name} ${version} to ${environment}`,
  });
  if (prBranch) notes.push(`open a pull request from ${prBranch} into ${branch}: git push origin ${prBranch} && gh pr create --base ${branch} --head ${prBranch} --fill`);
  else if (!local) notes.push(`created the local branch ${branch} from ${opts.remote ?? 'origin'}/${branch}`);
  return { ...result, status: 'committed', commit };
}
