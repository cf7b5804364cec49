import { Form, redirect, useSearchParams } from 'react-router';
import { SignIn } from 'clerk-remix-native/react-router';
import { getAuth } from 'clerk-remix-native/react-router/server';
import type { Route } from './+types/sign-in';
import { localIssuerEnabled, signInAsDemoUser } from '../local-issuer.server';

/** Only same-site paths: `/dashboard`, not `//evil.example` or `https://…`. */
function safePath(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : '/dashboard';
}

export const loader = async (args: Route.LoaderArgs) => {
  const { userId } = await getAuth(args);
  const target = safePath(args.url.searchParams.get('redirect_url'));
  if (userId) throw redirect(target);
  return { localIssuer: localIssuerEnabled() };
};

// With the local issuer: start a session for the demo user and set the cookies Clerk's browser script would set.
export const action = async ({ request }: Route.ActionArgs) => {
  if (!localIssuerEnabled()) throw new Response('Not found', { status: 404 });
  const form = await request.formData();
  const setCookies = await signInAsDemoUser(request);
  const headers = new Headers();
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
  return redirect(safePath(form.get('redirect_url')), { headers });
};

export default function SignInPage({ loaderData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  if (!loaderData.localIssuer) return <SignIn />;
  return (
    <>
      <h1>Sign in</h1>
      <p>
        This app runs against a local Clerk issuer (no Clerk account, no network). Signing in starts a session for the
        demo user at the issuer and sets the <code>__session</code> and <code>__client_uat</code> cookies.
      </p>
      <Form method="post" reloadDocument>
        <input type="hidden" name="redirect_url" value={params.get('redirect_url') ?? '/dashboard'} />
        <button type="submit" data-testid="demo-sign-in">
          Sign in as demo user
        </button>
      </Form>
    </>
  );
}
