// `clerk-remix-native/react-router/ssr.server`: the deprecated alias of `/react-router/server`, as Clerk keeps one.
import { getAuth, rootAuthLoader } from './server.mjs';

// Once per process: this module is evaluated once.
console.warn(
  'clerk-remix-native: `clerk-remix-native/react-router/ssr.server` is deprecated, as `@clerk/react-router/ssr.server` is. ' +
    'Import `getAuth`, `rootAuthLoader` and `clerkMiddleware` from `clerk-remix-native/react-router/server`.',
);

export type {
  AllowlistIdentifier,
  Client,
  EmailAddress,
  ExternalAccount,
  Invitation,
  OauthAccessToken,
  Organization,
  OrganizationDomain,
  OrganizationInvitation,
  OrganizationMembership,
  OrganizationMembershipPublicUserData,
  OrganizationMembershipRole,
  PhoneNumber,
  SMSMessage,
  Session,
  SignInToken,
  Token,
  User,
  WebhookEvent,
  WebhookEventType,
} from '@clerk/react-router/ssr.server';
export { getAuth, rootAuthLoader };
