import { describe, expect, it } from 'vitest';
import { contendersOf } from '../src/contender.js';
import { floor } from '../src/contenders/floor.js';
import { piscina } from '../src/contenders/piscina.js';
import {
  byId,
  CONTENDER_IDS,
  CONTENDER_LIST,
  CONTENDERS,
  DISTRIBUTED_CONTENDERS,
} from '../src/contenders/registry.js';
import { DISTRIBUTED } from '../src/distributed/scenario.js';
import { USAGE } from '../src/options.js';

describe('the contender registry', () => {
  it('computes the ids, in table order, from the one list', () => {
    expect(CONTENDER_IDS).toEqual([
      'floor',
      'pool-inline',
      'pool-piscina',
      'pool-piscina-batched',
      'pool-piscina-submitall',
      'pool-native',
      'pool-native-batched',
      'native-batch',
      'pool-bullmq-1w',
      'pool-bullmq-1w-batched',
      'pool-bullmq-2w',
      'pool-bullmq-2w-batched',
      'piscina',
      'tinypool',
      'workerpool',
      'poolifier',
      'fastq',
      'p-queue',
    ]);
  });

  it('finds every listed contender by its id, and nothing else', () => {
    for (const c of CONTENDER_LIST) expect(CONTENDERS[c.id]).toBe(c);
    expect(Object.keys(CONTENDERS)).toEqual([...CONTENDER_IDS]);
  });

  it('computes the distributed line-up: the floor, the Piscina reference rows, the BullMQ rows', () => {
    expect(DISTRIBUTED_CONTENDERS).toEqual([
      'floor',
      'pool-piscina',
      'pool-piscina-batched',
      'pool-bullmq-1w',
      'pool-bullmq-1w-batched',
      'pool-bullmq-2w',
      'pool-bullmq-2w-batched',
    ]);
  });

  it('gives a workload scenario every contender bound to no scenario of its own', () => {
    const general = contendersOf({ id: 'md5' }, CONTENDER_LIST).map((c) => c.id);
    expect(general).toEqual(CONTENDER_IDS.filter((id) => !id.startsWith('pool-bullmq')));
    expect(contendersOf({ id: DISTRIBUTED, exclusive: true }, [floor, piscina])).toEqual([floor]);
  });

  it('refuses an id listed twice, naming it', () => {
    expect(() => byId([floor, piscina, floor])).toThrow('contender id "floor" is listed twice');
  });

  it('lists every id in the --backend help', () => {
    for (const id of CONTENDER_IDS) expect(USAGE).toContain(id);
  });
});
