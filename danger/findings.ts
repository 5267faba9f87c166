/**
 * What a rule says, before danger sees it. Rules are pure functions returning findings whose
 * `text` is finished Markdown (every untrusted piece already escaped with reports/markdown.ts);
 * `report` hands them to danger's warn / fail / message / markdown, with the file and line when a
 * finding points at one (danger turns those into inline review comments).
 */
import type { DangerGlobals } from './danger-globals.js';

export type RuleName = 'freshResults' | 'gateChanges' | 'largeFiles' | 'metricRegressions' | 'drift' | 'modelCard';

export interface Finding {
  rule: RuleName;
  level: 'fail' | 'warn' | 'message' | 'markdown';
  text: string;
  file?: string;
  line?: number;
}

export function report(findings: Finding[], globals: Pick<DangerGlobals, 'fail' | 'warn' | 'message' | 'markdown'>): void {
  for (const f of findings) {
    const say = globals[f.level];
    if (f.file !== undefined) say(f.text, f.file, f.line);
    else say(f.text);
  }
}
