/**
 * Paths in mlpipeline.yaml must stay inside the repository: no absolute paths, no `..` above the
 * repository root, and no existing symlink along the way whose real target is outside. The
 * repository root is `git rev-parse --show-toplevel` of the pipeline's folder (the loader asks git
 * when loading a file; for text it looks for the nearest `.git` above), or the folder itself
 * outside Git.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isInside } from '../core/paths.js';

/** Nearest folder at or above `dir` that holds `.git` (a folder, or a file for worktrees/submodules). */
export function findRepoRootSync(dir: string): string | undefined {
  let cur = resolve(dir);
  for (;;) {
    if (existsSync(join(cur, '.git'))) return cur;
    const up = dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

export interface PathChecker {
  /** Real path of the pipeline's folder. */
  dir: string;
  /** Real path of the repository root. */
  root: string;
  /** Undefined when fine; otherwise what is wrong and how to fix it. */
  check(p: string): { message: string; fix: string } | undefined;
}

export function pathChecker(pipelineDir: string, repoRoot: string): PathChecker {
  const dir = real(pipelineDir);
  const root = real(repoRoot);
  const relDir = relative(root, dir) || '.';
  return {
    dir,
    root,
    check(p: string) {
      if (isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\')) {
        return {
          message: `path '${p}' is absolute; paths must be relative and stay inside the repository`,
          fix: `write it relative to the folder of mlpipeline.yaml${relDir === '.' ? '' : ` (${relDir}/ in the repository)`}`,
        };
      }
      const target = resolve(dir, p);
      if (!isInside(root, target)) {
        return {
          message: `path '${p}' escapes the repository (root ${root})`,
          fix: 'keep every path inside the repository; copy or link the file into it',
        };
      }
      // Walk the components that exist: a symlink among them must not lead outside.
      const parts = relative(root, target).split(sep).filter(Boolean);
      let cur = root;
      for (const part of parts) {
        cur = join(cur, part);
        let isLink = false;
        try {
          isLink = lstatSync(cur).isSymbolicLink();
        } catch {
          break; // does not exist (yet): nothing further can be a symlink on disk
        }
        if (isLink) {
          const to = real(cur);
          if (!isInside(root, to)) {
            return {
              message: `path '${p}' leads outside the repository through the symlink '${relative(dir, cur) || '.'}' (to ${to})`,
              fix: 'replace the symlink with the files themselves, or point it inside the repository',
            };
          }
        }
      }
      return undefined;
    },
  };
}
