/**
 * Everything `init github` needs to know about the repository, read once: where the repository
 * root is, where the pipeline file sits in it (a pipeline in `examples/churn/` gets a
 * `working-directory:`), which package.json `npm ci` installs, and the default branch. The
 * pipeline file is loaded with the ordinary loader, so a broken one stops here with its
 * file:line:col instead of producing a workflow that fails on GitHub.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import { gitRaw, repoRoot } from '../../../core/git.js';
import { packageVersion } from '../../../core/package-root.js';
import { displayPath, isInside, posixRelative } from '../../../core/paths.js';
import { loadPipelineFile } from '../../../pipeline-schema/load.js';
import type { ActionsRef } from '../actions-ref.js';
import { pipelineSlug, type InitWorkflowOptions } from './options.js';

export const DEFAULT_PIPELINE_FILE = 'mlpipeline.yaml';
const FALLBACK_BRANCH = 'main';

export interface LocateRequest {
  cwd: string;
  /** `--dir`: the repository root; default the Git top level of the pipeline's folder. */
  dir?: string;
  /** `--pipeline-file`, relative to cwd; default ./mlpipeline.yaml. */
  pipelineFile?: string;
  /** `--default-branch`; default origin's HEAD when `dir` is a clone's top level, else main. */
  defaultBranch?: string;
  actions: ActionsRef;
  private: boolean;
}

export interface Located {
  /** Absolute repository root the workflow paths are relative to. */
  root: string;
  options: InitWorkflowOptions;
  /** Things that would make the generated workflow fail on GitHub, said now. */
  warnings: string[];
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Paths end up in YAML scalars, comments and `working-directory:`; refuse what the runner would
 * evaluate or mangle. C1 controls and the Unicode separators count: NEL (U+0085), U+2028 and
 * U+2029 end a line for YAML 1.1 parsers (go-yaml, YamlDotNet, GitHub's), so inside a comment
 * they would start a line of YAML the file's author chose (a top-level `env:` in the job that
 * holds the write token).
 */
function checkPathText(what: string, path: string): void {
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(path) || path.includes('${{')) {
    throw new UsageError(`${what} '${path}' contains control characters or '\${{', which a workflow would evaluate`, {
      fix: 'rename the folder or file to plain characters',
    });
  }
}

const BRANCH = /^(?!.*\.\.)(?!.*\/\/)(?![/.])[A-Za-z0-9._/-]{1,200}(?<![/.])$/;

export async function locate(req: LocateRequest): Promise<Located> {
  const pipelineAbs = resolve(req.cwd, req.pipelineFile ?? DEFAULT_PIPELINE_FILE);
  const shownPipeline = displayPath(pipelineAbs, req.cwd);
  if (!existsSync(pipelineAbs) || !statSync(pipelineAbs).isFile()) {
    throw new UsageError(`no pipeline file at ${shownPipeline}`, {
      location: { file: shownPipeline },
      fix: req.pipelineFile ? 'check the path given to --pipeline-file' : `run in the folder that holds ${DEFAULT_PIPELINE_FILE}, or pass --pipeline-file PATH`,
    });
  }
  let root: string;
  if (req.dir !== undefined) {
    root = resolve(req.cwd, req.dir);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new UsageError(`--dir ${displayPath(root, req.cwd)} is not a folder`, { fix: 'pass the root of the repository the workflows are for' });
    }
  } else {
    // Without Git there is no repository root to put .github/ in: guessing the pipeline's folder
    // would write workflows GitHub never reads once the folder ends up inside a larger repository.
    const top = await repoRoot(dirname(pipelineAbs));
    if (!top) {
      const shownDir = displayPath(dirname(pipelineAbs), req.cwd);
      throw new UsageError(`${shownDir === '.' ? 'the current folder' : `the folder ${shownDir}`} is not inside a Git repository, so there is no repository root to write .github/workflows/ into`, {
        location: { file: shownPipeline },
        fix: 'make the project a Git repository first (`git init && git add -A && git commit -m pipeline`), or pass --dir with the folder that will be its root',
      });
    }
    root = top;
  }
  const realRoot = real(root);
  const realPipeline = real(pipelineAbs);
  if (!isInside(realRoot, realPipeline)) {
    throw new UsageError(`the pipeline file ${shownPipeline} is outside the repository root ${displayPath(root, req.cwd)}`, {
      fix: 'pass --dir the root of the repository that holds the pipeline file',
    });
  }
  // The ordinary loader, confined to this root: errors come out as file:line:col with a fix.
  const loaded = await loadPipelineFile(pipelineAbs, { cwd: req.cwd, repoRoot: realRoot });

  const pipelineDir = dirname(realPipeline);
  const workingDirectory = posixRelative(realRoot, pipelineDir);
  const pipelineFile = basename(realPipeline);
  checkPathText('the pipeline folder', workingDirectory);
  checkPathText('the pipeline file', pipelineFile);

  const warnings: string[] = [];
  const installAbs = findPackageDir(pipelineDir, realRoot);
  const installDirectory = posixRelative(realRoot, installAbs ?? pipelineDir);
  checkPathText('the package folder', installDirectory);
  const shownInstall = installDirectory === '.' ? '' : `${installDirectory}/`;
  if (!installAbs) {
    warnings.push(
      `no package.json in ${workingDirectory === '.' ? 'the repository root' : `${workingDirectory}/ or above it`}: the workflow's \`npm ci\` installs the project from ${shownInstall}package.json and package-lock.json; add them (\`npm install --save-dev mlpipeline\`) and commit both`,
    );
  } else if (!existsSync(join(installAbs, 'package-lock.json')) && !existsSync(join(installAbs, 'npm-shrinkwrap.json'))) {
    warnings.push(`no package-lock.json beside ${shownInstall}package.json: the workflow's \`npm ci\` needs it; run \`npm install\` there and commit package-lock.json`);
  }

  const head = req.defaultBranch === undefined ? await originHead(realRoot) : undefined;
  let defaultBranch = req.defaultBranch ?? head ?? FALLBACK_BRANCH;
  if (req.defaultBranch === undefined && head === undefined) {
    // A new repository (`git init`, no remote yet) on `master` or `trunk` would otherwise get a
    // push trigger for a branch it does not have, and pull requests would never find a base.
    const current = await currentBranch(realRoot);
    if (current !== undefined && current !== FALLBACK_BRANCH) {
      warnings.push(
        `the workflow runs on pushes to \`${FALLBACK_BRANCH}\` (there is no origin/HEAD to read the default branch from), but this repository is on \`${current}\`: if \`${current}\` is the default branch, run it again with \`--default-branch ${current}\``,
      );
    }
  }
  if (!BRANCH.test(defaultBranch)) {
    if (req.defaultBranch !== undefined) {
      throw new UsageError(`--default-branch '${req.defaultBranch}' is not a plain branch name`, { fix: 'give the branch name only, e.g. --default-branch main' });
    }
    defaultBranch = FALLBACK_BRANCH;
  }

  return {
    root: realRoot,
    warnings,
    options: {
      pipelineName: loaded.pipeline.name,
      slug: pipelineSlug(loaded.pipeline.name),
      workingDirectory,
      pipelineFile,
      installDirectory,
      environments: Object.keys(loaded.pipeline.environments ?? {}),
      ...(Object.values(loaded.pipeline.environments ?? {}).some((e) => e.deploy?.mode === 'pull-request') ? { deployPullRequests: true } : {}),
      defaultBranch,
      actions: req.actions,
      private: req.private,
      version: packageVersion(),
      ...(loaded.pipeline.monitoring ? { monitoring: loaded.pipeline.monitoring.open ?? 'issue' } : {}),
    },
  };
}

/** The nearest folder from the pipeline's up to the root that holds a package.json. */
function findPackageDir(from: string, root: string): string | undefined {
  for (let dir = from; isInside(root, dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dir === root || dirname(dir) === dir) break;
  }
  return undefined;
}

/** The branch checked out at `root` when `root` is a repository's top level. */
async function currentBranch(root: string): Promise<string | undefined> {
  const top = await repoRoot(root);
  if (!top || real(top) !== root) return undefined;
  const r = await gitRaw(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: root, okCodes: [1, 128] }).catch(() => undefined);
  const ref = r && r.code === 0 ? r.stdout.toString('utf8').trim() : '';
  return ref !== '' && BRANCH.test(ref) ? ref : undefined;
}

/**
 * `origin/HEAD` of a clone whose top level is `root` (what `git clone` records as the remote's
 * default branch). A folder inside another repository (the bundled example) has none of its own:
 * the fallback keeps its generated files the same on every machine.
 */
async function originHead(root: string): Promise<string | undefined> {
  const top = await repoRoot(root);
  if (!top || real(top) !== root) return undefined;
  const r = await gitRaw(['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD'], { cwd: root, okCodes: [1, 128] }).catch(() => undefined);
  const ref = r && r.code === 0 ? r.stdout.toString('utf8').trim() : '';
  return ref.startsWith('origin/') ? ref.slice('origin/'.length) : undefined;
}
