/**
 * Keeps a child process's output for the report without letting a chatty tool exhaust memory:
 * the head and the tail of each stream are kept (a Python traceback or a Node stack is at the
 * end; what the tool was doing is at the start), the middle is dropped with a note.
 */

/** Bytes kept from the start and from the end of one stream. */
export const HEAD_BYTES = 8 * 1024;
export const TAIL_BYTES = 56 * 1024;

/** Collects one stream's output, bounded to HEAD_BYTES + TAIL_BYTES. */
export class BoundedOutput {
  private head = '';
  private tail = '';
  private dropped = 0;

  /** Appends a chunk (decoded as UTF-8 by the caller's stream encoding). */
  push(chunk: string): void {
    if (this.head.length < HEAD_BYTES) {
      const room = HEAD_BYTES - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (!chunk) return;
    this.tail += chunk;
    if (this.tail.length > TAIL_BYTES) {
      const cut = this.tail.length - TAIL_BYTES;
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }

  /** The kept text; a dropped middle is replaced by a one-line note. */
  text(): string {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}\n… ${this.dropped} characters of output omitted …\n${this.tail}`;
  }
}
