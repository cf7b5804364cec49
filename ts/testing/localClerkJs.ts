/**
 * A small stand-in for Clerk's browser script (clerk-js) that the local issuer serves, so that an app running
 * against `createLocalIssuer()` loads nothing from the network and its browser console stays free of Clerk load
 * errors.
 *
 * It is what `@clerk/clerk-react` needs from `window.Clerk` and no more: `load()`, `loaded`, `addListener()`, the
 * `client` / `session` / `user` / `organization` of the signed-in browser (read from the `__session` cookie the
 * server set), `session.getToken()`, a token refresh shortly before the session token expires (as clerk-js does,
 * through the issuer's `POST /v1/client/sessions/{sid}/tokens`), `signOut()` (ends the session at the issuer, clears
 * the cookies, navigates), the redirect helpers, and mount functions that render a short note instead of Clerk's UI
 * components (`<SignIn/>` needs the real clerk-js and a real instance).
 */
export function localClerkJsSource(frontendApiUrl: string): string {
  return `/* clerk-remix-native: local stand-in for clerk-js (createLocalIssuer). Not Clerk's code. */
(function () {
  'use strict';
  if (window.Clerk && window.Clerk.__clerkRemixNativeLocal) return;
  var FRONTEND_API = ${JSON.stringify(frontendApiUrl.replace(/\/+$/, ''))};
  var listeners = [];
  var options = {};
  var refreshing = null;

  function cookiePairs() {
    return document.cookie ? document.cookie.split(/;\\s*/) : [];
  }
  function readCookie(name) {
    var parts = cookiePairs();
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (eq > 0 && parts[i].slice(0, eq) === name) {
        try { return decodeURIComponent(parts[i].slice(eq + 1)); } catch (e) { return parts[i].slice(eq + 1); }
      }
    }
    return undefined;
  }
  function cookieNames() {
    return cookiePairs().map(function (p) { return p.split('=')[0]; });
  }
  function writeCookie(name, value, maxAge) {
    document.cookie = name + '=' + value + '; Path=/; SameSite=Lax' +
      (maxAge === undefined ? '' : '; Max-Age=' + maxAge) + (location.protocol === 'https:' ? '; Secure' : '');
  }
  function decodeClaims(token) {
    try {
      var p = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      while (p.length % 4) p += '=';
      var bin = atob(p), bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var claims = JSON.parse(new TextDecoder().decode(bytes));
      return claims && typeof claims === 'object' ? claims : null;
    } catch (e) {
      return null;
    }
  }

  var signedOut = { client: { sessions: [], signedInSessions: [], activeSessions: [], lastActiveSessionId: null }, session: null, user: null, organization: null };

  function stateOf(token) {
    var uat = readCookie('__client_uat');
    var claims = token ? decodeClaims(token) : null;
    if (!claims || typeof claims.sid !== 'string' || typeof claims.sub !== 'string' || !uat || uat === '0') return signedOut;
    var o = claims.o && typeof claims.o === 'object' ? claims.o : null;
    var orgId = (o && o.id) || claims.org_id || null;
    var orgSlug = (o && o.slg) || claims.org_slug || null;
    var orgRole = o && o.rol ? 'org:' + o.rol : (claims.org_role || null);
    var orgPermissions = Array.isArray(claims.org_permissions) ? claims.org_permissions : [];
    var organization = orgId ? { object: 'organization', id: orgId, slug: orgSlug, name: orgSlug || orgId, imageUrl: '', hasImage: false, publicMetadata: {} } : null;
    var user = {
      object: 'user', id: claims.sub, externalId: null, username: null, firstName: null, lastName: null, fullName: null,
      imageUrl: '', hasImage: false, primaryEmailAddress: null, primaryEmailAddressId: null, emailAddresses: [],
      phoneNumbers: [], web3Wallets: [], externalAccounts: [], publicMetadata: {}, unsafeMetadata: {},
      organizationMemberships: organization ? [{ organization: organization, role: orgRole, permissions: orgPermissions }] : []
    };
    var session = {
      object: 'session', id: claims.sid, status: claims.sts || 'active', user: user, actor: claims.act || null,
      factorVerificationAge: Array.isArray(claims.fva) ? claims.fva : null, lastActiveOrganizationId: orgId,
      lastActiveToken: { jwt: { claims: claims }, getRawString: function () { return token; } },
      getToken: function () { return getToken(); },
      end: function () { return signOut(function () {}); },
      remove: function () { return signOut(function () {}); },
      touch: function () { return Promise.resolve(session); },
      checkAuthorization: function () { return false; }
    };
    return {
      client: { sessions: [session], signedInSessions: [session], activeSessions: [session], lastActiveSessionId: session.id },
      session: session, user: user, organization: organization
    };
  }

  function apply(state) {
    clerk.client = state.client;
    clerk.session = state.session;
    clerk.user = state.user;
    clerk.organization = state.organization;
    clerk.isSignedIn = !!state.session;
    var current = snapshot();
    listeners.slice().forEach(function (listener) { listener(current); });
  }
  /** What listeners get: the current client, session, user and organization. */
  function snapshot() {
    return { client: clerk.client, session: clerk.session, user: clerk.user, organization: clerk.organization };
  }

  function endpoint(sid, action) {
    return FRONTEND_API + '/v1/client/sessions/' + encodeURIComponent(sid) + '/' + action;
  }

  function refresh() {
    var token = readCookie('__session');
    var claims = token ? decodeClaims(token) : null;
    var uat = readCookie('__client_uat');
    if (!claims || typeof claims.sid !== 'string' || !uat || uat === '0') return Promise.resolve(null);
    if (!refreshing) {
      refreshing = fetch(endpoint(claims.sid, 'tokens'), { method: 'POST', headers: { authorization: 'Bearer ' + token } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (body) {
          if (!body || typeof body.jwt !== 'string') return null;
          writeCookie('__session', body.jwt);
          apply(stateOf(body.jwt));
          return body.jwt;
        })
        .catch(function () { return null; })
        .then(function (jwt) { refreshing = null; return jwt; });
    }
    return refreshing;
  }

  function expiresSoon(token) {
    var claims = token ? decodeClaims(token) : null;
    return !claims || typeof claims.exp !== 'number' || claims.exp - Date.now() / 1000 < 20;
  }

  function getToken() {
    var token = readCookie('__session');
    if (!clerk.session || !token) return Promise.resolve(null);
    return expiresSoon(token) ? refresh() : Promise.resolve(token);
  }

  function signOut(callbackOrOptions, maybeOptions) {
    var opts = (typeof callbackOrOptions === 'function' ? maybeOptions : callbackOrOptions) || {};
    var token = readCookie('__session');
    var claims = token ? decodeClaims(token) : null;
    var ended = claims && typeof claims.sid === 'string'
      ? fetch(endpoint(claims.sid, 'end'), { method: 'POST', headers: { authorization: 'Bearer ' + token } }).catch(function () {})
      : Promise.resolve();
    return ended.then(function () {
      cookieNames().forEach(function (name) {
        if (name === '__session' || name.indexOf('__session_') === 0) writeCookie(name, '', 0);
        if (name === '__client_uat' || name.indexOf('__client_uat_') === 0) writeCookie(name, '0', 315360000);
      });
      if (!readCookie('__client_uat')) writeCookie('__client_uat', '0', 315360000);
      apply(signedOut);
      if (typeof callbackOrOptions === 'function') return callbackOrOptions();
      window.location.assign(opts.redirectUrl || options.afterSignOutUrl || '/');
    });
  }

  function go(url) {
    if (typeof options.routerPush === 'function') return Promise.resolve(options.routerPush(url));
    window.location.assign(url);
    return Promise.resolve();
  }

  var NOTE = 'This Clerk component needs clerk-js and a real Clerk instance; with the local issuer, sign in through the app\\'s own form.';
  function mountNote(name) {
    return function (node) {
      if (!node) return;
      node.setAttribute('data-clerk-local-component', name);
      if (name === 'UserButton' && clerk.user) {
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = 'Sign out (' + clerk.user.id + ')';
        button.addEventListener('click', function () { signOut(); });
        node.replaceChildren(button);
      } else {
        var note = document.createElement('p');
        note.textContent = name + ': ' + NOTE;
        node.replaceChildren(note);
      }
    };
  }
  function unmount(node) { if (node) node.replaceChildren(); }

  var clerk = {
    __clerkRemixNativeLocal: true,
    version: '5.0.0-local',
    loaded: false,
    instanceType: 'production',
    frontendApi: FRONTEND_API.replace(/^https?:\\/\\//, ''),
    proxyUrl: FRONTEND_API,
    isSatellite: false,
    isStandardBrowser: true,
    client: signedOut.client, session: null, user: null, organization: null, isSignedIn: false,
    load: function (loadOptions) {
      options = loadOptions || {};
      // A resolved handshake leaves its nonce or token in the address; a reload must not replay it (clerk-js
      // cleans these too).
      var here = new URL(window.location.href);
      if (here.searchParams.has('__clerk_handshake') || here.searchParams.has('__clerk_handshake_nonce')) {
        here.searchParams.delete('__clerk_handshake');
        here.searchParams.delete('__clerk_handshake_nonce');
        window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
      }
      apply(stateOf(readCookie('__session')));
      clerk.loaded = true;
      setInterval(function () { if (clerk.session && expiresSoon(readCookie('__session'))) refresh(); }, 5000);
      return Promise.resolve();
    },
    addListener: function (listener) {
      listeners.push(listener);
      listener(snapshot());
      return function () { listeners = listeners.filter(function (l) { return l !== listener; }); };
    },
    __internal_getOption: function (key) { return options[key]; },
    __unstable__updateProps: function () {},
    signOut: signOut,
    setActive: function () { return Promise.resolve(); },
    navigate: go,
    buildSignInUrl: function () { return options.signInUrl || '/sign-in'; },
    buildSignUpUrl: function () { return options.signUpUrl || '/sign-up'; },
    buildAfterSignInUrl: function () { return options.signInFallbackRedirectUrl || options.afterSignInUrl || '/'; },
    buildAfterSignUpUrl: function () { return options.signUpFallbackRedirectUrl || options.afterSignUpUrl || '/'; },
    buildAfterSignOutUrl: function () { return options.afterSignOutUrl || '/'; },
    buildUserProfileUrl: function () { return '/'; },
    buildHomeUrl: function () { return '/'; },
    redirectToSignIn: function () { return go(clerk.buildSignInUrl()); },
    redirectToSignUp: function () { return go(clerk.buildSignUpUrl()); },
    redirectToAfterSignIn: function () { return go(clerk.buildAfterSignInUrl()); },
    redirectToAfterSignUp: function () { return go(clerk.buildAfterSignUpUrl()); },
    redirectToAfterSignOut: function () { return go(clerk.buildAfterSignOutUrl()); },
    redirectToUserProfile: function () { return go('/'); },
    redirectWithAuth: function (to) { return go(to); },
    handleRedirectCallback: function () { return Promise.resolve(); },
    handleEmailLinkVerification: function () { return Promise.resolve(); }
  };
  ['SignIn', 'SignUp', 'UserProfile', 'UserButton', 'UserAvatar', 'OrganizationProfile', 'CreateOrganization',
    'OrganizationSwitcher', 'OrganizationList', 'Waitlist', 'PricingTable', 'APIKeys', 'TaskChooseOrganization',
    'TaskResetPassword', 'TaskSetupMFA'].forEach(function (name) {
    clerk['mount' + name] = mountNote(name);
    clerk['unmount' + name] = unmount;
    clerk['open' + name] = function () {};
    clerk['close' + name] = function () {};
  });
  clerk.__internal_mountOAuthConsent = mountNote('OAuthConsent');
  clerk.__internal_unmountOAuthConsent = unmount;
  window.Clerk = clerk;
})();
`;
}
