// Executes a parsed template against Go-like data, with Go's rules for truth, variables,
// pipelines (the previous result is the last argument), ranges and field access on maps
// (missing keys read as "", Prometheus's missingkey=zero) and structs.
import { sprintValue } from './gofmt';
import { Command, commandString, Operand, operandString, Pipeline, pipelineString, TemplateNode } from './parse';
import { GoInt, GoStruct, GoValue, goTypeName, isMap, isTrue } from './values';

export class TemplateExecError extends Error {}

/** A template function: plain arguments in, a value out; throwing reports `error calling NAME: ...`. */
export type TemplateFunc = (args: GoValue[]) => GoValue | Promise<GoValue>;

export interface FuncSpec {
  fn: TemplateFunc;
  /** Exact argument count, or the minimum count when `variadic`. */
  arity: number;
  variadic?: boolean;
}

/** Builtins whose arguments are evaluated lazily (Go short-circuits and/or). */
type LazyBuiltin = 'and' | 'or';

class BreakSignal {}
class ContinueSignal {}

interface Variable {
  name: string;
  value: GoValue;
}

export class TemplateExecutor {
  private out = '';
  private vars: Variable[] = [];

  constructor(
    private readonly name: string,
    private readonly src: string,
    private readonly funcs: ReadonlyMap<string, FuncSpec>
  ) {}

  async execute(nodes: TemplateNode[], data: GoValue): Promise<string> {
    this.out = '';
    this.vars = [{ name: '$', value: data }];
    await this.walkList(nodes, data);
    return this.out;
  }

  private fail(pos: number, context: string, msg: string): never {
    const before = this.src.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = nl < 0 ? pos : pos - nl - 1;
    throw new TemplateExecError(`template: ${this.name}:${line}:${col}: executing "${this.name}" at <${context}>: ${msg}`);
  }

  private async walkList(nodes: TemplateNode[], dot: GoValue): Promise<void> {
    for (const n of nodes) await this.walk(n, dot);
  }

  private async walk(n: TemplateNode, dot: GoValue): Promise<void> {
    switch (n.kind) {
      case 'text':
        this.out += n.text;
        return;
      case 'action': {
        const v = await this.evalPipeline(n.pipe, dot);
        if (n.pipe.decl.length === 0) this.out += v === null ? '<no value>' : sprintValue(v);
        return;
      }
      case 'template': {
        const call = `{{template ${JSON.stringify(n.name)}${n.pipe ? ' ' + pipelineString(n.pipe) : ''}}}`;
        return this.fail(n.pos, call, `template ${JSON.stringify(n.name)} not defined`);
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = await this.evalPipeline(n.pipe, dot);
        try {
          if (isTrue(v)) await this.walkList(n.list, n.kind === 'with' ? v : dot);
          else if (n.elseList) await this.walkList(n.elseList, dot);
        } finally {
          this.vars.length = mark;
        }
        return;
      }
      case 'range':
        await this.walkRange(n.pipe, n.list, n.elseList, dot);
        return;
    }
  }

  private async walkRange(pipe: Pipeline, list: TemplateNode[], elseList: TemplateNode[] | null, dot: GoValue): Promise<void> {
    const mark = this.vars.length;
    const declared = pipe.decl;
    const noDecl: Pipeline = { ...pipe, decl: [] };
    const v = await this.evalPipeline(noDecl, dot);
    const entries: Array<[GoValue, GoValue]> = [];
    if (v === null) {
      // ranging over nil runs the else branch
    } else if (Array.isArray(v)) v.forEach((e, i) => entries.push([new GoInt(i), e]));
    else if (isMap(v)) for (const k of [...v.keys()].sort()) entries.push([k, v.get(k) ?? null]);
    else if (v instanceof GoInt) for (let i = 0; i < v.n; i++) entries.push([new GoInt(i), new GoInt(i)]);
    else this.fail(pipe.cmds[0].pos, commandString(pipe.cmds[0]), `range can't iterate over ${sprintValue(v)}`);
    try {
      for (const [key, elem] of entries) {
        this.vars.length = mark;
        if (declared.length === 1) this.setVar(declared[0], elem, pipe.isAssign);
        else if (declared.length === 2) {
          this.setVar(declared[0], key, pipe.isAssign);
          this.setVar(declared[1], elem, pipe.isAssign);
        }
        try {
          await this.walkList(list, elem);
        } catch (err) {
          if (err instanceof BreakSignal) break;
          if (!(err instanceof ContinueSignal)) throw err;
        }
      }
      if (entries.length === 0 && elseList) await this.walkList(elseList, dot);
    } finally {
      this.vars.length = mark;
    }
  }

  private setVar(name: string, value: GoValue, assign: boolean): void {
    if (assign) {
      for (let i = this.vars.length - 1; i >= 0; i--) {
        if (this.vars[i].name === name) {
          this.vars[i].value = value;
          return;
        }
      }
    }
    this.vars.push({ name, value });
  }

  private getVar(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    return null;
  }

  private async evalPipeline(p: Pipeline, dot: GoValue): Promise<GoValue> {
    let value: GoValue | undefined = undefined;
    for (const cmd of p.cmds) value = await this.evalCommand(cmd, dot, value);
    const result = value ?? null;
    for (const d of p.decl) this.setVar(d, result, p.isAssign);
    return result;
  }

  private async evalCommand(cmd: Command, dot: GoValue, final: GoValue | undefined): Promise<GoValue> {
    const first = cmd.args[0];
    if (first.kind === 'identifier') return this.callFunction(first.name, cmd, dot, final);
    if (cmd.args.length > 1 || final !== undefined) {
      this.fail(first.pos, operandString(first), `can't give argument to non-function ${operandString(first)}`);
    }
    return this.evalOperand(first, dot);
  }

  private async evalOperand(o: Operand, dot: GoValue): Promise<GoValue> {
    switch (o.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return this.fail(o.pos, 'nil', 'nil is not a command');
      case 'literal':
        return o.value;
      case 'identifier':
        return this.callFunction(o.name, { pos: o.pos, args: [o] }, dot, undefined);
      case 'field':
        return this.fieldChain(dot, o.names, o);
      case 'variable':
        return this.fieldChain(this.getVar(o.name), o.names, o);
      case 'pipe':
        return this.fieldChain(await this.evalPipeline(o.pipe, dot), o.names, o);
    }
  }

  private fieldChain(v: GoValue, names: string[], o: Operand): GoValue {
    const pos = o.pos;
    const ctx = operandString(o);
    let cur = v;
    for (const name of names) {
      if (isMap(cur)) cur = cur.get(name) ?? '';
      else if (cur instanceof GoStruct) {
        if (!(name in cur.fields)) this.fail(pos, ctx, `can't evaluate field ${name} in type ${cur.typeName}`);
        cur = cur.fields[name];
      } else if (cur === null) this.fail(pos, ctx, `nil pointer evaluating interface {}.${name}`);
      else this.fail(pos, ctx, `can't evaluate field ${name} in type ${goTypeName(cur)}`);
    }
    return cur;
  }

  private async callFunction(name: string, cmd: Command, dot: GoValue, final: GoValue | undefined): Promise<GoValue> {
    const argNodes = cmd.args.slice(1);
    const ctx = commandString(cmd);
    if (name === 'and' || name === 'or') return this.lazyLogic(name, argNodes, dot, final, cmd);
    const spec = this.funcs.get(name);
    if (!spec) return this.fail(cmd.pos, ctx, `"${name}" is not a defined function`);
    const n = argNodes.length + (final !== undefined ? 1 : 0);
    if (spec.variadic ? n < spec.arity : n !== spec.arity) {
      this.fail(cmd.args[0].pos, name, `wrong number of args for ${name}: want ${spec.variadic ? 'at least ' : ''}${spec.arity} got ${n}`);
    }
    const args: GoValue[] = [];
    for (const a of argNodes) args.push(await this.evalOperand(a, dot));
    if (final !== undefined) args.push(final);
    try {
      return await spec.fn(args);
    } catch (err) {
      if (err instanceof TemplateExecError) throw err;
      return this.fail(cmd.pos, ctx, `error calling ${name}: ${(err as Error).message}`);
    }
  }

  private async lazyLogic(name: LazyBuiltin, argNodes: Operand[], dot: GoValue, final: GoValue | undefined, cmd: Command): Promise<GoValue> {
    const n = argNodes.length + (final !== undefined ? 1 : 0);
    if (n < 1) this.fail(cmd.pos, commandString(cmd), `wrong number of args for ${name}: want at least 1 got 0`);
    let v: GoValue = null;
    for (let i = 0; i < n; i++) {
      v = i < argNodes.length ? await this.evalOperand(argNodes[i], dot) : (final ?? null);
      if (isTrue(v) !== (name === 'and')) return v;
    }
    return v;
  }
}
