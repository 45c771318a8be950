/**
 * Headless Chromium for the HTML report's browser test: finding it on PATH, running it with a
 * deadline, and reading the PNG it writes. Every run gets its own process group, which is
 * killed by its id once the browser exits or the deadline passes, so no helper process outlives
 * the test and a stuck browser never hangs it.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { inflateSync } from 'node:zlib';

/** The names Debian and Ubuntu give the browser. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser'];

/** The first of {@link CHROMIUM_NAMES} that is an executable on PATH, or undefined. */
export function findChromium(path = process.env.PATH ?? ''): string | undefined {
  for (const name of CHROMIUM_NAMES) {
    for (const dir of path.split(delimiter).filter((d) => d !== '')) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface BrowserRun {
  /** Exit status; null when killed (`timedOut` says whether by the deadline). */
  readonly code: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Flags for a headless run that works as root in a container: no sandbox (it needs user
 * namespaces), no GPU, a fresh profile in `profileDir`, page console messages logged to stderr.
 */
export function headlessFlags(profileDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--hide-scrollbars',
    '--enable-logging=stderr',
    '--v=0',
    `--user-data-dir=${profileDir}`,
  ];
}

/** Runs `browser` with `args`, killed with its whole process group after `timeoutMs`. */
export function runBrowser(browser: string, args: string[], timeoutMs = 60_000): Promise<BrowserRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(browser, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    const killGroup = () => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // The browser's helpers (zygote, renderer, crash handler) share its group: end them when it
    // ends, or they would hold the pipes open.
    child.on('exit', killGroup);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, stdout, stderr });
    });
  });
}

/** What a PNG file holds: its size and how varied its (filtered, inflated) pixel bytes are. */
export interface PngSummary {
  readonly width: number;
  readonly height: number;
  /** Distinct byte values among the inflated image data: a blank page has a handful. */
  readonly distinctBytes: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads the header and image data of a PNG; throws when `data` is not one. */
export function readPng(data: Buffer): PngSummary {
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= data.length; ) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') break;
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  const seen = new Set<number>();
  for (const byte of pixels) seen.add(byte);
  return { width, height, distinctBytes: seen.size };
}
