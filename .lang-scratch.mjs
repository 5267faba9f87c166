import { runCli } from './dist/cli/main.js';
import { bufferIo } from './dist/cli/context.js';
import { readdirSync } from 'node:fs';
const dir = 'test/fixtures/config';
for (const f of ['valid/full.yaml', ...readdirSync(dir).filter(f => f.endsWith('.yaml'))]) {
  const io = bufferIo();
  const code = await runCli(['validate', '-f', `${dir}/${f}`, '--json'], { io, cwd: '/work/main' });
  const j = JSON.parse(io.stdout);
  console.log(code, f, j.ok ? JSON.stringify(j) : j.problems.map(p => `${p.line}:${p.column} ${p.message}`).join('\n      '));
}
