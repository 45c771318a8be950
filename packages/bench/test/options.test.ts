import { describe, expect, it } from 'vitest';
import { CONTENDER_IDS } from '../src/contender.js';
import { type BenchConfig, MODES, parseOptions, UsageError } from '../src/options.js';
import { WORKLOAD_NAMES } from '../src/workloads.js';

const parse = (...argv: string[]) => parseOptions(argv) as BenchConfig;

describe('command line', () => {
  it('defaults to the quick mode with every workload and contender', () => {
    const c = parse();
    expect(c.mode).toBe('quick');
    expect(c.workloads).toEqual([...WORKLOAD_NAMES]);
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
      new UsageError('--workload takes noop, square, md5, isprime, mandelbrot, spin, sleep; received "nope"'),
    );
    expect(() => parse('--tasks', '0')).toThrow(/--tasks takes an integer ≥ 1; received "0"/);
    expect(() => parse('--threads', '1.5')).toThrow(/--threads takes an integer ≥ 1; received "1.5"/);
    expect(() => parse('--quick', '--full')).toThrow(/exclude each other/);
    expect(() => parse('--bogus')).toThrow(UsageError);
  });

  it('answers help', () => {
    expect(parseOptions(['-h'])).toBe('help');
  });
});
