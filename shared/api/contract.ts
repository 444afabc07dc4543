import { z } from 'zod'
import { auditEntrySchema } from '../schemas/audit'
import { communityCreateSchema, communityUpdateSchema, communityViewSchema, memberParamsSchema, membershipSchema, roleChangeSchema, slugParamsSchema } from '../schemas/community'
import { pageOf, pageQuerySchema } from '../schemas/common'
import { groupCreateSchema, groupMemberAddSchema, groupMemberParamsSchema, groupParamsSchema, groupRenameSchema, groupSchema } from '../schemas/group'
import { handleParamsSchema, passwordChangeSchema, siteBanSchema, userSchema, userUpdateSchema } from '../schemas/user'
import { healthSchema } from '../schemas/health'
import { batchRunRequestSchema, batchRunSchema, batchRunsSchema, cohortQuerySchema, cohortsSchema, liveSchema, scopeQuerySchema, seriesQuerySchema, seriesSchema, topQuerySchema, topSchema } from '../schemas/analytics'
import { markReadSchema, muteSchema, notificationSchema, unreadCountSchema } from '../schemas/notification'
import { banCreateSchema, banEntrySchema, banLiftSchema, banSchema, decisionReasonSchema, moderationSettingsSchema, moderationSettingsUpdateSchema, optionalNoteSchema, queueItemSchema, reportCreateSchema } from '../schemas/moderation'
import { directStartSchema, messageEditSchema, messageParamsSchema, messageReactSchema, messageReactionParamsSchema, messageSchema, messageSearchHitSchema, messageSearchQuerySchema, messageSendSchema, roomParamsSchema, roomSchema } from '../schemas/chat'
import { dismissSuggestionSchema, suggestionsQuerySchema, suggestionsSchema } from '../schemas/suggestion'
import { attachmentSchema, mediaParamsSchema, mediaUsageSchema, uploadRequestSchema, uploadTicketSchema } from '../schemas/media'
import { connectionEntrySchema, relationSchema } from '../schemas/connection'
import { postCreateSchema, postEditSchema, postParamsSchema, postSchema, postVersionSchema, reactionCreateSchema, reactionParamsSchema, replyCreateSchema, searchHitSchema, searchQuerySchema, shareCreateSchema, shareResultSchema } from '../schemas/post'

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete'

/** One REST route: the schemas its handler validates with and the OpenAPI document shows. */
export interface RouteSpec {
  method: HttpMethod
  path: string
  summary: string
  tag: string
  /** Whether a signed-in user is required. */
  auth: boolean
  params?: z.ZodType
  query?: z.ZodType
  body?: z.ZodType
  response: z.ZodType | null
  /** Success status when not 200. */
  status?: number
  /** A read that answers 403 to some signed-in users (writes always may). */
  mayForbid?: boolean
}

const route = <T extends RouteSpec>(spec: T) => spec
const memberAddSchema = z.object({ handle: handleParamsSchema.shape.handle }).strict()
const listQuery = pageQuerySchema.pick({ cursor: true, limit: true })

export const api = {
  health: route({ method: 'get', path: '/api/health', summary: 'Each port\'s implementation and whether it answers', tag: 'system', auth: false, response: healthSchema }),

  me: route({ method: 'get', path: '/api/me', summary: 'The signed-in user', tag: 'users', auth: true, response: userSchema }),
  signOutEverywhere: route({ method: 'post', path: '/api/me/sign-out-everywhere', summary: 'End every session you have, on every device, this one included (asked for with { confirm: true })', tag: 'users', auth: true, body: z.object({ confirm: z.literal(true) }).strict(), response: null, status: 204 }),
  changePassword: route({ method: 'post', path: '/api/me/password', summary: 'Change your local account\'s password; every session ends, this one included, and you sign in again with the new one', tag: 'users', auth: true, body: passwordChangeSchema, response: null, status: 204 }),
  siteBan: route({ method: 'post', path: '/api/users/{handle}/site-ban', summary: 'Ban a person from the whole site (site admins): every session ends and signing in is refused until lifted', tag: 'users', auth: true, params: handleParamsSchema, body: siteBanSchema, response: null, status: 204 }),
  liftSiteBan: route({ method: 'delete', path: '/api/users/{handle}/site-ban', summary: 'Lift a ban from the site (site admins)', tag: 'users', auth: true, params: handleParamsSchema, response: null, status: 204 }),
  listUsers: route({ method: 'get', path: '/api/users', summary: 'The user directory, or a search by name', tag: 'users', auth: false, query: pageQuerySchema, response: pageOf(userSchema) }),
  getUser: route({ method: 'get', path: '/api/users/{handle}', summary: 'A user\'s profile', tag: 'users', auth: false, params: handleParamsSchema, response: userSchema }),
  updateUser: route({ method: 'patch', path: '/api/users/{handle}', summary: 'Edit your own profile', tag: 'users', auth: true, params: handleParamsSchema, body: userUpdateSchema, response: userSchema }),

  relation: route({ method: 'get', path: '/api/users/{handle}/relation', summary: 'A person\'s follower and following counts, and how you stand to them', tag: 'connections', auth: false, params: handleParamsSchema, response: relationSchema }),
  followers: route({ method: 'get', path: '/api/users/{handle}/followers', summary: 'Who follows a person, newest first', tag: 'connections', auth: false, params: handleParamsSchema, query: listQuery, response: pageOf(connectionEntrySchema) }),
  following: route({ method: 'get', path: '/api/users/{handle}/following', summary: 'Whom a person follows, newest first', tag: 'connections', auth: false, params: handleParamsSchema, query: listQuery, response: pageOf(connectionEntrySchema) }),
  follow: route({ method: 'post', path: '/api/users/{handle}/follow', summary: 'Follow a person (not yourself, nobody you blocked or who blocked you; rate limited)', tag: 'connections', auth: true, params: handleParamsSchema, response: relationSchema }),
  unfollow: route({ method: 'delete', path: '/api/users/{handle}/follow', summary: 'Stop following a person', tag: 'connections', auth: true, params: handleParamsSchema, response: relationSchema }),
  block: route({ method: 'post', path: '/api/users/{handle}/block', summary: 'Block a person: no follows, messages or mentions between you, and neither sees the other\'s posts', tag: 'connections', auth: true, params: handleParamsSchema, response: relationSchema }),
  unblock: route({ method: 'delete', path: '/api/users/{handle}/block', summary: 'Lift a block', tag: 'connections', auth: true, params: handleParamsSchema, response: relationSchema }),
  mute: route({ method: 'post', path: '/api/users/{handle}/mute', summary: 'Mute a person: their posts leave your feeds, their doings your notifications', tag: 'connections', auth: true, params: handleParamsSchema, response: relationSchema }),
  unmute: route({ method: 'delete', path: '/api/users/{handle}/mute', summary: 'Lift a mute', tag: 'connections', auth: true, params: handleParamsSchema, response: relationSchema }),

  listGroups: route({ method: 'get', path: '/api/groups', summary: 'The groups you belong to', tag: 'groups', auth: true, query: listQuery, response: pageOf(groupSchema) }),
  createGroup: route({ method: 'post', path: '/api/groups', summary: 'Create a group you own', tag: 'groups', auth: true, body: groupCreateSchema, response: groupSchema, status: 201 }),
  getGroup: route({ method: 'get', path: '/api/groups/{id}', summary: 'A group you belong to', tag: 'groups', auth: true, params: groupParamsSchema, response: groupSchema }),
  renameGroup: route({ method: 'patch', path: '/api/groups/{id}', summary: 'Rename a group you own', tag: 'groups', auth: true, params: groupParamsSchema, body: groupRenameSchema, response: groupSchema }),
  deleteGroup: route({ method: 'delete', path: '/api/groups/{id}', summary: 'Delete a group you own', tag: 'groups', auth: true, params: groupParamsSchema, response: null, status: 204 }),
  addGroupMember: route({ method: 'post', path: '/api/groups/{id}/members', summary: 'Add a member to a group you own', tag: 'groups', auth: true, params: groupParamsSchema, body: groupMemberAddSchema, response: groupSchema }),
  removeGroupMember: route({ method: 'delete', path: '/api/groups/{id}/members/{userId}', summary: 'Remove a member, or leave when it is you', tag: 'groups', auth: true, params: groupMemberParamsSchema, response: groupSchema }),

  listCommunities: route({ method: 'get', path: '/api/communities', summary: 'Public communities, or a search by name', tag: 'communities', auth: false, query: pageQuerySchema, response: pageOf(communityViewSchema) }),
  myCommunities: route({ method: 'get', path: '/api/me/communities', summary: 'The communities you belong to', tag: 'communities', auth: true, query: listQuery, response: pageOf(communityViewSchema) }),
  createCommunity: route({ method: 'post', path: '/api/communities', summary: 'Create a community you own', tag: 'communities', auth: true, body: communityCreateSchema, response: communityViewSchema, status: 201 }),
  getCommunity: route({ method: 'get', path: '/api/communities/{slug}', summary: 'A community', tag: 'communities', auth: false, params: slugParamsSchema, response: communityViewSchema }),
  updateCommunity: route({ method: 'patch', path: '/api/communities/{slug}', summary: 'Edit a community (owner; moderators for name, description and topics)', tag: 'communities', auth: true, params: slugParamsSchema, body: communityUpdateSchema, response: communityViewSchema }),
  joinCommunity: route({ method: 'post', path: '/api/communities/{slug}/join', summary: 'Join a public community', tag: 'communities', auth: true, params: slugParamsSchema, response: communityViewSchema }),
  leaveCommunity: route({ method: 'post', path: '/api/communities/{slug}/leave', summary: 'Leave a community', tag: 'communities', auth: true, params: slugParamsSchema, response: null, status: 204 }),
  listMembers: route({ method: 'get', path: '/api/communities/{slug}/members', summary: 'A community\'s members', tag: 'communities', auth: false, params: slugParamsSchema, query: listQuery, response: pageOf(membershipSchema) }),
  addMember: route({ method: 'post', path: '/api/communities/{slug}/members', summary: 'Add a member (owner and moderators)', tag: 'communities', auth: true, params: slugParamsSchema, body: memberAddSchema, response: membershipSchema, status: 201 }),
  changeMemberRole: route({ method: 'patch', path: '/api/communities/{slug}/members/{userId}', summary: 'Make a member a moderator or back (owner only)', tag: 'communities', auth: true, params: memberParamsSchema, body: roleChangeSchema, response: membershipSchema }),
  removeMember: route({ method: 'delete', path: '/api/communities/{slug}/members/{userId}', summary: 'Remove a member', tag: 'communities', auth: true, params: memberParamsSchema, response: null, status: 204 }),
  communityAudit: route({ method: 'get', path: '/api/communities/{slug}/audit', summary: 'The community\'s audit log of moderator and admin actions, newest first (owners and site admins)', tag: 'communities', auth: true, params: slugParamsSchema, query: listQuery, response: pageOf(auditEntrySchema) }),
  muteCommunity: route({ method: 'post', path: '/api/communities/{slug}/mute', summary: 'Mute or unmute a community\'s new-post notifications', tag: 'communities', auth: true, params: slugParamsSchema, body: muteSchema, response: z.object({ muted: z.boolean() }) }),

  homeFeed: route({ method: 'get', path: '/api/me/feed', summary: 'Your home feed: posts of the communities you joined and the people you follow, newest first', tag: 'posts', auth: true, query: listQuery, response: pageOf(postSchema) }),
  feed: route({ method: 'get', path: '/api/communities/{slug}/posts', summary: 'A community\'s posts, newest first', tag: 'posts', auth: false, params: slugParamsSchema, query: listQuery, response: pageOf(postSchema) }),
  createPost: route({ method: 'post', path: '/api/communities/{slug}/posts', summary: 'Post in a community you belong to', tag: 'posts', auth: true, params: slugParamsSchema, body: postCreateSchema, response: postSchema, status: 201 }),
  getPost: route({ method: 'get', path: '/api/posts/{id}', summary: 'A post or reply', tag: 'posts', auth: false, params: postParamsSchema, response: postSchema }),
  thread: route({ method: 'get', path: '/api/posts/{id}/thread', summary: 'Every reply in the post\'s thread, oldest first', tag: 'posts', auth: false, params: postParamsSchema, response: z.object({ items: z.array(postSchema) }) }),
  reply: route({ method: 'post', path: '/api/posts/{id}/replies', summary: 'Reply to a post or to a reply', tag: 'posts', auth: true, params: postParamsSchema, body: replyCreateSchema, response: postSchema, status: 201 }),
  editPost: route({ method: 'patch', path: '/api/posts/{id}', summary: 'Edit your post: a new version, the old ones kept', tag: 'posts', auth: true, params: postParamsSchema, body: postEditSchema, response: postSchema }),
  deletePost: route({ method: 'delete', path: '/api/posts/{id}', summary: 'Delete a post (its author, or a moderator)', tag: 'posts', auth: true, params: postParamsSchema, response: null, status: 204 }),
  postHistory: route({ method: 'get', path: '/api/posts/{id}/history', summary: 'Every version of a post, oldest first', tag: 'posts', auth: false, params: postParamsSchema, response: z.object({ items: z.array(postVersionSchema) }) }),
  react: route({ method: 'post', path: '/api/posts/{id}/reactions', summary: 'React to a post (one of each kind per person)', tag: 'posts', auth: true, params: postParamsSchema, body: reactionCreateSchema, response: postSchema, status: 201 }),
  unreact: route({ method: 'delete', path: '/api/posts/{id}/reactions/{kind}', summary: 'Take your reaction back', tag: 'posts', auth: true, params: reactionParamsSchema, response: postSchema }),
  share: route({ method: 'post', path: '/api/posts/{id}/shares', summary: 'Share to a community, a group, or as a link', tag: 'posts', auth: true, params: postParamsSchema, body: shareCreateSchema, response: shareResultSchema, status: 201 }),
  requestUpload: route({ method: 'post', path: '/api/media/uploads', summary: 'A ticket to upload one image: where to PUT its bytes (a presigned S3 URL, or the app in embedded mode), within its size and lifetime', tag: 'media', auth: true, body: uploadRequestSchema, response: uploadTicketSchema, status: 201 }),
  myMedia: route({ method: 'get', path: '/api/me/media', summary: 'Your uploads with their sizes, and your quota', tag: 'media', auth: true, response: mediaUsageSchema }),
  confirmUpload: route({ method: 'post', path: '/api/media/{id}/confirm', summary: 'Say an upload is complete: its size is checked and the worker makes its renditions', tag: 'media', auth: true, params: mediaParamsSchema, response: attachmentSchema }),
  search: route({ method: 'get', path: '/api/search', summary: 'Full-text search of posts and replies, with filters and highlights', tag: 'search', auth: false, query: searchQuerySchema, response: z.object({ items: z.array(searchHitSchema), total: z.number().int(), nextCursor: z.string().nullable() }) }),

  moderationQueue: route({ method: 'get', path: '/api/communities/{slug}/moderation/queue', summary: 'Posts awaiting approval or flagged, oldest first (moderators)', tag: 'moderation', auth: true, params: slugParamsSchema, query: listQuery, response: pageOf(queueItemSchema) }),
  moderationSettings: route({ method: 'get', path: '/api/communities/{slug}/moderation/settings', summary: 'The community\'s word list, flag handling and reaction thresholds (moderators)', tag: 'moderation', auth: true, params: slugParamsSchema, response: moderationSettingsSchema }),
  updateModerationSettings: route({ method: 'patch', path: '/api/communities/{slug}/moderation/settings', summary: 'Change the moderation settings (moderators)', tag: 'moderation', auth: true, params: slugParamsSchema, body: moderationSettingsUpdateSchema, response: moderationSettingsSchema }),
  banMember: route({ method: 'post', path: '/api/communities/{slug}/bans', summary: 'Mute or ban someone from the community, for hours or for good (moderators)', tag: 'moderation', auth: true, params: slugParamsSchema, body: banCreateSchema, response: banSchema, status: 201 }),
  listBans: route({ method: 'get', path: '/api/communities/{slug}/bans', summary: 'The community\'s bans and mutes: on whom, by whom, why, until when, and whether in force (moderators)', tag: 'moderation', auth: true, params: slugParamsSchema, query: listQuery, response: pageOf(banEntrySchema) }),
  liftBan: route({ method: 'post', path: '/api/communities/{slug}/bans/{userId}/lift', summary: 'Lift a ban or mute before it ends, with an optional reason (moderators)', tag: 'moderation', auth: true, params: memberParamsSchema, body: banLiftSchema, response: null, status: 204 }),
  approvePost: route({ method: 'post', path: '/api/posts/{id}/approve', summary: 'Approve a post awaiting approval (moderators)', tag: 'moderation', auth: true, params: postParamsSchema, response: postSchema }),
  rejectPost: route({ method: 'post', path: '/api/posts/{id}/reject', summary: 'Reject a post awaiting approval, with a reason (moderators)', tag: 'moderation', auth: true, params: postParamsSchema, body: decisionReasonSchema, response: postSchema }),
  dismissFlag: route({ method: 'post', path: '/api/posts/{id}/dismiss', summary: 'Dismiss a flag: a hidden post is shown again (moderators)', tag: 'moderation', auth: true, params: postParamsSchema, body: optionalNoteSchema, response: postSchema }),
  removePost: route({ method: 'post', path: '/api/posts/{id}/remove', summary: 'Remove a post, with a reason (moderators)', tag: 'moderation', auth: true, params: postParamsSchema, body: decisionReasonSchema, response: null, status: 204 }),
  reportPost: route({ method: 'post', path: '/api/posts/{id}/reports', summary: 'Report a post to the moderators, with a reason', tag: 'moderation', auth: true, params: postParamsSchema, body: reportCreateSchema, response: null, status: 204 }),

  notifications: route({ method: 'get', path: '/api/notifications', summary: 'Your notifications, newest first', tag: 'notifications', auth: true, query: listQuery, response: pageOf(notificationSchema) }),
  unreadCount: route({ method: 'get', path: '/api/notifications/unread', summary: 'How many notifications you have not read', tag: 'notifications', auth: true, response: unreadCountSchema }),
  markRead: route({ method: 'post', path: '/api/notifications/read', summary: 'Mark notifications read', tag: 'notifications', auth: true, body: markReadSchema, response: unreadCountSchema }),

  listRooms: route({ method: 'get', path: '/api/rooms', summary: 'Your chat rooms and conversations, most recently active first, with unread counts', tag: 'chat', auth: true, response: z.object({ items: z.array(roomSchema) }) }),
  startDirect: route({ method: 'post', path: '/api/rooms/direct', summary: 'Start (or find) a direct conversation with up to seven people', tag: 'chat', auth: true, body: directStartSchema, response: roomSchema, status: 201 }),
  getRoom: route({ method: 'get', path: '/api/rooms/{roomId}', summary: 'A chat room you may read', tag: 'chat', auth: true, params: roomParamsSchema, response: roomSchema }),
  roomMessages: route({ method: 'get', path: '/api/rooms/{roomId}/messages', summary: 'A room\'s messages, newest first', tag: 'chat', auth: true, params: roomParamsSchema, query: listQuery, response: pageOf(messageSchema) }),
  sendMessage: route({ method: 'post', path: '/api/rooms/{roomId}/messages', summary: 'Send a message (or a reply in a thread)', tag: 'chat', auth: true, params: roomParamsSchema, body: messageSendSchema, response: messageSchema, status: 201 }),
  markRoomRead: route({ method: 'post', path: '/api/rooms/{roomId}/read', summary: 'Mark a room read up to now', tag: 'chat', auth: true, params: roomParamsSchema, response: roomSchema }),
  searchMessages: route({ method: 'get', path: '/api/messages/search', summary: 'Full-text search of the messages in your rooms', tag: 'chat', auth: true, query: messageSearchQuerySchema, response: z.object({ items: z.array(messageSearchHitSchema) }) }),
  editMessage: route({ method: 'patch', path: '/api/messages/{id}', summary: 'Edit your message (a new version)', tag: 'chat', auth: true, params: messageParamsSchema, body: messageEditSchema, response: messageSchema }),
  deleteMessage: route({ method: 'delete', path: '/api/messages/{id}', summary: 'Delete a message (its author, or a moderator)', tag: 'chat', auth: true, params: messageParamsSchema, response: null, status: 204 }),
  reactMessage: route({ method: 'post', path: '/api/messages/{id}/reactions', summary: 'React to a message', tag: 'chat', auth: true, params: messageParamsSchema, body: messageReactSchema, response: messageSchema, status: 201 }),
  unreactMessage: route({ method: 'delete', path: '/api/messages/{id}/reactions/{kind}', summary: 'Take your reaction to a message back', tag: 'chat', auth: true, params: messageReactionParamsSchema, response: messageSchema }),
  suggestions: route({ method: 'get', path: '/api/suggestions', summary: 'Communities to join and people you may know, each with the reason', tag: 'suggestions', auth: true, query: suggestionsQuerySchema, response: suggestionsSchema }),
  dismissSuggestion: route({ method: 'post', path: '/api/suggestions/dismiss', summary: 'Stop suggesting a community or a person', tag: 'suggestions', auth: true, body: dismissSuggestionSchema, response: null, status: 204 }),

  analyticsSeries: route({ method: 'get', path: '/api/analytics/series', summary: 'Activity and member growth over time (batch views merged with the speed layer); a community\'s members, or everyone for the site', tag: 'analytics', auth: true, query: seriesQuerySchema, response: seriesSchema, mayForbid: true }),
  analyticsTop: route({ method: 'get', path: '/api/analytics/top', summary: 'Top contributors (owners and admins) or the reaction mix over a time range', tag: 'analytics', auth: true, query: topQuerySchema, response: topSchema, mayForbid: true }),
  analyticsCohorts: route({ method: 'get', path: '/api/analytics/cohorts', summary: 'Retention: weekly cohorts of new members still active after 7 and 30 days (owners and admins)', tag: 'analytics', auth: true, query: cohortQuerySchema, response: cohortsSchema, mayForbid: true }),
  analyticsLive: route({ method: 'get', path: '/api/analytics/live', summary: 'The last hour minute by minute, who is online and what is trending now', tag: 'analytics', auth: true, query: scopeQuerySchema, response: liveSchema, mayForbid: true }),
  analyticsRuns: route({ method: 'get', path: '/api/analytics/runs', summary: 'The batch layer\'s runs with their cut-off and duration (site admins)', tag: 'analytics', auth: true, response: batchRunsSchema, mayForbid: true }),
  analyticsRunBatch: route({ method: 'post', path: '/api/analytics/runs', summary: 'Recompute the batch views now, up to a cut-off (site admins)', tag: 'analytics', auth: true, body: batchRunRequestSchema, response: batchRunSchema, status: 201 }),
} satisfies Record<string, RouteSpec>

export type Api = typeof api
/** The body a route answers with, for typed pages. */
export type ResponseOf<K extends keyof Api> = Api[K]['response'] extends z.ZodType ? z.output<Api[K]['response']> : null
