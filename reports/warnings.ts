/** Warnings as every command prints them on stderr: `mlpipeline: warning: ...`, one a line. */
export function renderWarnings(warnings: readonly string[]): string {
  return warnings.map((w) => `mlpipeline: warning: ${w}\n`).join('');
}
