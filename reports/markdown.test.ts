import { describe, expect, it } from 'vitest';
import { codeSpan, escapeMarkdown, markdownTable } from './markdown.js';

// Strings a hostile dataset, column or model name could carry into a PR comment.
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
  '&lt;already&gt; &amp;',
  '<!-- hidden -->',
];

describe('escapeMarkdown', () => {
  it.each(HOSTILE)('neutralises %j', (text) => {
    const out = escapeMarkdown(text);
    expect(out).not.toMatch(/[<>]/); // no HTML tags or comments
    expect(out).not.toMatch(/\]\(/); // no inline links or images
    expect(out).not.toMatch(/https?:\/\//); // no bare URLs for the autolinker
    expect(out).not.toMatch(/www\./);
    // GitHub finds mentions and issue references in the rendered text, after escapes and
    // entities are decoded: check that text, not the source.
    const rendered = out
      .replace(/\\(.)/g, '$1')
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    expect(rendered).not.toMatch(/@[A-Za-z0-9]/); // no @mentions
    expect(rendered).not.toMatch(/#\d/); // no issue references
    expect(out).not.toMatch(/(^|[^\\])\|/); // cannot end a table cell
    expect(out).not.toMatch(/[\r\n]/); // cannot end a table row
    expect(out).not.toMatch(/(^|[^\\])[*_~`]/); // no emphasis or code
  });

  it('keeps ordinary text readable', () => {
    expect(escapeMarkdown('tenure')).toBe('tenure');
    expect(escapeMarkdown('monthly charges 42')).toBe('monthly charges 42');
    expect(escapeMarkdown('a_b')).toBe('a\\_b');
    expect(escapeMarkdown('@bob')).toBe('@&#8203;bob');
    expect(escapeMarkdown('#7')).toBe('\\#&#8203;7');
  });
});

describe('codeSpan', () => {
  it('fences backticks with a longer run and escapes table pipes', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('a|b')).toBe('`a\\|b`');
    expect(codeSpan('one\ntwo')).toBe('`one two`');
  });
});

describe('markdownTable', () => {
  it('builds a GFM table with alignment', () => {
    expect(markdownTable(['k', 'v'], [['a', '1']], ['left', 'right'])).toBe('| k | v |\n| --- | ---: |\n| a | 1 |\n');
  });
});
