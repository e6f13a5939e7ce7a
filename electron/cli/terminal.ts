import { inspect } from 'node:util'

/**
 * How the CLI talks to a terminal: colours only when a person watches a TTY and has not set NO_COLOR
 * (no-color.org: any non-empty value), so CI logs, pipes and files get plain text; `--quiet` leaves
 * stdout to data a command was asked for (`--json`), the exit code and stderr say the rest.
 */

type Tone = 'ok' | 'failed' | 'warning' | 'quiet'

const STYLE: Readonly<Record<Tone, keyof typeof inspect.colors>> = {
  ok: 'green',
  failed: 'red',
  warning: 'yellow',
  quiet: 'dim',
}

function colorsWanted(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb'
}

/** `text` in the tone's colour when stdout is a colour terminal, else unchanged. */
export function paint(tone: Tone, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  const codes = inspect.colors[STYLE[tone]]
  if (!codes || !colorsWanted(stream, process.env)) return text
  return `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m`
}

/** Commands whose stdout is always data (one JSON line or a script): --quiet does not silence them. */
const ALWAYS_DATA = new Set(['sandbox', 'web', 'completion'])

/**
 * --quiet: nothing on stdout unless the command prints data (`--json`, or a command that only prints data).
 * stdout's writes are dropped at the stream, so every command's progress and prose obey it alike.
 */
export function applyQuiet(command: { name(): string; opts(): Record<string, unknown> }): void {
  if (command.opts().json === true || ALWAYS_DATA.has(command.name())) return
  process.stdout.write = ((_chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback
    if (typeof done === 'function') queueMicrotask(() => (done as (error?: Error) => void)())
    return true
  }) as typeof process.stdout.write
}
