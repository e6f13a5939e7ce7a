import type { Command } from 'commander'
import { AscentError } from '../../../shared/errors'
import { runCommand } from '../cli-output'

/** One command of the tree as completion needs it: its path, subcommands and options. */
interface CommandNode {
  readonly path: string
  readonly description: string
  readonly subcommands: readonly string[]
  readonly options: readonly {
    readonly flag: string
    readonly takesValue: boolean
    readonly description: string
  }[]
}

/** Every command under `root`, read from the same definitions `--help` prints, so completion never drifts. */
function commandTree(root: Command): CommandNode[] {
  const nodes: CommandNode[] = []
  const visit = (command: Command, path: string): void => {
    const options = command.options
      .filter((o) => o.long)
      .map((o) => ({ flag: o.long ?? '', takesValue: o.required || o.optional, description: o.description }))
    // The options every command understands: --help, and the program's own (--quiet) anywhere.
    const inherited = command === root ? [] : root.options.filter((o) => o.long && o.long !== '--version')
    nodes.push({
      path,
      description: command.description(),
      subcommands: command.commands.map((c) => c.name()),
      options: [
        ...options,
        ...inherited.map((o) => ({ flag: o.long ?? '', takesValue: false, description: o.description })),
        { flag: '--help', takesValue: false, description: 'display help' },
      ],
    })
    for (const sub of command.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name())
  }
  visit(root, '')
  return nodes
}

function bashCase(nodes: readonly CommandNode[], pick: (n: CommandNode) => readonly string[]): string {
  return nodes.map((n) => `    "${n.path}") echo "${pick(n).join(' ')}" ;;`).join('\n')
}

function bashScript(nodes: readonly CommandNode[]): string {
  return `# bash completion for ascent: eval "$(ascent completion bash)" in ~/.bashrc
_ascent_subcommands() {
  case "$1" in
${bashCase(nodes, (n) => n.subcommands)}
  esac
}
_ascent_options() {
  case "$1" in
${bashCase(nodes, (n) => n.options.map((o) => o.flag))}
  esac
}
_ascent_value_options() {
  case "$1" in
${bashCase(nodes, (n) => n.options.filter((o) => o.takesValue).map((o) => o.flag))}
  esac
}
_ascent() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ " $(_ascent_subcommands "$path") " == *" $word "* ]]; then path="\${path:+$path }$word"; fi
  done
  if [[ " $(_ascent_value_options "$path") " == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_ascent_options "$path")" -- "$cur"))
  elif [[ -n "$(_ascent_subcommands "$path")" ]]; then
    COMPREPLY=($(compgen -W "$(_ascent_subcommands "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _ascent ascent
`
}

function zshScript(nodes: readonly CommandNode[]): string {
  // zsh runs the bash completion through its bashcompinit layer: one definition of the tree for both.
  return `#compdef ascent
# zsh completion for ascent: eval "$(ascent completion zsh)" in ~/.zshrc (after compinit)
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes).replace(/^# bash completion.*\n/, '')}`
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function fishScript(nodes: readonly CommandNode[]): string {
  const lines = [
    '# fish completion for ascent: ascent completion fish > ~/.config/fish/completions/ascent.fish',
  ]
  for (const node of nodes) {
    const words = node.path.split(' ').filter(Boolean)
    // "At exactly this command path": every word of the path seen and none of its subcommands yet.
    const base = words.length
      ? words.map((w) => `__fish_seen_subcommand_from ${w}`)
      : ['__fish_use_subcommand']
    const notYet =
      words.length && node.subcommands.length
        ? [`not __fish_seen_subcommand_from ${node.subcommands.join(' ')}`]
        : []
    const condition = fishQuote([...base, ...notYet].join('; and '))
    for (const name of node.subcommands) {
      const child = nodes.find((n) => n.path === (node.path ? `${node.path} ${name}` : name))
      lines.push(
        `complete -c ascent -f -n ${condition} -a ${fishQuote(name)} -d ${fishQuote(child?.description ?? '')}`,
      )
    }
    for (const option of node.options) {
      const value = option.takesValue ? ' -r' : ''
      lines.push(
        `complete -c ascent -n ${condition} -l ${option.flag.replace(/^--/, '')}${value} -d ${fishQuote(option.description)}`,
      )
    }
  }
  return lines.join('\n') + '\n'
}

const SHELLS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const

/** `ascent completion bash|zsh|fish`: prints the shell's completion script for every command and option. */
export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('Print shell completion: eval "$(ascent completion bash)" (or zsh; fish: pipe to source)')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) =>
      runCommand(async () => {
        if (!(shell in SHELLS))
          throw new AscentError('BAD_INPUT', `completion: no script for "${shell}"; choose bash, zsh or fish`)
        process.stdout.write(SHELLS[shell as keyof typeof SHELLS](commandTree(program)))
      }),
    )
}
