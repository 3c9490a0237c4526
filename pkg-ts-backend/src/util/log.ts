// Structured logging in the two formats Prometheus offers: logfmt (default) and JSON.
// Lines go to stderr so stdout stays free (the Grafana plugin handshake owns it).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function isLogLevel(s: string): s is LogLevel {
  return s in LEVELS;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `component=tsdb`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  write?: (line: string) => void;
}

function logfmtValue(v: unknown): string {
  let s: string;
  if (v instanceof Error) s = v.message;
  else if (typeof v === 'string') s = v;
  else if (v === undefined) s = '';
  else if (typeof v === 'object' && v !== null) s = JSON.stringify(v);
  else s = String(v);
  return s === '' || /[\s"=\\]/.test(s) || /[^\x20-\x7e]/.test(s) ? JSON.stringify(s) : s;
}

function jsonValue(v: unknown): unknown {
  return v instanceof Error ? v.message : v;
}

class StructuredLogger implements Logger {
  constructor(
    private readonly min: number,
    private readonly format: LogFormat,
    private readonly write: (line: string) => void,
    private readonly base: LogFields
  ) {}

  private emit(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[level] < this.min) return;
    const all: LogFields = { time: new Date().toISOString(), level, ...this.base, msg, ...fields };
    if (this.format === 'json') {
      const out: LogFields = {};
      for (const [k, v] of Object.entries(all)) out[k] = jsonValue(v);
      this.write(JSON.stringify(out) + '\n');
    } else {
      this.write(
        Object.entries(all)
          .map(([k, v]) => `${k}=${logfmtValue(v)}`)
          .join(' ') + '\n'
      );
    }
  }

  debug(msg: string, fields?: LogFields): void {
    this.emit('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.emit('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.emit('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.emit('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new StructuredLogger(this.min, this.format, this.write, { ...this.base, ...fields });
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return new StructuredLogger(
    LEVELS[opts.level ?? 'info'],
    opts.format ?? 'logfmt',
    opts.write ?? ((line) => process.stderr.write(line)),
    {}
  );
}

/** A logger that drops everything; for tests and library defaults. */
export const nopLogger: Logger = createLogger({ level: 'error', write: () => undefined });
