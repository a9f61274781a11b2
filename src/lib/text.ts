/**
 * Text helpers that stay linear in the length of their input. A regex such as `/x+$/` looks like one pass
 * but is quadratic on a long run of `x` followed by something else: the engine retries the run from each of
 * its characters (eslint's `regexp/no-super-linear-move` refuses such patterns in src/).
 */

/** `text` without the `char`s it ends with (what `text.replace(/c+$/, '')` means), in one backward scan. */
export function trimEndOf(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}
