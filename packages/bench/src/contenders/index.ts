/** Every contender, by id, in table order. */
import type { Contender, ContenderId } from '../contender.js';
import { fastq } from './fastq.js';
import { floor } from './floor.js';
import { nativeBatch } from './native-batch.js';
import { pQueue } from './p-queue.js';
import { piscina } from './piscina.js';
import { poolInline } from './pool-inline.js';
import { poolNative } from './pool-native.js';
import { poolPiscina } from './pool-piscina.js';
import { poolifier } from './poolifier.js';
import { tinypool } from './tinypool.js';
import { workerpool } from './workerpool.js';

export const CONTENDERS: Readonly<Record<ContenderId, Contender>> = {
  floor,
  'pool-inline': poolInline,
  'pool-piscina': poolPiscina,
  'pool-native': poolNative,
  'native-batch': nativeBatch,
  piscina,
  tinypool,
  workerpool,
  poolifier,
  fastq,
  'p-queue': pQueue,
};
