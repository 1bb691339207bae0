/**
 * Turns a failed tool's output into what a reviewer needs: one message line, and the file and
 * line of the migration that failed. It reads the three shapes the supported tools print:
 * a Python traceback (Alembic), psql's `psql:<file>:<line>: ERROR:` (Sqitch, shell scripts), and
 * a Node stack with node-postgres' error fields (knex, node-pg-migrate). Pure.
 */
import { isAbsolute } from 'node:path';

export interface ToolFailureDetail {
  message: string;
  /** A display path when the location is one of the step's files, else the path as printed. */
  file?: string;
  line?: number;
  sqlstate?: string;
}

/** The files a step runs, as displayed to users (relative to the run's working directory). */
export interface KnownFiles {
  files: readonly string[];
}

const MAX_MESSAGE = 600;

/** Describes a failure from the tool's combined output; `undefined` when nothing could be read. */
export function describeToolFailure(output: string, known: KnownFiles): ToolFailureDetail | undefined {
  return pythonTraceback(output, known) ?? psqlError(output, known) ?? nodeError(output, known);
}

/** The last lines of the output, for failures in no recognised shape. */
export function lastLines(output: string, count = 5): string {
  const lines = output.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return clip(lines.slice(-count).join(' / '));
}

interface Frame {
  path: string;
  line: number;
}

const TRACEBACK = 'Traceback (most recent call last):';
const PY_FRAME = /^\s*File "([^"]+)", line (\d+)/;

function pythonTraceback(output: string, known: KnownFiles): ToolFailureDetail | undefined {
  const start = output.lastIndexOf(TRACEBACK);
  if (start < 0) return undefined;
  // Chained exceptions print several tracebacks; the revision's frame can be in any of them,
  // but the exception that ended the process is the last one.
  const frames: Frame[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = PY_FRAME.exec(line);
    if (m) frames.push({ path: m[1]!, line: Number(m[2]) });
  }
  const lines = output.slice(start).split(/\r?\n/);
  let exception: string | undefined;
  let sql: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (exception === undefined) {
      if (line && !/^\s/.test(line)) exception = line.trim();
      continue;
    }
    const s = /^\[SQL: ([\s\S]*?)\]?$/.exec(line.trim());
    if (s) {
      sql = s[1]!.trim();
      break;
    }
  }
  if (!exception) return undefined;
  // `sqlalchemy.exc.ProgrammingError: …` reads better as `ProgrammingError: …`.
  const message = exception.replace(/^[\w.]+\.(\w+(?:Error|Exception|Warning)?):/, '$1:') + (sql ? ` [SQL: ${sql}]` : '');
  const at = pickFrame(frames, known, isPythonLibrary);
  return { message: clip(message), ...at };
}

function isPythonLibrary(path: string): boolean {
  return /[\\/](site|dist)-packages[\\/]|[\\/]lib[\\/]python\d|^<|^\/usr\/lib\/python/.test(path);
}

const PSQL_ERROR = /^psql:(.+?):(\d+): (?:ERROR|FATAL|PANIC|error):\s+(.*)$/m;

function psqlError(output: string, known: KnownFiles): ToolFailureDetail | undefined {
  const m = PSQL_ERROR.exec(output);
  if (!m) return undefined;
  const file = matchKnown(m[1]!, known) ?? m[1]!;
  return { message: clip(m[3]!.trim()), file, line: Number(m[2]) };
}

// The last frame of an inspected error ends in ` {` (the error's own fields follow).
const NODE_FRAME = /^\s*at (?:.*? \()?(?:file:\/\/)?(\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):\d+\)?\s*\{?\s*$/;

function nodeError(output: string, known: KnownFiles): ToolFailureDetail | undefined {
  const lines = output.split(/\r?\n/);
  const frames: Frame[] = [];
  for (const line of lines) {
    const m = NODE_FRAME.exec(line);
    if (m) frames.push({ path: decodeURIComponent(m[1]!), line: Number(m[2]) });
  }
  // knex says which migration and which SQL failed on one line of its own.
  const knexLine = lines.find((l) => /migration failed with error:/.test(l));
  const errorLine = lines.find((l) => /^\s*(?:[A-Z]\w*)?[Ee]rror:\s/.test(l));
  const text = knexLine ? knexLine.replace(/^.*migration failed with error:\s*/, '') : errorLine?.trim();
  if (!text && frames.length === 0) return undefined;
  const sqlstate = /\bcode: '([0-9A-Z]{5})'/.exec(output)?.[1];
  const at = pickFrame(frames, known, (p) => /[\\/]node_modules[\\/]|^node:/.test(p), true);
  return { message: clip(text ?? lastLines(output)), ...at, ...(sqlstate ? { sqlstate } : {}) };
}

/**
 * The frame to show: the innermost one in a file the step runs; else (Python only) the innermost
 * one outside installed libraries, e.g. env.py or the app's models.
 */
function pickFrame(frames: Frame[], known: KnownFiles, isLibrary: (path: string) => boolean, knownOnly = false): { file?: string; line?: number } {
  for (let i = frames.length - 1; i >= 0; i--) {
    const file = matchKnown(frames[i]!.path, known);
    if (file) return { file, line: frames[i]!.line };
  }
  if (knownOnly) return {};
  for (let i = frames.length - 1; i >= 0; i--) {
    if (!isLibrary(frames[i]!.path)) return { file: frames[i]!.path, line: frames[i]!.line };
  }
  return {};
}

/** The display path of `printed` (absolute or relative, as a tool printed it) among the known files. */
export function matchKnown(printed: string, known: KnownFiles): string | undefined {
  const p = printed.replace(/\\/g, '/').replace(/^\.\//, '');
  for (const display of known.files) {
    const d = display.replace(/\\/g, '/').replace(/^\.\//, '');
    if (p === d) return display;
    if (isAbsolute(d) ? false : p.endsWith(`/${d}`)) return display;
    if (!isAbsolute(p) && d.endsWith(`/${p}`)) return display;
  }
  return undefined;
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE - 1)}…` : one;
}
