/**
 * Checks from the `validation` block. Value-level checks (type, min, max, in, pattern, length,
 * unique) run during the one pass and keep up to 20 offending values with row and line numbers;
 * `mostly` (Great Expectations) is the fraction of non-null values that must pass. Missing-value
 * checks (nullable, max_missing) count null rows; aggregate checks (mean, std, quantiles) read
 * the finished profile; table checks (rows, required, allow_extra_columns) read the shape.
 *
 * Semantics: min/max are inclusive and apply to values that are numbers; a value that is not a
 * number is the `type` check's failure, not min/max's. `in` compares numbers numerically and everything
 * else by text. `pattern` is an RE2 regular expression (re2js: linear time, no backreferences or
 * lookaround) searched in the text (anchor it with ^…$ for a full match). `length` bounds the text length in characters. `unique` reports
 * every repeat after the first occurrence (it keeps the set of seen values: memory grows with
 * distinct values). `std` bounds use the population std, as the profile does.
 */
import type { ColumnCheckSpec, ColumnType, Severity, TableCheckSpec } from '../../pipeline-schema/types.js';
import { ConfigError } from '../../core/errors.js';
import { compileRe2, re2Fix, type CompiledPattern } from '../../core/re2-pattern.js';
import type { ColumnProfile } from './profile-types.js';
import { conforms, toNumber, toText } from './values.js';

export const MAX_EXAMPLES = 20;

export interface CheckExample {
  row: number;
  /** File line (CSV/JSONL); null for Parquet. */
  line: number | null;
  value: unknown;
}

export interface CheckResult {
  /** Null for table-level checks. */
  column: string | null;
  check: string;
  severity: Severity;
  passed: boolean;
  failed_count: number;
  /** failed_count / the values the check looked at (non-null values, or rows for missing checks). */
  failed_fraction: number;
  /** What the check required, for people: `>= 0`, `in [a, b]`, `<= 0.05 missing`. */
  expected: string;
  /** What was seen, when it is one number or value (mean, std, a quantile, row count). */
  observed?: unknown;
  mostly?: number;
  examples: CheckExample[];
}

type ValueTest = (v: unknown, x: number) => boolean;
/** The same test on a number read from CSV text without its string; undefined = "need the text". */
type NumberTest = (x: number, integerText: boolean) => boolean | undefined;

interface ValueCheck {
  name: string;
  expected: string;
  test: ValueTest;
  num?: NumberTest;
  /** The outcome depends on earlier values (unique), so it cannot be remembered per text. */
  stateful?: boolean;
  failed: number;
  examples: CheckExample[];
}

/** Value-level and missing-value checks of one column, fed during the pass. */
export class ColumnChecker {
  private readonly valueChecks: ValueCheck[] = [];
  private readonly nullExamples: CheckExample[] = [];
  private nonNull = 0;
  private nulls = 0;
  private readonly seen: Set<string> | undefined;
  readonly severity: Severity;

  constructor(
    readonly column: string,
    readonly spec: ColumnCheckSpec,
    declaredType: ColumnType | undefined,
    configFile: string,
  ) {
    this.severity = spec.severity ?? 'error';
    const type = spec.type ?? declaredType;
    const add = (name: string, expected: string, test: ValueTest, num?: NumberTest) =>
      this.valueChecks.push({ name, expected, test, num, failed: 0, examples: [] });
    if (spec.type) {
      const t = spec.type;
      add('type', t, (v) => conforms(v, t), (x, integerText) =>
        t === 'integer' ? integerText && Number.isInteger(x) : t === 'number' || t === 'string',
      );
    }
    if (spec.min !== undefined) add('min', `>= ${spec.min}`, (_v, x) => x !== x || x >= spec.min!, (x) => x >= spec.min!);
    if (spec.max !== undefined) add('max', `<= ${spec.max}`, (_v, x) => x !== x || x <= spec.max!, (x) => x <= spec.max!);
    if (spec.in) {
      const texts = new Set(spec.in.map((a) => String(a)));
      const nums = new Set(spec.in.filter((a): a is number => typeof a === 'number'));
      const numericColumn = type === 'integer' || type === 'number';
      add(
        'in',
        `in [${spec.in.map((a) => JSON.stringify(a)).join(', ')}]`,
        (v, x) => texts.has(toText(v)) || (x === x && (nums.has(x) || (numericColumn && spec.in!.some((a) => toNumber(String(a)) === x)))),
        (x) => (nums.has(x) ? true : undefined),
      );
    }
    if (spec.pattern !== undefined) {
      // RE2 (re2js): linear time in the value's length, so a hostile value cannot hang the scan.
      let re: CompiledPattern;
      try {
        re = compileRe2(spec.pattern);
      } catch (e) {
        throw new ConfigError([
          {
            message: `validation.columns.${column}.pattern is not a valid RE2 pattern: ${(e as Error).message}`,
            location: { file: configFile },
            fix: re2Fix(spec.pattern),
          },
        ]);
      }
      add('pattern', `matches /${spec.pattern}/`, (v) => re.test(toText(v)));
    }
    if (spec.length) {
      const { min, max } = spec.length;
      add('length', `length ${min ?? 0}..${max ?? '∞'}`, (v) => {
        const n = toText(v).length;
        return (min === undefined || n >= min) && (max === undefined || n <= max);
      });
    }
    if (spec.unique) {
      this.seen = new Set();
      const seen = this.seen;
      add('unique', 'no repeated values', (v) => {
        const t = toText(v);
        if (seen.has(t)) return false;
        seen.add(t);
        return true;
      });
      this.valueChecks[this.valueChecks.length - 1]!.stateful = true;
    }
    // Numbers from the CSV fast path: when the checks are only type/min/max, one inline test says
    // "all pass" (the common case) without calling each check; failures take the full path.
    this.numFast = this.valueChecks.every((c) => c.name === 'type' || c.name === 'min' || c.name === 'max');
    if (spec.type) this.fastType = spec.type === 'integer' ? 1 : spec.type === 'number' || spec.type === 'string' ? 2 : 3;
    if (spec.min !== undefined) this.fastMin = spec.min;
    if (spec.max !== undefined) this.fastMax = spec.max;
  }

  private readonly numFast: boolean;
  /** 0: no type check; 1: integer (integer text and value); 2: number or string (any number passes); 3: no number passes. */
  private readonly fastType: number = 0;
  private readonly fastMin: number = -Infinity;
  private readonly fastMax: number = Infinity;

  /** A non-null value at data row `row`, file line `line`. `x` is its number or NaN. */
  value(v: unknown, x: number, row: number, line: number | null): void {
    this.nonNull++;
    for (const c of this.valueChecks) {
      if (!c.test(v, x)) {
        c.failed++;
        if (c.examples.length < MAX_EXAMPLES) c.examples.push({ row, line, value: v });
      }
    }
  }

  /** Per cached text (see ColumnAccumulator.addTextRange): bit k set = value check k fails. */
  private readonly masks: number[] = [];

  /**
   * A value whose text the accumulator cached under `key` (≥ 0): the stateless checks' outcome
   * for that text is computed once and replayed; `unique` still sees every occurrence.
   */
  valueForKey(v: unknown, x: number, key: number, row: number, line: number | null): void {
    if (key < 0 || this.valueChecks.length > 30) {
      this.value(v, x, row, line);
      return;
    }
    this.nonNull++;
    const checks = this.valueChecks;
    let mask = this.masks[key];
    if (mask === undefined) {
      mask = 0;
      for (let k = 0; k < checks.length; k++) if (!checks[k]!.stateful && !checks[k]!.test(v, x)) mask |= 1 << k;
      this.masks[key] = mask;
    }
    if (mask === 0 && this.seen === undefined) return; // every check passes, none keeps state
    for (let k = 0; k < checks.length; k++) {
      const c = checks[k]!;
      const failed = c.stateful ? !c.test(v, x) : (mask & (1 << k)) !== 0;
      if (failed) {
        c.failed++;
        if (c.examples.length < MAX_EXAMPLES) c.examples.push({ row, line, value: v });
      }
    }
  }

  /** A number the CSV fast path read from s[from, to); the text is cut only when a check needs it. */
  numberFromText(s: string, from: number, to: number, x: number, integerText: boolean, row: number, line: number | null): void {
    this.nonNull++;
    if (this.numFast) {
      const t = this.fastType;
      if ((t === 0 || t === 2 || (t === 1 && integerText && Number.isInteger(x))) && x >= this.fastMin && x <= this.fastMax) return;
    }
    // The checks one by one in their own method: this one stays small enough for V8 to inline
    // into the scan's per-cell loop.
    this.checkNumber(s, from, to, x, integerText, row, line);
  }

  private checkNumber(s: string, from: number, to: number, x: number, integerText: boolean, row: number, line: number | null): void {
    let text: string | undefined;
    for (const c of this.valueChecks) {
      let ok = c.num ? c.num(x, integerText) : undefined;
      if (ok === undefined) ok = c.test((text ??= s.slice(from, to)), x);
      if (!ok) {
        c.failed++;
        if (c.examples.length < MAX_EXAMPLES) c.examples.push({ row, line, value: (text ??= s.slice(from, to)) });
      }
    }
  }

  missing(row: number, line: number | null): void {
    this.nulls++;
    if (this.nullExamples.length < MAX_EXAMPLES) this.nullExamples.push({ row, line, value: null });
  }

  get hasValueChecks(): boolean {
    return this.valueChecks.length > 0;
  }

  finish(profile: ColumnProfile | undefined, rows: number): CheckResult[] {
    const out: CheckResult[] = [];
    const sev = this.severity;
    const mostly = this.spec.mostly;
    for (const c of this.valueChecks) {
      const frac = this.nonNull ? c.failed / this.nonNull : 0;
      const passed = mostly === undefined ? c.failed === 0 : 1 - frac >= mostly;
      out.push({
        column: this.column,
        check: c.name,
        severity: sev,
        passed,
        failed_count: c.failed,
        failed_fraction: frac,
        expected: c.expected,
        ...(mostly !== undefined ? { mostly } : {}),
        examples: c.examples,
      });
    }
    const missFrac = rows ? this.nulls / rows : 0;
    if (this.spec.nullable === false) {
      out.push({
        column: this.column,
        check: 'nullable',
        severity: sev,
        passed: this.nulls === 0,
        failed_count: this.nulls,
        failed_fraction: missFrac,
        expected: 'no missing values',
        examples: this.nullExamples,
      });
    }
    if (this.spec.max_missing !== undefined) {
      out.push({
        column: this.column,
        check: 'max_missing',
        severity: sev,
        passed: missFrac <= this.spec.max_missing,
        failed_count: this.nulls,
        failed_fraction: missFrac,
        expected: `<= ${this.spec.max_missing} missing`,
        observed: missFrac,
        examples: this.nullExamples,
      });
    }
    const bound = (check: string, observed: number | null, b: { min?: number; max?: number }) => {
      const ok = observed !== null && (b.min === undefined || observed >= b.min) && (b.max === undefined || observed <= b.max);
      out.push({
        column: this.column,
        check,
        severity: sev,
        passed: ok,
        failed_count: ok ? 0 : 1,
        failed_fraction: ok ? 0 : 1,
        expected: `${b.min ?? '-∞'}..${b.max ?? '∞'}`,
        observed,
        examples: [],
      });
    };
    if (this.spec.mean) bound('mean', profile?.mean ?? null, this.spec.mean);
    if (this.spec.std) bound('std', profile?.std ?? null, this.spec.std);
    for (const [k, b] of Object.entries(this.spec.quantiles ?? {})) bound(`quantiles.${k}`, profile?.quantiles?.[k] ?? null, b);
    return out;
  }
}

/** A column named in `validation.columns` that the data does not have. */
export function missingColumnResult(column: string, spec: ColumnCheckSpec): CheckResult {
  return {
    column,
    check: 'exists',
    severity: spec.severity ?? 'error',
    passed: false,
    failed_count: 1,
    failed_fraction: 1,
    expected: 'column present',
    examples: [],
  };
}

export function tableChecks(spec: TableCheckSpec | undefined, columns: string[], rows: number, declared: string[]): CheckResult[] {
  if (!spec) return [];
  const sev = spec.severity ?? 'error';
  const out: CheckResult[] = [];
  const res = (check: string, passed: boolean, failed: number, expected: string, observed?: unknown): CheckResult => ({
    column: null,
    check,
    severity: sev,
    passed,
    failed_count: failed,
    failed_fraction: passed ? 0 : 1,
    expected,
    ...(observed !== undefined ? { observed } : {}),
    examples: [],
  });
  if (spec.rows) {
    const { min, max } = spec.rows;
    const ok = (min === undefined || rows >= min) && (max === undefined || rows <= max);
    out.push(res('rows', ok, ok ? 0 : 1, `${min ?? 0}..${max ?? '∞'} rows`, rows));
  }
  if (spec.required) {
    const missing = spec.required.filter((c) => !columns.includes(c));
    out.push(res('required', missing.length === 0, missing.length, `columns ${spec.required.join(', ')}`, missing));
  }
  if (spec.allow_extra_columns === false) {
    const known = new Set([...declared, ...(spec.required ?? [])]);
    const extra = columns.filter((c) => !known.has(c));
    out.push(res('allow_extra_columns', extra.length === 0, extra.length, 'no columns beyond those declared', extra));
  }
  return out;
}

