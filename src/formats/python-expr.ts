/**
 * Reads the parts of Python source that migration files declare as plain data — lists, tuples,
 * strings, names and calls such as `migrations.RunSQL(sql=…, reverse_sql=…)` — without running
 * Python. Anything else (operators, comprehensions, subscripts) is kept as an opaque node, so a
 * caller can tell "not a literal" from "absent". Pure.
 */

export type PyNode =
  | { kind: 'str'; value: string; line: number }
  | { kind: 'name'; name: string; line: number }
  | { kind: 'const'; value: 'None' | 'True' | 'False'; line: number }
  | { kind: 'seq'; items: PyNode[]; line: number }
  | { kind: 'call'; func: string; args: PyNode[]; kwargs: Array<{ name: string; value: PyNode }>; starred: boolean; line: number }
  | { kind: 'other'; line: number; children: PyNode[] };

interface Token {
  kind: 'name' | 'str' | 'num' | 'op' | 'newline';
  text: string;
  line: number;
  /** Bracket depth before the token. */
  depth: number;
}

const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;

/** Python tokens, without comments, continuation lines joined; newlines only outside brackets. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let depth = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      if (depth === 0) tokens.push({ kind: 'newline', text: '\n', line, depth });
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && source[i + 1] === '\n') {
      line++;
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const str = STRING_START.exec(source.slice(i, i + 5));
    if (str && (str[1] === '' || /^[A-Za-z]/.test(c))) {
      const quote = str[2]!;
      const raw = /r/i.test(str[1]!);
      let j = i + str[0].length;
      let value = '';
      const startLine = line;
      while (j < source.length && !source.startsWith(quote, j)) {
        const ch = source[j]!;
        if (ch === '\n') {
          if (quote.length === 1) break; // an unterminated one-line string: stop at the line end
          line++;
        }
        if (ch === '\\' && j + 1 < source.length) {
          const next = source[j + 1]!;
          if (next === '\n') line++;
          value += raw ? ch + next : unescape(next);
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      tokens.push({ kind: 'str', text: value, line: startLine, depth });
      i = Math.min(source.length, j + quote.length);
      continue;
    }
    const name = /^[A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*/.exec(source.slice(i, i + 200));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], line, depth });
      i += name[0].length;
      continue;
    }
    const num = /^\d[\w.]*/.exec(source.slice(i, i + 100));
    if (num) {
      tokens.push({ kind: 'num', text: num[0], line, depth });
      i += num[0].length;
      continue;
    }
    const op = /^(\*\*|==|!=|<=|>=|->|:=|\/\/|[-+*/%@&|^~<>()[\]{},:.;=!])/.exec(source.slice(i, i + 2));
    const text = op ? op[0] : c;
    if (text === '(' || text === '[' || text === '{') tokens.push({ kind: 'op', text, line, depth: depth++ });
    else if (text === ')' || text === ']' || text === '}') tokens.push({ kind: 'op', text, line, depth: (depth = Math.max(0, depth - 1)) });
    else tokens.push({ kind: 'op', text, line, depth });
    i += text.length;
  }
  tokens.push({ kind: 'newline', text: '\n', line, depth: 0 });
  return tokens;
}

function unescape(ch: string): string {
  return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[ch] ?? `\\${ch}`;
}

/** A parser over one token list: `expression(at)` reads one expression starting at token `at`. */
export class PyParser {
  constructor(readonly tokens: readonly Token[]) {}

  /** The expression at `at` and the index of the token after it. */
  expression(at: number): { node: PyNode; next: number } {
    let { node, next } = this.postfix(at);
    // Operators (`+`, `if … else`, …) make the whole an opaque node that still holds its parts.
    const parts: PyNode[] = [node];
    for (;;) {
      const t = this.tokens[next];
      if (!t || t.kind === 'newline' || (t.kind === 'op' && [',', ')', ']', '}', ':', '='].includes(t.text))) break;
      if (t.kind === 'name' && ['for', 'async'].includes(t.text)) break;
      const right = this.postfix(t.kind === 'op' || ['if', 'else', 'and', 'or', 'not', 'in', 'is'].includes(t.text) ? next + 1 : next);
      if (right.next === next) break;
      parts.push(right.node);
      next = right.next;
    }
    if (parts.length > 1) node = { kind: 'other', line: parts[0]!.line, children: parts };
    return { node, next };
  }

  private postfix(at: number): { node: PyNode; next: number } {
    let { node, next } = this.atom(at);
    for (;;) {
      const t = this.tokens[next];
      if (t?.kind === 'op' && t.text === '.' && this.tokens[next + 1]?.kind === 'name') {
        const attr = this.tokens[next + 1]!.text;
        node = node.kind === 'name' ? { kind: 'name', name: `${node.name}.${attr}`, line: node.line } : { kind: 'other', line: node.line, children: [node] };
        next += 2;
      } else if (t?.kind === 'op' && t.text === '(') {
        const call = this.callArgs(next + 1);
        node = { kind: 'call', func: node.kind === 'name' ? node.name : '', args: call.args, kwargs: call.kwargs, starred: call.starred, line: node.line };
        next = call.next;
      } else if (t?.kind === 'op' && t.text === '[') {
        const inner = this.items(next + 1, ']');
        node = { kind: 'other', line: node.line, children: [node, ...inner.items] };
        next = inner.next;
      } else {
        return { node, next };
      }
    }
  }

  private atom(at: number): { node: PyNode; next: number } {
    const t = this.tokens[at];
    if (!t) return { node: { kind: 'other', line: 0, children: [] }, next: at };
    if (t.kind === 'str') {
      // Adjacent literals concatenate: 'a' 'b' is 'ab'.
      let value = t.text;
      let next = at + 1;
      while (this.tokens[next]?.kind === 'str') value += this.tokens[next++]!.text;
      return { node: { kind: 'str', value, line: t.line }, next };
    }
    if (t.kind === 'name') {
      if (t.text === 'None' || t.text === 'True' || t.text === 'False') return { node: { kind: 'const', value: t.text, line: t.line }, next: at + 1 };
      if (t.text === 'lambda') {
        // lambda args: body — opaque; its body is an expression.
        let next = at + 1;
        while (this.tokens[next] && !(this.tokens[next]!.kind === 'op' && this.tokens[next]!.text === ':')) next++;
        const body = this.expression(next + 1);
        return { node: { kind: 'other', line: t.line, children: [body.node] }, next: body.next };
      }
      return { node: { kind: 'name', name: t.text, line: t.line }, next: at + 1 };
    }
    if (t.kind === 'num') return { node: { kind: 'other', line: t.line, children: [] }, next: at + 1 };
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) {
      const inner = this.items(at + 1, t.text === '(' ? ')' : ']');
      // `(x)` is x; `(x,)` and `[x]` are sequences.
      if (t.text === '(' && inner.items.length === 1 && !inner.trailingComma) return { node: inner.items[0]!, next: inner.next };
      return { node: { kind: 'seq', items: inner.items, line: t.line }, next: inner.next };
    }
    if (t.kind === 'op' && t.text === '{') {
      const inner = this.items(at + 1, '}');
      return { node: { kind: 'other', line: t.line, children: inner.items }, next: inner.next };
    }
    if (t.kind === 'op' && ['-', '+', '~', '*', '**'].includes(t.text)) {
      const operand = this.postfix(at + 1);
      return { node: { kind: 'other', line: t.line, children: [operand.node] }, next: operand.next };
    }
    return { node: { kind: 'other', line: t.line, children: [] }, next: at + 1 };
  }

  /** Comma-separated expressions up to the closing bracket (dict keys/values and `for` clauses kept as parts). */
  private items(at: number, close: string): { items: PyNode[]; next: number; trailingComma: boolean } {
    const items: PyNode[] = [];
    let next = at;
    let trailingComma = false;
    const depth = this.tokens[at - 1]?.depth ?? 0;
    while (next < this.tokens.length) {
      const t = this.tokens[next]!;
      if (t.kind === 'op' && t.text === close && t.depth === depth) return { items, next: next + 1, trailingComma };
      if (t.kind === 'op' && (t.text === ',' || t.text === ':')) {
        trailingComma = t.text === ',';
        next++;
        continue;
      }
      const e = this.expression(next);
      if (e.next === next) {
        next++;
        continue;
      }
      items.push(e.node);
      trailingComma = false;
      next = e.next;
    }
    return { items, next, trailingComma };
  }

  private callArgs(at: number): { args: PyNode[]; kwargs: Array<{ name: string; value: PyNode }>; starred: boolean; next: number } {
    const args: PyNode[] = [];
    const kwargs: Array<{ name: string; value: PyNode }> = [];
    let starred = false;
    let next = at;
    const depth = this.tokens[at - 1]?.depth ?? 0;
    while (next < this.tokens.length) {
      const t = this.tokens[next]!;
      if (t.kind === 'op' && t.text === ')' && t.depth === depth) return { args, kwargs, starred, next: next + 1 };
      if (t.kind === 'op' && t.text === ',') {
        next++;
        continue;
      }
      if (t.kind === 'op' && (t.text === '*' || t.text === '**')) starred = true;
      const keyword = t.kind === 'name' && this.tokens[next + 1]?.kind === 'op' && this.tokens[next + 1]!.text === '=';
      const e = this.expression(keyword ? next + 2 : next);
      if (keyword) kwargs.push({ name: t.text, value: e.node });
      else if (!(t.kind === 'op' && (t.text === '*' || t.text === '**'))) args.push(e.node);
      next = e.next === next ? next + 1 : e.next;
    }
    return { args, kwargs, starred, next };
  }
}

/** Every call in a node, outermost first (calls nested in arguments and sequences included). */
export function callsIn(node: PyNode): Array<Extract<PyNode, { kind: 'call' }>> {
  const out: Array<Extract<PyNode, { kind: 'call' }>> = [];
  const walk = (n: PyNode) => {
    if (n.kind === 'call') {
      out.push(n);
      n.args.forEach(walk);
      n.kwargs.forEach((k) => walk(k.value));
    } else if (n.kind === 'seq') n.items.forEach(walk);
    else if (n.kind === 'other') n.children.forEach(walk);
  };
  walk(node);
  return out;
}
