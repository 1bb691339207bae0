/**
 * SQL text without what PostgreSQL ignores: whitespace and comments, also inside dollar-quoted
 * bodies (PL/pgSQL and SQL function bodies use the same comment syntax). Two definitions with the
 * same normal form behave the same; the engine uses it to tell a cosmetic difference from a real one.
 */
import { isTrivia, tokenizeSql } from './lexer.js';

export function withoutTrivia(text: string): string {
  const parts: string[] = [];
  for (const t of tokenizeSql(text)) {
    if (isTrivia(t.kind)) continue;
    const raw = text.slice(t.start, t.end);
    if (t.kind === 'dollar-string') {
      const tag = /^\$[^$]*\$/.exec(raw)![0];
      parts.push(`${tag}${withoutTrivia(raw.slice(tag.length, raw.length - tag.length))}${tag}`);
    } else parts.push(raw);
  }
  return parts.join(' ');
}
