/** How dismissed suggestions are stored: the persister writes them, the domain reads them. */
export const dismissalsCollection = 'suggestion_dismissals'
export const dismissalId = (userId: string, kind: string, targetId: string) => `${userId}:${kind}:${targetId}`
