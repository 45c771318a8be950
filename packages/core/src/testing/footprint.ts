import { access, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { sleep } from './settle.js';

/**
 * What this process holds that a backend could leave behind after `close()`: OS threads, live
 * child processes and the resources keeping the event loop alive. A field is undefined where the
 * platform does not show it (threads and children are read from Linux's `/proc`).
 */
export interface Footprint {
  /** OS threads of this process (/proc/self/task), the runtime's unnamed helpers left out (see threads()). */
  readonly threads: number | undefined;
  /** Pids of this process's children that have not exited. */
  readonly children: readonly number[] | undefined;
  /** `process.getActiveResourcesInfo()` counted by kind ('Timeout', 'Worker', 'TCPSocketWrap'…). */
  readonly handles: ReadonlyMap<string, number>;
}

/** What kinds of leftovers to look for. */
export interface FootprintKinds {
  /** Compare OS threads. */
  readonly threads: boolean;
  /** Compare child processes. */
  readonly processes: boolean;
  /** Compare active resources. */
  readonly handles: boolean;
}

/**
 * Takes a footprint. Starts libuv's thread pool first (it starts its threads on first use, all at
 * once), so that a backend using the file system is not blamed for them.
 */
export async function footprint(): Promise<Footprint> {
  await access(tmpdir()).catch(() => {});
  return { threads: await threads(), children: await children(), handles: handles() };
}

/**
 * Polls until nothing of the kinds asked for exceeds `before`, for at most `ms`; resolves with
 * what was still left behind then, one phrase per kind ("2 OS threads (5 → 7)"), empty when none.
 */
export async function leftBehind(before: Footprint, kinds: FootprintKinds, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await footprint();
    const left = compare(before, now, kinds);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(25);
  }
}

function compare(before: Footprint, now: Footprint, kinds: FootprintKinds): string[] {
  const left: string[] = [];
  if (kinds.threads && before.threads !== undefined && now.threads !== undefined) {
    if (now.threads > before.threads) {
      left.push(`${now.threads - before.threads} OS thread(s) (${before.threads} → ${now.threads})`);
    }
  }
  if (kinds.processes && before.children !== undefined && now.children !== undefined) {
    const extra = now.children.filter((pid) => !before.children?.includes(pid));
    if (extra.length > 0) left.push(`${extra.length} child process(es) (pid ${extra.join(', ')})`);
  }
  if (kinds.handles) {
    for (const [kind, count] of now.handles) {
      const was = before.handles.get(kind) ?? 0;
      if (count > was) left.push(`${count - was} active '${kind}' resource(s) keeping the process alive`);
    }
  }
  return left;
}

/**
 * OS threads of this process (/proc/self/task), leaving out the runtime's own unnamed helpers
 * where they can be told apart (see unnamedHelperName): Deno starts threads named like its
 * main thread (`deno`) on demand, for blocking work like file I/O, and keeps them a while — seen in
 * CI as "3 OS thread(s) (8 → 11)" after a NativeBackend's close(), none of them the backend's.
 */
async function threads(): Promise<number | undefined> {
  let tasks: string[];
  try {
    tasks = await readdir('/proc/self/task');
  } catch {
    return undefined;
  }
  const helper = await unnamedHelperName();
  if (helper === undefined) return tasks.length;
  let count = 0;
  for (const tid of tasks) {
    if (tid !== String(process.pid) && (await threadName(tid)) === helper) continue;
    count++;
  }
  return count;
}

/** A thread's name (`/proc/self/task/<tid>/comm`), '' when it cannot be read (it ended). */
async function threadName(tid: string): Promise<string> {
  return (await readFile(`/proc/self/task/${tid}/comm`, 'utf8').catch(() => '')).trim();
}

/**
 * The main thread's name when the runtime names its own threads otherwise (Deno: `V8 DefaultWorke`,
 * `tokio-runtime-w`; Node 22 and later: `V8Worker`…): then other threads with the main thread's
 * name are helpers it starts unnamed, not a backend's. Undefined where every thread carries the
 * main thread's name (Node 20: `node`): then every thread counts. Read from the threads there are;
 * nothing is started to find out (a probe Worker would itself make threads appear later on Bun).
 */
async function unnamedHelperName(): Promise<string | undefined> {
  try {
    const main = await threadName(String(process.pid));
    if (main === '') return undefined;
    for (const tid of await readdir('/proc/self/task')) {
      if (tid === String(process.pid)) continue;
      const name = await threadName(tid);
      if (name !== '' && name !== main) return main;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes whose parent is this one. */
async function children(): Promise<number[] | undefined> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return undefined;
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses: split after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && state !== 'Z' && state !== 'X') found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function handles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}
