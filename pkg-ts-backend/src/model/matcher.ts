// Label matchers: `=`, `!=`, `=~`, `!~` with Prometheus's semantics (a missing label has the value "").
import { compileAnchored, Regex } from './regex';

export type MatchType = '=' | '!=' | '=~' | '!~';

export class Matcher {
  private readonly re?: Regex;

  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string
  ) {
    if (type === '=~' || type === '!~') this.re = compileAnchored(value);
  }

  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.re!.matches(v);
      case '!~':
        return !this.re!.matches(v);
    }
  }

  /** True when the matcher also selects series that lack the label (it matches ""). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  toString(): string {
    const n = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.name) ? this.name : JSON.stringify(this.name);
    return `${n}${this.type}${JSON.stringify(this.value)}`;
  }
}
