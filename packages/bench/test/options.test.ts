import { describe, expect, it } from 'vitest';
import { CONTENDER_IDS } from '../src/contenders/registry.js';
import { SCENARIO_NAMES } from '../src/names.js';
import { type BenchConfig, MODES, parseOptions, USAGE, UsageError } from '../src/options.js';
import { WORKLOAD_NAMES } from '../src/workloads.js';

const parse = (...argv: string[]) => parseOptions(argv) as BenchConfig;

describe('command line', () => {
  it('defaults to the quick mode with every workload, the distributed scenario and every contender', () => {
    const c = parse();
    expect(c.mode).toBe('quick');
    expect(c.workloads).toEqual([...WORKLOAD_NAMES, 'distributed']);
    expect(SCENARIO_NAMES).toEqual([...WORKLOAD_NAMES, 'distributed']);
    expect(c.contenders).toEqual([...CONTENDER_IDS]);
    expect(c.tasks).toEqual(MODES.quick.tasks);
    expect(c.timeMs).toBe(MODES.quick.timeMs);
    expect(c.json).toBe('bench-results/bench.json');
    expect(c.svgDir).toBe('bench-results/charts');
    expect(c.sleepConcurrency).toEqual([5, 10]);
  });

  it('takes bigger batches and longer budgets with --full', () => {
    const c = parse('--full');
    expect(c.mode).toBe('full');
    expect(c.tasks.md5).toBeGreaterThan(MODES.quick.tasks.md5);
    expect(c.timeMs).toBeGreaterThan(MODES.quick.timeMs);
  });

  it('keeps the floor whatever --backend selects, in table order', () => {
    expect(parse('--backend', 'p-queue,piscina').contenders).toEqual(['floor', 'piscina', 'p-queue']);
  });

  it('applies --tasks to every workload and --iterations to the sleep runs too', () => {
    const c = parse('--workload', 'md5,sleep', '--tasks', '7', '--iterations', '3');
    expect(c.workloads).toEqual(['md5', 'sleep']);
    expect(Object.values(c.tasks).every((n) => n === 7)).toBe(true);
    expect(c.iterations).toBe(3);
    expect(c.sleepIterations).toBe(3);
  });

  it('puts the charts beside the JSON unless --svg says otherwise', () => {
    expect(parse('--json', 'out/x.json').svgDir).toBe('out/charts');
    expect(parse('--json', 'out/x.json', '--svg', 'pics').svgDir).toBe('pics');
  });

  it('rewrites one progress line on a terminal and prints plain lines in CI', () => {
    expect((parseOptions([], { isTTY: true, ci: false }) as BenchConfig).progress).toBe('tty');
    expect((parseOptions([], { isTTY: true, ci: true }) as BenchConfig).progress).toBe('lines');
    expect((parseOptions([], { isTTY: false, ci: false }) as BenchConfig).progress).toBe('lines');
    expect((parseOptions(['--no-progress'], { isTTY: true, ci: false }) as BenchConfig).progress).toBe('off');
  });

  it('names the flag, what it takes and what it received when a value is wrong', () => {
    expect(() => parse('--workload', 'md5,nope')).toThrow(
      new UsageError(
        '--workload takes noop, square, md5, isprime, mandelbrot, spin, sleep, distributed; received "nope"',
      ),
    );
    expect(() => parse('--tasks', '0')).toThrow(/--tasks takes an integer ≥ 1; received "0"/);
    expect(() => parse('--threads', '1.5')).toThrow(/--threads takes an integer ≥ 1; received "1.5"/);
    expect(() => parse('--quick', '--full')).toThrow(/exclude each other/);
    expect(() => parse('--bogus')).toThrow(UsageError);
  });

  it('lists each batched Pool configuration right after its unbatched one', () => {
    const ids: readonly string[] = CONTENDER_IDS;
    const after = (id: string) => ids[ids.indexOf(id) + 1];
    expect(after('pool-piscina')).toBe('pool-piscina-batched');
    expect(after('pool-piscina-batched')).toBe('pool-piscina-submitall');
    expect(after('pool-native')).toBe('pool-native-batched');
    expect(parse('--backend', 'pool-native-batched,pool-piscina-submitall,pool-piscina').contenders).toEqual([
      'floor',
      'pool-piscina',
      'pool-piscina-submitall',
      'pool-native-batched',
    ]);
  });

  it('runs no maxBatch sweep unless asked, and takes its values deduplicated and ascending', () => {
    expect(parse().maxBatchSweep).toEqual([]);
    expect(parse('--quick').maxBatchSweep).toEqual([]);
    expect(parse('--max-batch-sweep', '256, 4,16,4,1024').maxBatchSweep).toEqual([4, 16, 256, 1024]);
    expect(
      parse('--backend', 'pool-piscina-batched', '--workload', 'md5,sleep', '--max-batch-sweep', '1,8')
        .maxBatchSweep,
    ).toEqual([1, 8]);
  });

  it('refuses a bad --max-batch-sweep with what it takes and what it received', () => {
    const takes =
      '--max-batch-sweep takes comma-separated integers ≥ 1 (fixed maxBatch values, e.g. 4,16,64,256,1024)';
    expect(() => parse('--max-batch-sweep', '4,0')).toThrow(new UsageError(`${takes}; received "0"`));
    expect(() => parse('--max-batch-sweep', '16,1.5')).toThrow(new UsageError(`${takes}; received "1.5"`));
    expect(() => parse('--max-batch-sweep=-4')).toThrow(new UsageError(`${takes}; received "-4"`));
    expect(() => parse('--max-batch-sweep', '4,x')).toThrow(new UsageError(`${takes}; received "x"`));
    expect(() => parse('--max-batch-sweep', ' , ')).toThrow(new UsageError(`${takes}; received " , "`));
    expect(() => parse('--max-batch-sweep', '1e3')).toThrow(new UsageError(`${takes}; received "1e3"`));
    expect(() => parse('--max-batch-sweep')).toThrow(UsageError); // the list is not optional
  });

  it('refuses a sweep that has nothing to sweep', () => {
    expect(() => parse('--backend', 'piscina', '--max-batch-sweep', '4')).toThrow(
      new UsageError(
        '--max-batch-sweep sweeps pool-piscina-batched: add it to --backend (received "piscina")',
      ),
    );
    expect(() => parse('--workload', 'sleep', '--max-batch-sweep', '4')).toThrow(
      new UsageError('--max-batch-sweep runs on CPU workloads: --workload selected none (received "sleep")'),
    );
  });

  it('writes no HTML report unless --html names a .html or .htm file', () => {
    expect(parse().html).toBeUndefined();
    expect(parse('--html', 'out/report.html').html).toBe('out/report.html');
    expect(parse('--html', 'R.HTM').html).toBe('R.HTM');
  });

  it('refuses an --html path that is not an HTML file name or that another flag writes', () => {
    const takes = '--html takes a file name ending in .html or .htm';
    expect(() => parse('--html', 'report.md')).toThrow(new UsageError(`${takes}; received "report.md"`));
    expect(() => parse('--html', '')).toThrow(new UsageError(`${takes}; received ""`));
    expect(() => parse('--html', 'out/.html')).toThrow(new UsageError(`${takes}; received "out/.html"`));
    expect(() => parse('--html', 'x.html', '--md', 'x.html')).toThrow(
      new UsageError('--html and --md name the same file; received "x.html" for both'),
    );
    expect(() => parse('--html', 'x.html', '--json', 'x.html')).toThrow(
      new UsageError('--html and --json name the same file; received "x.html" for both'),
    );
    expect(() => parse('--html')).toThrow(UsageError); // the file is not optional
  });

  it('answers help, naming every contender and the sweep flag', () => {
    expect(parseOptions(['-h'])).toBe('help');
    const help = USAGE.replace(/\s+/g, ' ');
    for (const id of CONTENDER_IDS) expect(help).toContain(id);
    expect(help).toContain('--max-batch-sweep <list>');
    expect(help).toContain('--html <file>');
  });
});
