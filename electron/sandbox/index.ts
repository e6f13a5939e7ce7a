export { startSandbox, type RunningSandbox, type SandboxOptions, type SandboxResponse } from './server'
export { defaultSeed, loadSeed, type ParsedSeed } from './seed'
export { mulberry32 } from './faults'
