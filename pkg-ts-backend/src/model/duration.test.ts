import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1m30s500ms', 90_500],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
  ])('%s is %d ms', (s, ms) => expect(parseDuration(s)).toBe(ms));

  it.each(['', '5', '1.5h', '-5m', '5m1h', 'abc', '5mm'])('rejects %j', (s) => {
    expect(() => parseDuration(s)).toThrow('not a valid duration string');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [300_000, '5m'],
    [5_400_000, '1h30m'],
    [90_500, '1m30s500ms'],
    [1_209_600_000, '2w'],
    [1_296_000_000, '15d'],
    [31_536_000_000 + 86_400_000, '366d'],
  ])('%d ms is %s', (ms, s) => expect(formatDuration(ms)).toBe(s));

  it('round-trips', () => {
    for (const s of ['15s', '1d2h', '3w', '25d5h6m7s8ms']) expect(formatDuration(parseDuration(s))).toBe(s);
  });
});
