import { parseDuration } from './units';

// One parser for durations: scenario files and the services' env config (service-kit's env.duration) both use it.
describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
  ])('%s = %d ms', (raw, ms) => expect(parseDuration(raw)).toBe(ms));
  it.each(['', '10', 's', '-1s', '1d', '1 s'])('rejects %j', (raw) => expect(parseDuration(raw)).toBeUndefined());
});
