// A kingpin-style command-line parser: `--name=value`, `--name value`, `--[no-]bool`,
// repeatable flags, and errors that read like Prometheus's (exit code 2).

export type FlagKind = 'string' | 'bool' | 'duration' | 'int' | 'list';

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  help: string;
  /** The default as written on the command line ('' for none). */
  default?: string;
  /** Allowed values, checked when the flag is parsed. */
  enum?: readonly string[];
  placeholder?: string;
}

export class UsageError extends Error {}

export type FlagValues = Map<string, string | string[] | boolean>;

export function parseFlags(specs: readonly FlagSpec[], argv: readonly string[]): { values: FlagValues; args: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: FlagValues = new Map();
  for (const s of specs) {
    if (s.kind === 'bool') values.set(s.name, s.default === 'true');
    else if (s.kind === 'list') values.set(s.name, []);
    else values.set(s.name, s.default ?? '');
  }
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown short flag '${a}'`);
      args.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    let name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    let spec = byName.get(name);
    if (!spec && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'bool' && eq < 0) {
      name = name.slice(3);
      values.set(name, false);
      continue;
    }
    if (!spec) throw new UsageError(`unknown long flag '--${name}'`);
    if (spec.kind === 'bool') {
      if (eq < 0) values.set(name, true);
      else {
        const v = a.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw new UsageError(`invalid boolean value '${v}' for flag '--${name}'`);
        values.set(name, v === 'true');
      }
      continue;
    }
    let v: string;
    if (eq >= 0) v = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`expected argument for flag '--${name}'`);
      v = argv[++i];
    }
    checkValue(spec, v);
    spec = spec as FlagSpec;
    if (spec.kind === 'list') (values.get(name) as string[]).push(v);
    else values.set(name, v);
  }
  return { values, args };
}

function checkValue(spec: FlagSpec, v: string): void {
  if (spec.enum && !spec.enum.includes(v)) {
    throw new UsageError(`enum value must be one of ${spec.enum.join(',')}, got '${v}' for flag '--${spec.name}'`);
  }
  if (spec.kind === 'int' && !/^-?\d+$/.test(v)) {
    throw new UsageError(`invalid integer value '${v}' for flag '--${spec.name}'`);
  }
  if (spec.kind === 'duration' && !/^(0|(\d+(y|w|d|h|m|s|ms))+)$/.test(v)) {
    throw new UsageError(`invalid duration value '${v}' for flag '--${spec.name}'`);
  }
}

export function formatFlagHelp(specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left =
      s.kind === 'bool'
        ? `--[no-]${s.name}`
        : `--${s.name}=${s.placeholder ?? (s.kind === 'list' ? s.name.split('.').pop()!.toUpperCase() + '...' : 'VALUE')}`;
    const def = s.default !== undefined && s.default !== '' && s.kind !== 'bool' ? ` (default: ${s.default})` : '';
    return [left, s.help + def];
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}
