/** An error said once, where it happened; nothing when there is none. */
export function ErrorAlert({ message }: { readonly message: string | null | undefined }) {
  if (!message) return null
  return (
    <p className="problem problem-error" role="alert">
      {message}
    </p>
  )
}

/** A list screen's title and its Refresh button. */
export function ScreenHeader({
  title,
  onRefresh,
}: {
  readonly title: string
  readonly onRefresh: () => void
}) {
  return (
    <header className="screen-header">
      <h1 className="screen-title">{title}</h1>
      <button type="button" className="button button-small" onClick={onRefresh}>
        Refresh
      </button>
    </header>
  )
}
