import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedCache } from '../../adapters/embedded/cache'
import { EmbeddedDocumentStore } from '../../adapters/embedded/document-store'
import { EmbeddedEventBus } from '../../adapters/embedded/event-bus'
import { EmbeddedJobQueue } from '../../adapters/embedded/job-queue'
import { EmbeddedObjectStore } from '../../adapters/embedded/object-store'
import { EmbeddedSearchIndex } from '../../adapters/embedded/search-index'
import { cacheContract } from './suites/cache'
import { documentStoreContract } from './suites/document-store'
import { eventBusContract } from './suites/event-bus'
import { jobQueueContract } from './suites/job-queue'
import { objectStoreContract } from './suites/object-store'
import { searchIndexContract } from './suites/search-index'

const dir = mkdtempSync(join(tmpdir(), 'c18n-contract-'))

documentStoreContract('embedded', async () => new EmbeddedDocumentStore(join(dir, 'documents.sqlite')))
eventBusContract('embedded', async () => new EmbeddedEventBus(join(dir, 'bus.sqlite')))
cacheContract('embedded', async () => new EmbeddedCache(join(dir, 'cache.json')))
searchIndexContract('embedded', async () => new EmbeddedSearchIndex(join(dir, 'search.sqlite')))
objectStoreContract('embedded', async () => new EmbeddedObjectStore(join(dir, 'objects')))
jobQueueContract('embedded', async () => new EmbeddedJobQueue(join(dir, 'jobs.sqlite')))
