/**
 * The two sides of a diff: the working tree (`workspace`) or any git ref, whose files are read
 * from git objects without a checkout. Paths given to a side are absolute; a ref side maps them
 * to the repository root, so a pipeline living in a subfolder works the same.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GitError, InputError } from '../../core/errors.js';
import { gitRaw, repoRoot, resolveCommit } from '../../core/git.js';
import { isInside, posixRelative } from '../../core/paths.js';

export const WORKSPACE = 'workspace';

export interface FileAtSide {
  text: string;
  /** How to name the file in messages: its path, or `REF:path-in-repo` at a ref. */
  label: string;
}

export interface Side {
  /** What the user asked for: `workspace` or a ref such as `HEAD`, `main`, `v1.2.0`, a sha. */
  name: string;
  /** The commit a ref resolved to; undefined for the workspace. */
  commit?: string;
  read(absPath: string, display: string): Promise<FileAtSide | undefined>;
}

/** Open both sides; refs are resolved up front, so an unknown ref fails before any output. */
export async function openSides(cwd: string, names: [string, string]): Promise<[Side, Side]> {
  const needsGit = names.some((n) => n !== WORKSPACE);
  let root: string | undefined;
  if (needsGit) {
    root = await repoRoot(cwd);
    if (!root) {
      throw new GitError(`not inside a git repository: ${cwd}`, {
        fix: 'run this inside a git work tree, or compare `workspace workspace`',
      });
    }
  }
  const open = async (name: string): Promise<Side> =>
    name === WORKSPACE ? workspaceSide() : refSide(root as string, name, await resolveCommit(root as string, name));
  return [await open(names[0]), await open(names[1])];
}

function workspaceSide(): Side {
  return {
    name: WORKSPACE,
    async read(absPath, display) {
      try {
        return { text: await readFile(absPath, 'utf8'), label: display };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new InputError(`cannot read ${display}: ${(e as Error).message}`, { location: { file: display } });
      }
    },
  };
}

function refSide(root: string, name: string, commit: string): Side {
  return {
    name,
    commit,
    async read(absPath, display) {
      const real = realPathOfExistingPart(absPath);
      if (real === root || !isInside(root, real)) {
        throw new InputError(`the file is outside the git repository ${root}, so it has no version at ${name}`, {
          location: { file: display },
          fix: 'compare only files inside the repository',
        });
      }
      const gitPath = posixRelative(root, real);
      const r = await gitRaw(['cat-file', 'blob', `${commit}:${gitPath}`], { cwd: root, okCodes: [128] });
      if (r.code !== 0) return undefined;
      return { text: r.stdout.toString('utf8'), label: `${name}:${gitPath}` };
    },
  };
}

/**
 * Resolve symlinks in the part of the path that exists (the file itself may exist only at the
 * ref), so /tmp vs /private/tmp style aliases still land inside the repository root.
 */
function realPathOfExistingPart(path: string): string {
  let head = path;
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) return path;
    tail.unshift(basename(head));
    head = up;
  }
  return join(realpathSync(head), ...tail);
}
