/**
 * How the project itself runs knex or node-pg-migrate, read from its package.json scripts: a
 * TypeScript project runs its migrations with the loading it set up there (`ts-node
 * node_modules/.bin/node-pg-migrate -j ts`, `node-pg-migrate --tsconfig tsconfig.json`,
 * `knex --knexfile src/db/knexfile.ts`, `NODE_OPTIONS='-r ts-node/register' knex …`). Each step
 * then runs the project's own installed tool the same way: the same wrapper, the same loading
 * flags, the same loader environment. Only what decides how the files are loaded (and what the
 * tool makes of them, like --decamelize) is taken over; nothing that picks a database or a
 * bookkeeping table: the step must reach the scratch database and nothing else.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export type NodeTool = 'knex' | 'node-pg-migrate';

export interface NodeInvocation {
  /** The package.json script it came from, for messages: `migrate` → `tsx node_modules/.bin/…`. */
  script?: string;
  /** A program the tool runs under (ts-node, tsx, node -r …), with its own arguments. */
  wrapper?: string[];
  /** The tool as the script names it, when a wrapper runs it (a path to its bin, resolved). */
  toolPath?: string;
  /** Flags added to every step. */
  args: string[];
  /** Loader settings from the script (NODE_OPTIONS, TS_NODE_*), never database ones. */
  env: Record<string, string>;
}

/** Flags that decide how migration files are loaded or what the tool makes of them; `true`: takes a value. */
const LOADING_FLAGS: Record<NodeTool, Record<string, boolean>> = {
  // (-j/--migration-file-language only names the language of files `create` writes: not copied.)
  'node-pg-migrate': { '--tsconfig': true, '--tsconfig-paths': true, '--decamelize': false },
  knex: { '--knexfile': true, '--esm': false },
};
/** Flags whose value is a path, relative to the project's directory. */
const PATH_FLAGS = new Set(['--tsconfig', '--tsconfig-paths', '--knexfile']);
const WRAPPERS = new Set(['ts-node', 'ts-node-esm', 'ts-node-transpile-only', 'tsx', 'node', 'babel-node', 'jiti']);
const LOADER_ENV = /^(NODE_OPTIONS|TS_NODE_[A-Z_]+|TSX_[A-Z_]+|SWC_[A-Z_]+)$/;

const cache = new Map<string, NodeInvocation>();

/** The invocation for `tool` in the project around `cwd` (the nearest package.json upward). */
export function nodeInvocation(tool: NodeTool, cwd: string): NodeInvocation {
  const key = `${tool}\0${cwd}`;
  let found = cache.get(key);
  if (!found) {
    found = readInvocation(tool, cwd);
    cache.set(key, found);
  }
  return found;
}

function readInvocation(tool: NodeTool, cwd: string): NodeInvocation {
  const pkg = nearestPackage(cwd);
  if (!pkg) return { args: [], env: {} };
  // Of the scripts that run the tool, the one that says most about loading (a runner, flags,
  // loader settings) and applies migrations rather than creating them.
  let best: { score: number; found: NodeInvocation } | undefined;
  for (const [name, command] of Object.entries(pkg.scripts)) {
    const parsed = parseCommand(command, tool, pkg.dir);
    if (!parsed) continue;
    const score = (parsed.wrapper ? 4 : 0) + parsed.args.length * 2 + Object.keys(parsed.env).length * 2 + (/\b(up|latest)\b/.test(command) ? 1 : 0) - (/\b(create|make)\b/.test(command) ? 8 : 0);
    if (!best || score > best.score) best = { score, found: { script: name, ...parsed } };
  }
  return best?.found ?? { args: [], env: {} };
}

/** Reads one command line (the part that runs the tool: `a && b` are separate commands). */
export function parseCommand(command: string, tool: NodeTool, dir: string): Omit<NodeInvocation, 'script'> | undefined {
  for (const part of command.split(/&&|\|\||;|\|/)) {
    const words = shellWords(part.trim());
    const at = words.findIndex((w) => new RegExp(`(^|/)${tool}(\\.js|\\.cjs|\\.mjs)?$`).test(w) || w === `node_modules/${tool}/bin/${tool}`);
    if (at < 0) continue;
    const env: Record<string, string> = {};
    let i = 0;
    for (; i < at && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!); i++) {
      const [k, ...v] = words[i]!.split('=');
      if (LOADER_ENV.test(k!)) env[k!] = v.join('=');
    }
    // npx/npm exec/cross-env only find or set things; what follows them is the command.
    let before = words.slice(i, at);
    while (before.length && /^(npx|cross-env|pnpm|yarn|exec|dlx|--)$/.test(before[0]!)) before = before.slice(1);
    const wrapper = before.length && WRAPPERS.has(before[0]!.replace(/^.*\//, '')) ? before : undefined;
    const args: string[] = [];
    const flags = LOADING_FLAGS[tool];
    const rest = words.slice(at + 1);
    for (let k = 0; k < rest.length; k++) {
      const [flag, inline] = rest[k]!.split(/=(.*)/s, 2) as [string, string | undefined];
      if (!(flag in flags)) continue;
      if (!flags[flag]) {
        args.push(rest[k]!);
        continue;
      }
      const value = inline ?? rest[++k];
      if (value === undefined) continue;
      args.push(flag, PATH_FLAGS.has(flag) && !isAbsolute(value) && !/^(true|false)$/.test(value) ? resolve(dir, value) : value);
    }
    const toolWord = words[at]!;
    return {
      ...(wrapper ? { wrapper, toolPath: toolWord.includes('/') ? resolve(dir, toolWord) : toolWord } : {}),
      args,
      env,
    };
  }
  return undefined;
}

/** Splits a command line into words, honouring single and double quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || current) words.push(current);
      current = '';
      started = false;
    } else current += ch;
  }
  if (started || current) words.push(current);
  return words;
}

function nearestPackage(from: string): { dir: string; scripts: Record<string, string> } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
      const scripts = Object.fromEntries(Object.entries(json.scripts ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
      return { dir, scripts };
    } catch {
      // no (readable) package.json here: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}
