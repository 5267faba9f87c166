/**
 * CODEOWNERS matching, against the examples of GitHub's own documentation ("About code owners"):
 * the last matching pattern wins, `*.js` matches at any depth, `/build/logs/` only at the root,
 * `docs/*` only directly inside, `apps/` anywhere, `**` across folders, an entry without owners
 * un-owns.
 */
import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners, patternRegExp } from '../../danger/codeowners.js';

const DOCS_EXAMPLE = `# This is a comment.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
!/negated @nobody
[abc].md @nobody
`;

const rules = parseCodeowners(DOCS_EXAMPLE);
const owners = (path: string) => ownersOf(rules, path).owners;

describe('CODEOWNERS, as GitHub documents it', () => {
  it('gives every file the global owners unless a later pattern matches', () => {
    expect(owners('README.md')).toEqual(['@global-owner1', '@global-owner2']);
  });

  it('matches an extension at any depth, and the later pattern wins', () => {
    expect(owners('src/deep/app.js')).toEqual(['@js-owner']);
    expect(owners('a/b.go')).toEqual(['docs@example.com']);
    expect(owners('notes.txt')).toEqual(['@octo-org/octocats']);
  });

  it('anchors a leading slash at the root', () => {
    const anchored = parseCodeowners('/build/logs/ @doctocat\n');
    expect(ownersOf(anchored, 'build/logs/today.log').owners).toEqual(['@doctocat']);
    expect(ownersOf(anchored, 'x/build/logs/today.log').owners).toEqual([]);
    // In the full example, the later `**/logs` wins for both.
    expect(owners('build/logs/today.log')).toEqual(['@octocat']);
  });

  it('`docs/*` owns files directly in docs, not deeper ones; /docs/ owns both', () => {
    const only = parseCodeowners('docs/* @a\n');
    expect(ownersOf(only, 'docs/getting-started.md').owners).toEqual(['@a']);
    expect(ownersOf(only, 'docs/build-app/troubleshooting.md').owners).toEqual([]);
    expect(owners('docs/build-app/troubleshooting.md')).toEqual(['@doctocat']);
  });

  it('`apps/` owns an apps folder anywhere; an entry without owners un-owns', () => {
    expect(ownersOf(parseCodeowners('apps/ @octocat\n'), 'x/apps/a.py').owners).toEqual(['@octocat']);
    expect(owners('apps/github/main.go')).toEqual([]);
    expect(ownersOf(rules, 'apps/github/main.go').rule?.line).toBe(13);
  });

  it('skips what GitHub does not support (negation, ranges) instead of misreading it', () => {
    expect(rules.map((r) => r.pattern)).not.toContain('!/negated');
    expect(rules.map((r) => r.pattern)).not.toContain('[abc].md');
    expect(owners('negated')).toEqual(['@global-owner1', '@global-owner2']);
  });

  it('`**` spans folders; `?` is one character; regex characters are literal', () => {
    expect(patternRegExp('/a/**/b.yaml').test('a/x/y/b.yaml')).toBe(true);
    expect(patternRegExp('/a/**/b.yaml').test('a/b.yaml')).toBe(true);
    expect(patternRegExp('/a/**/b.yaml').test('c/a/b.yaml')).toBe(false);
    expect(patternRegExp('file?.txt').test('file1.txt')).toBe(true);
    expect(patternRegExp('file?.txt').test('file12.txt')).toBe(false);
    expect(patternRegExp('a+b(c).yaml').test('a+b(c).yaml')).toBe(true);
    expect(patternRegExp('a+b(c).yaml').test('aab(c)xyaml')).toBe(false);
  });
});
