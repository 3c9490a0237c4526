import { InstanceCache } from './instances';
import { pluginContext } from './testdata/pluginClient';

describe('InstanceCache', () => {
  it('reuses the client while the settings stay the same and rebuilds it when they change', () => {
    const cache = new InstanceCache();
    const first = cache.clientFor(pluginContext({ url: 'http://a:9090', lastUpdatedMS: 1 }));
    expect(cache.clientFor(pluginContext({ url: 'http://a:9090', lastUpdatedMS: 1 }))).toBe(first);
    const updated = cache.clientFor(pluginContext({ url: 'http://b:9090', lastUpdatedMS: 2 }));
    expect(updated).not.toBe(first);
    expect(updated.config.url).toBe('http://b:9090');
    expect(cache.size).toBe(1);
  });

  it('tells apart same-uid instances of different Grafana servers by their settings', () => {
    const cache = new InstanceCache();
    const a = cache.clientFor(pluginContext({ url: 'http://a:9090', secure: { bearerToken: 'x' } }));
    const b = cache.clientFor(pluginContext({ url: 'http://a:9090', secure: { bearerToken: 'y' } }));
    expect(b.config.headers.Authorization).toBe('Bearer y');
    expect(a.config.headers.Authorization).toBe('Bearer x');
  });

  it('forgets the least recently used instance beyond its capacity', () => {
    const cache = new InstanceCache(2);
    const a = cache.clientFor(pluginContext({ url: 'http://a', uid: 'a' }));
    const b = cache.clientFor(pluginContext({ url: 'http://b', uid: 'b' }));
    cache.clientFor(pluginContext({ url: 'http://a', uid: 'a' }));
    cache.clientFor(pluginContext({ url: 'http://c', uid: 'c' }));
    expect(cache.size).toBe(2);
    expect(cache.clientFor(pluginContext({ url: 'http://a', uid: 'a' }))).toBe(a);
    expect(cache.clientFor(pluginContext({ url: 'http://b', uid: 'b' }))).not.toBe(b);
  });

  it('refuses a request without data source settings', () => {
    expect(() => new InstanceCache().clientFor(null)).toThrow(/no data source settings/);
  });
});
