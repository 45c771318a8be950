/** Every contender, by id, in table order. */
import type { Contender, ContenderId } from '../contender.js';
import { fastq } from './fastq.js';
import { floor } from './floor.js';
import { nativeBatch } from './native-batch.js';
import { pQueue } from './p-queue.js';
import { piscina } from './piscina.js';
import { poolInline } from './pool-inline.js';
import { poolNative, poolNativeBatched } from './pool-native.js';
import { poolPiscina, poolPiscinaBatched, poolPiscinaSubmitAll } from './pool-piscina.js';
import { poolifier } from './poolifier.js';
import { tinypool } from './tinypool.js';
import { workerpool } from './workerpool.js';

export const CONTENDERS: Readonly<Record<ContenderId, Contender>> = {
  floor,
  'pool-inline': poolInline,
  'pool-piscina': poolPiscina,
  'pool-piscina-batched': poolPiscinaBatched,
  'pool-piscina-submitall': poolPiscinaSubmitAll,
  'pool-native': poolNative,
  'pool-native-batched': poolNativeBatched,
  'native-batch': nativeBatch,
  piscina,
  tinypool,
  workerpool,
  poolifier,
  fastq,
  'p-queue': pQueue,
};
