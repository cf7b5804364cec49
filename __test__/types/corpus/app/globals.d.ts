// Clerk's global augmentations, as an app declares them.
export {};

declare global {
  interface CustomJwtSessionClaims {
    metadata: { plan?: 'free' | 'pro' };
  }
  interface ClerkAuthorization {
    permission: 'org:posts:edit' | 'org:posts:read';
    role: 'org:admin' | 'org:member';
  }
}
