/**
 * The model registry commands: register, promote, rollback, deprecate (writers) and registry,
 * history, lineage, verify, provenance (readers). Everything lives in Git tags; see
 * runners/registry/grammar.ts for the tag grammar and runners/registry/tag-writer.ts for how
 * concurrent writers are kept from reusing a counter.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ChecksFailedError, UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { gitRaw } from '../../core/git.js';
import { displayPath } from '../../core/paths.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli } from '../pipeline-file.js';
import { renderJson } from '../../reports/json.js';
import { renderLineageMarkdown } from '../../reports/lineage.js';
import { renderInvalidRecords, renderLineageText } from '../../reports/lineage-text.js';
import {
  renderHistoryText,
  renderNotes,
  renderRegistryActionText,
  renderRegistryText,
  renderSkippedTags,
  renderVerifyText,
} from '../../reports/registry-text.js';
import { renderWarnings } from '../../reports/warnings.js';
import { registryActionDocument, type WriterResult } from '../../runners/registry/action-result.js';
import { readRegistryEvents } from '../../runners/registry/events.js';
import { parseModelRef } from '../../runners/registry/grammar.js';
import { registerVersion } from '../../runners/registry/register.js';
import { promoteVersion, refusalOf, rollbackEnvironment, requireModel } from '../../runners/registry/promote.js';
import { deprecate } from '../../runners/registry/deprecate.js';
import { buildLineage } from '../../runners/registry/lineage.js';
import { registryHistory, registryListing } from '../../runners/registry/listing.js';
import { verifyVersion } from '../../runners/registry/verify.js';
import { buildProvenance } from '../../runners/registry/provenance.js';
import { buildRegistryState, type RegistryState } from '../../runners/registry/state.js';
import { requireRepo } from '../../runners/registry/repo.js';
import { assertRemote } from '../../runners/registry/tag-writer.js';
import { deployEnvironment, deploySpecOf, pushDeploy, type DeployMode, type DeployResult } from '../../runners/registry/deploy/index.js';
import { renderDeployText } from '../../reports/deploy-text.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';

interface WriterFlags {
  file?: string;
  actor?: string;
  teams?: string;
  pr?: string;
  push?: boolean;
  remote?: string;
  dryRun?: boolean;
  json?: boolean;
  deploy?: boolean;
}

function writerOptions(cmd: Command): Command {
  return cmd
    .option('--actor <login>', 'who is acting, recorded as unverified (on GitHub Actions the authenticated GITHUB_ACTOR is used instead)')
    .option('--teams <list>', 'ignored: team membership is self-declared here; @org/team entries in allowed are checked only on GitHub, from the API')
    .option('--pr <number>', 'pull request number to record (default: from GITHUB_REF refs/pull/N/merge)')
    .option('--push', 'push the tag to the remote atomically (default remote: origin)')
    .option('--remote <name>', 'remote (a configured name or a URL) to fetch from and push to (implies --push)')
    .option('--dry-run', 'show the decision and the tag without writing anything')
    .option('--json', 'print the result as JSON')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)');
}

function remoteOf(flags: WriterFlags): string | undefined {
  return flags.remote ?? (flags.push ? 'origin' : undefined);
}

function common(ctx: CliContext, flags: WriterFlags) {
  return {
    cwd: ctx.cwd,
    env: ctx.env,
    remote: remoteOf(flags),
    dryRun: Boolean(flags.dryRun),
    actor: { actor: flags.actor, teams: flags.teams, pr: flags.pr, ...(ctx.now ? { now: ctx.now } : {}) },
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  };
}

function reportWrite(ctx: CliContext, flags: WriterFlags, res: WriterResult, deploy?: DeployResult): void {
  const base = registryActionDocument(res, { dryRun: Boolean(flags.dryRun), remote: remoteOf(flags) });
  const doc = flags.deploy ? { ...base, deploy: deploy ?? null } : base;
  if (flags.json) ctx.io.out(renderJson(doc));
  else {
    ctx.io.err(renderNotes(doc.notes) + renderWarnings(doc.warnings));
    ctx.io.out(renderRegistryActionText(doc));
    if (deploy) {
      ctx.io.err(renderNotes(deploy.notes));
      ctx.io.out(renderDeployText(deploy));
    }
  }
  if (doc.refused) ctx.exitCode = 1;
}

const DEPLOY_OPTION = "also bump the environment's GitOps manifest (deploy: in mlpipeline.yaml) and commit it to the branch Argo CD / Flux watch (with --push, push that commit too)";

/**
 * --deploy needs a deploy: block; checked before anything is written. With `version` (a
 * promotion) the bump is planned too, so a manifest of the wrong kind or without the field
 * refuses before the tag exists.
 */
async function requireDeployBlock(ctx: CliContext, flags: WriterFlags, loaded: LoadedPipeline, env: string, name?: string, version?: string): Promise<void> {
  if (!flags.deploy) return;
  const root = await requireRepo(ctx.cwd);
  const { policy, spec } = await deploySpecOf(root, loaded, env, remoteOf(flags));
  if (!spec) {
    throw new UsageError(`--deploy: environment '${env}' has no deploy: block in ${policy.loaded.displayFile ?? policy.loaded.file}`, {
      fix: `add environments.${env}.deploy (manifest, kind, uri; see docs/gitops.md) and merge it into the default branch, or drop --deploy`,
    });
  }
  if (name !== undefined && version !== undefined) {
    await deployEnvironment(loaded, name, env, { cwd: ctx.cwd, env: ctx.env, remote: remoteOf(flags), dryRun: true, preview: { version, tag: null, rollback_of: null } });
  }
}

/**
 * The bump after the tag (in a dry run, a preview of the version the tag would assign). A failed
 * bump after a written tag says so: the tag stays, and `mlpipeline deploy` finishes the bump.
 */
async function deployAfter(ctx: CliContext, flags: WriterFlags, loaded: LoadedPipeline, res: WriterResult): Promise<DeployResult | undefined> {
  if (!flags.deploy || res.refused) return undefined;
  const rec = res.plan.record;
  const name = rec.model;
  const env = rec.environment ?? '';
  const remote = remoteOf(flags);
  try {
    const root = await requireRepo(ctx.cwd);
    const result = await deployEnvironment(loaded, name, env, {
      cwd: ctx.cwd,
      env: ctx.env,
      remote,
      dryRun: Boolean(flags.dryRun),
      actor: flags.actor,
      ...(flags.dryRun ? { preview: { version: rec.version ?? '', tag: res.plan.tag, rollback_of: rec.rollback_of ?? null } } : {}),
    });
    if (result && remote && !flags.dryRun) {
      await pushDeploy(root, remote, result);
      result.pushed = true;
    }
    return result ?? undefined;
  } catch (e) {
    if (res.written) ctx.io.err(renderNotes([`${res.plan.tag} was created${res.pushed ? ' and pushed' : ''}, but the manifest bump did not finish; after the fix, finish it with: mlpipeline deploy ${name} --env ${env}${remote ? ` --remote ${remote}` : ''}`]));
    throw e;
  }
}

/**
 * A refused promotion or rollback is an error (exit 1, the refusal on stderr), but its notes
 * (an unverified actor, --teams ignored) are printed too, since they often explain the refusal;
 * under --json the refusal is also the registry-action document on stdout.
 */
async function reportRefusal<T>(ctx: CliContext, flags: WriterFlags, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (e) {
    const refusal = refusalOf(e);
    if (refusal) {
      const doc = registryActionDocument(refusal, { dryRun: false, remote: remoteOf(flags) });
      ctx.io.err(renderNotes(doc.notes));
      if (flags.json) {
        ctx.io.out(renderJson(doc));
        ctx.jsonPrinted = true;
      }
    }
    throw e;
  }
}

/**
 * The registry state; with `model`, only that model's tags are read (one narrow for-each-ref).
 * When that model has no version, everything is read after all, so the error can list the
 * models that do exist.
 */
async function readState(ctx: CliContext, model?: string): Promise<{ root: string; state: RegistryState; skipped: { tag: string; reason: string }[] }> {
  const root = await requireRepo(ctx.cwd);
  let read = await readRegistryEvents(root, { model });
  let state = buildRegistryState(read.events);
  if (model !== undefined && !state.models.get(model)?.versions.size) {
    read = await readRegistryEvents(root);
    state = buildRegistryState(read.events);
  }
  return { root, state, skipped: read.skipped };
}

export function register(program: Command, ctx: CliContext): void {
  writerOptions(
    program
      .command('register')
      .description('register a model version: an annotated tag NAME@vX.Y.Z carrying its lineage (commit, run, data hashes, gate verdict)')
      .argument('<name>', 'model name (model.name in mlpipeline.yaml)')
      .option('--version <vX.Y.Z>', 'the version to register (SemVer with a v)')
      .option('--bump <part>', 'next version after the highest registered: major, minor or patch (default: patch)')
      .option('--ref <ref>', 'commit to register (default: HEAD)')
      .option('--verdict <file>', 'gate verdict to record (default: .mlpipeline/verdict.json next to the pipeline)'),
  ).action(async (name: string, flags: WriterFlags & { version?: string; bump?: string; ref?: string; verdict?: string }) => {
    const loaded = await loadPipelineForCli(ctx, flags.file);
    const res = await registerVersion(loaded, { ...common(ctx, flags), name, version: flags.version, bump: flags.bump, ref: flags.ref, verdictFile: flags.verdict });
    reportWrite(ctx, flags, res);
  });

  writerOptions(
    program
      .command('promote')
      .description('assign a registered version to an environment (tag NAME#ENV#N) after the promotion policy allows it')
      .argument('<version>', 'NAME@vX.Y.Z')
      .requiredOption('--to <env>', 'target environment (one of environments: in mlpipeline.yaml)')
      .option('--deploy', DEPLOY_OPTION),
  ).action(async (refText: string, flags: WriterFlags & { to: string }) => {
    const ref = parseModelRef(refText, ['version']) as { name: string; version: string };
    const loaded = await loadPipelineForCli(ctx, flags.file);
    await requireDeployBlock(ctx, flags, loaded, flags.to, ref.name, ref.version);
    const res = await reportRefusal(ctx, flags, promoteVersion(loaded, ref.name, ref.version, flags.to, common(ctx, flags)));
    reportWrite(ctx, flags, res, await deployAfter(ctx, flags, loaded, res));
  });

  writerOptions(
    program
      .command('rollback')
      .description('re-assign to an environment the version that held it before the current one')
      .argument('<name>', 'model name')
      .requiredOption('--env <env>', 'environment to roll back')
      .option('--deploy', DEPLOY_OPTION),
  ).action(async (name: string, flags: WriterFlags & { env: string }) => {
    const loaded = await loadPipelineForCli(ctx, flags.file);
    await requireDeployBlock(ctx, flags, loaded, flags.env);
    const res = await reportRefusal(ctx, flags, rollbackEnvironment(loaded, name, flags.env, common(ctx, flags)));
    reportWrite(ctx, flags, res, await deployAfter(ctx, flags, loaded, res));
  });

  program
    .command('deploy')
    .description("bump an environment's GitOps manifest (deploy: in mlpipeline.yaml) to the version it holds, and commit it; unchanged when it already does")
    .argument('<name>', 'model name')
    .requiredOption('--env <env>', 'environment whose manifest to bump')
    .option('--mode <mode>', 'commit | pull-request (default: deploy.mode, else commit)')
    .option('--push', 'push the commit to the remote (default remote: origin)')
    .option('--remote <name>', 'remote to push to (implies --push)')
    .option('--actor <login>', 'who is acting (the committer identity follows the registry writers)')
    .option('--dry-run', 'show the diff without committing')
    .option('--json', 'print the result as JSON')
    .option('-f, --file <path>', 'pipeline file (default: ./mlpipeline.yaml)')
    .action(async (name: string, flags: WriterFlags & { env: string; mode?: string }) => {
      parseModelRef(name, ['model'], 'read');
      if (flags.mode !== undefined && flags.mode !== 'commit' && flags.mode !== 'pull-request') {
        throw new UsageError(`--mode must be commit or pull-request, got '${flags.mode}'`, { fix: 'write --mode commit or --mode pull-request' });
      }
      const loaded = await loadPipelineForCli(ctx, flags.file);
      const remote = remoteOf(flags);
      const root = await requireRepo(ctx.cwd);
      const result = await deployEnvironment(loaded, name, flags.env, {
        cwd: ctx.cwd,
        env: ctx.env,
        remote,
        dryRun: Boolean(flags.dryRun),
        actor: flags.actor,
        ...(flags.mode ? { mode: flags.mode as DeployMode } : {}),
      });
      if (!result) {
        throw new UsageError(`environment '${flags.env}' has no deploy: block`, { fix: `add environments.${flags.env}.deploy to mlpipeline.yaml (see docs/gitops.md) and merge it into the default branch` });
      }
      if (remote && !flags.dryRun) {
        await pushDeploy(root, remote, result);
        result.pushed = true;
      }
      if (flags.json) ctx.io.out(renderJson(result));
      else {
        ctx.io.err(renderNotes(result.notes));
        ctx.io.out(renderDeployText(result));
      }
    });

  writerOptions(
    program
      .command('deprecate')
      .description('deprecate a version (tag NAME@vX.Y.Z!) or a whole model (tag NAME@deprecated)')
      .argument('<ref>', 'NAME@vX.Y.Z or NAME')
      .option('--reason <text>', 'why, recorded in the tag'),
  ).action(async (refText: string, flags: WriterFlags & { reason?: string }) => {
    const ref = parseModelRef(refText, ['version', 'model']) as Parameters<typeof deprecate>[0];
    reportWrite(ctx, flags, await deprecate(ref, { ...common(ctx, flags), reason: flags.reason }));
  });

  program
    .command('registry')
    .description('every registered model: its latest version and the version in each environment (one git for-each-ref call)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { state, skipped } = await readState(ctx);
      const listing = registryListing(state, skipped);
      if (flags.json) {
        ctx.io.out(renderJson(listing));
        return;
      }
      ctx.io.out(renderRegistryText(listing));
      ctx.io.err(renderSkippedTags(listing));
    });

  program
    .command('history')
    .description('every registry event of a model, listed by tag date (ties by counter N); which version holds an environment is decided by N, not by clocks')
    .argument('<name>', 'model name')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      parseModelRef(name, ['model'], 'read');
      const { state } = await readState(ctx, name);
      const history = registryHistory(requireModel(state, name), name);
      ctx.io.out(flags.json ? renderJson(history) : renderHistoryText(history));
    });

  program
    .command('lineage')
    .description('the whole chain of a version or of what an environment holds: commit, PR, data hashes, params, metrics, gates, promotions')
    .argument('<ref>', 'NAME@vX.Y.Z or NAME#ENV')
    .option('--json', 'print JSON')
    .option('--md', 'print a Markdown report')
    .option('--out <file>', 'write the output to a file instead of stdout')
    .action(async (refText: string, flags: { json?: boolean; md?: boolean; out?: string }) => {
      if (flags.json && flags.md) throw new UsageError('choose one of --json and --md', { fix: 'drop one of them' });
      const ref = parseModelRef(refText, ['version', 'environment'], 'read') as Parameters<typeof buildLineage>[1];
      const { state } = await readState(ctx, ref.name);
      const report = buildLineage(state, ref, refText);
      ctx.io.err(renderInvalidRecords(report));
      const text = flags.json ? renderJson(report) : flags.md ? renderLineageMarkdown(report) : renderLineageText(report);
      if (flags.out) {
        const out = resolve(ctx.cwd, flags.out);
        await writeFileAtomic(out, text, { what: '--out' });
        ctx.io.out(`wrote ${displayPath(out, ctx.cwd)}\n`);
      } else ctx.io.out(text);
    });

  program
    .command('verify')
    .description('recompute the model and data file hashes at the version commit and compare them with its recorded lineage')
    .argument('<version>', 'NAME@vX.Y.Z')
    .option('--json', 'print JSON')
    .action(async (refText: string, flags: { json?: boolean }) => {
      const ref = parseModelRef(refText, ['version'], 'read') as { name: string; version: string };
      const { root, state } = await readState(ctx, ref.name);
      const report = await verifyVersion(root, state, ref.name, ref.version);
      ctx.io.out(flags.json ? renderJson(report) : renderVerifyText(report));
      if (!report.ok) {
        // The verify document (ok: false) is the --json output; no error document after it.
        if (flags.json) ctx.jsonPrinted = true;
        const bad = report.files.filter((f) => !f.ok);
        throw new ChecksFailedError(
          `verification FAILED for ${ref.name} ${ref.version}: ${bad.length} file${bad.length === 1 ? '' : 's'} differ from the recorded lineage (${bad.map((f) => f.path).join(', ')})`,
          { fix: 'do not deploy this version; find out how the files changed since registration (git log, the work tree), or register a new version' },
        );
      }
    });

  program
    .command('provenance')
    .description('emit an in-toto Statement v1 with a SLSA v1 provenance predicate for a registered version')
    .argument('<version>', 'NAME@vX.Y.Z')
    .option('--out <file>', 'write the statement to a file instead of stdout')
    .option('--remote <name>', 'remote whose URL names the source repository', 'origin')
    .option('--json', 'accepted for symmetry with the other commands: the statement is JSON already')
    .action(async (refText: string, flags: { out?: string; remote: string; json?: boolean }) => {
      const ref = parseModelRef(refText, ['version'], 'read') as { name: string; version: string };
      const { root, state } = await readState(ctx, ref.name);
      try {
        await assertRemote(root, flags.remote);
      } catch (e) {
        // The default remote may be absent (a local repository): the statement then names no URL.
        if (flags.remote !== 'origin') throw e;
      }
      const url = await gitRaw(['remote', 'get-url', '--', flags.remote], { cwd: root, okCodes: [2, 128] });
      const statement = buildProvenance(state, ref.name, ref.version, url.code === 0 ? url.stdout.toString('utf8').trim() : null);
      const text = renderJson(statement);
      if (flags.out) {
        const out = resolve(ctx.cwd, flags.out);
        await writeFileAtomic(out, text, { what: '--out' });
        ctx.io.out(`wrote ${displayPath(out, ctx.cwd)}\n`);
      } else ctx.io.out(text);
    });
}
