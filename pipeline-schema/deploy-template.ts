/**
 * The URI template of a `deploy:` block: literal text with `{placeholder}`s. It lives here, not
 * in runners/, because the semantic rules check the placeholders when the file is loaded (an
 * unknown one is a config error with its line and column, not a failed promotion later).
 * `{{` and `}}` stand for literal braces.
 */
import { closest } from './did-you-mean.js';

export const URI_PLACEHOLDERS = ['name', 'version', 'sha256', 'release_asset_url'] as const;
export type UriPlaceholder = (typeof URI_PLACEHOLDERS)[number];

export type TemplatePart = { text: string } | { placeholder: string; offset: number };

export interface TemplateProblem {
  /** The offending text, as written (`{modle}`, `{`). */
  within: string;
  message: string;
  fix: string;
}

/** The template's parts, or the first problem in it (unknown placeholder, unbalanced brace). */
export function parseUriTemplate(template: string): { parts: TemplatePart[]; problems: TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
      continue;
    }
    if (c === '}') {
      problems.push({ within: '}', message: "a '}' closes no placeholder in the deploy uri", fix: "write '}}' for a literal '}'" });
      continue;
    }
    if (c !== '{') {
      text += c;
      continue;
    }
    const end = template.indexOf('}', i + 1);
    if (end < 0) {
      problems.push({ within: template.slice(i), message: "a '{' in the deploy uri is never closed", fix: `close it (e.g. {version}), or write '{{' for a literal '{'; placeholders: ${list()}` });
      break;
    }
    const key = template.slice(i + 1, end);
    if (!(URI_PLACEHOLDERS as readonly string[]).includes(key)) {
      const hint = closest(key, URI_PLACEHOLDERS);
      problems.push({
        within: template.slice(i, end + 1),
        message: `unknown placeholder '{${key}}' in the deploy uri${hint ? `; did you mean '{${hint}}'?` : ''}`,
        fix: hint ? `write '{${hint}}'` : `use one of ${list()}, or '{{' and '}}' for literal braces`,
      });
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ placeholder: key, offset: i });
    i = end;
  }
  if (text) parts.push({ text });
  return { parts, problems };
}

function list(): string {
  return URI_PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
}
