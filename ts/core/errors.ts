/**
 * The error messages of `@clerk/remix` (4.13.49, `dist/utils/errors.js`), byte for byte, and those of the
 * early-2022 beta (`0.1.0-alpha.2` … `0.3.x`) under a `beta` prefix.
 *
 * Every message is a plain string; callers throw `new Error(message)` (Clerk's errors carry no `code`).
 */

/** Clerk's message template: `🔒 Clerk: <msg.trim()>`, a blank line, docs and discord links, two trailing newlines. */
const messageTemplate =
  (docs: string, discord: string) =>
  (msg: string): string =>
    `\u{1F512} Clerk: ${msg.trim()}\n\nFor more info, check out the docs: ${docs},\nor come say hi in our discord server: ${discord}\n\n`;

/** The 4.x template. */
export const createErrorMessage = messageTemplate('https://clerk.com/docs', 'https://clerk.com/discord');

/** The 2022 beta template: the same, with the old docs and discord links. */
const createBetaErrorMessage = messageTemplate('https://docs.clerk.dev', 'https://rebrand.ly/clerk-discord');

const ssrExample = `Use 'rootAuthLoader' as your root loader. Then, simply wrap the App component with ClerkApp and make it the default export.
Example:

import { ClerkApp } from '@clerk/remix';
import { rootAuthLoader } from '@clerk/remix/ssr.server';

export const loader: LoaderFunction = args => rootAuthLoader(args)

function App() {
  return (
    <html lang='en'>
      ...
    </html>
  );
}

export default ClerkApp(App, { publishableKey: '...' });
`;

/** Client side: `<ClerkProvider clerkState>` got an object without `__internal_clerk_state`. */
export const invalidClerkStatePropError = createErrorMessage(`
You're trying to pass an invalid object in "<ClerkProvider clerkState={...}>".

${ssrExample}
`);

/** Client side: `<ClerkProvider>` got no `clerkState`. */
export const noClerkStateError = createErrorMessage(`
Looks like you didn't pass 'clerkState' to "<ClerkProvider clerkState={...}>".

${ssrExample}
`);

/** `getAuth(args)` called without the loader args object, or with one lacking `request` or `context`. */
export const noLoaderArgsPassedInGetAuth = createErrorMessage(`
You're calling 'getAuth()' from a loader, without providing the loader args object.
Example:

export const loader: LoaderFunction = async (args) => {
  const { sessionId } = await getAuth(args);
  ...
};
`);

/** The `rootAuthLoader` callback returned a primitive, an array or `undefined`. */
export const invalidRootLoaderCallbackReturn = createErrorMessage(`
You're returning an invalid response from the 'rootAuthLoader' called from the loader in root.tsx.
You can only return plain objects, responses created using the Remix 'json()' and 'redirect()' helpers,
custom redirect 'Response' instances (status codes in the range of 300 to 400),
or custom json 'Response' instances (containing a body that is a valid json string).
If you want to return a primitive value or an array, you can always wrap the response with an object.

Example:

export const loader: LoaderFunction = args => rootAuthLoader(args, ({ auth }) => {
    const { userId } = auth;
    const posts: Post[] = database.getPostsByUserId(userId);

    return json({ data: posts })
    // or
    return new Response(JSON.stringify({ data: posts }), { headers: { 'Content-Type': 'application/json' } });
    // or
    return { data: posts };
})
`);

/** No secret key in the options or the environment. The stray `');` after `api.` is part of Clerk's text. */
export const noSecretKeyError = createErrorMessage(`
A secretKey must be provided in order to use SSR and the exports from @clerk/remix/api.');
If your runtime supports environment variables, you can add a CLERK_SECRET_KEY variable to your config.
Otherwise, you can pass a secretKey parameter to rootAuthLoader or getAuth.
`);

/** A satellite application with neither `proxyUrl` nor `domain`. */
export const satelliteAndMissingProxyUrlAndDomain = createErrorMessage(
  `Missing domain and proxyUrl. A satellite application needs to specify a domain or a proxyUrl`,
);

/** A satellite application on a development secret key whose `signInUrl` is not an absolute http(s) URL. */
export const satelliteAndMissingSignInUrl = createErrorMessage(`
Invalid signInUrl. A satellite application requires a signInUrl for development instances.
Check if signInUrl is missing from your configuration or if it is not an absolute URL.`);

/** Client side: `ClerkApp` in Remix SPA mode without a `publishableKey` option. */
export const publishableKeyMissingErrorInSpaMode = createErrorMessage(`
You're trying to use Clerk in Remix SPA Mode without providing a Publishable Key.
Please provide the publishableKey option on the ClerkApp component.

Example:

export default ClerkApp(App, {
  publishableKey: 'pk_test_XXX'
});
`);

// ---------------------------------------------------------------------------------------------------------------
// 2022 beta. Server-side messages only; the beta client messages (whose example differs between
// releases) are not reproduced.

/** Beta `getAuth()` called with nothing (alpha.2–5 accepted a bare `Request` or the loader args). */
export const betaNoRequestPassedInGetAuth = createBetaErrorMessage(`
You're calling 'getAuth()' from a loader, without providing the 'request' object.
Example:

export const loader: LoaderFunction = async ({request}) => {
  const { sessionId } = await getAuth(request);
  ...
};
`);

/** Beta `rootAuthLoader` callback returned a non-redirect `Response` (alpha.2+). */
export const betaInvalidRootLoaderCallbackResponseReturn = createBetaErrorMessage(`
You're returning an invalid 'Response' object from the 'rootAuthLoader' in root.tsx.
You can return numbers, strings, objects, booleans, and redirect 'Response' objects (status codes in the range of 300 to 400)
`);

/** Beta `rootAuthLoader` callback returned something other than a plain object (alpha.2+). */
export const betaInvalidRootLoaderCallbackReturn = createBetaErrorMessage(`
You're returning an invalid value from 'rootAuthLoader' in root.tsx.
You can only return plain objects or redirect 'Response' objects (status codes in the range of 300 to 400).
If you want to return a primitive value or an array, wrap the response with an object.
Example:

export const loader: LoaderFunction = args => rootAuthLoader(args, ({ auth }) => {
    const { userId } = auth;
    const posts: Post[] = database.getPostsByUserId(userId);
    return { data: posts };
})
`);

/** Beta 0.3.x: no frontend API (`CLERK_FRONTEND_API` / `frontendApi` option). */
export const betaNoFrontendApiError = createBetaErrorMessage(`
The CLERK_FRONTEND_API environment variable must be set before using Clerk.
During development, grab the Frontend Api value from the Clerk Dashboard, create an .env file and set the CLERK_FRONTEND_API key.
For production apps, please consult the Remix documentation on environment variables.
`);
