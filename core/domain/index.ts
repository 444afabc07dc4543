import type { Ports } from '../ports'
import { CommunityService } from './communities'
import { GroupService } from './groups'
import { UserService } from './users'

export type { Actor } from './actor'
export { DomainError } from './errors'

/** The domain services wired to one set of ports. */
export function createDomain(ports: Ports) {
  const users = new UserService(ports)
  const groups = new GroupService(ports, users)
  const communities = new CommunityService(ports, users)
  return {
    ports,
    users,
    groups,
    communities,
    async setup() {
      await Promise.all([users.setup(), groups.setup(), communities.setup()])
    },
  }
}
export type Domain = ReturnType<typeof createDomain>
