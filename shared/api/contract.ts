import { z } from 'zod'
import { communityCreateSchema, communityUpdateSchema, communityViewSchema, memberParamsSchema, membershipSchema, roleChangeSchema, slugParamsSchema } from '../schemas/community'
import { pageOf, pageQuerySchema } from '../schemas/common'
import { groupCreateSchema, groupMemberAddSchema, groupMemberParamsSchema, groupParamsSchema, groupRenameSchema, groupSchema } from '../schemas/group'
import { handleParamsSchema, userSchema, userUpdateSchema } from '../schemas/user'
import { healthSchema } from '../schemas/health'

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
}

const route = <T extends RouteSpec>(spec: T) => spec
const memberAddSchema = z.object({ handle: handleParamsSchema.shape.handle }).strict()
const listQuery = pageQuerySchema.pick({ cursor: true, limit: true })

export const api = {
  health: route({ method: 'get', path: '/api/health', summary: 'Each port\'s implementation and whether it answers', tag: 'system', auth: false, response: healthSchema }),

  me: route({ method: 'get', path: '/api/me', summary: 'The signed-in user', tag: 'users', auth: true, response: userSchema }),
  listUsers: route({ method: 'get', path: '/api/users', summary: 'The user directory, or a search by name', tag: 'users', auth: false, query: pageQuerySchema, response: pageOf(userSchema) }),
  getUser: route({ method: 'get', path: '/api/users/{handle}', summary: 'A user\'s profile', tag: 'users', auth: false, params: handleParamsSchema, response: userSchema }),
  updateUser: route({ method: 'patch', path: '/api/users/{handle}', summary: 'Edit your own profile', tag: 'users', auth: true, params: handleParamsSchema, body: userUpdateSchema, response: userSchema }),

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
} satisfies Record<string, RouteSpec>

export type Api = typeof api
/** The body a route answers with, for typed pages. */
export type ResponseOf<K extends keyof Api> = Api[K]['response'] extends z.ZodType ? z.output<Api[K]['response']> : null
