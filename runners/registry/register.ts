/** `mlpipeline register`: tag a commit as a new model version, recording its whole lineage. */
import { GitError, InputError, UsageError } from '../../core/errors.js';
import { git, isDirty, resolveCommit } from '../../core/git.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { resolveActor, type ActorOptions } from './actor.js';
import { assertName, assertVersion, registerTag } from './grammar.js';
import { digestFile, materialPaths, readRunSummary, readVerdict, repoPath } from './inputs.js';
import { formatTagMessage, LINEAGE_SCHEMA, type FileDigest, type LineageRecord } from './lineage-record.js';
import { bumpVersion, type BumpPart } from './semver.js';
import { latestVersion } from './state.js';
import { writeRegistryTag, type WriteResult } from './tag-writer.js';
import { requireRepo } from './repo.js';
import { bindToRegistration } from './verdict-binding.js';

export interface RegisterOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  name: string;
  version?: string;
  bump?: string;
  ref?: string;
  verdictFile?: string;
  remote?: string;
  dryRun: boolean;
  actor: ActorOptions;
  sleep?: (ms: number) => Promise<unknown>;
}

export interface RegisterResult extends WriteResult {
  warnings: string[];
  /** About the actor's identity (unverified locally) and the policy's source. */
  notes: string[];
}

/** The registry name of the pipeline's model: model.name, else the pipeline's name. */
export function modelNameOf(loaded: LoadedPipeline): string {
  const m = loaded.pipeline.model;
  if (!m) {
    throw new UsageError(`${loaded.file} declares no model`, { fix: 'add a model: section with name and path to mlpipeline.yaml' });
  }
  return m.name ?? loaded.pipeline.name;
}

export async function registerVersion(loaded: LoadedPipeline, opts: RegisterOptions): Promise<RegisterResult> {
  assertName(opts.name, 'model');
  const modelName = modelNameOf(loaded);
  if (opts.name !== modelName) {
    throw new UsageError(`unknown model '${opts.name}': ${loaded.file} defines the model '${modelName}'`, {
      fix: `register '${modelName}', or point --file at the pipeline that defines '${opts.name}'`,
    });
  }
  if (opts.version !== undefined && opts.bump !== undefined) {
    throw new UsageError('give either --version or --bump, not both', { fix: 'drop one of them' });
  }
  if (opts.version !== undefined) assertVersion(opts.version);
  if (opts.bump !== undefined && !['major', 'minor', 'patch'].includes(opts.bump)) {
    throw new UsageError(`--bump must be major, minor or patch, got '${opts.bump}'`, { fix: 'pass --bump major|minor|patch' });
  }
  const root = await requireRepo(opts.cwd);
  if (await isDirty(root)) {
    const files = (await git(['status', '--porcelain', '--untracked-files=no'], { cwd: root })).split('\n').filter(Boolean);
    throw new GitError(
      `the work tree has uncommitted changes (${files.slice(0, 5).map((l) => l.slice(3)).join(', ')}${files.length > 5 ? `, and ${files.length - 5} more` : ''}); a registered version must describe a commit`,
      { fix: 'commit (or stash) the changes, then register again' },
    );
  }
  const commit = await resolveCommit(root, opts.ref ?? 'HEAD');
  const head = await resolveCommit(root, 'HEAD');
  const actor = await resolveActor(root, opts.env, opts.actor);
  const warnings: string[] = [];

  // A failed run, another pipeline's run or an unbound run record refuses here (inputs.ts).
  const run = await readRunSummary(loaded);
  const written = await readVerdict(loaded, opts.cwd, opts.verdictFile);
  if (!run) warnings.push('no run record (.mlpipeline/run.json): params, metrics and stage fingerprints are not recorded');
  else if (run.git.commit && run.git.commit !== commit) {
    warnings.push(
      `the run record was produced at ${run.git.commit.slice(0, 12)}, not at the registered commit ${commit.slice(0, 12)}\n  fix: re-run \`mlpipeline run\` at ${commit.slice(0, 12)} (every stage is restored or skipped, so it takes a second), then register again; see docs/registry.md "Run, commit, run, register"`,
    );
  }
  if (!written) warnings.push('no gate verdict (.mlpipeline/verdict.json): environments that require gates will refuse this version');

  const modelPath = repoPath(root, loaded, loaded.pipeline.model!.path);
  const modelFile = await digestFile(root, commit, modelPath);
  if (!modelFile) {
    throw new InputError(`model file ${modelPath} is neither committed at ${commit.slice(0, 12)} nor present in the work tree`, {
      fix: 'produce it first (mlpipeline run), or check model.path in mlpipeline.yaml',
    });
  }
  const verdict = written ? await bindToRegistration(root, commit, loaded, written, modelFile) : null;
  if (verdict && !verdict.bound) {
    warnings.push(`not gated: the gate verdict is not bound to this version (${(verdict.problems ?? []).join('; ')}); environments that require gates will refuse it. Run mlpipeline evaluate and mlpipeline gate again`);
  }
  const materials: FileDigest[] = [];
  for (const m of materialPaths(root, loaded, run)) {
    const d = await digestFile(root, commit, m.path);
    if (d) materials.push({ ...d, role: m.role, ...(m.dataset !== undefined ? { dataset: m.dataset } : {}) });
    else warnings.push(`${m.path} is neither committed nor in the work tree; not recorded`);
  }
  const fromWorkspace = [modelFile, ...materials].filter((d) => d.source === 'workspace');
  if (fromWorkspace.length && commit !== head) {
    warnings.push(`${fromWorkspace.map((d) => d.path).join(', ')} hashed from the work tree, which is at ${head.slice(0, 12)}, not ${commit.slice(0, 12)}`);
  }

  const result = await writeRegistryTag(
    { cwd: root, remote: opts.remote, dryRun: opts.dryRun, gitEnv: actor.gitEnv, now: actor.clock, sleep: opts.sleep },
    (state) => {
      const model = state.models.get(modelName);
      if (model?.deprecated) {
        throw new UsageError(`model '${modelName}' is deprecated (${model.deprecated.tag}); it takes no new versions`, {
          fix: 'register under a new model name',
        });
      }
      let version = opts.version;
      if (version === undefined) {
        version = bumpVersion(model ? latestVersion(model, true)?.semver : undefined, (opts.bump ?? 'patch') as BumpPart);
      } else if (model?.versions.has(version)) {
        const v = model.versions.get(version)!;
        throw new UsageError(`${modelName} ${version} is already registered (at ${v.commit.slice(0, 12)})`, {
          fix: 'choose a new version, or use --bump patch|minor|major',
        });
      }
      const record: LineageRecord = {
        schema: LINEAGE_SCHEMA,
        action: 'register',
        model: modelName,
        version,
        environment: null,
        commit,
        time: new Date(actor.now).toISOString(),
        actor: actor.actor,
        pr: actor.pr,
        ci: actor.ci,
        model_file: modelFile,
        materials,
        run,
        verdict,
      };
      const who = actor.actor.login ?? actor.actor.name;
      const subject = `Register ${modelName} ${version} at ${commit.slice(0, 12)} (by ${who})`;
      const tag = registerTag(modelName, version);
      return { tag, commit, record, message: formatTagMessage(subject, record) };
    },
  );
  return { ...result, warnings, notes: actor.notes };
}
