import { dataSourceConfig, SettingsError } from './settings';
import { pluginContext } from './testdata/pluginClient';

function settings(fixture: Parameters<typeof pluginContext>[0]) {
  return pluginContext(fixture).dataSourceInstanceSettings!;
}

describe('dataSourceConfig', () => {
  it('reads the Prometheus data source keys with their defaults', () => {
    expect(dataSourceConfig(settings({ url: 'http://flint:9090/' }))).toEqual({
      url: 'http://flint:9090',
      headers: {},
      timeoutMs: 60_000,
      queryTimeout: undefined,
      httpMethod: 'POST',
      timeInterval: undefined,
    });
    const config = dataSourceConfig(
      settings({
        url: 'https://flint.example/prefix',
        jsonData: { httpMethod: 'get', timeout: 5, queryTimeout: '30s', timeInterval: '10s' },
      })
    );
    expect(config).toMatchObject({
      url: 'https://flint.example/prefix',
      httpMethod: 'GET',
      timeoutMs: 5000,
      queryTimeout: '30s',
      timeInterval: '10s',
    });
  });

  it('builds basic, bearer and custom header authentication from the decrypted secrets', () => {
    const basic = dataSourceConfig(
      settings({ url: 'http://f', basicAuthUser: 'me', secure: { basicAuthPassword: 'pw' } })
    );
    expect(basic.headers.Authorization).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);
    const bearer = dataSourceConfig(settings({ url: 'http://f', secure: { bearerToken: 'tok' } }));
    expect(bearer.headers.Authorization).toBe('Bearer tok');
    const custom = dataSourceConfig(
      settings({
        url: 'http://f',
        jsonData: { httpHeaderName1: 'X-Scope-OrgID' },
        secure: { httpHeaderValue1: 'tenant' },
      })
    );
    expect(custom.headers).toEqual({ 'X-Scope-OrgID': 'tenant' });
  });

  it('refuses settings it cannot use, with the reason', () => {
    expect(() => dataSourceConfig(settings({ url: '' }))).toThrow(new SettingsError('the data source has no URL'));
    expect(() => dataSourceConfig(settings({ url: 'ftp://x' }))).toThrow(/must be http or https/);
    expect(() => dataSourceConfig(settings({ url: 'http://x', jsonData: { timeInterval: 'soon' } }))).toThrow(
      /timeInterval is not a duration/
    );
    expect(() => dataSourceConfig(settings({ url: 'http://x', jsonData: { timeout: -1 } }))).toThrow(
      /positive number of seconds/
    );
  });
});
