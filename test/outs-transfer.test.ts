/**
 * `run --stage X --no-deps`, `--export-outs` and `import-outs`: a downstream workspace sees an
 * imported stage as up to date; an artifact is untrusted input, so a changed byte, a manifest
 * another commit's params or deps, a forged fingerprint or a link inside the
 * artifact are all refused, and a refused import records nothing.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIn, tempWorkspaces } from './cli-workspace.js';

const { workspace, root } = tempWorkspaces('mlp-transfer-');

const PIPELINE = `version: 1
name: t
params: [params.yaml]
stages:
  prep:
    cmd: mkdir -p data/parts && cat raw.txt raw.txt > data/prepared.txt && echo one > data/parts/a.txt && echo two > data/parts/b.txt
    deps: [raw.txt]
    params: [scale]
    outs: [data/prepared.txt, data/parts]
  train:
    cmd: cat data/prepared.txt data/parts/a.txt > model.bin
    deps: [data/prepared.txt, data/parts]
    outs: [model.bin]
`;
const files = { 'mlpipeline.yaml': PIPELINE, 'raw.txt': 'rows\n', 'params.yaml': 'scale: 2\n' };
let n = 0;
const dir = () => join(root, `export-${n++}`);

async function exported(): Promise<string> {
  const up = workspace(files);
  const out = dir();
  const r = await runIn(up, 'run', '--stage', 'prep', '--no-deps', '--export-outs', out);
  expect(r.code, r.err).toBe(0);
  return out;
}

describe('--no-deps', () => {
  it('refuses to run a stage whose upstream outs are missing, naming them and the fix', async () => {
    const w = workspace(files);
    const r = await runIn(w, 'run', '--stage', 'train', '--no-deps');
    expect(r.code).toBe(2);
    expect(r.err).toContain("train: dep data/prepared.txt (an out of stage 'prep') is missing");
    expect(r.err).toContain("train: dep data/parts (an out of stage 'prep') is missing");
    expect(r.err).toMatch(/fix: import them from the upstream job's artifact \(mlpipeline import-outs DIR\), run 'prep' first/);
    expect(existsSync(join(w, 'model.bin'))).toBe(false);
  });

  it('refuses an upstream out changed after its stage recorded it', async () => {
    const w = workspace(files);
    expect((await runIn(w, 'run')).code).toBe(0);
    writeFileSync(join(w, 'data', 'prepared.txt'), 'edited by hand\n');
    const r = await runIn(w, 'run', '--stage', 'train', '--no-deps');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dep data\/prepared\.txt \(an out of stage 'prep'\) differs from what stage 'prep' recorded/);
  });

  it('runs only the named stage once the upstream outs are imported, and they count as up to date', async () => {
    const art = await exported();
    const w = workspace(files);
    const imp = await runIn(w, 'import-outs', art, '--json');
    expect(imp.code, imp.err).toBe(0);
    expect(JSON.parse(imp.out)).toMatchObject({ ok: true, imported: [{ name: 'prep', outs: 2 }] });
    const r = await runIn(w, 'run', '--stage', 'train', '--no-deps', '--json');
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { stages: { name: string; status: string }[] }).stages.map((s) => [s.name, s.status])).toEqual([['train', 'ran']]);
    expect(readFileSync(join(w, 'model.bin'), 'utf8')).toBe('rows\nrows\none\n');
    // A full run now has nothing to do: prep is up to date on the imported record.
    const all = await runIn(w, 'run', '--json');
    expect((JSON.parse(all.out) as { stages: { status: string }[] }).stages.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    // The fingerprint the job keys its cache on is the one the run recorded.
    const fp = await runIn(w, 'fingerprint', '--stage', 'train');
    expect(fp.out.trim()).toBe((JSON.parse(r.out) as { stages: { fingerprint: string }[] }).stages[0]!.fingerprint);
  });
});

describe('import-outs treats an artifact as untrusted', () => {
  async function refused(art: string, w = workspace(files)): Promise<string> {
    const r = await runIn(w, 'import-outs', art);
    expect(r.code).toBe(2);
    expect(existsSync(join(w, 'mlpipeline.lock')), 'a refused import records nothing').toBe(false);
    return r.err;
  }
  const manifest = (art: string) => JSON.parse(readFileSync(join(art, 'mlpipeline-outs.json'), 'utf8')) as { stages: Record<string, { outs: Record<string, string>; params: Record<string, unknown>; fingerprint: string }> };
  const saveManifest = (art: string, m: unknown) => writeFileSync(join(art, 'mlpipeline-outs.json'), JSON.stringify(m));

  it('a changed byte in an out', async () => {
    const art = await exported();
    writeFileSync(join(art, 'files', 'data', 'parts', 'b.txt'), 'TWO\n');
    expect(await refused(art)).toMatch(/out data\/parts of stage 'prep' hashes to [0-9a-f]{12}, the manifest says/);
  });

  it('a record made with other params than this checkout has', async () => {
    const art = await exported();
    expect(await refused(art, workspace({ ...files, 'params.yaml': 'scale: 3\n' }))).toMatch(/stage 'prep' cannot be imported: its params values differ from this checkout/);
  });

  it('a record of deps this checkout does not have', async () => {
    const art = await exported();
    expect(await refused(art, workspace({ ...files, 'raw.txt': 'other rows\n' }))).toMatch(/stage 'prep' was run with a different raw\.txt than this checkout has/);
  });

  it('a forged fingerprint', async () => {
    const art = await exported();
    const m = manifest(art);
    m.stages.prep!.fingerprint = 'f'.repeat(64);
    saveManifest(art, m);
    expect(await refused(art)).toMatch(/the recorded fingerprint does not match its recorded inputs/);
  });

  it('a link inside the artifact, a manifest that is not one, a stage this pipeline lacks', async () => {
    const art = await exported();
    rmSync(join(art, 'files', 'data', 'prepared.txt'));
    symlinkSync('/etc/passwd', join(art, 'files', 'data', 'prepared.txt'));
    expect(await refused(art)).toMatch(/out data\/prepared\.txt of stage 'prep' holds a symbolic link/);

    const bad = await exported();
    saveManifest(bad, { schema: 'mlpipeline/outs@1', pipeline: 't', stages: { prep: { cmd: 'x' } } });
    expect(await refused(bad)).toMatch(/does not match outs\.schema\.json/);

    const other = await exported();
    const m = manifest(other);
    saveManifest(other, { ...m, stages: { nosuch: m.stages.prep } });
    expect(await refused(other)).toMatch(/stage 'nosuch' is not in this checkout's pipeline/);
    mkdirSync(join(root, 'empty'), { recursive: true });
    expect(await refused(join(root, 'empty'))).toMatch(/holds no mlpipeline-outs\.json/);
  });
});
