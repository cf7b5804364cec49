import {
  OrganizationProfile,
  OrganizationSwitcher,
  Protect,
  RedirectToSignIn,
  SignIn,
  SignOutButton,
  SignUp,
  useClerk,
  useOrganization,
  useSession,
  UserProfile,
} from '@clerk/remix';

export function Pages() {
  const clerk = useClerk();
  const { organization } = useOrganization();
  const { session } = useSession();
  return (
    <div>
      <SignIn routing="path" path="/sign-in" signUpUrl="/sign-up" />
      <SignIn routing="hash" fallbackRedirectUrl="/dashboard" />
      <SignIn routng="path" />
      <SignUp signInUrl="/sign-in" />
      <UserProfile />
      <OrganizationProfile />
      <OrganizationSwitcher hidePersonal />
      <Protect role="org:admin" fallback={<p>no</p>}>
        <p>{organization?.name}</p>
      </Protect>
      <Protect permission="org:posts:publish">x</Protect>
      <SignOutButton redirectUrl="/" />
      <RedirectToSignIn />
      <button onClick={() => clerk.signOut({ redirectUrl: '/' })}>{session?.id}</button>
    </div>
  );
}

export function WrongProps() {
  return (
    <div>
      <UserProfile pth="/user" />
      <OrganizationProfile routing="nope" />
      <SignUp unsafeMetadataz={{}} />
    </div>
  );
}
