/**
 * Writing workflow YAML as text. Templates keep the comments next to the lines they explain,
 * which a YAML serializer would drop; every value that comes from the user's repository goes
 * through `yamlString`, so a name or path can never add keys or break out of its scalar.
 */

/**
 * A double-quoted YAML scalar. JSON's escapes are valid YAML ones; characters YAML does not
 * allow unescaped in a document (C1 controls, DEL, lone surrogates, BOM) are escaped as well.
 */
export function yamlString(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A plain scalar when it needs no quoting to stay a string, else a quoted one. Plain only when it
 * starts with a letter or `_` (never a number, `.inf`, `0x10`, `1e3` or a date, in YAML 1.1 or
 * 1.2) and is none of YAML 1.1's boolean or null words (`y`, `off`, `null`...).
 */
export function yamlScalar(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) && !/^(y|n|true|false|null|yes|no|on|off)$/i.test(value) ? value : yamlString(value);
}

/** Comment lines end by this column, like the rest of the generated files. */
const COMMENT_WIDTH = 100;

/**
 * `# ` comment lines at `indent` spaces: each paragraph of `text` (paragraphs are separated by a
 * blank line) re-wrapped to the comment width, with an empty `#` line between paragraphs.
 */
export function yamlComment(text: string, indent = 0): string {
  const pad = ' '.repeat(indent) + '#';
  const width = Math.max(40, COMMENT_WIDTH - pad.length - 1);
  const out: string[] = [];
  for (const paragraph of text.trim().split(/\n\s*\n/)) {
    if (out.length > 0) out.push(pad);
    let line = '';
    // Any control character or YAML 1.1 line break (NEL U+0085, U+2028, U+2029) in text taken
    // from the repository would end the comment line in GitHub's parser: it becomes a space.
    for (const word of paragraph.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g, ' ').split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(`${pad} ${line}`);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') out.push(`${pad} ${line}`);
  }
  return out.join('\n');
}
