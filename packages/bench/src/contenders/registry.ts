/**
 * The one list of contenders. Everything else is computed from it: the ids `--backend` takes
 * and their type (`ContenderId`), the table order, the registry by id, and the line-up of each
 * scenario that has its own (`DISTRIBUTED_CONTENDERS`).
 *
 * Adding a contender: write `contenders/<name>.ts` exporting a `Contender<'<id>'>` (or a few,
 * from one factory), and add it to {@link CONTENDER_LIST} where it should sit in the tables.
 * That is the only list to touch; the README's contender table documents it.
 */
import { type Contender, contendersOf } from '../contender.js';
import { DISTRIBUTED } from '../distributed/scenario.js';
import { fastq } from './fastq.js';
import { floor } from './floor.js';
import { nativeBatch } from './native-batch.js';
import { pQueue } from './p-queue.js';
import { piscina } from './piscina.js';
import { poolBullmq1w, poolBullmq1wBatched, poolBullmq2w, poolBullmq2wBatched } from './pool-bullmq.js';
import { poolInline } from './pool-inline.js';
import { poolNative, poolNativeBatched } from './pool-native.js';
import { poolPiscina, poolPiscinaBatched, poolPiscinaSubmitAll } from './pool-piscina.js';
import { poolifier } from './poolifier.js';
import { tinypool } from './tinypool.js';
import { workerpool } from './workerpool.js';

/**
 * Every contender, in table order: the floor, poolkit's (each batched Pool configuration right
 * after its unbatched one), then the peers. The `pool-bullmq-*` ones run only in the
 * `distributed` scenario.
 */
export const CONTENDER_LIST = [
  floor,
  poolInline,
  poolPiscina,
  poolPiscinaBatched,
  poolPiscinaSubmitAll,
  poolNative,
  poolNativeBatched,
  nativeBatch,
  poolBullmq1w,
  poolBullmq1wBatched,
  poolBullmq2w,
  poolBullmq2wBatched,
  piscina,
  tinypool,
  workerpool,
  poolifier,
  fastq,
  pQueue,
] as const;

/** The id of a contender of {@link CONTENDER_LIST}: what `--backend` takes and the report's `id`. */
export type ContenderId = (typeof CONTENDER_LIST)[number]['id'];

/** Every contender id, in table order. */
export const CONTENDER_IDS: readonly ContenderId[] = CONTENDER_LIST.map((c) => c.id);

/** Every contender by id. Building it throws on a duplicate id (two entries would shadow each other). */
export const CONTENDERS: Readonly<Record<ContenderId, Contender<ContenderId>>> = byId(CONTENDER_LIST);

/** The distributed scenario's line-up, in table order: the floor and the contenders naming it. */
export const DISTRIBUTED_CONTENDERS: readonly ContenderId[] = contendersOf(
  { id: DISTRIBUTED, exclusive: true },
  CONTENDER_LIST,
).map((c) => c.id);

/** `list` by id; throws naming an id listed twice. */
export function byId<C extends Contender>(list: readonly C[]): Readonly<Record<C['id'], C>> {
  const map = new Map<string, C>();
  for (const c of list) {
    if (map.has(c.id)) throw new Error(`contender id ${JSON.stringify(c.id)} is listed twice`);
    map.set(c.id, c);
  }
  return Object.freeze(Object.fromEntries(map)) as Record<C['id'], C>;
}
