import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers, parseRawPattern } from 'obscenity'

/** Why content analysis flagged a text: the rule, and the word that tripped it (as listed, not as written). */
export interface AnalysisReason {
  rule: 'profanity' | 'word_list'
  word: string
}

const profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers })

/** A community word list entry as the pattern parser takes it: letters, digits and single spaces. */
export const normaliseListedWord = (word: string) => word.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()

/**
 * Leetspeak decoding reads 455 as "ass" and 717 as "tit": a match written without a single
 * letter is a number, not a word in disguise.
 */
const hasLetter = (text: string, match: { startIndex: number, endIndex: number }) => /\p{L}/u.test(text.slice(match.startIndex, match.endIndex + 1))

// Word lists change rarely and are shared by every post of a community: keep a few matchers built.
const MAX_CACHED_LISTS = 50
const listMatchers = new Map<string, { matcher: RegExpMatcher, dataset: DataSet<{ originalWord: string }> }>()

function listMatcher(words: string[]) {
  const key = words.join('\n')
  const cached = listMatchers.get(key)
  if (cached) return cached
  const dataset = new DataSet<{ originalWord: string }>()
  // Whole words, so "ass" listed does not flag "class"; the transformers still undo l33t, c0nfusables and repeated letters.
  for (const word of words) dataset.addPhrase(phrase => phrase.setMetadata({ originalWord: word }).addPattern(parseRawPattern(`|${word}|`)))
  const built = { matcher: new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers }), dataset }
  if (listMatchers.size >= MAX_CACHED_LISTS) listMatchers.delete(listMatchers.keys().next().value!)
  listMatchers.set(key, built)
  return built
}

/**
 * Finds abuse in a text: profanity of the English preset (with its obfuscated variants) and the
 * words of a community's own list. Pure: the same text and list give the same reasons, in order
 * of first appearance, each word once. Reused for chat messages.
 */
export function analyzeText(text: string, communityWordList: readonly string[] = []): AnalysisReason[] {
  const reasons: AnalysisReason[] = []
  const seen = new Set<string>()
  const add = (rule: AnalysisReason['rule'], word: string) => {
    if (seen.has(`${rule}:${word}`)) return
    seen.add(`${rule}:${word}`)
    reasons.push({ rule, word })
  }
  for (const match of profanity.getAllMatches(text, true)) {
    if (!hasLetter(text, match)) continue
    add('profanity', englishDataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord ?? 'profanity')
  }
  const words = [...new Set(communityWordList.map(normaliseListedWord).filter(Boolean))].sort()
  if (words.length) {
    const { matcher, dataset } = listMatcher(words)
    for (const match of matcher.getAllMatches(text, true)) if (hasLetter(text, match)) add('word_list', dataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord ?? 'listed word')
  }
  return reasons
}

/** A reason in words, for the moderators' queue. */
export const describeReason = (reason: AnalysisReason) => reason.rule === 'profanity' ? `profanity (${reason.word})` : `on the community's word list (${reason.word})`
