/** Every contender, by id, in table order. */
import type { Contender, ContenderId } from '../contender.js';
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

export const CONTENDERS: Readonly<Record<ContenderId, Contender>> = {
  floor,
  'pool-inline': poolInline,
  'pool-piscina': poolPiscina,
  'pool-piscina-batched': poolPiscinaBatched,
  'pool-piscina-submitall': poolPiscinaSubmitAll,
  'pool-native': poolNative,
  'pool-native-batched': poolNativeBatched,
  'native-batch': nativeBatch,
  'pool-bullmq-1w': poolBullmq1w,
  'pool-bullmq-1w-batched': poolBullmq1wBatched,
  'pool-bullmq-2w': poolBullmq2w,
  'pool-bullmq-2w-batched': poolBullmq2wBatched,
  piscina,
  tinypool,
  workerpool,
  poolifier,
  fastq,
  'p-queue': pQueue,
};
