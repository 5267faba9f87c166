/**
 * Edit fields of a Kubernetes manifest (one or several YAML documents) so that nothing else
 * changes, byte for byte. The yaml Document API finds each field's node and its source range;
 * the new scalar is spliced into the original text at that range, and every other byte is
 * copied. (`String(doc)` would re-serialise the whole file: it keeps comments but can re-flow
 * long lines, flow maps and quoting, which shows up as noise in the GitOps diff reviewers read.)
 * The result is parsed again and must equal the original with exactly the edits applied, so a
 * hostile value can never become YAML structure.
 *
 * A field that does not exist is an error, never created: inserting a key means guessing
 * indentation and order, and the person who owns the manifest should see the field there first.
 */
import { isCollection, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Scalar } from 'yaml';
import { ConfigError } from '../../../core/errors.js';

export type Segment = string | number;

/** Which document of the file: by apiVersion/kind (unset = any) and metadata.name. */
export interface DocumentSelector {
  apiVersion?: string;
  kind?: string;
  name?: string;
  /** How messages name it: `a KServe InferenceService`. */
  label: string;
}

export interface ManifestEdit {
  select: DocumentSelector;
  path: Segment[];
  value: string | number;
}

export interface AppliedEdit {
  /** 0-based index of the document in the file. */
  document: number;
  path: string;
  before: string | number | boolean | null;
  after: string | number;
}

export interface EditResult {
  text: string;
  changed: boolean;
  edits: AppliedEdit[];
}

export interface ParsedManifest {
  file: string;
  text: string;
  docs: Document.Parsed[];
}

export function dotted(path: Segment[]): string {
  return path.map(String).join('.');
}

/** `spec.predictors.0.graph`: a segment of digits indexes a list (decided when walking). */
export function splitField(field: string): string[] {
  return field.split('.');
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function problem(m: { file: string; text: string }, offset: number | undefined, message: string, fix: string): ConfigError {
  return new ConfigError([{ message, fix, location: { file: m.file, ...(offset === undefined ? {} : position(m.text, offset)) } }]);
}

export function parseManifest(file: string, text: string): ParsedManifest {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) throw problem({ file, text }, 0, `${file} holds no YAML document`, 'point deploy.manifest at the Kubernetes manifest');
  for (const d of docs) {
    const e = d.errors[0];
    if (e) throw problem({ file, text }, e.pos[0], `${file} is not valid YAML: ${e.message.split('\n')[0]}`, 'fix the manifest on the target branch first');
  }
  for (const d of docs) {
    try {
      jsOf(d);
    } catch (e) {
      throw problem({ file, text }, offsetOf(d.contents), `${file} cannot be read: ${(e as Error).message}`, 'fix the manifest on the target branch first (aliases are limited to 100 uses)');
    }
  }
  const kept = docs.filter((d) => d.contents !== null);
  if (kept.length === 0) throw problem({ file, text }, 0, `${file} holds no YAML document`, 'point deploy.manifest at the Kubernetes manifest');
  return { file, text, docs };
}

function field(doc: Document.Parsed, key: string): string | undefined {
  const v = doc.get(key);
  return typeof v === 'string' ? v : undefined;
}

function docName(doc: Document.Parsed): string | undefined {
  const v = doc.getIn(['metadata', 'name']);
  return typeof v === 'string' ? v : undefined;
}

function describe(doc: Document.Parsed): string {
  const kind = field(doc, 'kind');
  const api = field(doc, 'apiVersion');
  const name = docName(doc);
  return kind ? `${api ? `${api} ` : ''}${kind}${name ? ` ${name}` : ''}` : 'a document without kind';
}

function offsetOf(node: unknown): number | undefined {
  return node && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range) ? (node as Node).range![0] : undefined;
}

/** The one document `select` names; a clear error when there is none or more than one. */
export function selectDocument(m: ParsedManifest, select: DocumentSelector): number {
  const indexed = m.docs.map((doc, i) => ({ doc, i })).filter(({ doc }) => doc.contents !== null);
  const ofKind = indexed.filter(({ doc }) => select.kind === undefined || field(doc, 'kind') === select.kind);
  const exact = ofKind.filter(({ doc }) => select.apiVersion === undefined || field(doc, 'apiVersion') === select.apiVersion);
  const named = exact.filter(({ doc }) => select.name === undefined || docName(doc) === select.name);
  const what = `${select.label}${select.name ? ` named '${select.name}'` : ''}`;
  const found = indexed.map(({ doc }) => describe(doc)).join('; ');
  if (named.length === 1) return named[0]!.i;
  if (named.length > 1) {
    throw problem(m, offsetOf(named[1]!.doc.contents), `${m.file} holds ${named.length} documents that are ${what}: ${named.map(({ doc }) => describe(doc)).join('; ')}`, "set deploy.name to the metadata.name of the one to edit");
  }
  const first = (ofKind[0] ?? exact[0] ?? indexed[0])!;
  const kindNode = first.doc.contents && isMap(first.doc.contents) ? first.doc.contents.get('kind', true) : undefined;
  if (ofKind.length > 0 && exact.length === 0) {
    throw problem(m, offsetOf(first.doc.contents), `${m.file} is not ${what}: it holds ${found} (apiVersion ${field(first.doc, 'apiVersion') ?? 'missing'}, expected ${select.apiVersion})`, `use a manifest of apiVersion ${select.apiVersion}, or kind: custom with an explicit field`);
  }
  if (exact.length > 0) {
    throw problem(m, offsetOf(exact[0]!.doc.contents), `${m.file} holds no ${what}; it holds ${exact.map(({ doc }) => describe(doc)).join('; ')}`, `set deploy.name to one of: ${exact.map(({ doc }) => docName(doc) ?? '?').join(', ')}`);
  }
  throw problem(m, offsetOf(kindNode) ?? offsetOf(first.doc.contents), `${m.file} is not ${what}: it holds ${found}`, 'point deploy.manifest at the right file, or fix deploy.kind');
}

interface Located {
  node: Scalar;
  path: Segment[];
  /** Inside a flow collection (`{...}` or `[...]`), where plain scalars may not hold `,[]{}`. */
  inFlow: boolean;
}

/** Walk `segments` in the document; numbers index lists. Errors name the part that is missing. */
function locate(m: ParsedManifest, docIndex: number, segments: Segment[], edit: string): Located {
  const doc = m.docs[docIndex]!;
  let cur: unknown = doc.contents;
  const path: Segment[] = [];
  let inFlow = false;
  for (const raw of segments) {
    const parentShown = path.length ? dotted(path) : 'the top level';
    if (isSeq(cur)) {
      const i = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(i)) throw problem(m, offsetOf(cur), `${m.file}: ${parentShown} is a list, so '${raw}' in ${edit} must be an index`, `write the index, e.g. ${dotted([...path, 0])}`);
      inFlow ||= Boolean(cur.flow);
      const next = cur.items[i];
      if (next === undefined) throw problem(m, offsetOf(cur), `${m.file}: ${parentShown} has no item ${i} (field ${edit})`, `the list has ${cur.items.length} item${cur.items.length === 1 ? '' : 's'}`);
      path.push(i);
      cur = next;
    } else if (isMap(cur)) {
      const key = String(raw);
      inFlow ||= Boolean(cur.flow);
      if (!cur.has(key)) {
        throw problem(m, offsetOf(cur), `${m.file}: the field ${edit} does not exist: ${parentShown} has no '${key}'`, `add '${key}:' under ${parentShown} in ${m.file} (the bump replaces a value, it never adds keys), or fix deploy.field`);
      }
      path.push(key);
      cur = cur.get(key, true);
    } else {
      throw problem(m, offsetOf(cur), `${m.file}: the field ${edit} does not exist: ${parentShown} is a value, not a mapping`, 'fix deploy.field');
    }
  }
  if (!isScalar(cur)) {
    const what = isCollection(cur) ? (isSeq(cur) ? 'a list' : 'a mapping') : 'an alias';
    throw problem(m, offsetOf(cur), `${m.file}: ${edit} is ${what}, not a value`, 'point deploy.field at the value itself');
  }
  if (cur.type === 'BLOCK_LITERAL' || cur.type === 'BLOCK_FOLDED') {
    throw problem(m, offsetOf(cur), `${m.file}: ${edit} is a block scalar (| or >)`, 'write it as a one-line value once; the bump then replaces it in place');
  }
  return { node: cur, path, inFlow };
}

const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./~:@%+=-]*$/;

/** The YAML text of `value`, in the original node's quoting style when that is safe. */
export function scalarText(value: string | number, original: Scalar | undefined, inFlow: boolean): string {
  if (typeof value === 'number') return String(value);
  const type = original?.type;
  // Single quotes cannot hold a line break (it folds to a space) nor escapes: only printable text.
  if (type === 'QUOTE_SINGLE' && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  if (type !== 'QUOTE_DOUBLE' && PLAIN_SAFE.test(value) && !value.endsWith(':') && !(inFlow && /[,[\]{}]/.test(value)) && !/^(?:true|false|null|yes|no|on|off|~|[-+.0-9][0-9._eE+-]*)$/i.test(value)) return value;
  // JSON string escapes are YAML double-quoted escapes too; \u2028/\u2029 and controls included.
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function jsOf(doc: Document.Parsed): unknown {
  return doc.toJS({ maxAliasCount: 100 });
}

function setPath(target: unknown, path: Segment[], value: unknown): void {
  let cur = target as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
}

/** Apply `edits` to the manifest text; only the bytes of each edited value change. */
export function editManifest(file: string, text: string, edits: ManifestEdit[]): EditResult {
  const m = parseManifest(file, text);
  const splices: { start: number; end: number; text: string }[] = [];
  const applied: AppliedEdit[] = [];
  const expected = m.docs.map(jsOf);
  for (const e of edits) {
    const docIndex = selectDocument(m, e.select);
    const shown = dotted(e.path);
    const loc = locate(m, docIndex, e.path, shown);
    const before = loc.node.value as AppliedEdit['before'];
    applied.push({ document: docIndex, path: dotted(loc.path), before: typeof before === 'object' ? null : before, after: e.value });
    setPath(expected[docIndex], loc.path, e.value);
    if (before === e.value) continue;
    const [start, end] = loc.node.range!;
    const piece = scalarText(e.value, loc.node, loc.inFlow);
    // `key:` with no value: the node is empty at the colon, so the value needs its space.
    splices.push({ start, end, text: start === end ? ` ${piece}` : piece });
  }
  splices.sort((a, b) => b.start - a.start);
  for (let i = 1; i < splices.length; i++) {
    if (splices[i]!.end > splices[i - 1]!.start) throw problem(m, splices[i]!.start, `${file}: two deploy edits overlap`, 'give the uri and the canary different fields');
  }
  let out = text;
  for (const s of splices) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  if (splices.length) {
    // The edited file must read as the original with exactly these values changed.
    const again = parseAllDocuments(out, { prettyErrors: false, uniqueKeys: true });
    const ok = Array.isArray(again) && again.length === m.docs.length && again.every((d) => d.errors.length === 0) && JSON.stringify(again.map(jsOf)) === JSON.stringify(expected);
    if (!ok) throw problem(m, splices[0]!.start, `${file}: the edited manifest would not read back as written; nothing was changed`, 'report this as a bug, with the manifest and the value');
  }
  return { text: out, changed: splices.length > 0, edits: applied };
}

/** The plain value at `path` of the selected document, for planning (e.g. Experiment candidates). */
export function readValue(m: ParsedManifest, select: DocumentSelector, path: Segment[]): { document: number; value: unknown } {
  const document = selectDocument(m, select);
  let cur: unknown = jsOf(m.docs[document]!);
  for (const k of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[k] : undefined;
  return { document, value: cur };
}
