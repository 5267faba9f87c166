/**
 * Read every registry event with ONE `git for-each-ref` call: tag name, object type, the peeled
 * commit, tagger and message come back together, so 10,000 tags cost one process and one pass
 * over packed-refs rather than one `git cat-file` per tag (GTO's slow path). The ref patterns
 * only let tags containing `@` or `#` through, so unrelated tags (`v1.0`, `release-3`) are
 * skipped inside git without being formatted.
 */
import { gitRaw } from '../../core/git.js';
import { classifyTag, type TagAction } from './grammar.js';
import { validateDocument } from '../../pipeline-schema/documents.js';
import { isVersion } from './semver.js';
import { MAX_NESTING, pathText, tooDeep } from '../../core/depth.js';
import { messageSubject, parseTagMessage, quickRecordField, type LineageRecord } from './lineage-record.js';

export interface RegistryEvent {
  /** Tag name without `refs/tags/`. */
  tag: string;
  action: TagAction;
  model: string;
  /** The version named by the tag, or for stage tags the version the record names (else resolved by commit). */
  version: string | null;
  environment: string | null;
  counter: number | null;
  /** The commit the tag peels to. */
  commit: string;
  /** The tag object's id. */
  object: string;
  /** Tagger date, milliseconds since the epoch. */
  time: number;
  tagger: { name: string; email: string };
  subject: string;
  message: string;
}

const FIELDS = [
  '%(refname)',
  '%(objecttype)',
  '%(objectname)',
  '%(*objectname)',
  '%(*objecttype)',
  '%(taggername)',
  '%(taggeremail)',
  '%(taggerdate:unix)',
  '%(contents)',
];
/** NUL separates fields; a double NUL ends a record (git adds its own newline after each). */
export const FOR_EACH_REF_FORMAT = FIELDS.join('%00') + '%00%00';
export const REGISTRY_REF_PATTERNS = ['refs/tags/**/*@*', 'refs/tags/**/*#*'];

/**
 * Patterns for one model's tags only: git then formats (and we parse) that model's tags and
 * nothing else, which keeps `lineage`, `history`, `verify` and `provenance` cheap in a repository
 * with thousands of other registry tags. `*` does not cross `/` in for-each-ref patterns, hence
 * the extra pattern for GTO stage names that contain one. Names never hold glob characters.
 */
export function modelRefPatterns(model: string): string[] {
  const inTag = model.replace(':', '=');
  return [`refs/tags/${inTag}@*`, `refs/tags/${inTag}#*`, `refs/tags/${inTag}#*/**`];
}

export interface ReadResult {
  events: RegistryEvent[];
  /** Tags in the grammar that were skipped, and why (lightweight, not pointing at a commit). */
  skipped: { tag: string; reason: string }[];
}

/** Every registry event, or with `model` only that model's (still one for-each-ref call). */
export async function readRegistryEvents(cwd: string, opts: { model?: string } = {}): Promise<ReadResult> {
  const patterns = opts.model === undefined ? REGISTRY_REF_PATTERNS : modelRefPatterns(opts.model);
  const r = await gitRaw(['for-each-ref', `--format=${FOR_EACH_REF_FORMAT}`, ...patterns], { cwd });
  const result = parseForEachRef(r.stdout.toString('utf8'));
  if (opts.model !== undefined) result.events = result.events.filter((e) => e.model === opts.model);
  return result;
}

/** Fields before %(contents); the message is everything after the last of them. */
const HEADER_FIELDS = FIELDS.length - 1;

export function parseForEachRef(text: string): ReadResult {
  const events: RegistryEvent[] = [];
  const skipped: ReadResult['skipped'] = [];
  const f: string[] = [];
  for (const rec of lazyRecords(text)) {
    // Cut the header fields off by position rather than splitting the whole record: the message
    // (most of the bytes) is then one slice, copied nowhere.
    f.length = 0;
    let pos = 0;
    while (f.length < HEADER_FIELDS) {
      const nul = rec.indexOf('\0', pos);
      if (nul < 0) break;
      f.push(rec.slice(pos, nul));
      pos = nul + 1;
    }
    if (f.length < HEADER_FIELDS) continue;
    const tag = f[0]!.slice('refs/tags/'.length);
    const kind = classifyTag(tag);
    if (kind.kind === 'unrelated') continue; // has @ or # but is not ours (e.g. `foo@bar`): ignored, like any unrelated tag
    if (kind.kind === 'foreign') {
      // The grammar's shape but outside its bounds (a counter of 20 digits): never folded into
      // the state, where it would make every later counter overflow; listed instead.
      skipped.push({ tag, reason: kind.reason });
      continue;
    }
    const parsed = kind.parsed;
    if (f[1] !== 'tag') {
      skipped.push({ tag, reason: 'lightweight tag (only annotated tags count)' });
      continue;
    }
    if (f[4] !== 'commit') {
      skipped.push({ tag, reason: `points at a ${f[4] || 'missing object'}, not a commit` });
      continue;
    }
    const message = rec.slice(pos);
    events.push({
      tag,
      action: parsed.action,
      model: parsed.name,
      version: parsed.version ?? null,
      environment: parsed.stage ?? null,
      counter: parsed.counter ?? null,
      commit: f[3]!,
      object: f[2]!,
      time: Number(f[7]) * 1000,
      tagger: { name: f[5]!, email: f[6]!.replace(/^<|>$/g, '') },
      subject: messageSubject(message),
      message,
    });
  }
  return { events, skipped };
}

function* lazyRecords(text: string): Generator<string> {
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\0\0\n', pos);
    if (end < 0) return;
    yield text.slice(pos, end);
    pos = end + 3;
  }
}

const recordCache = new WeakMap<RegistryEvent, { record: LineageRecord | null; error?: string }>();

/**
 * The lineage record of an event (parsed and validated against lineage.schema.json on first
 * use, then cached). A record that is not valid is untrusted input: null here, with the reason
 * in recordProblem(); nothing downstream ever sees its fields.
 */
export function recordOf(event: RegistryEvent): LineageRecord | null {
  return readRecord(event).record;
}

/** Why the event's tag carries a record that cannot be used; undefined when it is valid or absent. */
export function recordProblem(event: RegistryEvent): string | undefined {
  return readRecord(event).error;
}

function readRecord(event: RegistryEvent): { record: LineageRecord | null; error?: string } {
  let hit = recordCache.get(event);
  if (!hit) {
    hit = parseTagMessage(event.message);
    // Nesting is bounded before Ajv (recursive) walks the record: a forged record 100,000
    // levels deep is an invalid record, not a stack overflow.
    const deep = hit.record ? tooDeep(hit.record, MAX_NESTING) : undefined;
    if (deep) hit = { record: null, error: `its lineage record is invalid (nested more than ${MAX_NESTING} levels deep at ${pathText(deep)})` };
    if (hit.record) {
      const problems = recordProblems(hit.record, event);
      if (problems.length) hit = { record: null, error: `its lineage record is invalid (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''})` };
    }
    recordCache.set(event, hit);
  }
  return hit;
}

/** Schema problems, and a record that contradicts its own tag (another model, commit or version). */
function recordProblems(record: LineageRecord, event: RegistryEvent): string[] {
  const problems = validateDocument('lineage', record);
  if (problems.length) return problems;
  const out: string[] = [];
  if (record.model !== event.model) out.push(`/model: '${record.model}' but the tag is of '${event.model}'`);
  if (record.commit !== event.commit) out.push(`/commit: ${record.commit.slice(0, 12)} but the tag points at ${event.commit.slice(0, 12)}`);
  if ((event.action === 'register' || event.action === 'deregister') && record.version !== event.version) out.push(`/version: ${record.version} but the tag names ${event.version}`);
  return out;
}

/**
 * One top-level string field of an event's record. Folding the state needs only `version` and
 * `rollback_of` of every stage tag, so these are read straight from the record's text when it is
 * laid out as we write it, and the whole record is parsed only when it is not (or once already
 * parsed for other reasons).
 */
export function recordField(event: RegistryEvent, key: 'version' | 'rollback_of'): string | null {
  const cached = recordCache.get(event);
  if (cached !== undefined) return cached.record?.[key] ?? null;
  const quick = quickRecordField(event.message, key);
  // The quick read is not validated as a whole; a value that is no version is not used.
  if (quick !== undefined) return quick === null || isVersion(quick) ? quick : null;
  return recordOf(event)?.[key] ?? null;
}
