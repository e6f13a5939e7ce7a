import { AscentError, redactSecrets, toErrorShape, type ErrorCode } from '../../shared/errors'

/** Exit codes of every `ascent` command, a fixed interface scripts rely on (docs/architecture.md). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  badInput: 2,
  refused: 3,
  appStoreConnect: 4,
  canceled: 5,
} as const

const exitByCode: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: ExitCode.badInput,
  BAD_BUILD: ExitCode.badInput,
  BAD_CONFIG: ExitCode.badInput,
  BAD_KEY: ExitCode.badInput,
  NO_CREDENTIALS: ExitCode.badInput,
  KEYCHAIN_UNAVAILABLE: ExitCode.badInput,
  NOT_FOUND: ExitCode.badInput,
  PREFLIGHT_FAILED: ExitCode.refused,
  ASC_ERROR: ExitCode.appStoreConnect,
  FORBIDDEN: ExitCode.appStoreConnect,
  NETWORK: ExitCode.appStoreConnect,
  CANCELED: ExitCode.canceled,
}

export function exitCodeFor(error: unknown): number {
  return error instanceof AscentError ? (exitByCode[error.code] ?? ExitCode.failure) : ExitCode.failure
}

/** A message that starts with an option's name (`--copyright: …`) is about that option, not the command's file. */
function namesAnOption(message: string): boolean {
  return /^--[a-z]/.test(message)
}

/** One line on stderr, `ascent: <subject>: <reason>`, never a stack trace. */
export function printError(error: unknown, subject?: string): void {
  const shape = toErrorShape(error)
  const prefix = subject && !namesAnOption(shape.message) ? `ascent: ${subject}: ` : 'ascent: '
  process.stderr.write(`${prefix}${shape.message.replace(/\s*\n\s*/g, ' ')}\n`)
  if (shape.detail && process.env.ASCENT_DEBUG) process.stderr.write(redactSecrets(shape.detail) + '\n')
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

/** Runs a command body, mapping any error to one line and its exit code. */
export async function runCommand(
  body: () => Promise<number | void>,
  subject?: (error: unknown) => string | undefined,
): Promise<never> {
  try {
    const code = await body()
    process.exit(code ?? ExitCode.ok)
  } catch (error) {
    printError(error, subject?.(error))
    process.exit(exitCodeFor(error))
  }
}
