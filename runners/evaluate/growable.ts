/** Append-only typed arrays (doubling), so per-row results cost a few bytes each and no JS objects. */
type TypedCtor<T> = { new (n: number): T };

export class Growable<T extends Float64Array | Int32Array> {
  private buf: T;
  length = 0;
  constructor(private readonly ctor: TypedCtor<T>, initial = 4096) {
    this.buf = new ctor(initial);
  }
  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new this.ctor(cap);
    next.set(this.buf.subarray(0, this.length) as never);
    this.buf = next;
  }
  push(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }
  /** Append `n` values, written by `fill(target, offset)`. */
  pushMany(n: number, fill: (target: T, offset: number) => void): void {
    this.reserve(n);
    fill(this.buf, this.length);
    this.length += n;
  }
  /** The values so far (a view; copy it before pushing more). */
  view(): T {
    return this.buf.subarray(0, this.length) as T;
  }
}

export const f64 = () => new Growable<Float64Array>(Float64Array);
export const i32 = () => new Growable<Int32Array>(Int32Array);
