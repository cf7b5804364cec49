import type { LoaderFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect, defer } from '@remix-run/node';
import { rootAuthLoader } from '@clerk/remix/ssr.server';

export const plain: LoaderFunction = (args) => rootAuthLoader(args);
export const withOptions = (args: LoaderFunctionArgs) =>
  rootAuthLoader(args, { publishableKey: 'pk_test_x', secretKey: 'sk_test_x', authorizedParties: ['https://a.example'] });
export const misspeltOption = (args: LoaderFunctionArgs) => rootAuthLoader(args, { loadUsr: true });
export const wrongOptionType = (args: LoaderFunctionArgs) => rootAuthLoader(args, { isSatellite: 'yes' });
export const asyncCallback = (args: LoaderFunctionArgs) =>
  rootAuthLoader(args, async ({ request, params, context }) => {
    const { userId, getToken } = request.auth;
    const token: string | null = await getToken();
    if (!userId) return redirect('/sign-in');
    return { token, slug: params.slug, hasContext: context !== undefined };
  });
export const jsonCallback = (args: LoaderFunctionArgs) => rootAuthLoader(args, () => json({ a: 1 }));
export const deferCallback = (args: LoaderFunctionArgs) => rootAuthLoader(args, () => defer({ slow: Promise.resolve(1) }));
export const nullCallback = (args: LoaderFunctionArgs) => rootAuthLoader(args, () => null);
export const stringCallback = (args: LoaderFunctionArgs) => rootAuthLoader(args, () => 'nope');
export const arrayCallback = (args: LoaderFunctionArgs) => rootAuthLoader(args, () => [1, 2]);
export const noArgs = () => rootAuthLoader();
