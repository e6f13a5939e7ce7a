declare module 'fs-native-extensions' {
  /** Takes an exclusive (or shared) OS lock on the open file `fd` without waiting: false when another holds it. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean
  export function unlock(fd: number): void
}
