import type { EventName, events, Unsubscribe } from '../../shared/ipc'
import type * as z from 'zod'

type EventOf<N extends EventName> = z.infer<(typeof events)[N]>
type EventListener<N extends EventName> = (event: EventOf<N>) => void

/** Fan-out of publish and app events to every transport (the window's webContents, bridge sockets, tests). */
export interface EventHub {
  subscribe<N extends EventName>(name: N, listener: EventListener<N>): Unsubscribe
  emit<N extends EventName>(name: N, event: EventOf<N>): void
}

export function createEventHub(
  options: { readonly onListenerError?: (error: unknown) => void } = {},
): EventHub {
  const listeners: { [N in EventName]: Set<EventListener<N>> } = { publish: new Set(), app: new Set() }
  return {
    subscribe(name, listener) {
      const set = listeners[name] as Set<typeof listener>
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    emit(name, event) {
      // A copy: a listener that unsubscribes while being called must not skip its neighbour.
      for (const listener of [...(listeners[name] as Set<EventListener<typeof name>>)]) {
        try {
          listener(event)
        } catch (error) {
          // One broken transport (a closed socket) must not stop the others from hearing the event.
          options.onListenerError?.(error)
        }
      }
    },
  }
}
