/**
 * The owner is the JWT subject (API Gateway's JWT authorizer has verified the token). OWNER_CLAIM picks another
 * claim; TENANT_CLAIM, when set, prefixes the tenant so two tenants' subjects never collide.
 */
export function ownerFromClaims(claims: Record<string, string | number | boolean | string[]> | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (!claims) return null;
  const subject = claims[env.OWNER_CLAIM || 'sub'];
  if (typeof subject !== 'string' || subject === '' || subject.length > 256) return null;
  if (!env.TENANT_CLAIM) return subject;
  const tenant = claims[env.TENANT_CLAIM];
  // A colon in the tenant would let "a:b" + "c" and "a" + "b:c" name the same owner.
  if (typeof tenant !== 'string' || tenant === '' || tenant.length > 128 || tenant.includes(':')) return null;
  return `${tenant}:${subject}`;
}
