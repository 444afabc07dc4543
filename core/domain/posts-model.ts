/** How posts, replies and their versions are stored. */
export interface PostDoc {
  _id: string
  communityId: string
  authorId: string
  parentId: string | null
  rootId: string
  kind: 'post' | 'reply'
  title: string
  body: string
  tags: string[]
  deleted: boolean
  createdAt: string
  updatedAt: string
  version: number
  replyCount: number
  reactionCounts: Record<string, number>
  shareCount: number
}

/** One immutable version: the post as created, or as an edit or delete left it. */
export interface PostVersionDoc {
  _id: string
  postId: string
  at: string
  communityId: string
  authorId: string
  parentId: string | null
  rootId: string
  kind: 'post' | 'reply'
  title: string
  body: string
  tags: string[]
  deleted: boolean
  editorId: string
}
