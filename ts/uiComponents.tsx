import {
  OrganizationProfile as ReactOrganizationProfile,
  SignIn as ReactSignIn,
  SignUp as ReactSignUp,
  UserProfile as ReactUserProfile,
} from '@clerk/clerk-react';
import { useRoutingProps } from '@clerk/clerk-react/internal';
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

export const SignIn = withRoutePath('SignIn', ReactSignIn);
export const SignUp = withRoutePath('SignUp', ReactSignUp);
export const UserProfile = Object.assign(withRoutePath('UserProfile', ReactUserProfile), {
  Page: ReactUserProfile.Page,
  Link: ReactUserProfile.Link,
});
export const OrganizationProfile = Object.assign(withRoutePath('OrganizationProfile', ReactOrganizationProfile), {
  Page: ReactOrganizationProfile.Page,
  Link: ReactOrganizationProfile.Link,
});
