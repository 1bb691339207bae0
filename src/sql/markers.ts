/**
 * rollback-verify's own marker comments, written by migration authors:
 *   -- rollback-verify: irreversible      the migration cannot be rolled back, on purpose
 *   -- rollback-verify: down-loses-data   the down is correct but drops data the up kept
 * Only `--` comments count (not text inside strings), so SQL that merely mentions the marker in
 * a literal is not marked. A comment that starts with `rollback-verify:` but names no known
 * marker is a mistake the author wants to hear about, so it is an error, not ignored.
 */
import { ConfigError } from '../errors.js';
import type { Marker } from '../formats/types.js';
import { lineLocator, tokenizeSql } from './lexer.js';

/** The marker names, in the spelling used in comments. */
export const MARKERS: readonly Marker[] = ['irreversible', 'down-loses-data'];

/** A marker comment and the 1-based line of the file it is on. */
export interface MarkerHit {
  marker: Marker;
  line: number;
}

const MARKER_COMMENT = /^--\s*rollback-verify\s*:\s*(.*?)\s*$/i;

/**
 * Finds marker comments in `text`, whose first line is line `startLine` of `file`.
 * Throws ConfigError naming the file and line for a `rollback-verify:` comment with an unknown
 * or missing marker name.
 */
export function findMarkers(text: string, file: string, startLine = 1): MarkerHit[] {
  const hits: MarkerHit[] = [];
  const lineOf = lineLocator(text, startLine);
  for (const token of tokenizeSql(text)) {
    if (token.kind !== 'line-comment') continue;
    const match = MARKER_COMMENT.exec(text.slice(token.start, token.end));
    if (!match) continue;
    const name = match[1]!.toLowerCase();
    const line = lineOf(token.start);
    const marker = MARKERS.find((m) => m === name);
    if (!marker) {
      throw new ConfigError(
        `${file}:${line}: unknown marker 'rollback-verify: ${match[1]}' (expected one of: ${MARKERS.join(', ')})`,
      );
    }
    hits.push({ marker, line });
  }
  return hits;
}
