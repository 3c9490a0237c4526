import { FlagSpec, formatFlagHelp, parseFlags, UsageError } from './flags';

const specs: FlagSpec[] = [
  { name: 'config.file', kind: 'string', help: 'Config file.', default: 'flint.yml' },
  { name: 'web.enable-lifecycle', kind: 'bool', help: 'Lifecycle.' },
  { name: 'query.timeout', kind: 'duration', help: 'Timeout.', default: '2m' },
  { name: 'log.format', kind: 'string', help: 'Format.', default: 'logfmt', enum: ['logfmt', 'json'] },
  { name: 'enable-feature', kind: 'list', help: 'Features.' },
];

describe('parseFlags', () => {
  it('applies defaults', () => {
    const { values, args } = parseFlags(specs, []);
    expect(values.get('config.file')).toBe('flint.yml');
    expect(values.get('web.enable-lifecycle')).toBe(false);
    expect(values.get('enable-feature')).toEqual([]);
    expect(args).toEqual([]);
  });

  it('reads both value forms, bools and lists', () => {
    const { values, args } = parseFlags(specs, [
      '--config.file=a.yml',
      'serve',
      '--query.timeout',
      '30s',
      '--web.enable-lifecycle',
      '--enable-feature=x',
      '--enable-feature',
      'y',
    ]);
    expect(values.get('config.file')).toBe('a.yml');
    expect(values.get('query.timeout')).toBe('30s');
    expect(values.get('web.enable-lifecycle')).toBe(true);
    expect(values.get('enable-feature')).toEqual(['x', 'y']);
    expect(args).toEqual(['serve']);
  });

  it('supports --no- for bools', () => {
    expect(parseFlags(specs, ['--no-web.enable-lifecycle']).values.get('web.enable-lifecycle')).toBe(false);
  });

  it.each([
    [['--nope'], "unknown long flag '--nope'"],
    [['--config.file'], "expected argument for flag '--config.file'"],
    [['--query.timeout=soon'], "invalid duration value 'soon' for flag '--query.timeout'"],
    [['--log.format=xml'], 'enum value must be one of logfmt,json'],
    [['-x'], "unknown short flag '-x'"],
  ])('rejects %j', (argv, msg) => {
    expect(() => parseFlags(specs, argv)).toThrow(UsageError);
    expect(() => parseFlags(specs, argv)).toThrow(msg);
  });

  it('shows defaults in help', () => {
    const help = formatFlagHelp(specs);
    expect(help).toContain('--config.file=VALUE');
    expect(help).toContain('(default: flint.yml)');
    expect(help).toContain('--[no-]web.enable-lifecycle');
  });
});
