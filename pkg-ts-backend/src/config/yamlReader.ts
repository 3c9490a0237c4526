// Strict, typed reading of a YAML document node by node, so every error can name the line it is on.
// Messages follow go-yaml's (which Prometheus surfaces): unknown fields and type mismatches read
// `yaml: unmarshal errors:\n  line N: ...`; value errors are `line N: <Prometheus's message>`.
import { Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar, YAMLMap } from 'yaml';
import { parseDuration } from '../model/duration';

/** A problem in the YAML input; `message` is complete (already has the line). */
export class YamlInputError extends Error {}

/** What a field handler receives: the value node (null when the value is empty or `~`). */
export type FieldHandler = (value: Node | null) => void;

export class YamlReader {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, version: '1.1', merge: true, uniqueKeys: false, prettyErrors: false });
    const err = this.doc.errors[0];
    if (err) {
      const { line } = this.lines.linePos(err.pos[0]);
      throw new YamlInputError(`yaml: line ${line}: ${err.message.replace(/ at line.*$/s, '')}`);
    }
  }

  /** The document's top-level node, or null for an empty document. */
  root(): Node | null {
    return this.resolve(this.doc.contents as Node | null);
  }

  lineOf(node: Node | null): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.linePos(start).line;
  }

  /** Fails with a Prometheus validation message, prefixed by the node's line when known. */
  fail(node: Node | null, message: string): never {
    const line = this.lineOf(node);
    throw new YamlInputError(line === undefined ? message : `line ${line}: ${message}`);
  }

  private unmarshalError(node: Node | null, message: string): never {
    const line = this.lineOf(node);
    throw new YamlInputError(`yaml: unmarshal errors:\n  line ${line ?? 0}: ${message}`);
  }

  private resolve(node: Node | Alias | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.resolve(node.resolve(this.doc) as Node | undefined);
    if (isScalar(node) && node.value === null) return null;
    return node;
  }

  private typeTag(node: Node): string {
    if (isMap(node)) return '!!map';
    if (isSeq(node)) return '!!seq';
    const v = (node as Scalar).value;
    if (typeof v === 'boolean') return '!!bool';
    if (typeof v === 'number') return Number.isInteger(v) ? '!!int' : '!!float';
    return '!!str';
  }

  private mismatch(node: Node, goType: string): never {
    const shown = isScalar(node) ? ` \`${this.text(node)}\`` : '';
    this.unmarshalError(node, `cannot unmarshal ${this.typeTag(node)}${shown} into ${goType}`);
  }

  private text(node: Scalar): string {
    const v = node.value;
    if (typeof v === 'string') return v;
    return node.source ?? String(v);
  }

  /**
   * Reads a mapping whose keys must all be known: calls the handler of each present key, in
   * document order. A missing or empty node calls nothing. `typeName` is what go-yaml would name.
   */
  struct(node: Node | null, typeName: string, handlers: Record<string, FieldHandler>): void {
    const n = this.resolve(node);
    if (n === null) return;
    if (!isMap(n)) this.mismatch(n, typeName);
    const seen = new Set<string>();
    for (const pair of this.pairs(n)) {
      if (seen.has(pair.key)) this.unmarshalError(pair.keyNode, `field ${pair.key} already set in type ${typeName}`);
      seen.add(pair.key);
      const handler = Object.prototype.hasOwnProperty.call(handlers, pair.key) ? handlers[pair.key] : undefined;
      if (!handler) this.unmarshalError(pair.keyNode, `field ${pair.key} not found in type ${typeName}`);
      handler(pair.value);
    }
  }

  /** The key/value pairs of a mapping, with `<<` merge keys expanded (explicit keys win). */
  pairs(map: YAMLMap): { key: string; keyNode: Node; value: Node | null }[] {
    const out: { key: string; keyNode: Node; value: Node | null }[] = [];
    const explicit = new Set<string>();
    const merged: { key: string; keyNode: Node; value: Node | null }[] = [];
    for (const item of map.items) {
      const keyNode = this.resolve(item.key as Node);
      if (keyNode === null || !isScalar(keyNode)) this.mismatch(keyNode ?? (item.key as Node), 'string');
      const key = this.text(keyNode);
      if (key === '<<') {
        const source = this.resolve(item.value as Node);
        const sources = source && isSeq(source) ? source.items.map((s) => this.resolve(s as Node)) : [source];
        for (const s of sources) if (s && isMap(s)) merged.push(...this.pairs(s));
        continue;
      }
      explicit.add(key);
      out.push({ key, keyNode, value: this.resolve(item.value as Node) });
    }
    const fromMerge = new Set<string>();
    for (const m of merged) {
      if (!explicit.has(m.key) && !fromMerge.has(m.key)) {
        fromMerge.add(m.key);
        out.push(m);
      }
    }
    return out;
  }

  /** The pairs of a free-form mapping, rejecting a key written twice as go-yaml does. */
  private uniquePairs(map: YAMLMap): { key: string; keyNode: Node; value: Node | null }[] {
    const pairs = this.pairs(map);
    const seen = new Set<string>();
    for (const p of pairs) {
      if (seen.has(p.key)) this.unmarshalError(p.keyNode, `key ${JSON.stringify(p.key)} already set in map`);
      seen.add(p.key);
    }
    return pairs;
  }

  string(node: Node | null): string {
    if (node === null) return '';
    if (!isScalar(node)) this.mismatch(node, 'string');
    return this.text(node);
  }

  bool(node: Node | null): boolean {
    if (node === null) return false;
    if (!isScalar(node) || typeof node.value !== 'boolean') this.mismatch(node, 'bool');
    return node.value;
  }

  /** A non-negative integer (Go `uint`). */
  uint(node: Node | null): number {
    return this.integer(node, 'uint', 0);
  }

  int(node: Node | null): number {
    return this.integer(node, 'int', Number.MIN_SAFE_INTEGER);
  }

  private integer(node: Node | null, goType: string, min: number): number {
    if (node === null) return 0;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isSafeInteger(node.value) || node.value < min) this.mismatch(node, goType);
    return node.value;
  }

  float(node: Node | null): number {
    if (node === null) return 0;
    if (!isScalar(node) || typeof node.value !== 'number') this.mismatch(node, 'float64');
    return node.value;
  }

  /** A Prometheus duration in milliseconds (`0` when empty). */
  duration(node: Node | null): number {
    const s = this.string(node);
    if (s === '') return 0;
    try {
      return parseDuration(s);
    } catch (err) {
      this.fail(node, (err as Error).message);
    }
  }

  /** A byte size as alecthomas/units reads one (`512MB`, `1GiB`, `0`); KB, MB, ... are powers of 1024. */
  byteSize(node: Node | null): number {
    const s = this.string(node);
    if (s === '' || s === '0') return 0;
    const m = /^(\d+)(B|KB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)?$/.exec(s);
    if (!m) {
      const unit = /^\d+(.*)$/.exec(s);
      this.fail(node, unit ? `units: unknown unit ${unit[1]} in ${s}` : `units: invalid number in ${s}`);
    }
    const exponent: Record<string, number> = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4, PB: 5, KiB: 1, MiB: 2, GiB: 3, TiB: 4, PiB: 5 };
    return Number(m[1]) * 1024 ** exponent[m[2] ?? 'B'];
  }

  list(node: Node | null, goType: string, each: (item: Node | null) => void): void {
    if (node === null) return;
    if (!isSeq(node)) this.mismatch(node, goType);
    for (const item of node.items) each(this.resolve(item as Node));
  }

  stringList(node: Node | null): string[] {
    const out: string[] = [];
    this.list(node, '[]string', (item) => out.push(this.string(item)));
    return out;
  }

  /** A mapping of strings to strings, in document order. */
  stringMap(node: Node | null, goType = 'map[string]string'): [string, string, Node | null][] {
    if (node === null) return [];
    if (!isMap(node)) this.mismatch(node, goType);
    return this.uniquePairs(node).map((p) => [p.key, this.string(p.value), p.keyNode]);
  }

  /** A mapping with free-form keys, each value still a node to read. */
  stringMapOfNodes(node: Node | null, goType: string): [string, Node | null][] {
    if (node === null) return [];
    if (!isMap(node)) this.mismatch(node, goType);
    return this.uniquePairs(node).map((p) => [p.key, p.value]);
  }

  /** A mapping of strings to string lists (Go `url.Values`); a single string counts as a list of one. */
  stringListMap(node: Node | null): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (node === null) return out;
    if (!isMap(node)) this.mismatch(node, 'url.Values');
    for (const p of this.uniquePairs(node)) out[p.key] = p.value && isSeq(p.value) ? this.stringList(p.value) : [this.string(p.value)];
    return out;
  }

  /** Accepts any value: for sections flint reads but does not act on. */
  any(): FieldHandler {
    return () => undefined;
  }
}
