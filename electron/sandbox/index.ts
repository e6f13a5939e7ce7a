export { startSandbox, type RunningSandbox, type SandboxOptions, type SandboxResponse } from './server'
export { defaultSeed, loadSeed, type ParsedSeed } from './seed'
export { FAULT_SEED_MAX, mulberry32 } from './faults'
