// The root route of Clerk's early-2022 "Get started with Remix" guide, as the guide wrote it. Only the import lines
// differ: `remix` became `@remix-run/node` / `@remix-run/react` (Remix v2), and `@clerk/remix` became
// `clerk-remix-native`.
import type { LoaderFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Links, LiveReload, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import { rootAuthLoader } from "clerk-remix-native/ssr.server";
import { ConnectClerk } from "clerk-remix-native";

export const loader: LoaderFunction = (args) => {
  return rootAuthLoader(args, ({ params, request, context, auth }) => {
    if (!auth.userId) {
      return redirect("https://accounts.foo.bar.lcl.dev/sign-in");
    }
    return { yourData: "here" };
  });
};

function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
        {process.env.NODE_ENV === "development" && <LiveReload />}
      </body>
    </html>
  );
}

export default ConnectClerk(App, { frontendApi: "clerk.foo.bar.lcl.dev" });
