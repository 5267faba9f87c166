/**
 * Moving a stage's outs between machines (the jobs of a compiled workflow): `export` writes the
 * outs of stages that just ran, restored or were up to date, with their lock entries, into a
 * folder (the job's artifact); `import` puts them in another workspace so downstream stages see
 * them as up to date instead of running them again.
 *
 * An artifact from another job is untrusted input, held to the cache's rules: the manifest is
 * validated against outs.schema.json; every out is copied while hashed and must hash to what
 * the manifest says; paths come from this workspace's own mlpipeline.yaml (never from the
 * manifest), so nothing lands outside the declared outs; the stage's command, working folder,
 * env, params and out paths must equal this checkout's; every dep present here must hash to the
 * recorded value; and the fingerprint is recomputed from those inputs. Only then is the lock
 * entry recorded. Deps absent here (outs of stages further upstream) are the one thing taken on
 * the manifest's word; they are what the upstream's own artifact vouched for in its job.
 *
 * Layout: DIR/mlpipeline-outs.json and DIR/files/<out path>, each `..` segment written `%2E%2E`
 * and `%` as `%25`, so every out of the repository has a place inside DIR.
 */
import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { toJsonText, writeFileAtomic } from '../../core/atomic-write.js';
import { InputError, UsageError } from '../../core/errors.js';
import { RUN_LOCK_NAME, STATE_DIR_NAME, lockFileName } from '../../core/state-paths.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import type { LoadedPipeline } from '../../pipeline-schema/types.js';
import { buildGraph } from './dag.js';
import { commandText, hashOut } from './decide.js';
import { expandStages, type StageInstance } from './expand.js';
import { canonicalJson, fingerprint, sortKeys } from './fingerprint.js';
import { copyHashing, kindOf, NotRegularFileError } from './hashed-copy.js';
import { HashCache, manifestText, sha256, type ManifestEntry } from './hash-cache.js';
import { readLock, writeLockIfChanged, type LockDoc, type LockStage } from './lock-file.js';
import { ensureStateDir } from './object-store.js';
import { paramLocator, paramsReader } from './preflight.js';
import { statePaths } from './state.js';
import { acquireWorkspaceLock } from './workspace-lock.js';

export const OUTS_MANIFEST = 'mlpipeline-outs.json';
const MAX_MANIFEST_BYTES = 16 << 20;

export interface OutsManifest {
  schema: 'mlpipeline/outs@1';
  pipeline: string;
  /** Stage instance name → its lock entry (fingerprint, cmd, deps, params, outs by hash). */
  stages: Record<string, LockStage>;
}

export interface TransferResult {
  stages: { name: string; fingerprint: string; outs: number }[];
}

/** Where out `rel` lives inside an export folder. */
export function exportedPath(dir: string, rel: string): string {
  const segs = rel.split('/').map((s) => (s === '..' ? '%2E%2E' : s.replace(/%/g, '%25')));
  return join(dir, 'files', ...segs);
}

interface Workspace {
  loaded: LoadedPipeline;
  byName: Map<string, StageInstance>;
  order: StageInstance[];
  lock: LockDoc;
  lockFile: string;
  hashes: HashCache;
}

async function openWorkspace(loaded: LoadedPipeline): Promise<Workspace> {
  const instances = expandStages(loaded);
  const graph = buildGraph(loaded, instances);
  const paths = statePaths(loaded.dir, loaded.file);
  const shown = join(dirname(loaded.displayFile ?? loaded.file), lockFileName(loaded.file));
  const [lock, hashes] = await Promise.all([readLock(paths.lockFile, shown), HashCache.open(paths.hashesFile, loaded.dir)]);
  return { loaded, byName: new Map(instances.map((s) => [s.name, s])), order: graph.order, lock, lockFile: paths.lockFile, hashes };
}

async function withWorkspaceLock<T>(loaded: LoadedPipeline, command: string, fn: () => Promise<T>): Promise<T> {
  const stateDir = join(loaded.dir, STATE_DIR_NAME);
  await ensureStateDir(stateDir);
  const lock = await acquireWorkspaceLock(join(stateDir, RUN_LOCK_NAME), { command, display: join(STATE_DIR_NAME, RUN_LOCK_NAME) });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Regular files of a directory, sorted as the hash cache sorts them; links and devices refused. */
async function filesOf(root: string, prefix = '', out: string[] = []): Promise<string[]> {
  for (const e of await readdir(join(root, prefix), { withFileTypes: true })) {
    const p = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) await filesOf(root, p, out);
    else if (e.isFile()) out.push(p);
    else throw new NotRegularFileError(join(root, p), kindOf(await lstat(join(root, p))));
  }
  return out;
}

/**
 * Copy a file or directory `src` to the new path `dest`, hashing what is written, and return
 * the hash in the engine's form (file sha256, or a directory manifest's sha256 + `.dir`).
 */
async function copyTree(src: string, dest: string): Promise<string> {
  let st: Stats;
  try {
    st = await lstat(src);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound();
    throw e;
  }
  if (st.isFile()) return (await copyHashing(src, dest)).hash;
  if (!st.isDirectory()) throw new NotRegularFileError(src, kindOf(st));
  await mkdir(dest);
  const manifest: ManifestEntry[] = [];
  for (const f of (await filesOf(src)).sort()) {
    await mkdir(dirname(join(dest, f)), { recursive: true });
    manifest.push({ path: f, hash: (await copyHashing(join(src, f), join(dest, f))).hash });
  }
  return `${sha256(manifestText(manifest))}.dir`;
}

class NotFound extends Error {}

/**
 * Write the outs of `names` (stage instances whose lock entries are current) to `dir`, which must
 * not exist yet or be empty. Each out is copied while hashed and must still be what the lock
 * entry records. The folder appears complete or not at all.
 */
export async function exportOuts(loaded: LoadedPipeline, names: string[], dir: string): Promise<TransferResult> {
  return withWorkspaceLock(loaded, `mlpipeline run --export-outs ${dir}`, async () => {
    const ws = await openWorkspace(loaded);
    const existing = await readdir(dir).catch(() => undefined);
    if (existing && existing.length > 0) throw new UsageError(`--export-outs ${dir} is not empty`, { fix: 'export into a new or empty folder' });
    const tmp = join(dirname(dir), `.${basename(dir)}.${randomBytes(6).toString('hex')}.mlpipeline-tmp`);
    const manifest: OutsManifest = { schema: 'mlpipeline/outs@1', pipeline: loaded.pipeline.name, stages: {} };
    const result: TransferResult = { stages: [] };
    try {
      await mkdir(tmp, { recursive: true });
      for (const name of names) {
        const s = ws.byName.get(name);
        const entry = ws.lock.stages[name];
        if (!s || !entry) throw new InputError(`cannot export the outs of stage '${name}': it has no record in the lock file`, { fix: `run it first: mlpipeline run --stage ${name}` });
        for (const out of s.outs) {
          const dest = exportedPath(tmp, out.rel);
          await mkdir(dirname(dest), { recursive: true });
          let hash: string;
          try {
            hash = await copyTree(out.abs, dest);
          } catch (e) {
            if (e instanceof NotFound) throw new InputError(`cannot export out ${out.rel} of stage '${name}': it is missing`, { fix: `run the stage again: mlpipeline run --stage ${name}` });
            throw e;
          }
          if (hash !== entry.outs[out.rel]) {
            throw new InputError(`cannot export out ${out.rel} of stage '${name}': it changed since the stage recorded it`, { fix: `run the stage again: mlpipeline run --stage ${name}` });
          }
        }
        manifest.stages[name] = sortKeys(entry) as LockStage;
        result.stages.push({ name, fingerprint: entry.fingerprint, outs: s.outs.length });
      }
      await writeFileAtomic(join(tmp, OUTS_MANIFEST), toJsonText(manifest));
      if (existing) await rm(dir, { recursive: true });
      await mkdir(dirname(dir), { recursive: true });
      await rename(tmp, dir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    return result;
  });
}

async function readManifest(dir: string, pipeline: string): Promise<OutsManifest> {
  const file = join(dir, OUTS_MANIFEST);
  const where = { location: { file } };
  let st: Stats;
  try {
    st = await lstat(file);
  } catch {
    throw new InputError(`${dir} holds no ${OUTS_MANIFEST}: not a folder written by --export-outs`, { ...where, fix: 'pass the folder of one downloaded artifact' });
  }
  if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) throw new InputError(`${OUTS_MANIFEST} is not a regular file of at most 16 MiB`, where);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${OUTS_MANIFEST} is not valid JSON: ${(e as Error).message}`, where);
  }
  const problems = validateDocument('outs', doc);
  if (problems.length) throw new InputError(`${OUTS_MANIFEST} does not match outs.schema.json: ${problems.slice(0, 3).join('; ')}`, where);
  const m = doc as OutsManifest;
  if (m.pipeline !== pipeline) throw new InputError(`${OUTS_MANIFEST} is from pipeline '${m.pipeline}', not '${pipeline}'`, { ...where, fix: 'import artifacts of this pipeline only' });
  return m;
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? {}) === canonicalJson(b ?? {});
const sameSet = (a: string[], b: string[]): boolean => canonicalJson([...a].sort()) === canonicalJson([...b].sort());

/** Why a recorded entry does not describe this checkout's stage, or undefined when it does. */
function entryMismatch(s: StageInstance, e: LockStage, params: Record<string, unknown>): string | undefined {
  if (e.cmd !== commandText(s)) return 'its command differs from this checkout';
  if ((e.wdir ?? '.') !== s.wdir.rel) return 'its wdir differs';
  if (!same(e.env, s.env)) return 'its env differs';
  if (!same(e.params, params)) return 'its params values differ from this checkout';
  if (!sameSet(Object.keys(e.outs), s.outs.map((o) => o.rel))) return 'its outs are not the ones this checkout declares';
  if (!sameSet(Object.keys(e.deps), s.deps.map((d) => d.rel))) return 'its deps are not the ones this checkout declares';
  return undefined;
}

/**
 * Import export folders into this workspace: verify everything (see the header), put the outs
 * in place, then record the stages' lock entries. A failure records nothing.
 */
export async function importOuts(loaded: LoadedPipeline, dirs: string[]): Promise<TransferResult> {
  if (dirs.length === 0) throw new UsageError('import-outs needs at least one folder', { fix: 'mlpipeline import-outs DIR [DIR...]' });
  return withWorkspaceLock(loaded, `mlpipeline import-outs ${dirs.join(' ')}`, async () => {
    const ws = await openWorkspace(loaded);
    const reader = paramsReader(loaded);
    const incoming = new Map<string, { entry: LockStage; dir: string; stage: StageInstance; params: Record<string, unknown> }>();
    for (const dir of dirs) {
      const m = await readManifest(dir, loaded.pipeline.name);
      for (const [name, entry] of Object.entries(m.stages)) {
        const stage = ws.byName.get(name);
        const at = { location: { file: join(dir, OUTS_MANIFEST) } };
        if (!stage) throw new InputError(`${dir}: stage '${name}' is not in this checkout's pipeline`, { ...at, fix: 'import artifacts built from the same commit' });
        if (incoming.has(name) && !same(incoming.get(name)!.entry, entry)) throw new InputError(`stage '${name}' comes twice, with different records`, at);
        const params = await reader.values(stage.name, stage.params, paramLocator(loaded, stage));
        const why = entryMismatch(stage, entry, params);
        if (why) throw new InputError(`${dir}: stage '${name}' cannot be imported: ${why}`, { ...at, fix: 'import artifacts built from the same commit as this checkout' });
        incoming.set(name, { entry, dir, stage, params });
      }
    }
    // Outs first: a dep of one imported stage may be the out of another.
    for (const { entry, dir, stage } of incoming.values()) {
      for (const out of stage.outs) {
        const want = entry.outs[out.rel]!;
        if ((await hashOut(out.abs, ws.hashes)) === want) continue;
        await mkdir(dirname(out.abs), { recursive: true });
        const tmp = join(dirname(out.abs), `.${basename(out.abs)}.${randomBytes(6).toString('hex')}.mlpipeline-tmp`);
        try {
          let got: string;
          try {
            got = await copyTree(exportedPath(dir, out.rel), tmp);
          } catch (e) {
            if (e instanceof NotFound) throw new InputError(`${dir}: out ${out.rel} of stage '${stage.name}' is missing from the artifact`);
            if (e instanceof NotRegularFileError) throw new InputError(`${dir}: out ${out.rel} of stage '${stage.name}' holds ${e.kind}; only regular files are imported`);
            throw e;
          }
          if (got !== want) throw new InputError(`${dir}: out ${out.rel} of stage '${stage.name}' hashes to ${got.slice(0, 12)}, the manifest says ${want.slice(0, 12)}`, { fix: 'the artifact is damaged or was altered; re-run the upstream job' });
          await rm(out.abs, { recursive: true, force: true });
          await rename(tmp, out.abs);
        } catch (e) {
          await rm(tmp, { recursive: true, force: true });
          throw e;
        }
      }
    }
    const result: TransferResult = { stages: [] };
    for (const { entry, dir, stage, params } of incoming.values()) {
      for (const dep of stage.deps) {
        const here = await ws.hashes.hashPath(dep.abs);
        if (here && here.hash !== entry.deps[dep.rel]) {
          throw new InputError(`${dir}: stage '${stage.name}' was run with a different ${dep.rel} than this checkout has`, { fix: 'import artifacts built from the same commit, with their upstream artifacts' });
        }
      }
      const fp = fingerprint({ cmds: stage.cmds, wdir: stage.wdir.rel, env: stage.env, deps: entry.deps, params, outs: stage.outs.map((o) => o.rel) });
      if (fp !== entry.fingerprint) throw new InputError(`${dir}: stage '${stage.name}': the recorded fingerprint does not match its recorded inputs`, { fix: 'the artifact is damaged or was altered; re-run the upstream job' });
      result.stages.push({ name: stage.name, fingerprint: fp, outs: stage.outs.length });
    }
    const before: LockDoc = { schema: ws.lock.schema, stages: { ...ws.lock.stages } };
    for (const { entry, stage } of incoming.values()) {
      const clean: LockStage = { cmd: entry.cmd, fingerprint: entry.fingerprint, deps: entry.deps, params: entry.params, outs: entry.outs };
      if (stage.wdir.rel !== '.') clean.wdir = stage.wdir.rel;
      if (Object.keys(stage.env).length) clean.env = stage.env;
      ws.lock.stages[stage.name] = clean;
      for (const out of stage.outs) await hashOut(out.abs, ws.hashes);
    }
    await writeLockIfChanged(ws.lockFile, before, ws.lock);
    await ws.hashes.save();
    // Stages in pipeline order, as a reader expects them.
    const rank = new Map(ws.order.map((s, i) => [s.name, i]));
    result.stages.sort((a, b) => rank.get(a.name)! - rank.get(b.name)!);
    return result;
  });
}
