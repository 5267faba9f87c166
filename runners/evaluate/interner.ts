/** Dense integer ids for string keys (labels, slice values), so per-row storage is one Int32 each. */
export class Interner<V> {
  /** Key of each id. */
  readonly keys: string[] = [];
  /** The value recorded with each key when it was first seen. */
  readonly values: V[] = [];
  private readonly ids = new Map<string, number>();

  /** The id of `key`; a new key gets the next id and keeps `value`. */
  id(key: string, value: V): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
      this.values.push(value);
    }
    return id;
  }
}
