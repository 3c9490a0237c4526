// The config text as /api/v1/status/config may show it: every secret replaced by `<secret>`,
// as Prometheus prints its Secret type.
import { isMap, isScalar, isSeq, Node, Scalar, visit } from 'yaml';
import { YamlReader } from './yamlReader';

/** Keys whose values are secrets wherever they appear (basic_auth, authorization, oauth2, bearer tokens). */
const SECRET_KEYS = new Set(['password', 'credentials', 'bearer_token', 'client_secret']);

export function redactSecrets(r: YamlReader): string {
  const doc = r.doc.clone();
  visit(doc, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      if (value === null || !isScalar(value) || value.value === null || value.value === '') return;
      if (SECRET_KEYS.has(key)) pair.value = new Scalar('<secret>');
    },
    Map(_key, map) {
      // Inline TLS keys and header secrets are secrets too, but only inside their own blocks.
      for (const item of map.items) {
        const key = isScalar(item.key) ? String(item.key.value) : '';
        if (key === 'tls_config' && isMap(item.value)) {
          for (const inner of item.value.items) if (isScalar(inner.key) && inner.key.value === 'key' && isScalar(inner.value)) inner.value = new Scalar('<secret>');
        }
        if (key === 'secrets' && isSeq(item.value)) item.value.items = item.value.items.map(() => new Scalar('<secret>'));
      }
    },
  });
  return doc.toString();
}
