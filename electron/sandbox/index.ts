export {
  startSandbox,
  type PartFailureRule,
  type RunningSandbox,
  type SandboxOptions,
  type SandboxResponse,
} from './server'
export { SandboxSeed, defaultSeed, loadSeed, parseSeed, type ParsedSeed } from './seed'
export type { SandboxState } from './state'
export type { TrustedKeyInput, KeyRole } from './auth'
export { mulberry32, type FaultOptions } from './faults'
