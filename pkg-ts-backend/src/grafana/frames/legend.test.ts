import { legendName, seriesNotation } from './legend';

describe('seriesNotation', () => {
  it('puts the metric name first and sorts and quotes the labels', () => {
    expect(seriesNotation({ job: 'node', __name__: 'up', instance: 'a:1' })).toBe('up{instance="a:1", job="node"}');
    expect(seriesNotation({ __name__: 'up' })).toBe('up');
    expect(seriesNotation({ job: 'x"y' })).toBe('{job="x\\"y"}');
    expect(seriesNotation({})).toBe('{}');
  });
});

describe('legendName', () => {
  const labels = { __name__: 'up', job: 'node', instance: 'a:1' };
  it('fills {{label}} templates, with nothing for a missing label', () => {
    expect(legendName('{{job}} on {{ instance }}', labels, 'up')).toBe('node on a:1');
    expect(legendName('{{nope}}-{{constructor}}', labels, 'up')).toBe('-');
  });
  it('uses the series notation without a legend and the expression for a series without labels', () => {
    expect(legendName(undefined, labels, 'up')).toBe('up{instance="a:1", job="node"}');
    expect(legendName('', {}, 'sum(up)')).toBe('sum(up)');
  });
  it('leaves the name to Grafana for __auto when there are labels', () => {
    expect(legendName('__auto', labels, 'up')).toBe('');
    expect(legendName('__auto', {}, '1+1')).toBe('1+1');
  });
});
