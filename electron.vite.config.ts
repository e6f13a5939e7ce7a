import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

// keytar and fs-native-extensions (the run lock) are native and stay outside the bundle (unpacked from asar
// by electron-builder).
const nodeExternal = ['electron', 'keytar', 'fs-native-extensions']

export default defineConfig({
  main: {
    build: {
      externalizeDeps: false,
      rollupOptions: { input: { main: resolve('electron/main.ts') }, external: nodeExternal },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve('electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    // The window loads from disk, but a smaller bundle still parses faster at every start.
    build: { minify: true, rollupOptions: { input: { index: resolve('renderer/index.html') } } },
    plugins: [react()],
  },
})
