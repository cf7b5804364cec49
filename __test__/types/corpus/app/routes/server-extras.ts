import type { Organization, Session, User, WebhookEvent } from '@clerk/remix/ssr.server';
import { createClerkClient } from '@clerk/remix/api.server';
import { EmailLinkErrorCode, isClerkAPIResponseError, isKnownError } from '@clerk/remix/errors';
import type { Unknown } from '@clerk/remix/ssr.server';

export function describe(user: User, org: Organization, session: Session): string {
  return `${user.firstName} ${org.slug} ${session.status} ${user.primaryEmailAddressId}`;
}

export function eventType(event: WebhookEvent): string {
  return event.type;
}

export async function backend(secretKey: string) {
  const clerk = createClerkClient({ secretKey });
  const user = await clerk.users.getUser('user_1');
  const nope = clerk.users.getUserz;
  try {
    await clerk.organizations.getOrganization({ organizationId: 'org_1' });
  } catch (err) {
    if (isClerkAPIResponseError(err)) return err.errors[0]?.code ?? err.status;
    if (isKnownError(err)) return 'known';
  }
  return `${user.id} ${String(nope)} ${EmailLinkErrorCode.Expired}`;
}
