/**
 * An incremental scanner that cuts a byte stream into JSON records, never holding more than one record:
 * a top-level array's elements, the elements of the array under a wrapper key (`Records`, `records`,
 * `Events`, `QueryResultRows`, `value`, `entries`) of a top-level object, a lone top-level object, or JSON
 * lines. It tracks only nesting and strings; each record's bytes then go to the native JSON.parse.
 */

/** Keys whose array value holds the records when they name a member of a top-level object. */
const WRAPPER_KEYS = new Set(["Records", "records", "Events", "QueryResultRows", "value", "entries"]);

/** A record bigger than this is counted malformed and skipped (CloudTrail caps one event at 256 KB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

export type Piece = { bytes: Buffer } | { malformed: string };
/**
 * Receives each piece. `bytes` may be a view of the chunk being scanned: read it during the call (the
 * stream may reuse the chunk's memory afterwards), copy it to keep it.
 */
type Emit = (p: Piece) => void;

const NONE = -1;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const isSpace = (b: number) => b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;
const isOpen = (b: number) => b === 0x7b || b === 0x5b;
const isClose = (b: number) => b === 0x7d || b === 0x5d;

export class RecordScanner {
  /** Containers open before the current byte. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth at which a record's first byte appears: 0, 1 (top-level array), 2 (wrapper's array), or NONE. */
  private recordDepth = 0;
  /** The current top-level value is an object (a record, or a wrapper once a wrapper key shows up). */
  private topObject = false;
  /** At depth 1 of a top-level object: the next string is a key. */
  private expectKey = false;
  private key: number[] | null = null;
  private lastKey = "";
  private pendingWrapper = false;
  /** Capture of the current record; null outside one. */
  private parts: Buffer[] | null = null;
  private partStart = 0;
  private size = 0;
  private tooLarge = false;
  /** A scalar (number, literal or string) where a record should be: a wrong type, skipped. */
  private scalar = false;
  private scalarString = false;
  /** Bytes that cannot start a JSON value at top level: skipped to the end of the line. */
  private garbage = false;
  /** JSON lines: once a second top-level object starts, a newline inside a record means it was cut off. */
  private lines = false;
  private values = 0;

  /** Feeds one chunk; `emit` receives each record (or malformed piece) completed in it. */
  push(chunk: Buffer, emit: Emit): void {
    this.partStart = 0;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (this.garbage) {
        if (b === NEWLINE) this.garbage = false;
        continue;
      }
      if (this.inString && !this.escaped && !this.key) {
        // Fast path: most bytes are inside strings; jump to the next quote natively.
        const q = chunk.indexOf(QUOTE, i);
        const stop = q === -1 ? n : q;
        if (this.lines && this.depth > 0) {
          const nl = chunk.indexOf(NEWLINE, i);
          if (nl !== -1 && nl < stop) {
            i = nl;
            this.cutOff(emit);
            continue;
          }
        }
        let k = 0;
        while (stop - 1 - k >= i && chunk[stop - 1 - k] === BACKSLASH) k++;
        if (q === -1) {
          this.escaped = k % 2 === 1;
          i = n;
          break;
        }
        i = q;
        if (k % 2 === 1) continue; // an escaped quote: still inside the string
        this.endString(emit);
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.endString(emit);
        else if (b === NEWLINE && this.lines && this.depth > 0) this.cutOff(emit);
        else if (this.key && this.key.length < 32) this.key.push(b);
        continue;
      }
      if (this.scalar) {
        if (!(b === 0x2c || isClose(b) || isSpace(b))) continue;
        this.scalar = false;
        emit({ malformed: "not an object" });
      }
      if (isSpace(b)) {
        if (b === NEWLINE && this.lines && this.depth > 0) this.cutOff(emit);
        continue;
      }
      if (this.pendingWrapper && b !== 0x3a) {
        this.pendingWrapper = false;
        if (b === 0x5b) {
          // The wrapper's array holds the records: drop the object's capture, records start inside it.
          this.parts = null;
          this.recordDepth = 2;
          this.depth = 2;
          continue;
        }
      }
      if (b === QUOTE) {
        this.inString = true;
        if (this.topObject && this.depth === 1 && this.expectKey) this.key = [];
        else if (this.depth === this.recordDepth && !this.parts) this.scalarString = true;
        continue;
      }
      if (isOpen(b)) {
        if (this.depth === 0) this.startTop(b, i);
        else if (this.depth === this.recordDepth && !this.parts) this.begin(i);
        this.depth += 1;
        if (this.depth === 1 && b === 0x7b) this.expectKey = true;
        continue;
      }
      if (isClose(b)) {
        if (this.depth === 0) {
          this.skipGarbage(emit);
          continue;
        }
        this.depth -= 1;
        if (this.parts && this.depth === this.recordDepth) this.finish(chunk, i, emit);
        else if (this.depth < this.recordDepth) this.recordDepth = this.depth === 0 ? 0 : NONE;
        if (this.depth === 0) this.topObject = false;
        continue;
      }
      if (this.depth === 1 && this.topObject) {
        if (b === 0x3a) {
          this.expectKey = false;
          if (WRAPPER_KEYS.has(this.lastKey)) this.pendingWrapper = true;
          continue;
        }
        if (b === 0x2c) {
          this.expectKey = true;
          continue;
        }
      }
      if (this.depth === 0) this.skipGarbage(emit);
      else if (this.depth === this.recordDepth && !this.parts && b !== 0x2c) this.scalar = true;
    }
    if (this.parts) this.keep(chunk, this.partStart, n);
  }

  /** The stream ended: a record still open was cut off. */
  end(emit: Emit): void {
    if (this.scalar) emit({ malformed: "not an object" });
    else if (this.parts || this.inString) emit({ malformed: "truncated record" });
    this.parts = null;
  }

  private endString(emit: Emit): void {
    this.inString = false;
    if (this.key) {
      this.lastKey = Buffer.from(this.key).toString("latin1");
      this.key = null;
    } else if (this.scalarString) {
      this.scalarString = false;
      emit({ malformed: "not an object" });
    }
  }

  private startTop(b: number, i: number): void {
    this.values += 1;
    if (this.values > 1 && b === 0x7b) this.lines = true;
    this.lastKey = "";
    this.topObject = b === 0x7b;
    if (this.topObject) {
      this.recordDepth = 0;
      this.begin(i);
    } else {
      this.recordDepth = 1;
    }
  }

  private begin(i: number): void {
    this.parts = [];
    this.partStart = i;
    this.size = 0;
    this.tooLarge = false;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (!this.parts || this.tooLarge) return;
    this.size += to - from;
    if (this.size > MAX_RECORD_BYTES) {
      this.tooLarge = true;
      this.parts = [];
    } else if (to > from) {
      // A copy: the stream may reuse the chunk's memory.
      this.parts.push(Buffer.from(chunk.subarray(from, to)));
    }
  }

  private finish(chunk: Buffer, i: number, emit: Emit): void {
    const parts = this.parts ?? [];
    if (parts.length === 0 && !this.tooLarge && i + 1 - this.partStart <= MAX_RECORD_BYTES) {
      // The whole record is in this chunk: handed over as a view, no copy (see Emit: used during the call).
      this.parts = null;
      emit({ bytes: chunk.subarray(this.partStart, i + 1) });
      return;
    }
    this.keep(chunk, this.partStart, i + 1);
    const tooLarge = this.tooLarge;
    this.parts = null;
    if (tooLarge) emit({ malformed: "record too large" });
    else emit({ bytes: parts.length === 1 ? parts[0] : Buffer.concat(parts) });
  }

  /** A JSON line ended inside a record: count it, and start afresh on the next line. */
  private cutOff(emit: Emit): void {
    this.parts = null;
    this.inString = false;
    this.escaped = false;
    this.key = null;
    this.scalarString = false;
    this.depth = 0;
    this.recordDepth = 0;
    this.topObject = false;
    emit({ malformed: "truncated record" });
  }

  private skipGarbage(emit: Emit): void {
    this.garbage = true;
    emit({ malformed: "invalid JSON" });
  }
}
