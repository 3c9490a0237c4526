import { MemoryStorage } from '../storage/memory';
import { baseDeps, getJSON, startApiServer, TestServer } from './testing/server';
import type { AlertStatus, RuleGroupStatus, RulesView } from './types';

const firing: AlertStatus = { labels: { alertname: 'InstanceDown', instance: 'a' }, annotations: { summary: 'down' }, state: 'firing', activeAt: '2024-01-01T11:50:00Z', value: '0e+00' };
const pending: AlertStatus = { labels: { alertname: 'InstanceDown', instance: 'b' }, annotations: { summary: 'down' }, state: 'pending', activeAt: '2024-01-01T11:59:00Z', value: '5e-01' };

const groups: RuleGroupStatus[] = [
  {
    name: 'alerts',
    file: '/etc/flint/alerts.yml',
    interval: 30,
    limit: 0,
    evaluationTime: 0.002,
    lastEvaluation: '2024-01-01T12:00:00Z',
    rules: [
      {
        state: 'firing',
        name: 'InstanceDown',
        query: 'up == 0',
        duration: 300,
        keepFiringFor: 0,
        labels: { severity: 'page' },
        annotations: { summary: 'down' },
        alerts: [firing, pending],
        health: 'ok',
        evaluationTime: 0.001,
        lastEvaluation: '2024-01-01T12:00:00Z',
        type: 'alerting',
      },
    ],
  },
  {
    name: 'records',
    file: '/etc/flint/records.yml',
    interval: 60,
    limit: 0,
    evaluationTime: 0.001,
    lastEvaluation: '0001-01-01T00:00:00Z',
    rules: [
      { name: 'job:up:sum', query: 'sum by (job) (up)', health: 'err', lastError: 'boom', evaluationTime: 0, lastEvaluation: '0001-01-01T00:00:00Z', type: 'recording' },
    ],
  },
];

const rules: RulesView = { groups: () => groups, alerts: () => [firing, pending] };

describe('/api/v1/rules, /alerts, /alertmanagers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startApiServer(
      baseDeps(new MemoryStorage(), { rules, alertmanagers: { alertmanagers: () => ({ active: ['http://am:9093/api/v2/alerts'], dropped: [] }) } })
    );
  });
  afterAll(() => server.close());

  it('lists groups with alerting and recording rules', async () => {
    const r = await getJSON(server.base, '/api/v1/rules');
    expect(r.body).toEqual({ status: 'success', data: { groups } });
  });

  it('filters by type, name, group, file, labels and drops alerts on request', async () => {
    const rec = await getJSON(server.base, '/api/v1/rules?type=record');
    expect((rec.body.data as { groups: Array<{ name: string }> }).groups.map((g) => g.name)).toEqual(['records']);
    const byName = await getJSON(server.base, '/api/v1/rules?rule_name[]=InstanceDown&exclude_alerts=true');
    const g = (byName.body.data as { groups: Array<{ rules: Array<Record<string, unknown>> }> }).groups;
    expect(g).toHaveLength(1);
    expect(g[0].rules[0].alerts).toBeNull();
    const byFile = await getJSON(server.base, `/api/v1/rules?file[]=${encodeURIComponent('/etc/flint/records.yml')}`);
    expect((byFile.body.data as { groups: unknown[] }).groups).toHaveLength(1);
    const byLabels = await getJSON(server.base, `/api/v1/rules?match[]=${encodeURIComponent('{severity="page"}')}`);
    expect((byLabels.body.data as { groups: Array<{ name: string }> }).groups.map((x) => x.name)).toEqual(['alerts']);
    const bad = await getJSON(server.base, '/api/v1/rules?type=x');
    expect(bad.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "type": not supported value "x"' });
    const badBool = await getJSON(server.base, '/api/v1/rules?exclude_alerts=maybe');
    expect(badBool.body.error).toBe('invalid parameter "exclude_alerts": strconv.ParseBool: parsing "maybe": invalid syntax');
  });

  it('paginates groups with group_limit and group_next_token', async () => {
    const first = await getJSON(server.base, '/api/v1/rules?group_limit=1');
    const d1 = first.body.data as { groups: Array<{ name: string }>; groupNextToken: string };
    expect(d1.groups.map((g) => g.name)).toEqual(['alerts']);
    expect(d1.groupNextToken).toMatch(/^[0-9a-f]{40}$/);
    const second = await getJSON(server.base, `/api/v1/rules?group_limit=1&group_next_token=${d1.groupNextToken}`);
    const d2 = second.body.data as { groups: Array<{ name: string }>; groupNextToken?: string };
    expect(d2.groups.map((g) => g.name)).toEqual(['records']);
    expect(d2.groupNextToken).toBeUndefined();
    const bad = await getJSON(server.base, '/api/v1/rules?group_limit=0');
    expect(bad.status).toBe(400);
    const unknown = await getJSON(server.base, '/api/v1/rules?group_limit=1&group_next_token=abc');
    expect(unknown.body.error).toBe("invalid group_next_token 'abc'. were rule groups changed?");
    const noLimit = await getJSON(server.base, `/api/v1/rules?group_next_token=${d1.groupNextToken}`);
    expect(noLimit.body.error).toBe('group_limit needs to be present in order to paginate over the groups');
  });

  it('lists active alerts with Go e-notation values', async () => {
    const r = await getJSON(server.base, '/api/v1/alerts');
    const alerts = (r.body.data as { alerts: Array<Record<string, unknown>> }).alerts;
    expect(alerts.map((a) => [a.state, a.value])).toEqual([
      ['firing', '0e+00'],
      ['pending', '5e-01'],
    ]);
  });

  it('lists alertmanagers', async () => {
    const r = await getJSON(server.base, '/api/v1/alertmanagers');
    expect(r.body.data).toEqual({ activeAlertmanagers: [{ url: 'http://am:9093/api/v2/alerts' }], droppedAlertmanagers: [] });
  });
});
