import type { Cache } from './cache'
import type { DocumentStore } from './document-store'
import type { EventBus } from './event-bus'
import type { JobQueue } from './job-queue'
import type { ObjectStore } from './object-store'
import type { SearchIndex } from './search-index'

export type * from './cache'
export type * from './document-store'
export type * from './event-bus'
export type * from './job-queue'
export type * from './object-store'
export type * from './search-index'
export { DuplicateKeyError } from './document-store'

/** Everything the domain needs from the outside world. */
export interface Ports {
  bus: EventBus
  store: DocumentStore
  cache: Cache
  search: SearchIndex
  objects: ObjectStore
  jobs: JobQueue
}
export type PortName = keyof Ports
