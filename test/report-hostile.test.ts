/**
 * Hostile strings (column names, category values, metric, stage, gate, param and model names,
 * reasons) through every output of `mlpipeline report`, asserting the rendered text: the
 * Markdown outputs are rendered with GitHub's engine (cmark-gfm with GitHub's extensions, raw
 * HTML kept) and the HTML may hold only what the report made; Mermaid blocks hold only quoted,
 * stripped labels; the JSON outputs parse and keep the strings as data.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { reportFixture, type NameKind } from '../bench/report-documents.js';
import { buildReportData } from '../reports/report-data.js';
import { renderComment } from '../reports/comment.js';
import { renderReportFiles } from '../reports/report-files.js';
import { validateDocument } from '../pipeline-schema/documents.js';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '![pixel](https://evil.example/t.png)',
  '[click](https://evil.example)',
  'https://evil.example/path',
  'www.evil.example',
  '@admin please merge',
  'fixes #123 and org/repo#9',
  'a | b | c',
  'line1\nline2\r\n| injected | row |',
  '**bold** _em_ ~~strike~~ `code`',
  '```\n# heading\n```',
  '<!-- hidden --> -->',
  '</details><details open><summary>x</summary>',
  '"]\n  bar [9]\n%%{init: {"theme": "dark"}}%%',
  'x; click x href "javascript:alert(1)"',
  '<a href="https://evil.example">hi</a>',
  'data:image/png;base64,AAAA',
  '\u202Eevil\u202C @\u200Bok',
  '&lt;b&gt; &amp;',
];

const KINDS: NameKind[] = ['pipeline', 'model', 'column', 'category', 'metric', 'stage', 'gate', 'param', 'value', 'reason', 'version'];
/** Every kind of name hostile; columns and categories stay distinct (they are keys). */
const hostile = (kind: NameKind, i: number): string => HOSTILE[(i + KINDS.indexOf(kind)) % HOSTILE.length]! + (['column', 'category', 'stage', 'version'].includes(kind) ? ` ${i}` : '');

const inputs = reportFixture({ columns: 40, slices: 30, name: hostile });
const files = renderReportFiles(inputs, { fullReport: '.mlpipeline/report/summary.md' });

const CMARK = spawnSync('cmark-gfm', ['--version'], { stdio: 'ignore' }).status === 0;
const GFM_FLAGS = ['--extension', 'table', '--extension', 'strikethrough', '--extension', 'autolink', '--extension', 'tagfilter', '--extension', 'tasklist', '--unsafe'];

function render(md: string): string {
  const r = spawnSync('cmark-gfm', GFM_FLAGS, { input: md, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** What a reader sees: the HTML's text, entities decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** The HTML the report makes, and nothing else: sections, tables, emphasis, code, its marker. */
const ALLOWED_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'details', 'summary', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'pre', 'strong', 'em', 'ul', 'li', 'blockquote']);

function assertSafeHtml(name: string, md: string): void {
  const html = render(md);
  const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
  expect(tags.filter((t) => !ALLOWED_TAGS.has(t)), `${name}: tags the report did not make`).toEqual([]);
  // Attributes only where the report puts them: `open` on the gates' <details>, the code fence's language, table alignment.
  const attrs = [...html.matchAll(/<[a-z0-9]+ ([^>]*)>/g)].map((m) => m[1]!);
  for (const a of attrs) expect(a, `${name}: attribute`).toMatch(/^(open|class="language-mermaid"|align="(left|right|center)")$/);
  // Comments: only the marker (in the comment), once.
  const comments = html.match(/<!--[\s\S]*?-->/g) ?? [];
  expect(comments, `${name}: HTML comments`).toEqual(name === 'comment.md' ? [expect.stringMatching(/^<!-- mlpipeline-report pipeline=[A-Za-z0-9%._~*'()!]+ -->$/)] : []);
  // No image, link, script or frame anywhere (also not as an attribute-bearing tag the filter let through).
  expect(html).not.toMatch(/<img|<a[\s>]|<script|<iframe/i);
  // GitHub links no mention or reference inside code (blocks and spans): the text outside it must have none.
  const text = visibleText(html.replace(/<pre>[\s\S]*?<\/pre>/g, '').replace(/<code>[^<]*<\/code>/g, ''));
  expect(text, `${name}: @mentions`).not.toMatch(/@[A-Za-z0-9]/);
  expect(text, `${name}: #references`).not.toMatch(/#\d/);
  // The <details> the report opened are all closed, in order: nothing escaped a section.
  expect(tags.filter((t) => t === 'details').length % 2).toBe(0);
  expect(html.match(/<details/g)?.length).toBe(html.match(/<\/details>/g)?.length);
}

/** Every row of every table has as many cells as its header: no newline or pipe broke one. */
function assertTables(name: string, md: string): void {
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.startsWith('|')) continue;
    expect(l.endsWith(' |'), `${name}: line ${i + 1} ends its row`).toBe(true);
  }
  if (!CMARK) return;
  const html = render(md);
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const head = (table.match(/<th[ >]/g) ?? []).length;
    for (const row of table.match(/<tr>[\s\S]*?<\/tr>/g)!.slice(1)) expect((row.match(/<td[ >]/g) ?? []).length, `${name}: ${row.slice(0, 200)}`).toBe(head);
  }
  // Rendered rows: as many as the source has (a broken row would have ended the table early).
  const sourceRows = lines.filter((l) => l.startsWith('| ') && !/^\| (:?-+:? \| )*:?-+:? \|$/.test(l)).length;
  expect((html.match(/<tr>/g) ?? []).length, `${name}: table rows`).toBe(sourceRows);
}

const MERMAID_LINE = /^(xychart-beta|  title "[^"`;<>{}[\]%]*"|  x-axis \[("[^"`;<>{}[\]]*"(, )?)*\]|  y-axis "[^"`;<>{}[\]]*" -?[0-9.e+-]+ --> -?[0-9.e+-]+|  (bar|line) \[(-?[0-9.e+-]+(, )?)*\])$/;

function assertMermaid(name: string, md: string): void {
  const fences = md.split('\n').filter((l) => l.startsWith('```'));
  expect(fences.every((f) => f === '```mermaid' || f === '```'), `${name}: fences`).toBe(true);
  const blocks = md.split('```mermaid\n').slice(1).map((b) => b.slice(0, b.indexOf('\n```')));
  expect(blocks.length, `${name}: charts`).toBeGreaterThan(0);
  for (const b of blocks) for (const line of b.split('\n')) expect(line, `${name}: mermaid`).toMatch(MERMAID_LINE);
  // No Mermaid directive (`%%{init}%%`) or comment can start inside a label.
  for (const b of blocks) expect(b).not.toMatch(/%%/);
}

/**
 * The model card's YAML front matter is not Markdown: GitHub shows it as a table of escaped
 * values and Hugging Face parses it as YAML (test/model-card.test.ts proves it parses back to the
 * exact strings). What cmark-gfm renders is the body after it.
 */
function markdownBody(name: string, md: string): string {
  if (name !== 'model-card.md') return md;
  const m = /^---\n[\s\S]*?\n---\n/.exec(md);
  expect(m, 'model-card.md starts with front matter').not.toBeNull();
  return md.slice(m![0].length);
}

describe('hostile names through every Markdown output', () => {
  for (const name of ['comment.md', 'summary.md', 'model-card.md'] as const) {
    it.skipIf(!CMARK)(`${name}: rendered by cmark-gfm, only the HTML the report made`, () => assertSafeHtml(name, markdownBody(name, files[name])));
    it(`${name}: tables keep their shape`, () => assertTables(name, markdownBody(name, files[name])));
  }
  for (const name of ['comment.md', 'summary.md'] as const) it(`${name}: Mermaid labels are quoted and stripped`, () => assertMermaid(name, files[name]));

  it.skipIf(!CMARK)('the comment cut to its budget is just as safe', () => {
    const cut = renderComment(buildReportData(reportFixture({ columns: 2000, slices: 500, name: hostile })), { limit: 20_000 });
    expect(cut).toContain('Cut to fit');
    assertSafeHtml('comment.md', cut);
    assertTables('comment.md', cut);
  });

  it.skipIf(!CMARK)('a report.json whose model card block is hostile (an artifact a fork wrote) renders just as safe', () => {
    const data = buildReportData(reportFixture({ columns: 2, slices: 2 }));
    const at = (i: number) => HOSTILE[i % HOSTILE.length]!;
    data.model_card = {
      name: at(0), version: at(6), environments: [at(1), at(7), at(4)], task: 'regression', sha256: 'a'.repeat(64), size_bytes: 1e15,
      headline: HOSTILE.map((h, i) => ({ name: h, value: i === 0 ? 1e308 : -i / 3 })),
      intended_use: HOSTILE.join(' ').replace(/\s+/g, ' ').slice(0, 200), caveats: 3,
    };
    expect(validateDocument('report', JSON.parse(JSON.stringify(data)))).toEqual([]);
    const md = renderComment(data);
    expect(md).toContain('### Model card');
    assertSafeHtml('comment.md', md);
    assertTables('comment.md', md);
  });

  it('cmark-gfm is there (otherwise the render tests above skip)', (ctx) => {
    if (!CMARK) ctx.skip('cmark-gfm is not installed: apt-get install cmark-gfm to run the render tests');
    expect(CMARK).toBe(true);
  });
});

describe('hostile names through every JSON output', () => {
  for (const name of ['report.json', 'model-card.json', 'bom.cdx.json'] as const) {
    it(`${name} parses and keeps the strings as data`, () => {
      const doc = JSON.parse(files[name]) as unknown;
      expect(typeof doc).toBe('object');
      expect(files[name]).toContain(JSON.stringify(inputs.pipeline.model!.name).slice(1, -1));
    });
  }
  it('report.json holds the hostile column names unchanged', () => {
    const doc = JSON.parse(files['report.json']) as { drift: { columns: { column: string }[] } };
    expect(doc.drift.columns.map((c) => c.column).sort()).toEqual(Object.keys(inputs.validation!.drift!.columns).sort());
  });
});
