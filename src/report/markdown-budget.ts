/**
 * Fits a Markdown document made of plain blocks and collapsed `<details>` blocks into a character
 * budget (a PR comment must stay under GitHub's 65,536-character limit). Blocks are cut in the
 * order their `order` says (lower first: locks and the chart before the schema changes before the
 * problems' diffs); within one order the largest `<details>` body goes first, on a line boundary,
 * and a text block with an order is dropped whole once its order's sections are empty. Plain text
 * without an order (the verdict, the table, the problem headlines) is cut only when everything
 * else is gone. The caller learns how many sections were cut so the document can say so.
 */

/** A piece of the document. */
export type MarkdownBlock =
  | {
      kind: 'text';
      text: string;
      /** Cut order (lower: cut earlier); absent: kept to the last. */
      order?: number;
      /** What stands in for the block once it is dropped (one short line of Markdown). */
      dropped?: string;
    }
  | {
      kind: 'details';
      /** HTML-escaped summary line. */
      summary: string;
      /** The collapsed content (Markdown, or the inside of a code fence when `fence` is set). */
      body: string;
      /** Language of a code fence around `body` (`diff`, `text`), or undefined for Markdown. */
      fence?: string;
      /** How the body is cut: by lines from the end (diffs, tables), or all at once (a chart). */
      cut: 'lines' | 'whole';
      /** Cut order (lower: cut earlier); absent: DEFAULT_ORDER. */
      order?: number;
    };

/** The order of a details block that does not say. */
export const DEFAULT_ORDER = 50;

/** What a cut section says instead of what was removed. */
const CUT_NOTE = (lines: number) => `… ${lines.toLocaleString('en-US')} more line${lines === 1 ? '' : 's'} cut to fit; the job summary has them all`;
const WHOLE_NOTE = 'Cut to fit; the job summary has this section.';

/** A code fence longer than any run of backticks inside the content. */
export function fenceFor(content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function renderDetails(b: Extract<MarkdownBlock, { kind: 'details' }>): string {
  const inner = b.fence !== undefined ? `${fenceFor(b.body)}${b.fence}\n${b.body}\n${fenceFor(b.body)}` : b.body;
  return `<details><summary>${b.summary}</summary>\n\n${inner}\n\n</details>\n`;
}

/** Renders blocks in order; every block ends with a newline, blocks are separated by a blank line. */
export function renderBlocks(blocks: readonly MarkdownBlock[]): string {
  return blocks.map((b) => (b.kind === 'text' ? b.text : renderDetails(b))).join('\n');
}

/** The first lines of `lines` that fit in `chars` characters (joined with newlines). */
function linesThatFit(lines: readonly string[], chars: number): number {
  let used = 0;
  let n = 0;
  while (n < lines.length && used + lines[n]!.length + 1 <= chars) {
    used += lines[n]!.length + 1;
    n++;
  }
  return n;
}

export interface FitResult {
  text: string;
  /** Sections cut (partly or wholly) or blocks dropped; 0 when the document fitted as it was. */
  shortened: number;
}

/**
 * Renders `blocks` within `maxChars`. `noteAt` is the index where the "this was shortened" note
 * goes, `note` renders it for a count of cut sections. A section is cut only as far as needed.
 */
export function fitBlocks(
  input: readonly MarkdownBlock[],
  maxChars: number,
  noteAt: number,
  note: (shortened: number) => string,
): FitResult {
  const full = renderBlocks(input);
  if (full.length <= maxChars) return { text: full, shortened: 0 };

  const blocks: MarkdownBlock[] = input.map((b) => ({ ...b }));
  // Per details block: its original lines and how many are kept (cut again from the original,
  // so a section cut twice still carries one honest count).
  const state = new Map<number, { lines: string[]; keep: number }>();
  blocks.forEach((b, i) => {
    if (b.kind === 'details') state.set(i, { lines: b.body.split('\n'), keep: Number.POSITIVE_INFINITY });
  });
  const cut = new Set<number>();
  // Room for the note itself (its count only ever grows by a few digits).
  const budget = maxChars - note(blocks.length).length - 2;
  const size = () => renderBlocks(blocks).length;
  const orderOf = (b: MarkdownBlock) => (b.kind === 'details' ? (b.order ?? DEFAULT_ORDER) : b.order);
  const orders = [...new Set(blocks.map(orderOf).filter((o): o is number => o !== undefined))].sort((a, b) => a - b);

  for (const order of orders) {
    for (;;) {
      const excess = size() - budget;
      if (excess <= 0) break;
      let largest = -1;
      for (const [i, s] of state) {
        if (s.keep === 0 || orderOf(blocks[i]!) !== order) continue;
        if (largest < 0 || (blocks[i] as { body: string }).body.length > (blocks[largest] as { body: string }).body.length) largest = i;
      }
      if (largest < 0) {
        // The sections of this order are empty: drop its text blocks whole (e.g. the lock table).
        let droppedAny = false;
        blocks.forEach((b, i) => {
          if (b.kind === 'text' && b.order === order && !cut.has(i)) {
            blocks[i] = { kind: 'text', text: b.dropped ?? '' };
            cut.add(i);
            droppedAny = true;
          }
        });
        if (!droppedAny) break;
        continue;
      }
      const b = blocks[largest] as Extract<MarkdownBlock, { kind: 'details' }>;
      const s = state.get(largest)!;
      cut.add(largest);
      // Keep what still fits, less room for the cut note; a sliver of a diff helps nobody.
      const target = b.body.length - excess - 80;
      const keep = b.cut === 'lines' && target >= 200 ? linesThatFit(s.lines, target) : 0;
      s.keep = Math.min(keep, s.keep === Number.POSITIVE_INFINITY ? s.lines.length - 1 : s.keep - 1);
      if (s.keep < 0) s.keep = 0;
      const rest = s.lines.length - s.keep;
      b.body = s.keep > 0 ? `${s.lines.slice(0, s.keep).join('\n')}\n${CUT_NOTE(rest)}` : b.cut === 'whole' ? WHOLE_NOTE : CUT_NOTE(rest);
    }
    if (size() <= budget) break;
  }
  // Dropped text blocks that left nothing behind render as nothing.
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    if (b.kind === 'text' && b.text === '' && cut.has(i)) blocks.splice(i, 1);
  }

  // Every section is as small as it gets: drop whole blocks from the end, keeping the headline.
  let dropped = 0;
  while (size() > budget && blocks.length > Math.max(1, noteAt)) {
    blocks.pop();
    dropped++;
  }
  if (dropped > 0) blocks.push({ kind: 'text', text: `_… ${dropped} more part${dropped === 1 ? '' : 's'} of the report cut to fit; the job summary has the full report._\n` });

  const shortened = cut.size + dropped;
  blocks.splice(Math.min(noteAt, blocks.length), 0, { kind: 'text', text: note(shortened) });
  let text = renderBlocks(blocks);
  // Last resort for a headline alone over budget (absurd ids): a hard cut on a line boundary.
  if (text.length > maxChars) text = text.slice(0, text.lastIndexOf('\n', maxChars - 2) + 1);
  return { text, shortened };
}
