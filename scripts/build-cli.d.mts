/**
 * Bundles the `ascent` CLI (electron/cli/main.ts) beside its launcher at `outfile` (`<name>-main.js`), making the
 * folder when it is missing.
 */
export declare function buildCli(options: { outfile: string; sourcemap?: boolean }): Promise<void>
