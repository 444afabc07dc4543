import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closePorts, createPorts } from '../../adapters/factory'

// The embedded twins must keep what they hold when the app restarts.
describe('embedded ports keep their data across a restart', () => {
  it('finds documents, messages, offsets, cache entries, search entries, objects and jobs again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'c18n-restart-'))
    const before = await createPorts({ dataDir })
    await before.store.collection('notes').insertOne({ _id: 'n1', text: 'kept' } as { _id: string })
    await before.bus.ensureTopics([{ name: 'restart.topic', partitions: 1 }])
    await before.bus.publish('restart.topic', [{ key: 'k', value: 'first' }, { key: 'k', value: 'second' }])
    const firstRun: string[] = []
    const sub = await before.bus.subscribe({ groupId: 'g', topics: ['restart.topic'], fromBeginning: true }, async (m) => {
      firstRun.push(m.value)
      if (m.value === 'second') throw new Error('stop before committing the second message')
    })
    await expect.poll(() => firstRun.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2)
    await sub.stop()
    await before.cache.set('greeting', 'hello')
    await before.cache.zAdd('board', 3, 'ada')
    await before.search.ensureIndex('notes', { text: 'text' })
    await before.search.put('notes', 'n1', { text: 'persistent words' })
    await before.objects.put('a/b.txt', new TextEncoder().encode('bytes'), 'text/plain')
    await before.jobs.add('later', 'job', { n: 1 }, { jobId: 'j1' })
    await closePorts(before)

    const after = await createPorts({ dataDir })
    expect(await after.store.collection('notes').findOne({ _id: 'n1' })).toEqual({ _id: 'n1', text: 'kept' })
    const secondRun: string[] = []
    const sub2 = await after.bus.subscribe({ groupId: 'g', topics: ['restart.topic'], fromBeginning: true }, async (m) => { secondRun.push(m.value) })
    await expect.poll(() => secondRun, { timeout: 5000 }).toEqual(['second'])
    await sub2.stop()
    expect(await after.cache.get('greeting')).toBe('hello')
    expect(await after.cache.zRevRangeWithScores('board', 0, -1)).toEqual([{ member: 'ada', score: 3 }])
    expect((await after.search.search('notes', { text: 'persistent' })).hits.map(h => h.id)).toEqual(['n1'])
    expect(new TextDecoder().decode((await after.objects.get('a/b.txt'))!.body)).toBe('bytes')
    expect((await after.jobs.counts('later')).waiting).toBe(1)
    await closePorts(after)
  })
})
