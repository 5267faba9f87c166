/**
 * A promotion (or rollback) asked for by a workflow: the same policy and tag writer as
 * `mlpipeline promote`, then the GitHub side, each part idempotent so a re-run of a half-done
 * promotion finishes what is missing: the tag (kept when this version already holds the
 * environment), the Release of the version, the Deployment of the promotion.
 */
import { PolicyError } from '../../core/errors.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { codeSpan, escapeMarkdown } from '../../reports/markdown.js';
import { renderPromotionSummary } from '../../reports/release-notes.js';
import { readRegistryEvents, recordOf } from '../../runners/registry/events.js';
import { parseModelRef } from '../../runners/registry/grammar.js';
import type { LineageRecord } from '../../runners/registry/lineage-record.js';
import { environmentSpec } from '../../runners/registry/policy.js';
import { AlreadyInEnvironmentError, promoteVersion, requireModel, rollbackEnvironment } from '../../runners/registry/promote.js';
import { modelNameOf } from '../../runners/registry/register.js';
import { modelAssetName } from '../../runners/registry/release-assets.js';
import { releaseMaterial } from '../../runners/registry/release-material.js';
import { buildRegistryState, type RegistryState } from '../../runners/registry/state.js';
import { checkRunName } from '../../runners/workflow/init/options.js';
import { attestFile, info, setOutput, summary, warning, type GitHubClient, type RepoRef } from '../github/index.js';
import { ensureDeployment } from './deployment.js';
import { releaseDocuments } from './documents.js';
import type { PromoteInputs } from './inputs.js';
import { syncRelease } from './release.js';
import { verifiedTeams } from './teams.js';

export interface FlowContext {
  client: GitHubClient;
  repo: RepoRef;
  root: string;
  /** The pipeline as the job sees it, and as committed on the default branch (the policy). */
  worktree: LoadedPipeline;
  policy: LoadedPipeline;
  inputs: PromoteInputs;
  runId: number;
  jobSha: string;
  serverUrl: string;
  env: NodeJS.ProcessEnv;
  /**
   * The GitOps manifest bump of the environment's `deploy:` block, run after the tag exists,
   * between the Deployment's `in_progress` and `success` (a throw sets `failure`); main.ts wires
   * runners/registry/deploy in, with the model asset's URL as `{release_asset_url}`.
   */
  deploy?: (a: { model: string; version: string; environment: string; tag: string; releaseAssetUrl: string }) => Promise<void>;
  /** A re-run whose Deployment had succeeded already runs no bump: this still reports what it made (the pull request's outputs). */
  deployedBefore?: (a: { model: string; version: string; environment: string }) => Promise<void>;
}

async function readState(root: string): Promise<RegistryState> {
  return buildRegistryState((await readRegistryEvents(root)).events);
}

/** The last environments of the order: those no other environment comes after. */
export function lastEnvironments(policy: LoadedPipeline): string[] {
  const envs = policy.pipeline.environments ?? {};
  const firsts = new Set(Object.values(envs).map((e) => e.after).filter((a): a is string => a !== undefined));
  return Object.keys(envs).filter((n) => !firsts.has(n));
}

function versionRef(text: string): { name: string; version: string } {
  const ref = parseModelRef(text, ['version']);
  if (ref.kind !== 'version') throw new Error('unreachable: parseModelRef accepted only a version');
  return ref;
}

const clip = (s: string) => (s.length > 140 ? `${s.slice(0, 139)}…` : s);

export async function promoteFlow(c: FlowContext): Promise<void> {
  const { inputs } = c;
  const environment = inputs.to;
  const asked = inputs.rollback ? null : versionRef(inputs.version);
  const name = asked ? asked.name : inputs.version || modelNameOf(c.policy);
  const spec = environmentSpec(c.policy, environment);
  const teams = await verifiedTeams(c.client, spec?.allowed ?? [], c.env.GITHUB_ACTOR);
  const notes: string[] = [];

  let state = await readState(c.root);
  const held = state.models.get(name)?.environments.get(environment);
  const since = held?.since ? recordOf(held.since) : null;
  let tag: string;
  let reused = false;
  if (asked && held?.current === asked.version && held.since) {
    // A re-run (or a promotion somebody else finished): the tag is there; finish the rest.
    tag = held.since.tag;
    reused = true;
  } else if (inputs.rollback && held?.since && since?.rollback_of && since.ci?.run_id === String(c.runId)) {
    // This run's own rollback, re-run after a later step failed: not a second rollback.
    tag = held.since.tag;
    reused = true;
  } else {
    const opts = { cwd: c.root, env: c.env, remote: inputs.remote, dryRun: false, actor: { verifiedTeams: teams }, unlessHeld: true };
    try {
      const r = inputs.rollback
        ? await rollbackEnvironment(c.worktree, name, environment, opts)
        : await promoteVersion(c.worktree, name, asked!.version, environment, opts);
      tag = r.plan.tag;
      notes.push(...r.notes);
    } catch (e) {
      if (!(e instanceof AlreadyInEnvironmentError)) {
        if (e instanceof PolicyError) await summary.addRaw(`## Promotion refused: rule ${codeSpan(e.rule)}\n\n${escapeMarkdown(e.message)}\n\n**Fix:** ${escapeMarkdown(e.fix ?? '')}\n`).write();
        throw e;
      }
      // A racing job promoted the same version first: its tag is this promotion's.
      tag = e.tag;
      reused = true;
    }
    state = await readState(c.root);
  }
  const model = requireModel(state, name);
  const event = model.environments.get(environment)?.timeline.find((t) => t.event.tag === tag)?.event;
  const record = event ? recordOf(event) : null;
  const version = model.environments.get(environment)?.current ?? record?.version;
  if (!version || !record) throw new Error(`${tag} is not readable after it was written`);
  info(`${reused ? 'already there' : 'wrote'} ${tag}: ${name} ${version} in ${environment}`);

  const material = await releaseMaterial(c.root, state, name, version, { modelFile: inputs.modelFile || undefined, repoUrl: `${c.serverUrl}/${c.repo.owner}/${c.repo.repo}` });
  const docs = await releaseDocuments(c.policy, state, material, inputs.results, notes);
  const environments = [...model.environments.values()].filter((e) => e.current === version).map((e) => e.name).sort();
  const release = await syncRelease(c.client, c.repo, material, docs, environments);
  info(`release ${release.release.htmlUrl}: ${release.created ? 'created' : 'reused'}, uploaded ${release.uploaded.length}, replaced ${release.replaced.length}, unchanged ${release.skipped.length}`);

  if (inputs.attest) {
    const a = await attestFile({ name: modelAssetName(name, version), sha256: material.modelAsset.sha256 }, inputs.token, c.env);
    if (a.url) info(`attestation ${a.url}`);
    setOutput('attestation-id', a.id ?? '');
  }

  const modelAssetUrl = release.release.assets.find((a) => a.name === modelAssetName(name, version))?.downloadUrl ?? `${c.serverUrl}/${c.repo.owner}/${c.repo.repo}/releases/download/${encodeURIComponent(material.tag)}/${modelAssetName(name, version)}`;
  const rollbackOf = record.rollback_of ?? null;
  const description = clip(
    rollbackOf
      ? `Rollback of ${name} ${rollbackOf} in ${environment}: deploys ${version} (${tag})`
      : `${name} ${version} to ${environment} (${tag})${record.replaces ? `, replacing ${record.replaces.version}` : ''}`,
  );
  const contexts = inputs.requiredContexts === 'default' ? [checkRunName(c.policy.pipeline.name)] : inputs.requiredContexts;
  const payload: Record<string, unknown> = { ...(record as LineageRecord), tag };
  let deployRan = false;
  const deployment = await ensureDeployment(c.client, c.repo, {
    environment: spec?.github_environment ?? environment,
    sha: record.commit,
    tag,
    payload,
    description,
    requiredContexts: contexts,
    production: lastEnvironments(c.policy).includes(environment),
    logUrl: `${c.serverUrl}/${c.repo.owner}/${c.repo.repo}/actions/runs/${c.runId}`,
    environmentUrl: inputs.environmentUrl,
    runId: c.runId,
    jobSha: c.jobSha,
    ...(c.deploy
      ? {
          deploy: () => {
            deployRan = true;
            return c.deploy!({ model: name, version, environment, tag, releaseAssetUrl: modelAssetUrl });
          },
        }
      : {}),
  });
  if (!deployRan && !deployment.byJob) await c.deployedBefore?.({ model: name, version, environment });
  for (const n of notes) warning(n);

  setOutput('tag', tag);
  setOutput('version', version);
  setOutput('environment', environment);
  setOutput('release-id', String(release.release.id));
  setOutput('release-url', release.release.htmlUrl);
  setOutput('deployment-id', String(deployment.id));
  setOutput('deployment-state', deployment.state);
  await summary
    .addRaw(
      renderPromotionSummary({
        kind: rollbackOf ? 'rollback' : 'promote',
        model: name,
        version,
        environment,
        tag: { name: tag, reused },
        rollbackOf,
        release: { url: release.release.htmlUrl, created: release.created, uploaded: release.uploaded, skipped: release.skipped, replaced: release.replaced },
        deployment,
        notes,
      }),
    )
    .write();
}
