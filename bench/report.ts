/**
 * Report rendering speed and size: documents for 2,000 columns × 500 slices (quick: 500 × 100),
 * every output of `mlpipeline report` rendered from them (median of several runs), against the
 * floor of any renderer — `JSON.stringify` of the same documents — in the same run, with the
 * ratio; then the size of each output against its budget.
 */
import { reportFixture } from './report-documents.js';
import { printTable } from './harness.js';
import { COMMENT_LIMIT } from '../reports/comment.js';
import { REPORT_FILES, renderReportFiles } from '../reports/report-files.js';
import { SUMMARY_LIMIT_BYTES } from '../reports/summary.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, f: () => unknown): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return median(ms) / 1000;
}

export default function bench({ quick }: { quick: boolean }): void {
  const columns = quick ? 500 : 2000;
  const slices = quick ? 100 : 500;
  const runs = quick ? 5 : 9;
  const inputs = reportFixture({ columns, slices });
  // Warm both sides up once (JIT), then time them alternately in the same process.
  renderReportFiles(inputs);
  JSON.stringify(inputs);
  const ours = time(runs, () => renderReportFiles(inputs, { fullReport: '.mlpipeline/report/summary.md' }));
  const floor = time(runs, () => JSON.stringify(inputs, null, 2));
  const files = renderReportFiles(inputs, { fullReport: '.mlpipeline/report/summary.md' });
  printTable(`render every report output, ${columns} columns × ${slices} slices (median of ${runs})`, [
    { name: 'mlpipeline report (6 outputs)', seconds: ours, ratio: `${(ours / floor).toFixed(1)}x` },
    { name: 'JSON.stringify(documents) (floor)', seconds: floor, ratio: '1x' },
  ]);
  const budget: Record<string, string> = { 'comment.md': `${COMMENT_LIMIT} chars`, 'summary.md': `${SUMMARY_LIMIT_BYTES} bytes` };
  printTable(
    'output sizes',
    REPORT_FILES.map((f) => ({ file: f, chars: files[f].length, bytes: Buffer.byteLength(files[f]), budget: budget[f] ?? '-' })),
  );
  const cut = /Cut to fit [\d,]+ characters:\*\* ([^.]*)\./.exec(files['comment.md'])?.[1];
  process.stdout.write(`\ncomment.md: ${files['comment.md'].length} of ${COMMENT_LIMIT} characters${cut ? `; cut: ${cut}` : '; nothing cut'}\n`);
}
