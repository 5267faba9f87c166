/**
 * The one plain-decimal parser (runners/data/plain-decimal.ts), in its string and byte forms,
 * held to the independent definition: a field is plain when it matches /^-?\d*\.?\d*$/ with 1–15
 * digits, and then its value is Number(text); otherwise NaN. A scan stops where the text stops
 * being a decimal, so a field is plain exactly when the scan ends at the field's end.
 */
import { describe, expect, it } from 'vitest';
import { decimalScan, plainDecimal, scanDecimal, scanDecimalBytes } from '../runners/data/plain-decimal.js';

const PLAIN = /^-?\d*\.?\d*$/;
const isPlain = (s: string) => PLAIN.test(s) && s.replace(/[-.]/g, '').length >= 1 && s.replace(/[-.]/g, '').length <= 15;

/** Seeded fields mixing plain decimals with near misses (signs, exponents, extra dots, spaces, long mantissas). */
function fields(count: number): string[] {
  let seed = 12345;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const alphabet = '0123456789012345678901234567890123456789..-+e x';
  const out: string[] = ['0', '-0', '.5', '5.', '-.5', '123456789012345', '1234567890123456', '0.000000000000001', '999999999999999', '-', '.', ''];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(rand() * 18);
    let s = '';
    for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
    out.push(s);
  }
  return out;
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('plain decimals', () => {
  it('equal Number(text) exactly when the text is plain, and NaN otherwise (string and bytes alike)', () => {
    for (const s of fields(20_000)) {
      const expected = isPlain(s) ? Number(s) : NaN;
      expect(plainDecimal(s, 0, s.length), s).toBe(expected);
      const whole = (end: number) => (end === s.length ? decimalScan.value : NaN);
      expect(whole(scanDecimal(s, 0, s.length)), s).toBe(expected);
      expect(whole(scanDecimalBytes(bytes(s), 0, s.length)), s).toBe(expected);
    }
  });

  it('read the decimal at the start of a field and say where it ended', () => {
    const line = 'x,-12.50,7e3,,42';
    const at = (from: number) => {
      const textEnd = scanDecimal(line, from, line.length);
      const fromText = [decimalScan.value, textEnd, decimalScan.integer] as const;
      const bytesEnd = scanDecimalBytes(bytes(line), from, line.length);
      const fromBytes = [decimalScan.value, bytesEnd, decimalScan.integer] as const;
      expect(fromBytes).toEqual(fromText);
      return fromText;
    };
    expect(at(2)).toEqual([-12.5, 8, false]); // stops at the ',' after "-12.50"
    expect(at(9)).toEqual([7, 10, true]); // "7e3": the decimal "7" ends at the 'e', inside the field, so the field is not plain
    expect(at(13)).toEqual([NaN, 13, true]); // an empty field: no digits
    expect(at(14)).toEqual([42, 16, true]); // the last field ends at the end of the line
    expect(at(0)).toEqual([NaN, 0, true]); // text
  });
});
