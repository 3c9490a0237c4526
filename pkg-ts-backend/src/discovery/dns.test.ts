import { DNSSDConfig } from '../config/types';
import { labelsToRecord } from '../model/labels';
import { DNSDiscoverer, DNSLookup, lookupTargets } from './dns';
import { TargetGroup } from './targetGroup';
import { recordingLogger, RecordedLine, waitFor } from './testUtil';

const fake: DNSLookup = {
  resolveSrv: async () => [
    { name: 'node1.example.com', port: 9100 },
    { name: 'node2.example.com', port: 9101 },
  ],
  resolve4: async () => ['10.0.0.1'],
  resolve6: async () => ['::1'],
  resolveMx: async () => [{ exchange: 'mx.example.com' }],
  resolveNs: async () => ['ns1.example.com'],
};

function cfg(type: DNSSDConfig['type'], port = 0): DNSSDConfig {
  return { kind: 'dns', names: ['name.example.com'], type, port, refreshIntervalMs: 30_000 };
}

describe('lookupTargets', () => {
  test('SRV targets take the record port and carry the srv meta labels', async () => {
    const targets = (await lookupTargets(cfg('SRV'), '_x._tcp.example.com', fake)).map(labelsToRecord);
    expect(targets).toEqual([
      { __address__: 'node1.example.com:9100', __meta_dns_name: '_x._tcp.example.com', __meta_dns_srv_record_target: 'node1.example.com.', __meta_dns_srv_record_port: '9100' },
      { __address__: 'node2.example.com:9101', __meta_dns_name: '_x._tcp.example.com', __meta_dns_srv_record_target: 'node2.example.com.', __meta_dns_srv_record_port: '9101' },
    ]);
  });

  test('A and AAAA use the configured port, IPv6 in brackets', async () => {
    expect((await lookupTargets(cfg('A', 80), 'n', fake)).map(labelsToRecord)).toEqual([{ __address__: '10.0.0.1:80', __meta_dns_name: 'n' }]);
    expect((await lookupTargets(cfg('AAAA', 80), 'n', fake)).map(labelsToRecord)).toEqual([{ __address__: '[::1]:80', __meta_dns_name: 'n' }]);
  });

  test('MX and NS', async () => {
    expect((await lookupTargets(cfg('MX', 25), 'n', fake)).map(labelsToRecord)).toEqual([
      { __address__: 'mx.example.com:25', __meta_dns_name: 'n', __meta_dns_mx_record_target: 'mx.example.com.' },
    ]);
    expect((await lookupTargets(cfg('NS', 53), 'n', fake)).map(labelsToRecord)).toEqual([
      { __address__: 'ns1.example.com:53', __meta_dns_name: 'n', __meta_dns_ns_record_target: 'ns1.example.com.' },
    ]);
  });
});

test('a failing lookup keeps the previous targets and is logged', async () => {
  let fail = false;
  let address = '10.0.0.1';
  const flaky: DNSLookup = {
    ...fake,
    resolve4: async () => {
      if (fail) throw new Error('SERVFAIL');
      return [address];
    },
  };
  const lines: RecordedLine[] = [];
  const updates: TargetGroup[][] = [];
  const d = new DNSDiscoverer({ ...cfg('A', 80), refreshIntervalMs: 20 }, recordingLogger(lines), flaky);
  d.run((g) => updates.push(g));
  try {
    await waitFor(() => updates.length === 1);
    fail = true;
    await waitFor(() => lines.some((l) => l.msg === 'Error refreshing DNS targets'));
    fail = false;
    address = '10.0.0.2';
    await waitFor(() => updates.length === 2);
    expect(updates.map((u) => u[0].targets.map((t) => labelsToRecord(t).__address__))).toEqual([['10.0.0.1:80'], ['10.0.0.2:80']]);
  } finally {
    d.stop();
  }
});
