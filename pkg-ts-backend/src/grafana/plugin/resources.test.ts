import { replyMessages, upstreamPath } from './resources';

describe('upstreamPath', () => {
  it('serves only what the query editor needs', () => {
    expect(upstreamPath('/api/v1/labels')).toBe('api/v1/labels');
    expect(upstreamPath('api/v1/series')).toBe('api/v1/series');
    expect(upstreamPath('api/v1/metadata')).toBe('api/v1/metadata');
    expect(upstreamPath('api/v1/parse_query')).toBe('api/v1/parse_query');
    expect(upstreamPath('api/v1/query')).toBeUndefined();
    expect(upstreamPath('api/v1/admin/tsdb/snapshot')).toBeUndefined();
    expect(upstreamPath('../../etc/passwd')).toBeUndefined();
  });

  it('re-encodes label names in label value paths', () => {
    expect(upstreamPath('api/v1/label/job/values')).toBe('api/v1/label/job/values');
    expect(upstreamPath('api/v1/label/http.status%20code/values')).toBe('api/v1/label/http.status%20code/values');
    expect(upstreamPath('api/v1/label/a%2Fb/values')).toBe('api/v1/label/a%2Fb/values');
    expect(upstreamPath('api/v1/label/%E0%A4%A/values')).toBeUndefined();
    expect(upstreamPath('api/v1/label//values')).toBeUndefined();
  });
});

describe('replyMessages', () => {
  it('puts code and headers first and splits the body into chunks', () => {
    const body = Buffer.from('abcdefghij');
    const messages = replyMessages({ code: 200, contentType: 'application/json', body }, 4);
    expect(messages.map((m) => [m.code, Buffer.from(m.body).toString()])).toEqual([
      [200, 'abcd'],
      [0, 'efgh'],
      [0, 'ij'],
    ]);
    expect(messages[0].headers).toEqual({ 'Content-Type': { values: ['application/json'] } });
    expect(replyMessages({ code: 204, contentType: 'text/plain', body: Buffer.alloc(0) })).toHaveLength(1);
  });
});
