import { describe, expect, it } from 'vitest';
import { map } from '../src/index.js';
import { deferred, tick } from './fork-join-helpers.js';

// Regression: map() refilled its window before handing a value over, so with a slow first task it
// read 2 × concurrency + 1 inputs before the first value reached the loop. The bound is exact: map
// reads up to it (that is what keeps tasks busy behind a slow one) and never past it.

type Kind = 'sync' | 'async';

/** Inputs 0, 1, 2, … that count how many were read, and check the bound at every read. */
function counted(kind: Kind, total: number, onRead: () => void): Iterable<number> | AsyncIterable<number> {
  if (kind === 'sync') {
    return (function* () {
      for (let i = 0; i < total; i++) {
        onRead();
        yield i;
      }
    })();
  }
  return (async function* () {
    for (let i = 0; i < total; i++) {
      await Promise.resolve();
      onRead();
      yield i;
    }
  })();
}

const settleAll = async () => {
  for (let i = 0; i < 5; i++) await tick();
};

describe('map() read-ahead bound', () => {
  for (const kind of ['sync', 'async'] as const) {
    for (const concurrency of [1, 2, 3, 5]) {
      it(`ordered map reads at most 2 × concurrency inputs before the first value is yielded (${kind} input, concurrency ${concurrency})`, async () => {
        const head = deferred();
        let read = 0;
        let received = 0;
        let mostAhead = 0;
        const inputs = counted(kind, 100, () => {
          read++;
          mostAhead = Math.max(mostAhead, read - received);
        });
        const mapped = map(
          inputs,
          async (n: number) => {
            if (n === 0) await head.promise;
            return n;
          },
          { concurrency },
        );
        let readAtFirst = -1;
        const loop = (async () => {
          for await (const n of mapped) {
            received++;
            readAtFirst = read;
            expect(n).toBe(0);
            break;
          }
        })();
        await settleAll();
        // The head task holds one slot; the others finish and wait behind it, up to the window.
        expect(read).toBe(concurrency === 1 ? 1 : 2 * concurrency);
        head.resolve();
        await loop;
        expect(readAtFirst).toBe(2 * concurrency);
        expect(mostAhead).toBe(2 * concurrency);
      });
    }
  }

  for (const ordered of [true, false]) {
    for (const kind of ['sync', 'async'] as const) {
      it(`a yielded value counts against the window until the loop asks for the next one (${ordered ? 'ordered' : 'unordered'}, ${kind} input)`, async () => {
        const concurrency = 3;
        let read = 0;
        let consumed = 0; // values the loop body is done with
        let mostAhead = 0;
        const readWhileHolding: number[] = [];
        const inputs = counted(kind, 30, () => {
          read++;
          mostAhead = Math.max(mostAhead, read - consumed);
        });
        const seen: number[] = [];
        for await (const n of map(inputs, async (n: number) => n, { concurrency, ordered })) {
          seen.push(n);
          // A slow loop body: every task that can run has finished meanwhile.
          await settleAll();
          readWhileHolding.push(read - consumed);
          consumed++;
        }
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
        expect(mostAhead).toBe(2 * concurrency);
        // Reached while the body holds a value, until the input runs out.
        expect(readWhileHolding.slice(0, 30 - 2 * concurrency)).toEqual(
          Array(30 - 2 * concurrency).fill(2 * concurrency),
        );
      });
    }
  }
});
