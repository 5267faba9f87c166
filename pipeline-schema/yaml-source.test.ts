/**
 * YAML syntax errors: one problem per cascade, at the line where the construct went wrong (an
 * unclosed [ or quote where it was opened), with a fix in terms of indentation where that is
 * the cause. Positions are 1-based and counted by hand from the texts below.
 */
import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml-source.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

const CASES: { name: string; text: string; line: number; column: number; message: string; fix: string }[] = [
  {
    name: 'an over-indented key under a key with a value',
    text: lines('version: 1', 'name: x', 'stages:', '  train:', '    cmd: x', '      deps: [a]', '    outs: [b]'),
    line: 6,
    column: 7,
    message: 'YAML syntax error: line 6 is indented more than its siblings at column 5',
    fix: "align line 6 with the keys above (start it at column 5); to nest it under 'cmd', put nothing after 'cmd:'",
  },
  {
    name: 'an over-indented key after a nested mapping',
    text: lines('version: 1', 'name: x', 'model:', '    name: m', '  path: m.onnx', '  task: regression'),
    line: 5,
    column: 3,
    message: 'YAML syntax error: line 5 is indented less than its siblings at column 5',
    fix: 'align line 5 with the keys above (start it at column 5)',
  },
  {
    name: 'a key one space left of its siblings',
    text: lines('version: 1', 'name: x', 'model:', '  name: m', ' path: m.onnx', '  task: regression'),
    line: 5,
    column: 2,
    message: 'YAML syntax error: line 5 is indented less than its siblings at column 3',
    fix: 'align line 5 with the keys above (start it at column 3)',
  },
  {
    name: 'a dedented path: under model:',
    text: lines('version: 1', 'name: x', 'model:', 'path: m.onnx', '  task: regression'),
    line: 4,
    column: 1,
    message: "YAML syntax error: line 4 is indented less than the keys under 'model:' (line 3) that follow it at column 3",
    fix: 'indent line 4 to column 3, like the keys below it',
  },
  {
    name: 'an unclosed [ reported where it opened',
    text: lines('version: 1', 'name: x', 'model:', '  path: m.onnx', '  task: regression', '  label: y', 'stages:', '  train:', '    deps: [a.csv, b.csv', '    outs: [m.onnx]', '  other:', '    cmd: x'),
    line: 9,
    column: 11,
    message: 'YAML syntax error: the [ opened on line 9 is never closed with ]',
    fix: "end the list with ] on line 9 (e.g. deps: [a.csv, b.csv]), or write it as a block list, one '- item' per line",
  },
  {
    name: 'an unclosed { reported where it opened',
    text: lines('version: 1', 'name: x', 'data:', '  train: {path: a.csv', 'other: 1'),
    line: 4,
    column: 10,
    message: 'YAML syntax error: the { opened on line 4 is never closed with }',
    fix: 'end the mapping with } on line 4, or write it as indented key: value lines',
  },
  {
    name: 'an unterminated quote reported where it opened',
    text: lines('version: 1', 'name: x', 'model:', '  path: m.onnx', '  task: "regression', '  label: y', 'stages: {}'),
    line: 5,
    column: 9,
    message: 'YAML syntax error: the " opened on line 5 is never closed',
    fix: 'close the quote with " on line 5, or remove it',
  },
  {
    name: 'a list item one space left of the one above',
    text: lines('version: 1', 'name: x', 'stages:', '  train:', '    deps:', '      - a.csv', '     - b.csv', '    cmd: x'),
    line: 7,
    column: 6,
    message: 'YAML syntax error: the list item on line 7 starts at column 6, not at column 7 like the item on line 6',
    fix: "align its '-' with the '-' on line 6 (column 7)",
  },
];

describe('YAML syntax errors', () => {
  it.each(CASES)('$name → $line:$column', (c) => {
    const { index, problems } = parseYaml(c.text);
    expect(problems).toHaveLength(1);
    const p = problems[0]!;
    expect(index.position(p.offset!)).toEqual({ line: c.line, column: c.column });
    expect(p.message).toBe(c.message);
    expect(p.fix).toBe(c.fix);
  });

  it('still reports every duplicate key (they are not a cascade)', () => {
    const { problems } = parseYaml(lines('version: 1', 'name: a', 'name: b', 'version: 2'));
    expect(problems.map((p) => p.message)).toEqual(["duplicate key 'name'", "duplicate key 'version'"]);
  });
});
