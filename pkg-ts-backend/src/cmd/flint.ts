// The `flint` command: the server (default) and its subcommands.
import { VERSION } from '../version';
import { FlagSpec, formatFlagHelp, parseFlags, UsageError } from './flags';
import { serverOptions } from './options';
import { SERVER_FLAGS } from './serverFlags';

export interface Subcommand {
  /** The words that select it, e.g. ['check', 'config']. */
  path: string[];
  usage: string;
  help: string;
  flags?: readonly FlagSpec[];
  /** Returns the exit code. */
  run(args: string[], flags: Map<string, string | string[] | boolean>): Promise<number>;
}

const SUBCOMMANDS: Subcommand[] = [];

/** Lets each subcommand's module register itself; kept in one list so --help shows them all. */
export function registerSubcommand(c: Subcommand): void {
  SUBCOMMANDS.push(c);
}

const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'help', kind: 'bool', help: 'Show context-sensitive help.' },
  { name: 'version', kind: 'bool', help: 'Show application version.' },
];

function usage(): string {
  const cmds = [
    ['serve', 'Run the flint server (the default when no command is given).'],
    ...SUBCOMMANDS.map((c) => [c.usage, c.help]),
  ];
  const width = Math.max(...cmds.map((c) => c[0].length)) + 2;
  return [
    'usage: flint [<flags>] [<command> [<args> ...]]',
    '',
    'Flint: a Prometheus-compatible monitoring server with a Grafana data source plugin.',
    '',
    'Flags:',
    formatFlagHelp([...COMMON_FLAGS, ...SERVER_FLAGS]),
    '',
    'Commands:',
    ...cmds.map(([u, h]) => `  ${u.padEnd(width)}${h}`),
    '',
  ].join('\n');
}

function loadSubcommands(): void {
  // Subcommand modules register themselves when required; listed here so the CLI knows them all.
  for (const m of ['./check', './checkRules', './testRules', './promqltest', './promqlFormat']) {
    try {
      require(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((err as Error).message).includes(m.slice(2))) throw err;
    }
  }
}

export async function run(argv: string[]): Promise<number> {
  loadSubcommands();
  const words = argv.filter((a) => !a.startsWith('-'));
  const sub = SUBCOMMANDS.filter((c) => c.path.every((w, i) => words[i] === w)).sort((a, b) => b.path.length - a.path.length)[0];
  const specs = [...COMMON_FLAGS, ...(sub ? (sub.flags ?? []) : SERVER_FLAGS)];
  const { values, args } = parseFlags(specs, argv);
  if (values.get('version')) {
    process.stdout.write(`flint, version ${VERSION} (node ${process.versions.node})\n`);
    return 0;
  }
  if (values.get('help')) {
    process.stdout.write(sub ? `usage: flint ${sub.usage}\n\n${sub.help}\n\nFlags:\n${formatFlagHelp(specs)}\n` : usage());
    return 0;
  }
  if (sub) return sub.run(args.slice(sub.path.length), values);
  if (args.length > 0 && !(args.length === 1 && args[0] === 'serve')) {
    throw new UsageError(`expected command but got "${args.join(' ')}"`);
  }
  // Loaded only when serving: the server pulls in every subsystem, which --help and the
  // subcommands do not need.
  const { runServe } = require('./serve') as typeof import('./serve');
  await runServe(serverOptions(values, argv));
  return -1; // keep running: the server owns the process from here
}

export function main(argv: string[]): void {
  run(argv).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`flint: error: ${err.message}, try --help\n`);
        process.exit(2);
      }
      const e = err as NodeJS.ErrnoException;
      process.stderr.write(`flint: error: ${e.code === 'EADDRINUSE' ? `listen on ${e.message.replace(/^listen EADDRINUSE: address already in use /, '')}: address already in use` : e.message}\n`);
      process.exit(1);
    }
  );
}
