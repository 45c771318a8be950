// What one small batch costs on a large pool: wall time per round trip and the CPU the whole
// process spends on it (pool threads included), on a pool of the default size and on a pool
// grown to 64 threads. A wake-up policy that rouses every idle thread per submit shows here as
// CPU per batch growing with the pool; one wake per ticket keeps it flat. Not a test.
//
// Drives the raw addon (`submit` with a callback), so JS-side encoding is not measured.
//   node bench/submit-cost.mjs [--rounds 7] [--batches 1000] [--addon other.node ...]
// With several --addon files (e.g. a build of an older commit), rounds alternate between them
// so a change in machine load hits every build alike; each file loads in its own child process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    batches: { type: 'string', default: '1000' },
    addon: { type: 'string', multiple: true },
    child: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const batches = Number(values.batches);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const CASES = [
  { label: '1 item (1 ticket)', items: 1, threads: 0, chunk: 0 },
  { label: '16 items, threads 2, chunk 1 (2 tickets)', items: 16, threads: 2, chunk: 1 },
  { label: '16 items, chunk 1 (min(pool, 16) tickets)', items: 16, threads: 0, chunk: 1 },
  { label: '1000 items (pool-size tickets)', items: 1000, threads: 0, chunk: 0 },
];

/** Child mode: one round of every case on one addon file and pool size; prints JSON. */
async function child(file, poolSize) {
  const addon = file ? createRequire(import.meta.url)(file) : (await import('../dist/index.js')).loadAddon();
  if (poolSize > addon.threads()) addon.ensureThreads(poolSize);
  const pool = addon.threads();
  const once = (input, threads, chunk) =>
    new Promise((resolve, reject) => {
      addon.submit('noop', input, undefined, undefined, threads || pool, chunk, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  const out = [];
  for (const c of CASES) {
    const input = new Float64Array(c.items);
    for (let i = 0; i < 200; i++) await once(input, c.threads, c.chunk); // warm-up
    const wall = [];
    const cpu = [];
    for (let r = 0; r < rounds; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batches; i++) await once(input, c.threads, c.chunk);
      wall.push(Number(process.hrtime.bigint() - t0) / 1e3 / batches);
      const used = process.cpuUsage(cpu0);
      cpu.push((used.user + used.system) / batches);
    }
    out.push({ case: c.label, wall: median(wall), cpu: median(cpu) });
  }
  console.log(JSON.stringify({ pool, out }));
}

if (values.child) {
  await child(values.addon?.[0], Number(process.env.POOL_SIZE));
} else {
  const cpuName = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.+)/)?.[1] ?? 'unknown';
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`node ${process.version}, ${cpuName}, ${availableParallelism()} cores, load ${load()}`);
  const files = values.addon ?? [''];
  const samples = new Map(); // key → { wall: [], cpu: [] }
  const repeats = 3; // child runs per (file, pool); medians over them
  for (let rep = 0; rep < repeats; rep++) {
    for (const poolSize of [0, 64]) {
      for (const file of files) {
        const args = [
          fileURLToPath(import.meta.url),
          '--child',
          '--rounds',
          String(rounds),
          '--batches',
          String(batches),
        ];
        if (file) args.push('--addon', file);
        const r = spawnSync(process.execPath, args, {
          encoding: 'utf8',
          env: { ...process.env, POOL_SIZE: String(poolSize) },
        });
        if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
        const { pool, out } = JSON.parse(r.stdout.trim().split('\n').pop());
        for (const m of out) {
          const key = `${file || 'dist'}\u0000${pool}\u0000${m.case}`;
          const s = samples.get(key) ?? { wall: [], cpu: [] };
          s.wall.push(m.wall);
          s.cpu.push(m.cpu);
          samples.set(key, s);
        }
      }
    }
  }
  const rows = [...samples].map(([key, s]) => {
    const [addon, pool, label] = key.split('\u0000');
    return {
      addon: addon.split('/').pop(),
      pool: Number(pool),
      case: label,
      'wall µs/batch': median(s.wall).toFixed(1),
      'CPU µs/batch': median(s.cpu).toFixed(1),
    };
  });
  rows.sort((a, b) => a.pool - b.pool || a.case.localeCompare(b.case) || a.addon.localeCompare(b.addon));
  console.log(
    `\nnoop through the raw addon: ${batches} awaited batches per round, ${rounds} rounds per process, ${repeats} processes per build and pool size; medians`,
  );
  console.table(rows);
  console.log(`load average at the end: ${load()}`);
}
