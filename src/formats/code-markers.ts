/**
 * rollback-verify's marker comments in migrations written as code (Python, JavaScript, shell),
 * where the SQL tokenizer does not apply: `# rollback-verify: irreversible` (Python, shell) or
 * `// rollback-verify: irreversible` (JavaScript/TypeScript), on a line of its own or after code.
 * Like the SQL markers, an unknown marker name is an error the author wants to hear about.
 */
import { ConfigError } from '../errors.js';
import { MARKERS, type MarkerHit } from '../sql/markers.js';
import type { Migration } from './types.js';

const COMMENT_MARKER = {
  '#': /(?:^|\s)#\s*rollback-verify\s*:\s*(.*?)\s*$/i,
  '//': /(?:^|\s)\/\/\s*rollback-verify\s*:\s*(.*?)\s*$/i,
  '--': /(?:^|\s)--\s*rollback-verify\s*:\s*(.*?)\s*$/i,
} as const;

export type CommentStyle = keyof typeof COMMENT_MARKER;

/** Marker comments of the given styles in `text`, with 1-based lines; ConfigError for unknown names. */
export function findCodeMarkers(text: string, file: string, styles: readonly CommentStyle[]): MarkerHit[] {
  const hits: MarkerHit[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const style of styles) {
      const m = COMMENT_MARKER[style].exec(line);
      if (!m) continue;
      const name = m[1]!.toLowerCase();
      const marker = MARKERS.find((k) => k === name);
      if (!marker) {
        throw new ConfigError(`${file}:${i + 1}: unknown marker 'rollback-verify: ${m[1]}' (expected one of: ${MARKERS.join(', ')})`);
      }
      hits.push({ marker, line: i + 1 });
      return;
    }
  });
  return hits;
}

/** The markers of one code file, first occurrence of each kept. */
export function codeMarkers(text: string, file: string, styles: readonly CommentStyle[]): Migration['markers'] {
  const markers: Migration['markers'] = {};
  for (const hit of findCodeMarkers(text, file, styles)) markers[hit.marker] ??= { file, line: hit.line };
  return markers;
}
