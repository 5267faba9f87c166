/**
 * The architecture's boundaries are lint rules (eslint.config.js); this proves each one fires,
 * by linting code through ESLint's Node API as if it lived at a path in the tree. The files do
 * not exist: lintText only needs the path to pick the rules, and imports resolve to real files.
 *
 * Also: no import cycles, type-only imports included (import-x/no-cycle skips those because
 * they vanish at runtime; a cycle of types is still one tangle of modules).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
let eslint: ESLint;

beforeAll(() => {
  // Only the boundary rules, parsed without type information: the type-checked rules would need
  // every made-up file to be part of the TypeScript project.
  eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ['import-x/no-restricted-paths', 'no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'import-x/no-cycle'].includes(ruleId),
  });
});

/** The rule ids that fire for `code` at `file`, with their messages. */
async function lint(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const layering = (found: { rule: string | null }[]) => found.filter((m) => m.rule === 'import-x/no-restricted-paths');

describe('layering: runners/ and reports/ never import a face', () => {
  it('fails an import of cli/ from runners/, naming the fix', async () => {
    const found = await lint('runners/stages/x.ts', "import { runCli } from '../../cli/main.js';\nexport const x = runCli;\n");
    expect(layering(found)).toHaveLength(1);
    expect(found[0]!.message).toContain('runners/ (the engine) returns plain documents and never imports reports/, cli/ or actions/');
  });

  it('fails a dynamic import of cli/ from runners/ too', async () => {
    const found = await lint('runners/stages/x.ts', "export const x = () => import('../../cli/main.js');\n");
    expect(layering(found)).toHaveLength(1);
  });

  it('passes the same import in cli/', async () => {
    expect(await lint('cli/commands/x.ts', "import { runCli } from '../main.js';\nexport const x = runCli;\n")).toEqual([]);
  });

  it('fails reports/ importing cli/, and runners/ importing reports/', async () => {
    expect(layering(await lint('reports/x.ts', "import { bufferIo } from '../cli/context.js';\nexport const x = bufferIo;\n"))).toHaveLength(1);
    expect(layering(await lint('runners/gates/x.ts', "import { renderJson } from '../../reports/json.js';\nexport const x = renderJson;\n"))).toHaveLength(1);
  });

  it('passes reports/ importing a runner document and core/', async () => {
    const code = "import type { Verdict } from '../runners/gates/verdict.js';\nimport { formatNumber } from '../core/numbers.js';\nexport const x = (v: Verdict) => formatNumber(v.gates.length);\n";
    expect(await lint('reports/x.ts', code)).toEqual([]);
  });

  it('fails pipeline-schema/ importing a runner, and core/ importing anything above it', async () => {
    expect(layering(await lint('pipeline-schema/x.ts', "import { scanDataset } from '../runners/data/scan.js';\nexport const x = scanDataset;\n"))).toHaveLength(1);
    expect(layering(await lint('core/x.ts', "import { stageOrder } from '../pipeline-schema/graph.js';\nexport const x = stageOrder;\n"))).toHaveLength(1);
  });

  it('fails cli/ and actions/ importing each other', async () => {
    expect(layering(await lint('actions/run/x.ts', "import { runCli } from '../../cli/main.js';\nexport const x = runCli;\n"))).toHaveLength(1);
  });
});

describe('GitHub packages: only actions/github/ may import @actions/* or octokit', () => {
  const octokit = "import { Octokit } from '@octokit/rest';\nexport const x = Octokit;\n";

  it('fails reports/ importing @octokit/rest', async () => {
    const found = await lint('reports/x.ts', octokit);
    expect(found.map((m) => m.rule)).toContain('no-restricted-imports');
    expect(found.find((m) => m.rule === 'no-restricted-imports')!.message).toContain('only actions/github/');
  });

  it('fails runners/, cli/ and other actions importing @actions/core or octokit', async () => {
    for (const [file, code] of [
      ['runners/registry/x.ts', "import * as core from '@actions/core';\nexport const x = core;\n"],
      ['cli/x.ts', "import { Octokit } from 'octokit';\nexport const x = Octokit;\n"],
      ['actions/report/x.ts', octokit],
    ] as const) {
      expect((await lint(file, code)).map((m) => m.rule), file).toContain('no-restricted-imports');
    }
  });

  it('passes the adapter in actions/github/', async () => {
    expect(await lint('actions/github/client.ts', octokit)).toEqual([]);
  });
});

describe('danger/: a face beside cli/ and actions/, importing danger for types only', () => {
  it('fails danger/ importing cli/ or actions/, and any layer or face importing danger/', async () => {
    expect(layering(await lint('danger/x.ts', "import { runCli } from '../cli/main.js';\nexport const x = runCli;\n"))).toHaveLength(1);
    expect(layering(await lint('danger/rules/x.ts', "import { x as y } from '../../actions/github/index.js';\nexport const x = y;\n"))).toHaveLength(1);
    for (const file of ['cli/x.ts', 'actions/run/x.ts', 'reports/x.ts', 'runners/gates/x.ts']) {
      const from = file.split('/').length === 2 ? '../danger/index.js' : '../../danger/index.js';
      expect(layering(await lint(file, `import { mlpipeline } from '${from}';\nexport const x = mlpipeline;\n`)), file).toHaveLength(1);
    }
  });

  it('passes danger/ importing reports/, runners/, pipeline-schema/ and core/', async () => {
    const code = "import { escapeMarkdown } from '../reports/markdown.js';\nimport { HashCache } from '../runners/stages/hash-cache.js';\nimport { validateDocument } from '../pipeline-schema/documents.js';\nimport { git } from '../core/git.js';\nexport const x = [escapeMarkdown, HashCache, validateDocument, git];\n";
    expect(await lint('danger/x.ts', code)).toEqual([]);
  });

  it('fails a run-time import of danger in danger/, and passes a type-only one', async () => {
    const ruleIds = (found: { rule: string | null }[]) => found.map((m) => m.rule);
    expect(ruleIds(await lint('danger/x.ts', "import { danger } from 'danger';\nexport const x = danger;\n"))).toContain('@typescript-eslint/no-restricted-imports');
    expect(await lint('danger/x.ts', "import type { DangerDSLType } from 'danger';\nexport type X = DangerDSLType;\n")).toEqual([]);
  });
});

describe('import cycles', () => {
  it('fails a module that imports one that imports it back', async () => {
    // runners/data/scan.ts imports csv-scan.ts; importing scan.ts from there closes a cycle.
    const found = await lint('runners/data/csv-scan.ts', "import { scanDataset } from './scan.js';\nexport const x = scanDataset;\n");
    expect(found.map((m) => m.rule)).toContain('import-x/no-cycle');
  });

  it('finds none in the tree, type-only imports included', () => {
    const graph = moduleGraph(['core', 'pipeline-schema', 'runners', 'reports', 'cli', 'actions', 'danger']);
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });
});

/** Every .ts module below `dirs` and the modules it imports (static, dynamic and type-only). */
function moduleGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (path.endsWith('.ts')) {
        const info = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
        const deps = info.importedFiles
          .map((f) => f.fileName)
          .filter((f) => f.startsWith('.'))
          .map((f) => relative(root, resolve(dirname(path), f.replace(/\.js$/, '.ts'))));
        graph.set(relative(root, path), deps);
      }
    }
  };
  for (const d of dirs) {
    try {
      if (statSync(join(root, d)).isDirectory()) visit(join(root, d));
    } catch {
      /* a layer that has no folder yet */
    }
  }
  return graph;
}

/** The strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}
