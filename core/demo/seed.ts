import { Faker, base, en } from '@faker-js/faker'
import type { Domain } from '../domain'
import { DomainError } from '../domain/errors'

export const DEMO_PASSWORD = 'c18n-demo'
/** The accounts the README lists; every other demo user is generated. */
export const DEMO_ACCOUNTS = [
  { handle: 'ada', displayName: 'Ada Lovelace', role: 'admin' as const, interests: ['mathematics', 'computing', 'poetry'] },
  { handle: 'grace', displayName: 'Grace Hopper', role: 'user' as const, interests: ['compilers', 'computing', 'sailing'] },
  { handle: 'alan', displayName: 'Alan Turing', role: 'user' as const, interests: ['mathematics', 'running', 'biology'] },
  { handle: 'katherine', displayName: 'Katherine Johnson', role: 'user' as const, interests: ['space', 'mathematics', 'music'] },
]

const TOPICS = ['computing', 'mathematics', 'space', 'music', 'gardening', 'cooking', 'cycling', 'running', 'photography',
  'books', 'poetry', 'biology', 'chess', 'sailing', 'film', 'design', 'history', 'languages', 'climbing', 'compilers']

const SEED_MARKER = 'seed-v1'
const GENERATED_USERS = 48
const COMMUNITIES = 16
const GROUPS = 10
const SEED_WRITE_TIMEOUT_MS = 180_000

interface Meta { _id: string, at: string }

/** Ignores "already there", so a seed interrupted halfway can run again. */
async function once<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work()
  }
  catch (error) {
    if (error instanceof DomainError && error.kind === 'conflict') return null
    throw error
  }
}

/**
 * Deterministic demo data: the same seed gives the same people, communities
 * and groups. Runs once per data folder; a marker stops it on later starts.
 */
export async function seedDemoData(domain: Domain, log: (line: string) => void = () => {}): Promise<boolean> {
  const meta = domain.ports.store.collection<Meta>('meta')
  if (await meta.findOne({ _id: SEED_MARKER })) return false
  const faker = new Faker({ locale: [en, base] })
  faker.seed(18)
  const started = Date.now()
  // At first start the worker's consumer groups may still be joining: the seed waits for them,
  // where a person's request would rather hear "accepted" after a few seconds.
  const patience = domain.publisher.timeoutMs
  domain.publisher.timeoutMs = Math.max(patience, SEED_WRITE_TIMEOUT_MS)
  try {
    await seed(domain, faker)
  }
  finally {
    domain.publisher.timeoutMs = patience
  }
  await meta.replaceOne({ _id: SEED_MARKER, at: new Date().toISOString() })
  log(`seeded ${DEMO_ACCOUNTS.length + GENERATED_USERS} users, ${COMMUNITIES} communities and ${GROUPS} groups in ${Date.now() - started} ms`)
  return true
}

async function seed(domain: Domain, faker: Faker) {
  // Each phase is planned first (faker's sequence stays the same) and then written concurrently.
  await Promise.all(DEMO_ACCOUNTS.map(account => ({ ...account, bio: faker.person.bio(), password: DEMO_PASSWORD }))
    .map(user => once(() => domain.users.create(user))))
  const generated = Array.from({ length: GENERATED_USERS }, (_, i) => {
    const first = faker.person.firstName()
    const last = faker.person.lastName()
    const handle = `${first}-${last}`.toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 30) + `-${i}`
    return { handle, displayName: `${first} ${last}`, bio: faker.person.bio(), interests: faker.helpers.arrayElements(TOPICS, { min: 2, max: 5 }), password: DEMO_PASSWORD }
  })
  await Promise.all(generated.map(user => once(() => domain.users.create(user))))
  const people = (await domain.users.list({ limit: 100 })).items
  const asActor = (user: { id: string, role: 'user' | 'admin' }) => ({ id: user.id, role: user.role })

  const communities = Array.from({ length: COMMUNITIES }, (_, i) => {
    const topics = faker.helpers.arrayElements(TOPICS, { min: 1, max: 3 })
    const name = `${faker.word.adjective({ length: { min: 4, max: 9 } })} ${topics[0]}`.replace(/^./, c => c.toUpperCase())
    const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${i}`.slice(0, 40)
    const owner = people[(i * 7) % people.length]!
    const input = { name, slug, description: faker.lorem.sentences({ min: 1, max: 3 }), topics, visibility: i % 5 === 4 ? 'private' as const : 'public' as const, postsNeedApproval: i % 4 === 3 }
    const interested = people.filter(p => p.id !== owner.id && p.interests.some(t => topics.includes(t)))
    const members = faker.helpers.arrayElements(interested, { min: Math.min(2, interested.length), max: Math.min(14, interested.length) })
    return { owner, input, members }
  })
  await Promise.all(communities.map(async ({ owner, input, members }) => {
    if (!(await once(() => domain.communities.create(asActor(owner), input)))) return
    await Promise.all(members.map(member => once(() => domain.communities.addMember(asActor(owner), input.slug, member.handle))))
  }))
  const groups = Array.from({ length: GROUPS }, (_, i) => {
    const owner = people[(i * 5) % people.length]!
    const members = faker.helpers.arrayElements(people.filter(p => p.id !== owner.id), { min: 1, max: 6 })
    return { owner, name: `${faker.word.adjective()} ${faker.word.noun()}s`.replace(/^./, c => c.toUpperCase()), memberHandles: members.map(m => m.handle) }
  })
  await Promise.all(groups.map(g => domain.groups.create(asActor(g.owner), { name: g.name, memberHandles: g.memberHandles })))
}
