import { useRouteLoaderData } from '@remix-run/react';

/** What the pages show of the signed-in user: a few fields of Clerk's user, not the whole object. */
export type Profile = {
  name: string | null;
  email: string | null;
  imageUrl: string | null;
};

/** The root loader's own data (next to `clerkState`). */
export type RootData = {
  localIssuer: boolean;
  user: Profile | null;
};

/** The fields of Clerk's user (`request.user` of a `rootAuthLoader` callback with `loadUser`) that `profileOf` reads. */
export type UserFields = {
  firstName?: string | null;
  lastName?: string | null;
  imageUrl?: string | null;
  primaryEmailAddressId?: string | null;
  emailAddresses?: { id: string; emailAddress: string }[];
};

export function profileOf(user: UserFields | null | undefined): Profile | null {
  if (!user) return null;
  const emails = user.emailAddresses ?? [];
  const email = (emails.find((e) => e.id === user.primaryEmailAddressId) ?? emails[0])?.emailAddress ?? null;
  return { name: [user.firstName, user.lastName].filter(Boolean).join(' ') || null, email, imageUrl: user.imageUrl || null };
}

/** The root loader's data, from any route. */
export const useRootData = () => useRouteLoaderData('root') as RootData | undefined;
