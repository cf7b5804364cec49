import type { LoaderFunctionArgs } from '@remix-run/node';
import { rootAuthLoader } from '@clerk/remix/ssr.server';

export const all = (args: LoaderFunctionArgs) =>
  rootAuthLoader(
    args,
    ({ request }) => {
      const email: string | undefined = request.user?.emailAddresses[0]?.emailAddress;
      const status: string | undefined = request.session?.status;
      const orgName: string | undefined = request.organization?.name;
      const meta = request.user?.publicMetadata;
      return { email, status, orgName, meta: JSON.stringify(meta) };
    },
    { loadUser: true, loadSession: true, loadOrganization: true },
  );

export const none = (args: LoaderFunctionArgs) =>
  rootAuthLoader(args, ({ request }) => {
    const user = request.user;
    const session = request.session;
    const organization = request.organization;
    return { user: String(user), session: String(session), organization: String(organization) };
  });

export const userOnly = (args: LoaderFunctionArgs) =>
  rootAuthLoader(
    args,
    ({ request }) => {
      const first: string | null | undefined = request.user?.firstName;
      const org = request.organization;
      const typo = request.user?.firstname;
      return { first, org: String(org), typo: String(typo) };
    },
    { loadUser: true },
  );
