import { type SocialGraph, communityNode, userNode } from './graph'
import { suggestCommunities } from './recommend'

/**
 * Offline evaluation of community suggestions: hold out a share of each user's memberships,
 * remove them from the graph (through the same `apply`, as `membership.left` events), suggest,
 * and count how many held-out communities come back. Compared with two baselines that see the
 * same graph and the same candidates: random order, and most members first.
 */

export interface Metrics { precisionAt5: number, recallAt10: number }
export interface Evaluation {
  users: number
  heldOut: number
  /** The best precision@5 any method could reach, with this few memberships held out per user. */
  precisionAt5Ceiling: number
  graph: Metrics
  random: Metrics
  popular: Metrics
}
export interface EvaluationOptions {
  /** The share of each user's memberships held out (at least one when they have two or more). */
  holdOut?: number
  seed?: number
  /** Random orders averaged for the random baseline's expected figures. */
  randomRuns?: number
}

/** mulberry32: a small seeded generator, so the held-out set is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}

function score(ranking: string[], heldOut: Set<string>): Metrics {
  const hits = (k: number) => ranking.slice(0, k).filter(id => heldOut.has(id)).length
  return { precisionAt5: hits(5) / 5, recallAt10: hits(10) / heldOut.size }
}

const mean = (values: Metrics[]): Metrics => ({
  precisionAt5: values.reduce((sum, m) => sum + m.precisionAt5, 0) / Math.max(1, values.length),
  recallAt10: values.reduce((sum, m) => sum + m.recallAt10, 0) / Math.max(1, values.length),
})

/**
 * Evaluates on a graph, which it changes (the held-out memberships are removed). Only plain
 * memberships of public communities are held out: owners did not choose to join, and a private
 * community is never suggested to a non-member, by any method.
 */
export function evaluateCommunitySuggestions(social: SocialGraph, options: EvaluationOptions = {}): Evaluation {
  const { holdOut = 0.2, seed = 18, randomRuns = 200 } = options
  const { graph } = social
  const random = seededRandom(seed)
  const slugOf = (community: string) => graph.getNodeAttribute(community, 'slug') ?? community
  const handleOf = (user: string) => graph.getNodeAttribute(user, 'handle') ?? user
  const publicCommunities = graph.filterNodes((_, a) => a.kind === 'community' && a.visibility === 'public').sort((a, b) => slugOf(a).localeCompare(slugOf(b)))
  const owners = new Set(graph.filterNodes((_, a) => a.kind === 'community').flatMap((c) => {
    const ownerId = graph.getNodeAttribute(c, 'ownerId')
    return ownerId ? [`${c}|${userNode(ownerId)}`] : []
  }))
  const users = graph.filterNodes((_, a) => a.kind === 'user').sort((a, b) => handleOf(a).localeCompare(handleOf(b)))

  const heldOutBy = new Map<string, Set<string>>()
  for (const user of users) {
    const eligible = publicCommunities.filter(c => graph.hasEdge(user, c) && !owners.has(`${c}|${user}`))
    if (eligible.length < 2) continue
    const count = Math.max(1, Math.round(holdOut * eligible.length))
    const chosen = shuffled(eligible, random).slice(0, count)
    for (const community of chosen) {
      const communityId = graph.getNodeAttribute(community, 'id')
      social.apply({ id: `holdout:${communityId}:${user}`, type: 'c18n.membership.left', data: { communityId, userId: graph.getNodeAttribute(user, 'id') } })
    }
    heldOutBy.set(user, new Set(chosen))
  }

  const membersOf = (community: string) => graph.neighbors(community).filter(n => graph.getNodeAttribute(n, 'kind') === 'user').length
  const byPopularity = [...publicCommunities].sort((a, b) => membersOf(b) - membersOf(a) || slugOf(a).localeCompare(slugOf(b)))
  const results = { graph: [] as Metrics[], random: [] as Metrics[], popular: [] as Metrics[] }
  for (const [user, heldOut] of heldOutBy) {
    const candidates = publicCommunities.filter(c => !graph.hasEdge(user, c))
    results.graph.push(score(suggestCommunities(social, graph.getNodeAttribute(user, 'id'), 10).map(s => communityNode(s.communityId)), heldOut))
    results.popular.push(score(byPopularity.filter(c => !graph.hasEdge(user, c)), heldOut))
    results.random.push(mean(Array.from({ length: randomRuns }, () => score(shuffled(candidates, random), heldOut))))
  }
  return {
    users: heldOutBy.size,
    heldOut: [...heldOutBy.values()].reduce((sum, set) => sum + set.size, 0),
    precisionAt5Ceiling: [...heldOutBy.values()].reduce((sum, set) => sum + Math.min(5, set.size) / 5, 0) / Math.max(1, heldOutBy.size),
    graph: mean(results.graph),
    random: mean(results.random),
    popular: mean(results.popular),
  }
}

export function formatEvaluation(evaluation: Evaluation): string {
  const row = (name: string, m: Metrics) => `| ${name.padEnd(34)} | ${m.precisionAt5.toFixed(3)}        | ${m.recallAt10.toFixed(3)}     |`
  return [
    `${evaluation.heldOut} memberships held out from ${evaluation.users} users (precision@5 can be at most ${evaluation.precisionAt5Ceiling.toFixed(3)})`,
    '',
    `| ${'method'.padEnd(34)} | precision@5  | recall@10 |`,
    `| ${'-'.repeat(34)} | ------------ | --------- |`,
    row('graph (weighted Adamic-Adar)', evaluation.graph),
    row('most popular', evaluation.popular),
    row('random (mean of 200 orders)', evaluation.random),
  ].join('\n')
}
