// Parses Go text/template source into a tree: text, actions with pipelines, if/else/range/with,
// variables, `{{-`/`-}}` trim markers and comments. Errors read like Go's
// (`template: NAME:LINE: function "foo" not defined`).
import { GoInt } from './values';

export class TemplateParseError extends Error {}

export type Operand =
  | { kind: 'field'; pos: number; names: string[] }
  | { kind: 'variable'; pos: number; name: string; names: string[] }
  | { kind: 'dot'; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'identifier'; pos: number; name: string }
  | { kind: 'literal'; pos: number; value: string | number | boolean | GoInt; text: string }
  | { kind: 'pipe'; pos: number; pipe: Pipeline; names: string[] };

export interface Command {
  pos: number;
  args: Operand[];
}

export interface Pipeline {
  pos: number;
  decl: string[];
  /** `$x = ...` assigns an existing variable; `$x := ...` declares one. */
  isAssign: boolean;
  cmds: Command[];
}

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pos: number; pipe: Pipeline }
  | { kind: 'if' | 'with' | 'range'; pos: number; pipe: Pipeline; list: TemplateNode[]; elseList: TemplateNode[] | null }
  | { kind: 'break' | 'continue'; pos: number }
  | { kind: 'template'; pos: number; name: string; pipe: Pipeline | null };

type Tok =
  | { t: 'space' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'dot' | 'eoa'; pos: number }
  | { t: 'ident' | 'field' | 'variable' | 'number' | 'string' | 'char'; pos: number; text: string };

interface Piece {
  text: string;
  action: { pos: number; toks: Tok[] } | null;
}

const SPACE = /[ \t\r\n]/;

/** Splits source into text and tokenised actions, applying trim markers and dropping comments. */
function lex(src: string, fail: (pos: number, msg: string) => never): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let text = '';
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      text += src.slice(i);
      break;
    }
    text += src.slice(i, open);
    let p = open + 2;
    if (src[p] === '-' && SPACE.test(src[p + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      p += 1;
    }
    pieces.push({ text, action: null });
    text = '';
    let trimAfter = false;
    while (SPACE.test(src[p] ?? '')) p++;
    if (src.startsWith('/*', p)) {
      const close = src.indexOf('*/', p + 2);
      if (close < 0) fail(p, 'unclosed comment');
      p = close + 2;
      const m = /^([ \t\r\n]+-)?}}/.exec(src.slice(p));
      if (!m) fail(p, 'comment ends before closing delimiter');
      trimAfter = !!m[1];
      i = p + m[0].length;
    } else {
      const toks: Tok[] = [];
      let parenDepth = 0;
      for (;;) {
        if (p >= src.length) fail(p, 'unclosed action');
        const c = src[p];
        if (SPACE.test(c)) {
          const start = p;
          while (SPACE.test(src[p] ?? '')) p++;
          if (src.startsWith('-}}', p) || src.startsWith('}}', p)) {
            if (parenDepth > 0) fail(p, 'unclosed left paren');
            trimAfter = src[p] === '-';
            p += trimAfter ? 3 : 2;
            break;
          }
          toks.push({ t: 'space', pos: start });
          continue;
        }
        if (src.startsWith('}}', p)) {
          if (parenDepth > 0) fail(p, 'unclosed left paren');
          p += 2;
          break;
        }
        const start = p;
        if (c === '|') toks.push({ t: 'pipe', pos: p++ });
        else if (c === '(') {
          toks.push({ t: 'lparen', pos: p++ });
          parenDepth++;
        }
        else if (c === ')') {
          if (parenDepth === 0) fail(p, 'unexpected right paren');
          toks.push({ t: 'rparen', pos: p++ });
          parenDepth--;
        } else if (c === ',') toks.push({ t: 'comma', pos: p++ });
        else if (src.startsWith(':=', p)) {
          toks.push({ t: 'declare', pos: p });
          p += 2;
        }
        else if (c === '=') toks.push({ t: 'assign', pos: p++ });
        else if (c === '"' || c === '`' || c === "'") {
          const close = scanQuoted(src, p);
          if (close < 0) fail(p, c === "'" ? 'unterminated character constant' : 'unterminated quoted string');
          toks.push({ t: c === "'" ? 'char' : 'string', pos: p, text: src.slice(p, close) });
          p = close;
        } else if (c === '$' || c === '.' || /[A-Za-z_]/.test(c)) {
          p++;
          while (/[A-Za-z0-9_]/.test(src[p] ?? '')) p++;
          const word = src.slice(start, p);
          if (word === '.') {
            if (/[0-9]/.test(src[p] ?? '')) {
              const m = /^[0-9_]*(?:[eE][+-]?[0-9_]+)?/.exec(src.slice(p));
              p += m ? m[0].length : 0;
              toks.push({ t: 'number', pos: start, text: src.slice(start, p) });
            } else toks.push({ t: 'dot', pos: start });
          } else toks.push({ t: c === '$' ? 'variable' : c === '.' ? 'field' : 'ident', pos: start, text: word });
        } else if (/[0-9+-]/.test(c)) {
          const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)/.exec(src.slice(p));
          if (!m) fail(p, `bad number syntax: "${c}"`);
          p += m[0].length;
          const tail = /^[A-Za-z0-9_.]+/.exec(src.slice(p));
          if (tail) fail(start, `bad number syntax: "${m[0]}${tail[0]}"`);
          toks.push({ t: 'number', pos: start, text: m[0] });
        } else fail(p, `unexpected "${c}" in command`);
      }
      toks.push({ t: 'eoa', pos: p });
      pieces.push({ text: '', action: { pos: open, toks } });
      i = p;
    }
    if (trimAfter) while (SPACE.test(src[i] ?? '')) i++;
  }
  pieces.push({ text, action: null });
  return pieces;
}

function scanQuoted(src: string, p: number): number {
  const q = src[p];
  for (let i = p + 1; i < src.length; i++) {
    if (src[i] === '\\' && q !== '`') i++;
    else if (src[i] === q) return i + 1;
    else if (src[i] === '\n' && q !== '`') return -1;
  }
  return -1;
}

/** Go string and character literal unquoting (the escapes templates use). */
function unquote(lit: string): string {
  if (lit[0] === '`') return lit.slice(1, -1);
  const body = lit.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

function parseNumber(text: string): number | GoInt | null {
  const clean = text.replace(/_/g, '');
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '');
    const n = /^0[0-7]+$/.test(body) ? parseInt(body, 8) : /^0[oO]/.test(body) ? parseInt(body.slice(2), 8) : Number(body);
    return Number.isFinite(n) ? new GoInt(neg ? -n : n) : null;
  }
  const f = Number(clean);
  return Number.isFinite(f) && !/^[+-]?\./.test(clean) && clean !== '' ? f : null;
}

const KNOWN_KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

export class TemplateParser {
  private pieces: Piece[] = [];
  private pi = 0;
  private toks: Tok[] = [];
  private ti = 0;
  private vars: string[][] = [];
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    private readonly src: string,
    private readonly funcs: ReadonlySet<string>
  ) {}

  private fail(pos: number, msg: string): never {
    const line = 1 + (this.src.slice(0, pos).match(/\n/g)?.length ?? 0);
    throw new TemplateParseError(`template: ${this.name}:${line}: ${msg}`);
  }

  parse(): TemplateNode[] {
    this.pieces = lex(this.src, (p, m) => this.fail(p, m));
    this.vars = [['$']];
    const { list, end } = this.parseList();
    if (end !== 'eof') this.fail(this.pieces[this.pi - 1]?.action?.pos ?? 0, `unexpected {{${end}}}`);
    return list;
  }

  /** Parses nodes up to {{end}}, {{else ...}} or the end of input; leaves the else action's tokens current. */
  private parseList(): { list: TemplateNode[]; end: 'eof' | 'end' | 'else' } {
    const list: TemplateNode[] = [];
    while (this.pi < this.pieces.length) {
      const piece = this.pieces[this.pi++];
      if (piece.text !== '') list.push({ kind: 'text', text: piece.text });
      if (!piece.action) continue;
      this.toks = piece.action.toks;
      this.ti = 0;
      this.skipSpace();
      const first = this.peek();
      if (first.t === 'ident' && KNOWN_KEYWORDS.has(first.text)) {
        const kw = first.text;
        this.ti++;
        if (kw === 'end') {
          this.expectEnd('end');
          return { list, end: 'end' };
        }
        if (kw === 'else') return { list, end: 'else' };
        if (kw === 'if' || kw === 'with' || kw === 'range') {
          list.push(this.parseControl(kw, piece.action.pos));
          continue;
        }
        if (kw === 'break' || kw === 'continue') {
          if (this.rangeDepth === 0) this.fail(piece.action.pos, `{{${kw}}} outside {{range}}`);
          this.expectEnd(kw);
          list.push({ kind: kw, pos: piece.action.pos });
          continue;
        }
        if (kw === 'template') {
          list.push(this.parseTemplateCall());
          continue;
        }
        this.fail(piece.action.pos, `{{${kw}}} is not supported in alert templates`);
      }
      const pipe = this.parsePipeline('command', false);
      list.push({ kind: 'action', pos: piece.action.pos, pipe });
    }
    return { list, end: 'eof' };
  }

  private parseControl(kw: 'if' | 'with' | 'range', pos: number): TemplateNode {
    this.vars.push([...(this.vars.at(-1) ?? [])]);
    const pipe = this.parsePipeline(kw, kw === 'range');
    if (kw === 'range') this.rangeDepth++;
    const body = this.parseList();
    if (kw === 'range') this.rangeDepth--;
    let elseList: TemplateNode[] | null = null;
    if (body.end === 'eof') this.fail(this.src.length, 'unexpected EOF');
    if (body.end === 'else') {
      this.skipSpace();
      const next = this.peek();
      if ((kw === 'if' || kw === 'with') && next.t === 'ident' && next.text === kw) {
        // `{{else if ...}}` / `{{else with ...}}` nest a control node that shares this {{end}}.
        this.ti++;
        elseList = [this.parseControl(kw, next.pos)];
      } else {
        this.expectEnd('else');
        const rest = this.parseList();
        if (rest.end !== 'end') this.fail(this.src.length, rest.end === 'eof' ? 'unexpected EOF' : 'expected end; found {{else}}');
        elseList = rest.list;
      }
    }
    this.vars.pop();
    return { kind: kw, pos, pipe, list: body.list, elseList };
  }

  /** `{{template "name" pipeline}}`: alert templates define no templates, so it fails when run. */
  private parseTemplateCall(): TemplateNode {
    this.skipSpace();
    const nameTok = this.peek();
    if (nameTok.t !== 'string') this.fail(nameTok.pos, `unexpected ${this.describe(nameTok)} in template clause`);
    this.ti++;
    this.skipSpace();
    const pipe = this.peek().t === 'eoa' ? null : this.parsePipeline('template clause', false);
    return { kind: 'template', pos: nameTok.pos, name: unquote(nameTok.text), pipe };
  }

  private expectEnd(ctx: string): void {
    this.skipSpace();
    if (this.peek().t !== 'eoa') this.fail(this.peek().pos, `unexpected ${this.describe(this.peek())} in ${ctx}`);
  }

  private peek(): Tok {
    return this.toks[this.ti];
  }

  private skipSpace(): void {
    while (this.toks[this.ti]?.t === 'space') this.ti++;
  }

  private describe(t: Tok): string {
    if (t.t === 'eoa') return '"}}"';
    if ('text' in t) return `<${t.text}>`;
    return `"${this.src[t.pos]}"`;
  }

  private lookupVar(name: string, pos: number): void {
    const scope = this.vars.at(-1) ?? [];
    if (!scope.includes(name)) this.fail(pos, `undefined variable "${name}"`);
  }

  private parsePipeline(ctx: string, allowTwoVars: boolean, inParens = false): Pipeline {
    this.skipSpace();
    const pos = this.peek().pos;
    const decl: string[] = [];
    let isAssign = false;
    // A declaration looks ahead: `$x :=`, `$x =`, or (range only) `$i, $e :=`.
    const save = this.ti;
    const v1 = this.peek();
    if (v1.t === 'variable') {
      this.ti++;
      this.skipSpace();
      const op = this.peek();
      if (op.t === 'declare' || op.t === 'assign') {
        this.ti++;
        decl.push(v1.text);
        isAssign = op.t === 'assign';
      } else if (op.t === 'comma' && allowTwoVars) {
        this.ti++;
        this.skipSpace();
        const v2 = this.peek();
        if (v2.t !== 'variable') this.fail(v2.pos, `range can only initialize variables`);
        this.ti++;
        this.skipSpace();
        const op2 = this.peek();
        if (op2.t !== 'declare' && op2.t !== 'assign') this.fail(op2.pos, 'expected := or = in range');
        this.ti++;
        decl.push(v1.text, v2.text);
        isAssign = op2.t === 'assign';
      } else this.ti = save;
    }
    if (isAssign) for (const d of decl) this.lookupVar(d, pos);
    const cmds: Command[] = [];
    for (;;) {
      this.skipSpace();
      const t = this.peek();
      if (t.t === 'eoa' || (inParens && t.t === 'rparen')) break;
      cmds.push(this.parseCommand(inParens));
      this.skipSpace();
      const after = this.peek();
      if (after.t === 'pipe') {
        this.ti++;
        continue;
      }
      if (after.t === 'eoa' || (inParens && after.t === 'rparen')) break;
      this.fail(after.pos, `unexpected ${this.describe(after)} in operand`);
    }
    if (cmds.length === 0) this.fail(pos, `missing value for ${ctx}`);
    if (!isAssign) {
      const scope = this.vars.at(-1);
      if (scope) for (const d of decl) scope.push(d);
    }
    return { pos, decl, isAssign, cmds };
  }

  private parseCommand(inParens: boolean): Command {
    const args: Operand[] = [];
    const pos = this.peek().pos;
    for (;;) {
      this.skipSpace();
      const t = this.peek();
      if (t.t === 'eoa' || t.t === 'pipe' || (inParens && t.t === 'rparen')) break;
      args.push(this.parseOperand());
      const sep = this.peek();
      if (sep.t !== 'space' && sep.t !== 'eoa' && sep.t !== 'pipe' && !(inParens && sep.t === 'rparen')) {
        this.fail(sep.pos, `unexpected ${this.describe(sep)} in operand`);
      }
    }
    if (args.length === 0) this.fail(pos, 'empty command');
    return { pos, args };
  }

  /** Reads `.a.b...`; also returns where the chain starts (Go positions chained nodes there). */
  private fieldChain(): { names: string[]; pos: number | null } {
    const names: string[] = [];
    const pos = this.peek().t === 'field' ? this.peek().pos : null;
    for (let t = this.peek(); t.t === 'field'; t = this.peek()) {
      names.push(t.text.slice(1));
      this.ti++;
    }
    return { names, pos };
  }

  private parseOperand(): Operand {
    const t = this.peek();
    this.ti++;
    switch (t.t) {
      case 'field': {
        const chain = this.fieldChain();
        return { kind: 'field', pos: chain.pos ?? t.pos, names: [t.text.slice(1), ...chain.names] };
      }
      case 'variable': {
        this.lookupVar(t.text, t.pos);
        const chain = this.fieldChain();
        return { kind: 'variable', pos: chain.pos ?? t.pos, name: t.text, names: chain.names };
      }
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'ident':
        if (t.text === 'nil') return { kind: 'nil', pos: t.pos };
        if (t.text === 'true' || t.text === 'false') return { kind: 'literal', pos: t.pos, value: t.text === 'true', text: t.text };
        if (!this.funcs.has(t.text)) this.fail(t.pos, `function "${t.text}" not defined`);
        return { kind: 'identifier', pos: t.pos, name: t.text };
      case 'string':
        return { kind: 'literal', pos: t.pos, value: unquote(t.text), text: t.text };
      case 'char': {
        const s = unquote(t.text);
        return { kind: 'literal', pos: t.pos, value: new GoInt(s.codePointAt(0) ?? 0), text: t.text };
      }
      case 'number': {
        const n = parseNumber(t.text);
        if (n === null) this.fail(t.pos, `bad number syntax: "${t.text}"`);
        return { kind: 'literal', pos: t.pos, value: n, text: t.text };
      }
      case 'lparen': {
        const pipe = this.parsePipeline('parenthesized pipeline', false, true);
        const close = this.peek();
        if (close.t !== 'rparen') this.fail(close.pos, 'unclosed left paren');
        this.ti++;
        const chain = this.fieldChain();
        return { kind: 'pipe', pos: chain.pos ?? t.pos, pipe, names: chain.names };
      }
      default:
        return this.fail(t.pos, `unexpected ${this.describe(t)} in operand`);
    }
  }
}

/** Go's node String() for error contexts (`<humanize "x">`). */
export function operandString(o: Operand): string {
  switch (o.kind) {
    case 'field':
      return o.names.map((n) => '.' + n).join('');
    case 'variable':
      return o.name + o.names.map((n) => '.' + n).join('');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'identifier':
      return o.name;
    case 'literal':
      return o.text;
    case 'pipe':
      return '(' + pipelineString(o.pipe) + ')' + o.names.map((n) => '.' + n).join('');
  }
}

export function commandString(c: Command): string {
  return c.args.map(operandString).join(' ');
}

export function pipelineString(p: Pipeline): string {
  const decl = p.decl.length ? p.decl.join(', ') + (p.isAssign ? ' = ' : ' := ') : '';
  return decl + p.cmds.map(commandString).join(' | ');
}
