/**
 * What every `--fix` writer shares (writers.ts for SQL layouts, code-writers.ts for framework
 * code): the content to write, the header that says where it came from, Python string literals.
 */
import type { FixStatement } from './order.js';

/** The down to write: its statements (for formats that need them one by one) and the SQL text. */
export interface FixContent {
  statements: readonly Pick<FixStatement, 'sql' | 'note'>[];
}

/** The header of what `--fix` adds, so a reviewer sees where it came from. */
export const FIX_HEADER = '-- Added by rollback-verify --fix: restores the schema as it was before the up.';

/** A one-line Python string literal holding `text` exactly. */
export function pythonString(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

