/**
 * Writing the generated workflows into a repository. All files are checked before any is
 * written: an existing file with other content is refused (without --force) and nothing is
 * written at all, so a refusal never leaves half of a two-workflow setup behind. Each write is
 * atomic and confined to the repository root (a `.github` symlink pointing elsewhere is refused).
 */
import { lstat, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-write.js';
import { UsageError } from '../../../core/errors.js';
import { generateInitWorkflows } from './index.js';
import type { GeneratedWorkflow, InitWorkflowOptions } from './options.js';

export type WriteStatus = 'created' | 'replaced' | 'unchanged';

export interface WrittenWorkflow {
  /** Relative to the repository root, POSIX. */
  path: string;
  status: WriteStatus;
}

/**
 * The current content of a workflow file, or undefined when there is none. Anything but a
 * regular file in the way (a symlink, a folder, a fifo, a device) is refused here, before any
 * file is written: the atomic write would refuse it too, but only after the files before it in
 * the list were replaced, and reading a fifo or a link to /dev/zero would never return.
 */
async function existing(abs: string, path: string): Promise<string | undefined> {
  let kind: string | undefined;
  try {
    const st = await lstat(abs);
    if (st.isFile()) return await readFile(abs, 'utf8');
    kind = st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : 'a named pipe, socket or device';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // Unreadable, or a parent that is not a folder (then the first write fails, before any
    // other): writeFileAtomic names it precisely.
    return '\0unreadable';
  }
  throw new UsageError(`${path} is ${kind}, not a workflow file; nothing was written`, {
    location: { file: path },
    fix: `remove ${path} (mlpipeline writes a regular file there), then run it again`,
  });
}

export async function writeWorkflows(root: string, files: GeneratedWorkflow[], opts: { force: boolean; command: string }): Promise<WrittenWorkflow[]> {
  const plan: (WrittenWorkflow & { text: string; abs: string })[] = [];
  for (const f of files) {
    const abs = join(root, ...f.path.split('/'));
    const before = await existing(abs, f.path);
    const status: WriteStatus = before === undefined ? 'created' : before === f.text ? 'unchanged' : 'replaced';
    plan.push({ path: f.path, status, text: f.text, abs });
  }
  const conflicts = plan.filter((p) => p.status === 'replaced');
  if (conflicts.length > 0 && !opts.force) {
    // One file: its path is the error's location, which the message would otherwise repeat.
    const one = conflicts.length === 1;
    const subject = one ? 'the file already exists and differs' : `${conflicts.map((c) => c.path).join(', ')} already exist and differ`;
    throw new UsageError(`${subject} from what \`${opts.command}\` generates; nothing was written`, {
      ...(one ? { location: { file: conflicts[0]!.path } } : {}),
      fix: `keep your version, or replace ${conflicts.length === 1 ? 'it' : 'them'} with \`${opts.command} --force\` (commit or copy your edits first)`,
    });
  }
  for (const p of plan) {
    if (p.status !== 'unchanged') await writeFileAtomic(p.abs, p.text, { confineTo: root });
  }
  return plan.map(({ path, status }) => ({ path, status }));
}

/**
 * Files of the other variant that exist: after switching between the fork-safe pair and the
 * private single workflow, a leftover would run next to the new ones (the old report workflow
 * triggers on the same workflow name and would post a second time).
 */
export function leftoverWorkflows(root: string, opts: InitWorkflowOptions): string[] {
  const now = new Set(generateInitWorkflows(opts).map((w) => w.path));
  return generateInitWorkflows({ ...opts, private: !opts.private })
    .map((w) => w.path)
    .filter((p) => !now.has(p) && existsSync(join(root, ...p.split('/'))));
}
