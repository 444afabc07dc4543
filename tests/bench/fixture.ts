// The benchmark's population, made through the domain (bundled by tests/bench/pipeline.mjs with
// esbuild, since Node's type stripping does not take the repo's parameter properties): users with
// a password, communities they belong to, a first post in each. Also hands the bench c18n's own
// Kafka adapter, to measure it against plain kafkajs.
import { closePorts, createPorts, type PortsConfig } from '../../adapters/factory'
import { createDomain } from '../../core/domain'
import { DEMO_PASSWORD } from '../../core/demo/seed'

export { KafkaEventBus } from '../../adapters/real/kafka-event-bus'

async function inChunks<T, R>(items: T[], size: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map((item, j) => work(item, i + j))))
  return out
}

export async function prepare(config: PortsConfig, options: { users: number, communities: number, tag: string, perUser: number }) {
  const ports = await createPorts(config)
  try {
    const domain = createDomain(ports)
    await domain.setup()
    const users = await inChunks(Array.from({ length: options.users }, (_, i) => i), 25, async i => domain.users.create({ handle: `b${options.tag}u${i}`, displayName: `Bench user ${i}`, password: DEMO_PASSWORD }))
    const actors = users.map(u => ({ id: u.id, role: 'user' as const }))
    const communities = await inChunks(Array.from({ length: options.communities }, (_, i) => i), 8, async i => domain.communities.create(actors[i % actors.length]!, {
      name: `Bench ${options.tag} ${i}`, slug: `b${options.tag}c${i}`, description: 'pipeline benchmark', topics: ['bench'], visibility: 'public', postsNeedApproval: false,
    }))
    // Each user belongs to `perUser` communities, spread evenly.
    const memberOf = users.map((_, u) => Array.from({ length: options.perUser }, (_, k) => (u + k * 7) % communities.length))
    const joins = memberOf.flatMap((list, u) => list.filter(c => c !== u).map(c => ({ u, c })))
    await inChunks(joins, 25, async ({ u, c }) => domain.communities.join(actors[u]!, communities[c]!.slug).catch(() => null))
    const firstPosts = await inChunks(communities, 8, async (c, i) => domain.posts.create(actors[i % actors.length]!, c.slug, { title: `First post in ${c.slug}`, body: 'the benchmark reacts to me', tags: ['bench'] }))
    await domain.publisher.drained()
    return {
      users: users.map((u, i) => ({ id: u.id, handle: u.handle, communities: memberOf[i]! })),
      communities: communities.map((c, i) => ({ id: c.id, slug: c.slug, firstPost: firstPosts[i]!.id })),
    }
  }
  finally {
    await closePorts(ports)
  }
}
