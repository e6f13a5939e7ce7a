import type * as z from 'zod'
import { printableExcerpt } from './bounded-text'

/**
 * One zod issue in words a person reads: "apps.0.bundleId: is missing (expected text)" rather than
 * zod's "Invalid input: expected string, received undefined". Keys are quoted as printable excerpts:
 * an unknown key in a hostile file can be anything.
 */
export function describeIssue(issue: z.core.$ZodIssue, separator = '.'): string {
  const path = issue.path.map((part) => printableExcerpt(String(part))).join(separator)
  const where = separator === '/' ? `/${path}` : path || '(top level)'
  return `${where}: ${issueMessage(issue)}`
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const expected = TYPE_WORDS[issue.expected] ?? issue.expected
    const received = /received (\w+)$/.exec(issue.message)?.[1]
    if (received === 'undefined') return `is missing (expected ${expected})`
    return `must be ${expected}${received ? `, found ${TYPE_WORDS[received] ?? received}` : ''}`
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, 3).map((k) => `"${printableExcerpt(k)}"`)
    return `unknown key${issue.keys.length === 1 ? '' : 's'} ${keys.join(', ')}${issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : ''}`
  }
  return printableExcerpt(issue.message.replace(/\bundefined\b/g, 'nothing'), 200)
}
