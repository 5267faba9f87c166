/**
 * The pull request of a GitOps manifest bump in `mode: pull-request` (actions/promote): a title
 * a reviewer of the Argo CD / Flux branch understands, and a body with the model, version,
 * environment, sha256, promotion tag, the lineage trailers of the commit and the manifest diff.
 * Everything comes from the registry and the repository, so every value is escaped: a model
 * name or a manifest line cannot add a link, a mention, HTML or a hidden comment to the PR.
 */
import type { DeployResult } from '../runners/registry/deploy/index.js';
import { clipText, codeSpan, escapeMarkdown, markdownTable, wellFormed } from './markdown.js';

export type DeployPullInput = Pick<DeployResult, 'model' | 'version' | 'environment' | 'manifest' | 'field' | 'uri' | 'branch' | 'message' | 'trailers' | 'diff'> & {
  /** The promotion's registry tag (`NAME#ENV#N`). */
  tag: string;
};

/** Longest diff shown; the commit holds the rest. */
const MAX_DIFF = 20_000;
const ZWSP = '\u200b';

/** Text for a fenced block: no control or bidi characters, no `<!--`/`-->` left whole, a fence longer than any backtick run. */
function fenced(text: string, info: string): string {
  const s = wellFormed(text)
    .replace(/\r\n?|\u2028|\u2029/g, '\n')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd')
    .replace(/<(?=!)/g, `<${ZWSP}`)
    .replace(/-(?=>)/g, `-${ZWSP}`);
  const ticks = s.match(/`+/g)?.reduce((m, t) => Math.max(m, t.length), 0) ?? 0;
  const fence = '`'.repeat(Math.max(3, ticks + 1));
  return `${fence}${info}\n${s.endsWith('\n') ? s : `${s}\n`}${fence}`;
}

/** The pull request's title: the deploy commit's subject (plain text on GitHub, one line). */
export function deployPullTitle(p: Pick<DeployResult, 'message' | 'model' | 'version' | 'environment'>): string {
  const subject = p.message.split('\n')[0]?.trim() || `Deploy ${p.model} ${p.version} to ${p.environment}`;
  return clipText(subject.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' '), 200);
}

export function renderDeployPullBody(p: DeployPullInput): string {
  const e = escapeMarkdown;
  const sha256 = p.trailers['Mlpipeline-Sha256'] ?? 'unknown';
  const out: string[] = [
    `Deploys ${codeSpan(p.model)} ${codeSpan(p.version)} to ${e(p.environment)}: sets ${codeSpan(p.field)} in ${codeSpan(p.manifest)} to ${codeSpan(clipText(p.uri, 500))}.`,
    '',
    `Merging it into ${codeSpan(p.branch)} is the deployment (Argo CD / Flux watch that branch). Made by \`mlpipeline promote\`; a re-run updates this pull request.`,
    '',
    markdownTable(
      ['', ''],
      [
        ['**Model**', codeSpan(p.model)],
        ['**Version**', codeSpan(p.version)],
        ['**Environment**', codeSpan(p.environment)],
        ['**sha256**', codeSpan(sha256)],
        ['**Promotion tag**', codeSpan(p.tag)],
      ],
    ),
    '### Lineage',
    '',
    markdownTable(['trailer', 'value'], Object.entries(p.trailers).map(([k, v]) => [codeSpan(k), codeSpan(clipText(v, 500))])),
  ];
  if (p.diff) {
    const diff = p.diff.length > MAX_DIFF ? `${[...p.diff].slice(0, MAX_DIFF).join('')}\n… (cut: see the commit)\n` : p.diff;
    out.push('### Manifest diff', '', fenced(diff, 'diff'), '');
  }
  return out.join('\n');
}
