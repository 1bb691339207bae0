/**
 * Whether a migration step does nothing: a SQL script with no statements, or only its own
 * BEGIN … COMMIT around comments; a tool's step the format read as empty (`pass`, `() => {}`).
 * Such a down is not missing: it is run and judged by what it leaves.
 */
import type { Script } from '../formats/types.js';
import { isTransactionControl } from '../sql/lexer.js';
import { isEffectivelyEmpty, splitStatements } from '../sql/split.js';

export function doesNothing(script: Script | undefined): boolean {
  if (!script) return true;
  if (script.kind === 'command') return script.empty === true;
  if (isEffectivelyEmpty(script.text)) return true;
  // Only BEGIN/START TRANSACTION and COMMIT/END: a transaction with nothing in it.
  const statements = script.statements ?? splitStatements(script.text, script.line);
  return statements.every((s) => isEffectivelyEmpty(s.sql) || (isTransactionControl(s.sql) && /^\s*(?:BEGIN|START\s+TRANSACTION|COMMIT|END)\b/i.test(s.sql.replace(/^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, ''))));
}
