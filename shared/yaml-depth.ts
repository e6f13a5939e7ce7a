/**
 * The yaml parser recurses once per nesting level: a file of a few hundred thousand `[` or `- - -` takes
 * it half a minute and most of a gigabyte before it overflows the stack. A codemagic.yaml nests a dozen
 * levels, so the text is measured first, in one linear pass, and anything absurdly deep is refused unparsed.
 */
export const MAX_YAML_NESTING = 100

/**
 * Why `text` nests too deeply to be parsed, or null. Counts flow brackets (`[`, `{`) still open, and per
 * line the indentation plus compact `- ` / `? ` entries. Brackets inside quotes are counted too: that can
 * only over-count, and no real file holds a hundred unclosed brackets in its strings.
 */
export function yamlNestingProblem(text: string, limit = MAX_YAML_NESTING): string | null {
  let flow = 0
  let line = 1
  let column = 0
  let lineStart = true
  let blockDepth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    column++
    if (c === 0x0a) {
      line++
      column = 0
      lineStart = true
      blockDepth = 0
      continue
    }
    if (lineStart) {
      if (c === 0x20) {
        blockDepth++
      } else if ((c === 0x2d || c === 0x3f) && text.charCodeAt(i + 1) === 0x20) {
        // `- ` and `? ` open a nested block entry on the same line: `- - - x` is three levels.
        blockDepth += 2
        i++
        column++
      } else {
        lineStart = false
      }
      if (blockDepth > limit * 2)
        return `nests deeper than ${limit} levels at line ${line} (by indentation and "- " entries); a codemagic.yaml needs far fewer`
    }
    if (c === 0x5b || c === 0x7b) {
      flow++
      if (flow > limit)
        return `nests deeper than ${limit} levels at line ${line}, column ${column} (brackets [ and { that are never closed)`
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) {
      flow--
    }
  }
  return null
}
