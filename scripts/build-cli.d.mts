/** Bundles the `ascent` CLI (electron/cli/main.ts) into one CommonJS file at `outfile`. */
export declare function buildCli(options: { outfile: string; sourcemap?: boolean }): Promise<void>
