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

type PropsOf<C> = C extends React.ComponentType<infer P> ? P : never;

export const SignIn = (props: PropsOf<typeof ReactSignIn>): React.JSX.Element => {
  const path = usePathnameWithoutSplatRouteParams();
  return <ReactSignIn {...useRoutingProps('SignIn', props as any, { path })} />;
};

export const SignUp = (props: PropsOf<typeof ReactSignUp>): React.JSX.Element => {
  const path = usePathnameWithoutSplatRouteParams();
  return <ReactSignUp {...useRoutingProps('SignUp', props as any, { path })} />;
};

export const UserProfile = Object.assign(
  (props: PropsOf<typeof ReactUserProfile>): React.JSX.Element => {
    const path = usePathnameWithoutSplatRouteParams();
    return <ReactUserProfile {...useRoutingProps('UserProfile', props as any, { path })} />;
  },
  { Page: ReactUserProfile.Page, Link: ReactUserProfile.Link },
);

export const OrganizationProfile = Object.assign(
  (props: PropsOf<typeof ReactOrganizationProfile>): React.JSX.Element => {
    const path = usePathnameWithoutSplatRouteParams();
    return <ReactOrganizationProfile {...useRoutingProps('OrganizationProfile', props as any, { path })} />;
  },
  { Page: ReactOrganizationProfile.Page, Link: ReactOrganizationProfile.Link },
);
