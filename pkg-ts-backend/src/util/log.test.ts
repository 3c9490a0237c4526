import { createLogger } from './log';

function capture(format: 'logfmt' | 'json', level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  return { lines, log: createLogger({ format, level, write: (l) => lines.push(l) }) };
}

describe('logger', () => {
  it('writes logfmt with quoting where needed', () => {
    const { lines, log } = capture('logfmt');
    log.child({ component: 'tsdb' }).info('WAL repaired', { segment: 3, file: 'a b', err: new Error('bad crc') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^time=\S+ level=info component=tsdb msg="WAL repaired" segment=3 file="a b" err="bad crc"\n$/);
  });

  it('writes JSON', () => {
    const { lines, log } = capture('json');
    log.warn('x', { n: 1 });
    const obj = JSON.parse(lines[0]);
    expect(obj).toMatchObject({ level: 'warn', msg: 'x', n: 1 });
  });

  it('drops lines below the level', () => {
    const { lines, log } = capture('logfmt', 'info');
    log.debug('hidden');
    log.error('shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('level=error');
  });
});
