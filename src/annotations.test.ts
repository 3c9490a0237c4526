import { FieldType, createDataFrame } from '@grafana/data';
import { annotationEventsFromFrames, renderTemplate } from './annotations';

function series(times: number[], values: number[], labels: Record<string, string>, stepMs = 1000) {
  return createDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: times, config: { interval: stepMs } },
      { name: 'Value', type: FieldType.number, values, labels },
    ],
  });
}

test('renderTemplate fills labels and blanks unknown ones', () => {
  expect(renderTemplate('{{job}} on {{ instance }} {{missing}}!', { job: 'api', instance: 'h:1' })).toBe(
    'api on h:1 !'
  );
});

test('runs of non-zero steps become regions; gaps and zeros split them', () => {
  const frame = series([1000, 2000, 3000, 4000, 6000, 7000], [1, 1, 0, 5, 2, NaN], {
    __name__: 'ALERTS',
    alertname: 'Down',
    severity: 'page',
  });
  const events = annotationEventsFromFrames([frame], {
    refId: 'A',
    expr: 'ALERTS',
    titleFormat: '{{alertname}}',
    textFormat: 'severity {{severity}}',
    tagKeys: 'severity, alertname, nope',
  });
  expect(events.map((e) => [e.time, e.timeEnd, e.isRegion])).toEqual([
    [1000, 2000, true],
    [4000, 4000, false],
    [6000, 6000, false],
  ]);
  expect(events[0]).toMatchObject({ title: 'Down', text: 'severity page', tags: ['page', 'Down'] });
});

test('without templates the title is the series', () => {
  const events = annotationEventsFromFrames([series([1000], [1], { __name__: 'up', job: 'a' })], {
    refId: 'A',
    expr: 'up',
  });
  expect(events[0].title).toBe('up{job="a"}');
});
