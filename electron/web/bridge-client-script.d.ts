/** electron/web/bridge-client.ts, bundled for the browser (scripts/bridge-client-bundle.mjs resolves it). */
declare module 'virtual:ascent-bridge-client' {
  const script: string
  export default script
}
