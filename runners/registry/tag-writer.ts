/**
 * Create a registry tag, and with a remote, publish it first-class: the remote must accept it
 * before any local ref claims it.
 *
 * The stage counter N in `name#stage#N` is per model, so two promotions to *different*
 * environments can compute the same N and still have different tag names; a plain tag push
 * would accept both. Each counted tag is therefore written together with a claim ref
 * `refs/mlpipeline/counters/<model>/<N>`:
 *
 *   - with a remote: the tag object is made (`git mktag`, no ref yet) and pushed in one
 *     `git push --atomic` with its claim (`--force-with-lease=<claim>:`, i.e. "must not exist
 *     yet") and every tag it depends on (the registration tag of a promoted version). Only when
 *     the remote accepts are the local refs created. A rejection is classified from git's
 *     porcelain status: lost the race (someone else took the name or N: fetch, re-plan, retry
 *     after a growing random delay), refused (a server hook, a protected tag: stop with the
 *     server's reason) or unreachable (stop with git's reason). Nothing is changed locally then.
 *   - without a remote: tag and claim are created in one `git update-ref --stdin` transaction
 *     whose `create` fails when the ref exists, so concurrent promotions in one clone cannot
 *     reuse a counter either; the loser re-plans like a remote loser.
 *
 * A kill at any point leaves either nothing or a remote that holds the tag (which the next run
 * fetches); never a local tag that the remote lacks. Tags we write take their time from the
 * clock, never from GIT_COMMITTER_DATE: that date is what soak times are measured from.
 */
import { setTimeout as realSleep } from 'node:timers/promises';
import { GitError, PushError, UsageError } from '../../core/errors.js';
import { gitRaw } from '../../core/git.js';
import { buildRegistryState, type RegistryState } from './state.js';
import { readRegistryEvents } from './events.js';
import { MAX_COUNTER } from './grammar.js';
import type { LineageRecord } from './lineage-record.js';

export interface TagPlan {
  tag: string;
  commit: string;
  message: string;
  record: LineageRecord;
  /** For counted tags (assign/unassign): the model and N this tag claims. */
  counter?: { model: string; n: number };
  /** Local tags this tag depends on, pushed with it in the same atomic push (e.g. `churn@v1.0.0`). */
  requires?: string[];
}

export interface WriteOptions {
  cwd: string;
  /** Push to this remote; undefined = local tag only. */
  remote?: string;
  dryRun: boolean;
  /** GIT_COMMITTER_NAME / GIT_COMMITTER_EMAIL name the tagger. */
  gitEnv: NodeJS.ProcessEnv;
  maxAttempts?: number;
  /** The clock for the tagger date (ms); default Date.now. */
  now?: () => number;
  /** Back-off wait between attempts; injected by tests so they do not really wait. */
  sleep?: (ms: number) => Promise<unknown>;
}

export interface WriteResult {
  plan: TagPlan;
  attempts: number;
  written: boolean;
  pushed: boolean;
}

export const COUNTER_REF_PREFIX = 'refs/mlpipeline/counters';

/**
 * A remote must be a configured remote's name or a URL/path, and never look like an option:
 * `--remote '--upload-pack=…'` would otherwise reach git as one.
 */
export async function assertRemote(cwd: string, remote: string): Promise<void> {
  const configured = (await gitRaw(['remote'], { cwd })).stdout.toString('utf8').split('\n').filter(Boolean);
  if (configured.includes(remote)) return;
  const looksLikeUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^@/:\s]+@[^/:\s]+:/.test(remote) || remote.includes('/');
  if (remote.startsWith('-') || /[\0\n]/.test(remote) || !looksLikeUrl) {
    throw new UsageError(`'${remote}' is not a remote of this repository${remote.startsWith('-') ? ' (it starts with -, like an option)' : ''}`, {
      fix: configured.length ? `name one of: ${configured.join(', ')}, or a repository URL` : 'add one with git remote add origin URL, or pass a repository URL',
    });
  }
}

export async function writeRegistryTag(opts: WriteOptions, plan: (state: RegistryState) => Promise<TagPlan> | TagPlan): Promise<WriteResult> {
  const maxAttempts = opts.maxAttempts ?? 10;
  const sleep = opts.sleep ?? realSleep;
  const now = opts.now ?? Date.now;
  if (opts.remote !== undefined) await assertRemote(opts.cwd, opts.remote);
  for (let attempt = 1; ; attempt++) {
    if (opts.remote) await fetchTags(opts.cwd, opts.remote);
    const state = await readState(opts.cwd);
    const p = await plan(state);
    if (opts.dryRun) return { plan: p, attempts: attempt, written: false, pushed: false };

    const object = await makeTagObject(opts.cwd, p, opts.gitEnv, now());
    const won = opts.remote ? await pushTag(opts.cwd, opts.remote, p, object) : true;
    // Locally, or after the remote accepted: create the refs, failing if another writer in this
    // clone created them first (then, without a remote, we lost the race; with one, the remote's
    // answer already decided it and a fetch will bring the winner's refs).
    const local = won ? await createLocalRefs(opts.cwd, p, object, Boolean(opts.remote)) : false;
    if (won && local) return { plan: p, attempts: attempt, written: true, pushed: Boolean(opts.remote) };
    if (attempt >= maxAttempts) {
      throw new GitError(`could not write ${p.tag}: ${attempt} attempts all lost the race to other registry writers`, {
        fix: 'nothing was written; run the command again (other promotions of this model are in progress)',
      });
    }
    // Exponential back-off with full jitter (capped at 2 s) so racing writers stop colliding in
    // lock-step: a round trip (fetch + push) can take longer than a fixed small delay.
    await sleep(Math.random() * Math.min(2000, 25 * 2 ** attempt));
  }
}

/** The registry state, with counters also taken from this clone's claim refs. */
async function readState(cwd: string): Promise<RegistryState> {
  const state = buildRegistryState((await readRegistryEvents(cwd)).events);
  const claims = await gitRaw(['for-each-ref', '--format=%(refname)', `${COUNTER_REF_PREFIX}/`], { cwd });
  for (const ref of claims.stdout.toString('utf8').split('\n')) {
    const m = /^refs\/mlpipeline\/counters\/(.+)\/([1-9][0-9]{0,9})$/.exec(ref);
    if (!m) continue;
    const n = Number(m[2]);
    const model = state.models.get(m[1]!);
    if (model && n <= MAX_COUNTER && n > model.maxCounter) model.maxCounter = n;
  }
  return state;
}

/** `name` and `email` fit for a tagger line (git refuses `<`, `>` and newlines there). */
const identPart = (s: string) => s.replace(/[<>\n\r\0]/g, '').trim();

/** The annotated tag object, written to the object store with no ref pointing at it yet. */
async function makeTagObject(cwd: string, p: TagPlan, gitEnv: NodeJS.ProcessEnv, nowMs: number): Promise<string> {
  const name = identPart(gitEnv.GIT_COMMITTER_NAME ?? '') || 'mlpipeline';
  const email = identPart(gitEnv.GIT_COMMITTER_EMAIL ?? '');
  const body = `object ${p.commit}\ntype commit\ntag ${p.tag}\ntagger ${name} <${email}> ${Math.floor(nowMs / 1000)} +0000\n\n${p.message}`;
  const r = await gitRaw(['mktag'], { cwd, input: body, okCodes: [1, 128] });
  if (r.code !== 0) throw new GitError(`cannot create the tag object for ${p.tag}: ${r.stderr.trim()}`);
  return r.stdout.toString('utf8').trim();
}

/** true = created; false = a ref already existed (another writer in this clone won). */
async function createLocalRefs(cwd: string, p: TagPlan, object: string, pushed: boolean): Promise<boolean> {
  const lines = [`create refs/tags/${p.tag} ${object}`];
  if (p.counter) lines.push(`create ${COUNTER_REF_PREFIX}/${p.counter.model}/${p.counter.n} ${object}`);
  const r = await gitRaw(['update-ref', '--stdin'], { cwd, input: lines.join('\n') + '\n', okCodes: [1, 128] });
  if (r.code === 0) return true;
  if (/already exists|cannot lock ref/.test(r.stderr) && !pushed) return false;
  if (pushed) {
    throw new GitError(`${p.tag} was pushed, but this clone could not record it: ${r.stderr.trim()}`, {
      fix: 'run git fetch --tags to bring the local tags in line with the remote',
    });
  }
  throw new GitError(`cannot create ${p.tag}: ${r.stderr.trim()}`);
}

async function fetchTags(cwd: string, remote: string): Promise<void> {
  const r = await gitRaw(['fetch', '--quiet', '--no-write-fetch-head', '--', remote, 'refs/tags/*:refs/tags/*'], { cwd, okCodes: [1, 128] });
  if (r.code !== 0) {
    throw new PushError(`cannot fetch tags from '${remote}', so nothing was written: ${oneLine(r.stderr)}`, {
      fix: `check that remote '${remote}' is reachable (git remote -v, git fetch ${remote}), and that no local tag conflicts with the remote's`,
    });
  }
}

const oneLine = (s: string) => s.trim().split('\n').map((l) => l.trim()).filter(Boolean).join('; ');

/** A ref the remote would not take, from `git push --porcelain`: `!<TAB>src:dst<TAB>[rejected] (reason)`. */
interface Rejection {
  ref: string;
  remote: boolean;
  reason: string;
}

export function parsePushRejections(stdout: string): Rejection[] {
  const out: Rejection[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^!\t[^\t]*:([^\t]+)\t\[(remote rejected|rejected)\](?: \((.*)\))?$/.exec(line);
    if (m) out.push({ ref: m[1]!, remote: m[2] === 'remote rejected', reason: m[3] ?? '' });
  }
  return out;
}

/** Reasons that mean another writer got there first, locally (lease) or on the server (ref update). */
const RACE_REASON = /stale info|already exists|fetch first|non-fast-forward|failed to update ref|cannot lock ref|incorrect old value|reference already exists/;

/**
 * true = pushed; false = lost the race (someone else took the name or the counter). A refusal
 * or an unreachable remote throws a PushError carrying git's and the server's own words.
 */
async function pushTag(cwd: string, remote: string, p: TagPlan, object: string): Promise<boolean> {
  const args = ['push', '--atomic', '--porcelain'];
  const refspecs = [`${object}:refs/tags/${p.tag}`];
  if (p.counter) {
    const claim = `${COUNTER_REF_PREFIX}/${p.counter.model}/${p.counter.n}`;
    args.push(`--force-with-lease=${claim}:`);
    refspecs.push(`${object}:${claim}`);
  }
  for (const t of p.requires ?? []) refspecs.push(`refs/tags/${t}:refs/tags/${t}`);
  const r = await gitRaw([...args, '--', remote, ...refspecs], { cwd, okCodes: [1, 128] });
  const outcome = classifyPush(r.code, r.stdout.toString('utf8'), r.stderr);
  if (outcome.kind === 'pushed') return true;
  if (outcome.kind === 'lost-race') return false;
  if (outcome.kind === 'refused') {
    throw new PushError(`'${remote}' refused ${p.tag}: ${outcome.reason}`, {
      fix: `nothing was written here or there; ask who administers '${remote}' why (a server hook or a protected-tag rule), or push where you may`,
    });
  }
  throw new PushError(`cannot push ${p.tag} to '${remote}', so this clone claims nothing: ${outcome.reason}`, {
    fix: `check that remote '${remote}' is reachable and that you may push tags to it, then run the command again (it first fetches whatever the remote holds)`,
  });
}

export type PushOutcome = { kind: 'pushed' } | { kind: 'lost-race' } | { kind: 'refused'; reason: string } | { kind: 'unreachable'; reason: string };

/**
 * What `git push --atomic --porcelain` said: pushed; lost the race (a lease or the server's ref
 * update found the ref taken); refused (`[remote rejected]` for any other reason: a hook, a
 * protected tag), with the server's own words; or no ref status at all (unreachable).
 */
export function classifyPush(code: number, stdout: string, stderr: string): PushOutcome {
  if (code === 0) return { kind: 'pushed' };
  const rejections = parsePushRejections(stdout);
  const serverSays = stderr
    .split('\n')
    .filter((l) => l.startsWith('remote:'))
    .map((l) => l.slice('remote:'.length).trim())
    .filter(Boolean);
  // With --atomic, the refs not at fault are rejected with "atomic push failed": look past them.
  const causes = rejections.filter((x) => !/atomic push failed|atomic transaction failed/.test(x.reason));
  if (rejections.length > 0 && (causes.length === 0 || causes.every((x) => RACE_REASON.test(x.reason)))) return { kind: 'lost-race' };
  if (causes.length > 0) {
    const what = causes.map((x) => `${x.ref.replace(/^refs\/tags\//, '')}: ${x.remote ? 'remote rejected' : 'rejected'} (${x.reason || 'no reason given'})`).join('; ');
    return { kind: 'refused', reason: `${what}${serverSays.length ? `; the server said: ${serverSays.join(' / ')}` : ''}` };
  }
  return { kind: 'unreachable', reason: oneLine(stderr) || `git push exited ${code}` };
}
