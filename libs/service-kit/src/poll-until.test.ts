import type { Clock } from './clock';
import { sleepUnlessAborted, systemClock } from './clock';
import { pollUntil, PollTimeoutError } from './poll-until';

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    nowMs: () => now,
    nowUs: () => now * 1000,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      slept.push(ms);
      now += ms;
    },
  };
}

describe('pollUntil', () => {
  it('checks until done and gives the value, sleeping the interval between looks', async () => {
    const clock = fakeClock();
    let looks = 0;
    const value = await pollUntil('three looks', async () => (++looks === 3 ? { done: 'ready' } : { notYet: `look ${looks}` }), {
      timeoutMs: 10_000,
      intervalMs: 200,
      clock,
    });
    expect(value).toBe('ready');
    expect(clock.slept).toEqual([200, 200]);
  });

  it('gives up at the deadline with what the last look saw; never sleeps past it', async () => {
    const clock = fakeClock();
    const wait = pollUntil('the broker serving', async () => ({ notYet: `broker down at ${clock.nowMs()}` }), {
      timeoutMs: 1_000,
      intervalMs: 300,
      clock,
    });
    await expect(wait).rejects.toThrow(new PollTimeoutError('the broker serving', 'broker down at 1000', 1_000));
    await expect(wait).rejects.toMatchObject({
      code: 'poll_timeout',
      last: 'broker down at 1000',
      message: 'the broker serving: not observed within 1 s (last check: broker down at 1000)',
    });
    expect(clock.slept).toEqual([300, 300, 300, 100]);
  });

  it('counts a failing look as not yet, unless the error is fatal', async () => {
    const clock = fakeClock();
    let looks = 0;
    const flaky = async () => {
      if (++looks < 3) throw new Error('connection refused');
      return { done: looks };
    };
    await expect(pollUntil('flaky', flaky, { timeoutMs: 10_000, clock })).resolves.toBe(3);
    await expect(
      pollUntil('down', async () => Promise.reject(new Error('connection refused')), { timeoutMs: 500, clock }),
    ).rejects.toMatchObject({ last: 'connection refused' });
    const fatal = new Error('no such topic');
    await expect(
      pollUntil('fatal', async () => Promise.reject(fatal), { timeoutMs: 10_000, clock, isFatal: (e) => e === fatal }),
    ).rejects.toBe(fatal);
  });

  it('ends with the signal reason when it aborts', async () => {
    const stop = new AbortController();
    const reason = new Error('stopping');
    stop.abort(reason);
    await expect(
      pollUntil('x', async () => ({ notYet: 'no' }), { timeoutMs: 10_000, clock: fakeClock(), signal: stop.signal }),
    ).rejects.toBe(reason);
  });
});

describe('the system clock', () => {
  it('rejects a sleep with the signal reason; sleepUnlessAborted returns instead', async () => {
    const stop = new AbortController();
    const reason = new Error('stop');
    const sleeping = systemClock.sleep(60_000, stop.signal);
    const quiet = sleepUnlessAborted(systemClock, 60_000, stop.signal);
    stop.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    await expect(quiet).resolves.toBeUndefined();
  });
});
