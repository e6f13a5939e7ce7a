import { useRef, type ReactElement, type Ref } from 'react'
import { chooseBuildNatively, openBuildFile } from '../actions/build-actions'

/**
 * A real `<input type="file">`, hidden: a visible button opens it, so keyboard and screen-reader users
 * get one "Choose…" button. The value is cleared after each pick so choosing the same file again works.
 */
export function HiddenFileInput({
  ref,
  accept,
  label,
  onFile,
}: {
  readonly ref: Ref<HTMLInputElement>
  readonly accept: string
  readonly label: string
  readonly onFile: (file: File) => void
}) {
  return (
    <input
      ref={ref}
      type="file"
      accept={accept}
      className="visually-hidden"
      tabIndex={-1}
      aria-label={label}
      onChange={(e) => {
        const file = e.currentTarget.files?.[0]
        e.currentTarget.value = ''
        if (file) onFile(file)
      }}
    />
  )
}

export interface FilePicker {
  /** Render once, anywhere in the component. */
  readonly input: ReactElement
  /** The shell's own dialog when it has one (Electron), else the hidden input's. */
  readonly choose: () => Promise<void>
}

export function useFilePicker(options: {
  readonly accept: string
  readonly label: string
  readonly onFile: (file: File) => void
  /** Opens the native dialog; resolves false when there is none (the web bridge). */
  readonly chooseNatively: () => Promise<boolean>
}): FilePicker {
  const ref = useRef<HTMLInputElement>(null)
  return {
    input: (
      <HiddenFileInput ref={ref} accept={options.accept} label={options.label} onFile={options.onFile} />
    ),
    choose: async () => {
      if (!(await options.chooseNatively())) ref.current?.click()
    },
  }
}

/** The build picker the drop zone and the build card share. */
export function useBuildPicker(): FilePicker {
  return useFilePicker({
    accept: '.ipa,.pkg',
    label: 'Build file',
    onFile: (file) => void openBuildFile(file),
    chooseNatively: chooseBuildNatively,
  })
}
