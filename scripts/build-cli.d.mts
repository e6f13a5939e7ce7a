/**
 * Bundles the `ascent` CLI (electron/cli/main.ts) beside its launcher at `outfile` (`<name>-main.js`), making the
 * folder when it is missing.
 */
export declare function buildCli(options: { outfile: string; sourcemap?: boolean }): Promise<void>

/** How the CLI bundle loads one module on first use instead of at start (see LOADED_ON_FIRST_USE). */
export interface FirstUseSpec {
  readonly builtin?: boolean
  readonly ownOnly?: boolean
  readonly functions?: readonly string[]
  readonly classes?: readonly string[]
  readonly callable?: boolean
}

/** The modules the CLI bundle loads on first use, by name (builtins without `node:`). */
export declare const LOADED_ON_FIRST_USE: Readonly<Record<string, FirstUseSpec>>

/** The esbuild plugin that puts a stand-in in front of each of `packages`. */
export declare function onFirstUsePlugin(
  packages: Readonly<Record<string, FirstUseSpec>>,
): import('esbuild').Plugin
