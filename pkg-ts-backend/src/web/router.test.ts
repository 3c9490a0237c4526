import { Router } from './router';

describe('Router', () => {
  const h1 = jest.fn();
  const h2 = jest.fn();
  const h3 = jest.fn();
  const r = new Router().get('/api/v1/query', h1).post('/api/v1/query', h1).get('/api/v1/label/:name/values', h2).get('/static/*path', h3);

  it('matches exact paths per method', () => {
    expect(r.match('GET', '/api/v1/query').handler).toBe(h1);
    expect(r.match('POST', '/api/v1/query').handler).toBe(h1);
    expect(r.match('DELETE', '/api/v1/query')).toEqual({ params: {}, allowed: ['GET', 'HEAD', 'POST'] });
  });

  it('decodes params', () => {
    const m = r.match('GET', '/api/v1/label/a%2Eb/values');
    expect(m.handler).toBe(h2);
    expect(m.params).toEqual({ name: 'a.b' });
  });

  it('matches rest params and misses unknown paths', () => {
    expect(r.match('GET', '/static/js/app.js').params).toEqual({ path: 'js/app.js' });
    expect(r.match('GET', '/nope').handler).toBeUndefined();
    expect(r.match('GET', '/api/v1/label//values').handler).toBeUndefined();
  });
});
