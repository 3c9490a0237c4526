import { formatGoDuration } from './goDuration';

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [500, '500ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [15000, '15s'],
    [60000, '1m0s'],
    [90500, '1m30.5s'],
    [3600000, '1h0m0s'],
    [86400000, '24h0m0s'],
    [-2000, '-2s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});
