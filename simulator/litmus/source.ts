/**
 * The text of a litmus test with its comments blanked out and a map from
 * offsets to 0-based line/column positions. herd7 comments are `(* … *)` and
 * nest (herdtools7 `lib/lexUtils.mll` skip_comment); blanking them with
 * spaces (newlines kept) lets every later stage work on plain text while
 * positions stay those of the file.
 */
import type { SourcePosition, SourceRange } from '../scenario/model';

/** A problem found while reading: offsets into the text, turned into a range by the caller. */
export class LitmusSyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

export class LitmusSource {
  /** The text with every comment replaced by spaces (same length, same newlines). */
  readonly text: string;
  private readonly lineStarts: number[] = [0];

  constructor(readonly original: string) {
    for (let i = 0; i < original.length; i++) if (original.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.text = blankComments(original);
  }

  position(offset: number): SourcePosition {
    const o = Math.max(0, Math.min(offset, this.original.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, col: o - this.lineStarts[lo] };
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }
}

/** Replace `(* … *)` comments (nested) with spaces; an unterminated one is a LitmusSyntaxError at its start. */
function blankComments(text: string): string {
  if (!text.includes('(*')) return text;
  const out: string[] = [];
  let i = 0;
  let copied = 0;
  while (i < text.length) {
    if (text.startsWith('(*', i)) {
      const start = i;
      let depth = 0;
      while (i < text.length) {
        if (text.startsWith('(*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*)', i)) {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth > 0) throw new LitmusSyntaxError("comment '(*' is not closed by '*)'", start, start + 2);
      out.push(text.slice(copied, start), text.slice(start, i).replace(/[^\n]/g, ' '));
      copied = i;
    } else i++;
  }
  out.push(text.slice(copied));
  return out.join('');
}
