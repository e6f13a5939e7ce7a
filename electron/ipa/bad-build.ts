import { AscentError } from '../../shared/errors'

/** Every unreadable-build failure is BAD_BUILD with the reason only; the CLI prefixes `ascent: <file>: `. */
export function badBuild(reason: string, cause?: unknown): AscentError {
  return new AscentError('BAD_BUILD', reason, cause === undefined ? undefined : { cause })
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AscentError('CANCELED', 'inspection was canceled')
}

/** Turns a file-system error into the reason a person can act on. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'cannot read the file: permission denied'
    case 'EISDIR':
      return 'is a directory, not an .ipa or .pkg file'
    case 'ELOOP':
      return 'cannot read the file: too many symbolic links'
    case 'ENAMETOOLONG':
      return 'cannot read the file: the path is too long'
    case 'EIO':
      return 'cannot read the file: input/output error'
    default:
      return `cannot read the file (${code ?? (error instanceof Error ? error.message : String(error))})`
  }
}
