import type { ModerationState } from '../../shared/schemas/post'

/** What a post and each of its versions both hold. */
interface PostContent {
  communityId: string
  authorId: string
  parentId: string | null
  rootId: string
  kind: 'post' | 'reply'
  title: string
  body: string
  tags: string[]
  deleted: boolean
}

/** How posts, replies and their versions are stored. */
export interface PostDoc extends PostContent {
  _id: string
  createdAt: string
  updatedAt: string
  version: number
  replyCount: number
  reactionCounts: Record<string, number>
  shareCount: number
  /** Absent on posts stored before moderation existed: those are published. */
  moderation?: ModerationState
  /** True when only the author and the moderators may see it (pending, rejected, hidden): queried with `$ne: true`. */
  held?: boolean
  /** Media ids, in the order they were attached; absent on posts from before media. */
  attachments?: string[]
}

/** Whether a post in this standing is hidden from everyone but its author and the moderators. */
export const isHeld = (state: ModerationState | undefined) => state === 'pending' || state === 'rejected' || state === 'hidden'

/** What a `post.created` event carries. */
export interface PostCreatedData {
  id: string
  communityId: string
  authorId: string
  parentId: string | null
  rootId: string
  title: string
  body: string
  tags: string[]
  moderation?: 'pending'
  attachments?: string[]
}

/**
 * The post a `post.created` event makes, as its first version: the persister stores it and the
 * command answers with it at Kafka's ack, so both are the same document.
 */
export function postOfCreated(data: PostCreatedData, time: string): PostDoc {
  const moderation: ModerationState = data.moderation === 'pending' ? 'pending' : 'published'
  return {
    _id: data.id, communityId: data.communityId, authorId: data.authorId, parentId: data.parentId, rootId: data.rootId, kind: data.parentId ? 'reply' : 'post',
    title: data.title, body: data.body, tags: data.tags, deleted: false, createdAt: time, updatedAt: time, version: 1, replyCount: 0, reactionCounts: {}, shareCount: 0,
    moderation, held: isHeld(moderation), attachments: data.attachments ?? [],
  }
}

/** One immutable version: the post as created, or as an edit or delete left it. */
export interface PostVersionDoc extends PostContent {
  _id: string
  postId: string
  at: string
  editorId: string
  moderation?: ModerationState
  reason?: string
}

/** The search index of posts and replies, and its fields. */
export const POSTS_INDEX = 'posts'

export const POSTS_MAPPING = {
  title: 'text', body: 'text', tags: 'keyword', communityId: 'keyword', authorId: 'keyword', authorHandle: 'keyword',
  kind: 'keyword', rootId: 'keyword', visibility: 'keyword', createdAt: 'date',
} as const
