/**
 * A unified diff (`git diff` style, 3 lines of context) of two versions of a text file, for the
 * bump's text output. The bump changes values in place, so the files usually have the same lines
 * but for a few; otherwise the changed middle (after the common head and tail) is one hunk.
 */
function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

interface Hunk {
  a: number;
  b: number;
  remove: string[];
  add: string[];
}

function hunksOf(a: string[], b: string[]): Hunk[] {
  if (a.length === b.length) {
    const out: Hunk[] = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const last = out[out.length - 1];
      if (last && last.a + last.remove.length === i) {
        last.remove.push(a[i]!);
        last.add.push(b[i]!);
      } else out.push({ a: i, b: i, remove: [a[i]!], add: [b[i]!] });
    }
    return out;
  }
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return [{ a: head, b: head, remove: a.slice(head, a.length - tail), add: b.slice(head, b.length - tail) }];
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = lines(before);
  const b = lines(after);
  const changes = hunksOf(a, b);
  // Merge changes whose context would touch, as git does.
  const groups: Hunk[][] = [];
  for (const h of changes) {
    const g = groups[groups.length - 1];
    const prev = g?.[g.length - 1];
    if (g && prev && h.a - (prev.a + prev.remove.length) <= 2 * context) g.push(h);
    else groups.push([h]);
  }
  let out = `--- a/${path}\n+++ b/${path}\n`;
  for (const g of groups) {
    const first = g[0]!;
    const last = g[g.length - 1]!;
    const start = Math.max(0, first.a - context);
    const end = Math.min(a.length, last.a + last.remove.length + context);
    const shift = first.b - first.a;
    const body: string[] = [];
    let i = start;
    let delta = 0;
    for (const h of g) {
      for (; i < h.a; i++) body.push(` ${a[i]!}`);
      for (const r of h.remove) body.push(`-${r}`);
      for (const x of h.add) body.push(`+${x}`);
      i = h.a + h.remove.length;
      delta += h.add.length - h.remove.length;
    }
    for (; i < end; i++) body.push(` ${a[i]!}`);
    const aLen = end - start;
    const bLen = aLen + delta;
    out += `@@ -${aLen === 0 ? start : start + 1},${aLen} +${bLen === 0 ? start + shift : start + shift + 1},${bLen} @@\n${body.join('\n')}\n`;
  }
  return out;
}
