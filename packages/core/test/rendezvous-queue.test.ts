import { describe, expect, it } from 'vitest';
import { ChannelQueue } from '../src/channel-queue.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('a ChannelQueue of capacity 0 (rendezvous)', () => {
  it('completes a push only when a pop takes the item', async () => {
    const queue = new ChannelQueue<string>({ capacity: 0 });
    let pushed = false;
    const push = queue.push('x').then(() => {
      pushed = true;
    });
    await tick();
    expect(pushed).toBe(false);
    expect(queue.size).toBe(0);
    expect(queue.tryPop()).toBe('x');
    await push;
    expect(pushed).toBe(true);
  });

  it('refuses tryPush unless a popper is already waiting', async () => {
    const queue = new ChannelQueue<number>({ capacity: 0 });
    expect(queue.tryPush(1)).toBe(false);
    const pop = queue.pop();
    expect(queue.tryPush(2)).toBe(true);
    expect(queue.tryPush(3)).toBe(false);
    expect(await pop).toBe(2);
    expect(queue.size).toBe(0);
  });

  it('hands items to poppers in the order the pushers arrived', async () => {
    const queue = new ChannelQueue<number>({ capacity: 0 });
    const pushes = [queue.push(1), queue.push(2), queue.push(3)];
    expect(queue.size).toBe(0);
    expect([await queue.pop(), await queue.pop(), await queue.pop()]).toEqual([1, 2, 3]);
    await Promise.all(pushes);
  });

  it('drain returns nothing and leaves blocked pushers waiting', async () => {
    const queue = new ChannelQueue<number>({ capacity: 0 });
    const push = queue.push(1);
    expect(queue.drain()).toEqual([]);
    expect(await queue.pop()).toBe(1);
    await push;
  });

  it('close rejects a blocked pusher, whose item no pop then sees', async () => {
    const queue = new ChannelQueue<number>({ capacity: 0 });
    const push = queue.push(1);
    queue.close();
    await expect(push).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    expect(await queue.pop()).toBeUndefined();
  });
});
