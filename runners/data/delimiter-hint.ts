/**
 * A CSV read with the wrong delimiter has one column whose name holds the real delimiter
 * (`a;b;c`). Say so wherever that shows: a missing column, a missing label, a validation warning.
 */
const CANDIDATES: [string, string][] = [
  [';', "';'"],
  ['\t', "'\\t'"],
  ['|', "'|'"],
];

/** "looks like `;`-separated: set `delimiter: ';'` on the dataset", or undefined. */
export function delimiterHint(columns: readonly string[]): string | undefined {
  if (columns.length !== 1) return undefined;
  const only = columns[0]!;
  for (const [d, yaml] of CANDIDATES) {
    if (only.includes(d)) {
      const shown = d === '\t' ? 'tab' : `\`${d}\``;
      return `the header is one column '${only.length > 60 ? only.slice(0, 60) + '…' : only}', which looks like ${shown}-separated: set \`delimiter: ${yaml}\` on the dataset (or pass --delimiter ${d === '\t' ? 'tab' : `'${d}'`})`;
    }
  }
  return undefined;
}
