/** Terminal text for a verdict document (`mlpipeline gate`): the summary line, then one line per gate with its reason. */
import type { GateResult, Verdict } from '../runners/gates/verdict.js';

function mark(g: GateResult): string {
  if (g.status === 'failed' && g.severity === 'warn') return 'WARN';
  return { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' }[g.status];
}

export function renderVerdictText(verdict: Verdict): string {
  const s = verdict.summary;
  const head = `gates ${verdict.passed ? 'passed' : 'FAILED'}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${s.warnings ? `, ${s.warnings} warning(s)` : ''}`;
  return [head, ...verdict.gates.map((g) => `  ${mark(g)}  ${g.name}: ${g.reason}`)].join('\n') + '\n';
}
