import {
  OrganizationProfile as ReactOrganizationProfile,
  SignIn as ReactSignIn,
  SignUp as ReactSignUp,
  UserProfile as ReactUserProfile,
} from '@clerk/clerk-react';
import { useRoutingProps } from '@clerk/clerk-react/internal';
import type { SignInProps, SignUpProps } from '@clerk/shared/types';
import { useLocation, useParams } from '@remix-run/react';
import React from 'react';

/**
 * Clerk's path-routed components with the route's path filled in, as `@clerk/remix` does: mounted in a splat route
 * (`app/routes/sign-in.$.tsx`), `<SignIn />` routes under `/sign-in` without a `path` prop.
 */

/** The route's own path: the pathname without what the splat (`*`) matched, `/`-prefixed, no trailing slash. */
function usePathnameWithoutSplatRouteParams(): string {
  const params = useParams();
  const { pathname } = useLocation();
  const splat = params['*'] || '';
  const path = pathname.replace(splat, '').replace(/\/$/, '').replace(/^\//, '').trim();
  return `/${path}`;
}

/** `Component` with `path` defaulting to the route's own path (`useRoutingProps`, as `@clerk/remix` does). */
function withRoutePath<P>(name: string, Component: React.ComponentType<P>): (props: P) => React.JSX.Element {
  const Routed = (props: P): React.JSX.Element => {
    const path = usePathnameWithoutSplatRouteParams();
    return <Component {...useRoutingProps(name, props as any, { path })} />;
  };
  Routed.displayName = name;
  return Routed;
}

// Typed as Clerk types them (its component types, not the emitted types of the wrappers, which would name
// `@clerk/clerk-react`'s internal files).
export const SignIn: (props: SignInProps) => React.JSX.Element = withRoutePath('SignIn', ReactSignIn);
export const SignUp: (props: SignUpProps) => React.JSX.Element = withRoutePath('SignUp', ReactSignUp);
export const UserProfile: typeof ReactUserProfile = Object.assign(withRoutePath('UserProfile', ReactUserProfile), {
  Page: ReactUserProfile.Page,
  Link: ReactUserProfile.Link,
}) as unknown as typeof ReactUserProfile;
export const OrganizationProfile: typeof ReactOrganizationProfile = Object.assign(
  withRoutePath('OrganizationProfile', ReactOrganizationProfile),
  { Page: ReactOrganizationProfile.Page, Link: ReactOrganizationProfile.Link },
) as unknown as typeof ReactOrganizationProfile;
