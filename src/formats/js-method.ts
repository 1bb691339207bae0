/**
 * Reads the `up` / `down` of a JavaScript or TypeScript migration from its source, without loading
 * it: a class method (TypeORM: `public async down(queryRunner: QueryRunner): Promise<void> { … }`)
 * or an object member (Sequelize: `async down (queryInterface, Sequelize) { … }`,
 * `down: async (queryInterface) => { … }`, `down: (qi) => qi.dropTable('x')`). It says where the
 * method is, whether its body does nothing, and whether it only throws, which is how these tools'
 * users write "irreversible" (neither tool has a marker of its own). Pure.
 */

/**
 * Source with comments, string and template literal contents blanked (same length and lines).
 * `php`: PHP's rules instead: `#` starts a comment too, and quoted strings may span lines.
 */
export function blankCommentsAndStrings(text: string, php = false): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if ((c === '/' && next === '/') || (php && c === '#' && next !== '[')) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') j++;
        else if (c !== '`' && !php && text[j] === '\n') break;
        j++;
      }
      // Keep the quotes, so `''` still reads as a (blank) string.
      blank(i + 1, Math.min(j, text.length));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** One method of a migration, located in its source. */
export interface JsMethod {
  /** 1-based line of the method's name. */
  line: number;
  /** The body's text between its braces, or the expression of an arrow function without braces. */
  body: string;
  /** 1-based line where the body starts. */
  bodyLine: number;
  /** The body holds no statement (only whitespace and comments). */
  empty: boolean;
  /** 1-based line of a `throw` (or `return Promise.reject(…)`) that is the body's first statement. */
  throwsLine?: number;
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Index just past the bracket matching the one at `open` in blanked code; -1 when unbalanced. */
function matchBracket(code: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * The method `name` (`up`, `down`) as defined in `source`: the first definition as a class method,
 * an object method, or an object property holding a function. Undefined when there is none.
 * `php`: PHP source, with `function up(` already read as `up(` by the caller.
 */
export function findJsMethod(source: string, name: string, php = false): JsMethod | undefined {
  const code = blankCommentsAndStrings(source, php);
  // `down(`, `async down(`, `public async down(`, `down: async (`, `down: function (`, `down = async (`.
  const head = new RegExp(`(?:^|[^\\w$.])(${name})\\s*(?:(?::|=)\\s*(?:async\\s+)?(?:function\\b\\s*\\w*\\s*)?)?(\\(|[A-Za-z_$][\\w$]*\\s*=>)`, 'g');
  for (let m = head.exec(code); m; m = head.exec(code)) {
    const nameAt = m.index + m[0].indexOf(m[1]!);
    let i = m.index + m[0].length - m[2]!.length;
    if (m[2] === '(') {
      const close = matchBracket(code, i);
      if (close < 0) continue;
      i = close;
    } else {
      i += m[2]!.length;
    }
    i = skipReturnType(code, i);
    const shape = /^\s*(=>\s*)?(\{)?/.exec(code.slice(i))!;
    const arrow = shape[1] !== undefined || m[2] !== '(';
    if (!shape[2]) {
      // An arrow function with an expression body: its expression is the body.
      if (!arrow) continue;
      const start = i + shape[0].length;
      const end = expressionEnd(code, start);
      const body = source.slice(start, end);
      return describe(source, lineAt(source, nameAt), start, body, code.slice(start, end));
    }
    const open = i + shape[0].length - 1;
    const close = matchBracket(code, open);
    if (close < 0) continue;
    return describe(source, lineAt(source, nameAt), open + 1, source.slice(open + 1, close - 1), code.slice(open + 1, close - 1));
  }
  return undefined;
}

/** Past a TypeScript return type (`: Promise<void>`) after the parameters, if there is one. */
function skipReturnType(code: string, from: number): number {
  const colon = /^\s*:/.exec(code.slice(from));
  if (!colon) return from;
  let depth = 0;
  for (let k = from + colon[0].length; k < code.length; k++) {
    const c = code[k]!;
    if (c === '<') depth++;
    else if (c === '>' && code[k - 1] !== '=') depth--;
    else if (depth === 0 && (c === '{' || code.startsWith('=>', k))) return k;
  }
  return code.length;
}

/** Where an arrow function's expression body ends: at a `,`, `;` or closing bracket at depth 0. */
function expressionEnd(code: string, start: number): number {
  let depth = 0;
  for (let i = start; i < code.length; i++) {
    const c = code[i]!;
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      if (depth === 0) return i;
      depth--;
    } else if ((c === ',' || c === ';') && depth === 0) return i;
  }
  return code.length;
}

function describe(source: string, line: number, bodyStart: number, body: string, blankedBody: string): JsMethod {
  const method: JsMethod = { line, body, bodyLine: lineAt(source, bodyStart), empty: blankedBody.trim() === '' };
  if (/^\s*(?:throw\b|return\s+Promise\.reject\s*\()/.test(blankedBody)) {
    method.throwsLine = lineAt(source, bodyStart + blankedBody.search(/\S/));
  }
  return method;
}
