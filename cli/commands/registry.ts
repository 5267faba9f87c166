/**
 * The model registry commands: register, promote, rollback, deprecate (writers) and registry,
 * history, lineage, verify, provenance (readers). Everything lives in Git tags; see
 * runners/registry/grammar.ts for the tag grammar and runners/registry/tag-writer.ts for how
 * concurrent writers are kept from reusing a counter.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ChecksFailedError, UsageError } from '../../core/errors.js';
import { writeFileAtomic, toJsonText } from '../../core/atomic-write.js';
import { gitRaw } from '../../core/git.js';
import type { CliContext } from '../context.js';
import { loadPipelineForCli } from '../pipeline-file.js';
import { renderLineageMarkdown } from '../../reports/lineage.js';
import { readRegistryEvents } from '../../runners/registry/events.js';
import { parseModelRef } from '../../runners/registry/grammar.js';
import { registerVersion, type RegisterResult } from '../../runners/registry/register.js';
import { promoteVersion, rollbackEnvironment, requireModel, type PromoteResult } from '../../runners/registry/promote.js';
import { deprecate } from '../../runners/registry/deprecate.js';
import { buildLineage, type LineageReport } from '../../runners/registry/lineage.js';
import { verifyVersion } from '../../runners/registry/verify.js';
import { buildProvenance } from '../../runners/registry/provenance.js';
import { buildRegistryState, latestVersion, type RegistryState } from '../../runners/registry/state.js';
import { requireRepo } from '../../runners/registry/repo.js';
import { assertRemote, type WriteResult } from '../../runners/registry/tag-writer.js';
import type { FileDigest, PolicyCheck } from '../../runners/registry/lineage-record.js';

interface WriterFlags {
  file?: string;
  actor?: string;
  teams?: string;
  pr?: string;
  push?: boolean;
  remote?: string;
  dryRun?: boolean;
  json?: boolean;
}

const ACTION_SCHEMA = 'mlpipeline/registry-action@1';

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

function reportWrite(ctx: CliContext, flags: WriterFlags, res: WriteResult & Partial<PromoteResult> & Partial<Pick<RegisterResult, 'warnings' | 'notes'>>): void {
  const { plan } = res;
  const refused: PolicyCheck | null = res.refused ?? null;
  if (flags.json) {
    ctx.io.out(
      toJsonText({
        schema: ACTION_SCHEMA,
        action: plan.record.action,
        tag: plan.tag,
        model: plan.record.model,
        version: plan.record.version,
        environment: plan.record.environment,
        commit: plan.commit,
        dry_run: Boolean(flags.dryRun),
        decision: refused ? 'refused' : 'allowed',
        written: res.written,
        pushed: res.pushed,
        remote: remoteOf(flags) ?? null,
        attempts: res.attempts,
        checks: res.checks ?? [],
        warnings: res.warnings ?? [],
        notes: res.notes ?? [],
        record: plan.record,
      }),
    );
  } else {
    for (const n of res.notes ?? []) ctx.io.err(`mlpipeline: note: ${n}\n`);
    for (const w of res.warnings ?? []) ctx.io.err(`mlpipeline: warning: ${w}\n`);
    for (const c of res.checks ?? []) ctx.io.out(`  ${c.ok ? 'ok     ' : 'REFUSED'} ${c.rule}: ${c.detail}\n`);
    const subject = plan.message.split('\n')[0];
    if (flags.dryRun) {
      ctx.io.out(refused ? `dry run: would be refused by policy '${refused.rule}'\n` : `dry run: would create tag ${plan.tag} -> ${plan.commit.slice(0, 12)}\n  ${subject}\n`);
    } else {
      ctx.io.out(`created tag ${plan.tag} -> ${plan.commit.slice(0, 12)}${res.pushed ? ` and pushed it to ${remoteOf(flags)}` : ''}\n  ${subject}\n`);
      if (res.attempts > 1) ctx.io.out(`  (after ${res.attempts - 1} lost race${res.attempts > 2 ? 's' : ''} with other writers)\n`);
    }
  }
  if (refused) ctx.exitCode = 1;
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

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

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
      .requiredOption('--to <env>', 'target environment (one of environments: in mlpipeline.yaml)'),
  ).action(async (refText: string, flags: WriterFlags & { to: string }) => {
    const ref = parseModelRef(refText, ['version']) as { name: string; version: string };
    const loaded = await loadPipelineForCli(ctx, flags.file);
    reportWrite(ctx, flags, await promoteVersion(loaded, ref.name, ref.version, flags.to, common(ctx, flags)));
  });

  writerOptions(
    program
      .command('rollback')
      .description('re-assign to an environment the version that held it before the current one')
      .argument('<name>', 'model name')
      .requiredOption('--env <env>', 'environment to roll back'),
  ).action(async (name: string, flags: WriterFlags & { env: string }) => {
    const loaded = await loadPipelineForCli(ctx, flags.file);
    reportWrite(ctx, flags, await rollbackEnvironment(loaded, name, flags.env, common(ctx, flags)));
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
      const models = [...state.models.values()]
        .filter((m) => m.versions.size > 0)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((m) => ({
          name: m.name,
          latest: latestVersion(m)?.version ?? null,
          deprecated: m.deprecated !== null,
          versions: [...m.versions.values()].map((v) => ({
            version: v.version,
            tag: v.event.tag,
            commit: v.commit,
            registered_at: iso(v.event.time),
            by: v.event.tagger.name,
            deprecated: v.deregistered !== null,
          })),
          environments: Object.fromEntries(
            [...m.environments.values()]
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((e) => [e.name, e.current && e.since ? { version: e.current, since: iso(e.since.time), tag: e.since.tag, by: e.since.tagger.name } : null]),
          ),
        }));
      if (flags.json) {
        ctx.io.out(toJsonText({ schema: 'mlpipeline/registry@1', models, skipped }));
        return;
      }
      if (models.length === 0) {
        ctx.io.out('no registered models (register one with: mlpipeline register NAME)\n');
        return;
      }
      const envs = [...new Set(models.flatMap((m) => Object.keys(m.environments)))].sort();
      const rows = [['MODEL', 'LATEST', ...envs.map((e) => e.toUpperCase())], ...models.map((m) => [m.name + (m.deprecated ? ' (deprecated)' : ''), m.latest ?? '-', ...envs.map((e) => m.environments[e]?.version ?? '-')])];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows) ctx.io.out(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd() + '\n');
      for (const s of skipped) ctx.io.err(`mlpipeline: warning: ignored tag ${s.tag}: ${s.reason}\n`);
    });

  program
    .command('history')
    .description('every registry event of a model in time order')
    .argument('<name>', 'model name')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      parseModelRef(name, ['model'], 'read');
      const { state } = await readState(ctx, name);
      const model = requireModel(state, name);
      const events = model.events.map((e) => ({
        time: iso(e.time),
        tag: e.tag,
        action: e.action,
        version: e.version,
        environment: e.environment,
        counter: e.counter,
        commit: e.commit,
        tagger: e.tagger,
        subject: e.subject,
      }));
      if (flags.json) {
        ctx.io.out(toJsonText({ schema: 'mlpipeline/history@1', model: name, events }));
        return;
      }
      for (const e of events) {
        const what = e.environment ? `${e.action} ${e.version ?? e.commit.slice(0, 12)} ${e.action === 'assign' ? '->' : 'from'} ${e.environment}` : `${e.action}${e.version ? ' ' + e.version : ''}`;
        ctx.io.out(`${e.time}  ${e.tag.padEnd(28)}  ${what}  by ${e.tagger.name}\n`);
      }
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
      for (const i of report.invalid_records) ctx.io.err(`mlpipeline: warning: ${i.tag} is an unverified/foreign record, not used: ${i.problem}\n`);
      const text = flags.json ? toJsonText(report) : flags.md ? renderLineageMarkdown(report) : renderLineageText(report);
      if (flags.out) await writeFileAtomic(resolve(ctx.cwd, flags.out), text, { what: '--out' });
      else ctx.io.out(text);
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
      if (flags.json) ctx.io.out(toJsonText(report));
      else {
        for (const f of report.files) {
          const where = f.source === 'workspace' ? ' (not committed: compared the work tree file)' : f.source === 'missing' ? ' (missing at the commit and in the work tree)' : '';
          ctx.io.out(`${f.ok ? 'ok      ' : 'MISMATCH'} ${f.role.padEnd(10)} ${f.path}${where}\n`);
          if (!f.ok) ctx.io.out(`         recorded sha256 ${f.recorded_sha256}\n         actual   sha256 ${f.actual_sha256 ?? '(none)'}\n`);
        }
      }
      if (!report.ok) {
        const bad = report.files.filter((f) => !f.ok);
        throw new ChecksFailedError(
          `verification FAILED for ${ref.name} ${ref.version}: ${bad.length} file${bad.length === 1 ? '' : 's'} differ from the recorded lineage (${bad.map((f) => f.path).join(', ')})`,
          { fix: 'do not deploy this version; find out how the files changed since registration (git log, the work tree), or register a new version' },
        );
      }
      if (!flags.json) ctx.io.out(`verified ${ref.name} ${ref.version}: ${report.files.length} files match the recorded lineage at ${report.commit.slice(0, 12)}\n`);
    });

  program
    .command('provenance')
    .description('emit an in-toto Statement v1 with a SLSA v1 provenance predicate for a registered version')
    .argument('<version>', 'NAME@vX.Y.Z')
    .option('--out <file>', 'write the statement to a file instead of stdout')
    .option('--remote <name>', 'remote whose URL names the source repository', 'origin')
    .action(async (refText: string, flags: { out?: string; remote: string }) => {
      const ref = parseModelRef(refText, ['version'], 'read') as { name: string; version: string };
      const { root, state } = await readState(ctx, ref.name);
      await assertRemote(root, flags.remote).catch((e: unknown) => (flags.remote === 'origin' ? undefined : Promise.reject(e)));
      const url = await gitRaw(['remote', 'get-url', '--', flags.remote], { cwd: root, okCodes: [2, 128] });
      const statement = buildProvenance(state, ref.name, ref.version, url.code === 0 ? url.stdout.toString('utf8').trim() : null);
      const text = toJsonText(statement);
      if (flags.out) await writeFileAtomic(resolve(ctx.cwd, flags.out), text, { what: '--out' });
      else ctx.io.out(text);
    });
}

export function renderLineageText(r: LineageReport): string {
  const lines: string[] = [];
  lines.push(`${r.model} ${r.version}${r.deprecated ? ' (DEPRECATED)' : ''}`);
  if (r.environment && r.holding) lines.push(`  in ${r.environment} since ${r.holding.since} (${r.holding.tag}), replacing ${r.holding.replaced ?? 'nothing'}`);
  lines.push(`  deployed in: ${r.deployed_in.join(', ') || 'none'}`);
  lines.push(`  commit:      ${r.commit}`);
  lines.push(`  PR:          ${r.registration?.pr ? '#' + r.registration.pr : 'unknown'}`);
  if (r.registration) lines.push(`  registered:  ${r.registration.time} by ${r.registration.actor?.login ?? r.registration.tagger.name} (${r.registration.tag})`);
  const digest = (d: FileDigest) => `${d.path}${d.kind === 'directory' ? `/ (${d.files} files)` : ''} sha256:${d.sha256}`;
  if (r.model_file) lines.push(`  model:       ${digest(r.model_file)}`);
  if (r.data.length === 0) lines.push('  data:        none recorded');
  for (const d of r.data) lines.push(`  data:        ${d.dataset ? `${d.dataset}: ` : ''}${digest(d)}`);
  for (const d of r.dependencies) lines.push(`  depends on:  ${digest(d)}`);
  if (r.run) {
    for (const s of r.run.stages) lines.push(`  stage:       ${s.name} ${s.status} ${s.fingerprint}`);
    for (const [k, v] of Object.entries(r.run.params)) lines.push(`  param:       ${k} = ${JSON.stringify(v)}`);
    for (const [file, m] of Object.entries(r.run.metrics)) for (const [k, v] of Object.entries(m)) lines.push(`  metric:      ${file} ${k} = ${v}`);
  } else lines.push('  run:         not recorded');
  if (r.verdict) {
    lines.push(`  gates:       ${r.verdict.passed ? 'passed' : 'FAILED'}`);
    for (const g of r.verdict.gates) lines.push(`    ${g.status.padEnd(7)} ${g.metric}${g.reason ? ` (${g.reason})` : ''}`);
  } else lines.push('  gates:       no verdict recorded');
  for (const p of r.promotions) {
    const what = p.rollback_of ? `rollback to it in ${p.environment} (from ${p.rollback_of})` : `${p.action} ${p.environment}`;
    lines.push(`  #${p.counter ?? '-'} ${p.time} ${what} by ${p.actor?.login ?? p.tagger.name}${p.replaces ? `, replacing ${p.replaces.version}` : ''}`);
  }
  if (r.deprecated) lines.push(`  deprecated:  ${r.deprecated.time} (${r.deprecated.tag})${r.deprecated.reason ? ': ' + r.deprecated.reason : ''}`);
  return lines.join('\n') + '\n';
}
