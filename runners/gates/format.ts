/** Slice formatting for one-line gate reasons (numbers are formatted by core/numbers.ts). */
import type { SliceValue } from '../evaluate/document.js';

export function sliceText(slice: Record<string, SliceValue> | null | undefined): string {
  if (!slice) return '';
  return Object.entries(slice)
    .map(([k, v]) => `${k}=${v === null ? 'null' : String(v)}`)
    .join(',');
}
