// A template service with Grafana's replacement rules that matter to the data source:
// `$name`, `${name}` and `[[name]]`, scoped variables first, and a format function called with
// the value and the variable.
import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

export interface FakeVariable {
  name: string;
  value: string | number | string[];
  multi?: boolean;
  includeAll?: boolean;
}

const REFERENCE = /\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g;

type Format = (value: string | number | string[], variable: { multi?: boolean; includeAll?: boolean }) => string;

export function fakeTemplateSrv(variables: FakeVariable[] = []): TemplateSrv {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const replace = (target?: string, scopedVars?: ScopedVars, format?: string | Format): string =>
    (target ?? '').replace(REFERENCE, (whole, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c) as string;
      const scoped = scopedVars?.[name];
      const variable: FakeVariable | undefined = scoped
        ? { name, value: scoped.value as string | number | string[] }
        : byName.get(name);
      if (!variable) return whole;
      return typeof format === 'function' ? format(variable.value, variable) : String(variable.value);
    });
  return {
    getVariables: () => [] as TypedVariableModel[],
    replace,
    containsTemplate: (target?: string) => Boolean(target && REFERENCE.test(target)),
    updateTimeRange: () => undefined,
  } as unknown as TemplateSrv;
}
