import type { Plugin as EsbuildPlugin } from 'esbuild'
import type { Plugin as VitePlugin } from 'vite'

export declare const BRIDGE_CLIENT_MODULE: 'virtual:ascent-bridge-client'
export declare function bundleBridgeClient(): Promise<string>
export declare function bridgeClientEsbuildPlugin(): EsbuildPlugin
export declare function bridgeClientVitePlugin(): VitePlugin
