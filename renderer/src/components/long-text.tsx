import { useState } from 'react'
import { abbreviateList } from '../format'

/** Text that may carry a very long list (a thousand groups): shortened, with a toggle to read it whole. */
export function LongText({ text }: { readonly text: string }) {
  const [whole, setWhole] = useState(false)
  const abbreviated = abbreviateList(text)
  if (abbreviated === null) return <>{text}</>
  return (
    <>
      {whole ? text : abbreviated.short}{' '}
      <button
        type="button"
        className="link-button long-text-toggle"
        aria-expanded={whole}
        onClick={() => setWhole(!whole)}
      >
        {whole ? 'Show fewer' : `Show all ${abbreviated.total}`}
      </button>
    </>
  )
}
