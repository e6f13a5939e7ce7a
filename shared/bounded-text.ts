/**
 * Messages quote what they refuse, but a refused input can be 50 MB of binary: a message carries at most
 * a few hundred printable characters, and a quote of bad input at most a short excerpt of it.
 */
const MAX_MESSAGE_CHARS = 500

/** C0/C1 control characters (tab and newline kept), the replacement character of broken UTF-8, and lone surrogates. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point: they must not reach a terminal.
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFD]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function cut(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max - 1)
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--
  return text.slice(0, end) + '…'
}

/** A message fit to show: unprintable characters replaced by "?", at most `max` characters. */
export function boundMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  return cut(text.replace(UNPRINTABLE, '?'), max)
}

/** A short, one-line, printable quote of untrusted input. */
export function printableExcerpt(text: string, max = 40): string {
  return cut(
    text
      .slice(0, max * 4)
      .replace(/[\t\n\r]+/g, ' ')
      .replace(UNPRINTABLE, '?'),
    max,
  )
}
